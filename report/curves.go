package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"slices"

	"github.com/gromov-monge/gmg/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Series is one curve of a figure: its name and its points, X[i] against
// Y[i].
type Series struct {
	Name string
	X, Y []float64
}

// Colours of the curves: the raw values light, their running mean dark.
var (
	rawColour  = color.NRGBA{R: 120, G: 160, B: 210, A: 255}
	meanColour = color.NRGBA{R: 20, G: 50, B: 120, A: 255}
)

// LossCurves draws one panel per series, stacked top to bottom with a shared
// x label, such as the loss terms of a training run against the step. Each
// panel shows the raw values and their centred running mean over about a
// twentieth of the points, which makes the trend of noisy minibatch losses
// visible. Terms of very different scales stay readable because every panel
// has its own y range. The range is logarithmic for positive values that
// span a factor of 20 or more with most values in the lowest tenth. Linear
// axes carry a labelled tick, with a gridline, at every multiple of a round
// step, and the x axis starts at 0 unless some x is negative.
type LossCurves struct {
	// Title is drawn above the first panel; empty draws none.
	Title string
	// XLabel names the x axis of the bottom panel, e.g. "step".
	XLabel string
	// Series are the curves, one panel each.
	Series []Series
}

// panelHeight and figureWidth size the figure in points (1/72 inch); the PNG
// is drawn at 96 dots per inch.
const (
	panelHeight = 1.6 * vg.Inch
	figureWidth = 7 * vg.Inch
)

// xIntervals and yIntervals are the maximum numbers of steps between
// labelled ticks across the x and y ranges of a linear axis. They keep tick
// labels in 8-point type apart on a panel of figureWidth × panelHeight.
const (
	xIntervals = 8
	yIntervals = 5
)

// WritePNG draws the figure and returns its PNG encoding. Non-finite points
// of a series are left out. It returns an error for no series, a series
// whose X and Y differ in length, or a series without finite points.
func (c LossCurves) WritePNG() ([]byte, error) {
	if len(c.Series) == 0 {
		return nil, fmt.Errorf("report: loss curves without series")
	}
	plots := make([][]*plot.Plot, len(c.Series))
	for i, s := range c.Series {
		p, err := c.panel(s, i == 0, i == len(c.Series)-1)
		if err != nil {
			return nil, err
		}
		plots[i] = []*plot.Plot{p}
	}

	height := panelHeight * vg.Length(len(c.Series))
	img := vgimg.NewWith(vgimg.UseWH(figureWidth, height), vgimg.UseDPI(96))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: len(c.Series), Cols: 1, PadTop: 2, PadBottom: 2, PadLeft: 2, PadRight: 8, PadY: 4}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		plots[i][0].Draw(canvases[i][0])
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// SavePNG writes the figure to path through a temporary file, so path never
// holds a partial image.
func (c LossCurves) SavePNG(path string) error {
	b, err := c.WritePNG()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// panel returns the plot of one series.
func (c LossCurves) panel(s Series, first, last bool) (*plot.Plot, error) {
	if len(s.X) != len(s.Y) {
		return nil, fmt.Errorf("report: series %q has %d x values and %d y values", s.Name, len(s.X), len(s.Y))
	}
	var raw plotter.XYs
	for i := range s.X {
		if isFinite(s.X[i]) && isFinite(s.Y[i]) {
			raw = append(raw, plotter.XY{X: s.X[i], Y: s.Y[i]})
		}
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("report: series %q has no finite points", s.Name)
	}

	p := plot.New()
	if first {
		p.Title.Text = c.Title
	}
	if last {
		p.X.Label.Text = c.XLabel
	}
	p.Y.Label.Text = s.Name
	p.Add(plotter.NewGrid())
	p.X.Tick.Marker = roundTicks{intervals: xIntervals}
	p.Y.Tick.Marker = roundTicks{intervals: yIntervals}
	if lo, hi := yRange(raw); lo > 0 && hi >= 20*lo && medianY(raw) < lo+0.1*(hi-lo) {
		// A loss that falls by orders of magnitude and then stays low would
		// hide its late progress at the bottom of a linear axis.
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}

	line, err := plotter.NewLine(raw)
	if err != nil {
		return nil, fmt.Errorf("report: series %q: %w", s.Name, err)
	}
	line.Color = rawColour
	p.Add(line)
	if len(raw) >= 20 {
		smooth, err := plotter.NewLine(runningMean(raw, len(raw)/40))
		if err != nil {
			return nil, fmt.Errorf("report: series %q: %w", s.Name, err)
		}
		smooth.Color = meanColour
		smooth.Width = vg.Points(1.5)
		p.Add(smooth)
	}
	if xMin, _ := xRange(raw); xMin >= 0 {
		// Steps and epochs count from 0, and an axis that starts there
		// shows how far into the run the first logged point lies.
		p.X.Min = 0
	}
	return p, nil
}

// runningMean returns the mean of each point's y over the points within
// half of its window either side, clipped at the ends.
func runningMean(xy plotter.XYs, half int) plotter.XYs {
	out := make(plotter.XYs, len(xy))
	for i := range xy {
		lo, hi := max(0, i-half), min(len(xy), i+half+1)
		s := 0.0
		for _, p := range xy[lo:hi] {
			s += p.Y
		}
		out[i] = plotter.XY{X: xy[i].X, Y: s / float64(hi-lo)}
	}
	return out
}

// medianY returns the median y.
func medianY(xy plotter.XYs) float64 {
	ys := make([]float64, len(xy))
	for i, p := range xy {
		ys[i] = p.Y
	}
	slices.Sort(ys)
	return ys[len(ys)/2]
}

// xRange returns the smallest and largest x.
func xRange(xy plotter.XYs) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range xy {
		lo, hi = min(lo, p.X), max(hi, p.X)
	}
	return lo, hi
}

// yRange returns the smallest and largest y.
func yRange(xy plotter.XYs) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range xy {
		lo, hi = min(lo, p.Y), max(hi, p.Y)
	}
	return lo, hi
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
