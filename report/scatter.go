package report

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"github.com/gromov-monge/gmg/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Defaults of ScatterFigure.
const (
	DefaultPanelSize   = 320 // pixels per side of a panel
	DefaultPointRadius = 1.6 // points (1/72 inch)
)

// figureDPI is the resolution of the PNG: one point is 96/72 pixels.
const figureDPI = 96

// DefaultPointColor is the colour of points of a panel without Colors.
var DefaultPointColor = color.NRGBA{R: 90, G: 90, B: 90, A: 255}

// ScatterPanel is one scatter plot of a ScatterFigure.
type ScatterPanel struct {
	// Title is drawn above the panel; it may have several lines separated by
	// "\n".
	Title string
	// XLabel and YLabel name the axes; empty labels are not drawn.
	XLabel, YLabel string
	// X and Y are the coordinates of the points; they must have equal
	// lengths and finite values.
	X, Y []float64
	// Colors, when not nil, holds one colour per point. Nil draws every point
	// in DefaultPointColor.
	Colors []color.Color
	// XMin, XMax, YMin and YMax fix the axis ranges when XMin < XMax and
	// YMin < YMax. Otherwise the panel shows a square region around the
	// points with a margin of 5%.
	XMin, XMax, YMin, YMax float64
	// FreeAspect lets the data area fill the panel, so a unit of x and a
	// unit of y may span different lengths. The zero value gives both the
	// same length, so a circle of points is drawn round. For that the data
	// area shrinks about its centre to the shape of the axis ranges.
	FreeAspect bool
}

// ScatterFigure is a grid of scatter plots saved as one PNG: Rows × Columns
// panels, filled row by row from Panels. The zero value of each size field
// means its default.
type ScatterFigure struct {
	Rows, Columns int
	// Panels are drawn row by row; cells past the end stay empty.
	Panels []ScatterPanel
	// PanelSize is the side of a panel in pixels. Zero means
	// DefaultPanelSize.
	PanelSize int
	// PointRadius is the radius of a point in points. Zero means
	// DefaultPointRadius.
	PointRadius float64
}

// WritePNG draws the figure and writes it to w as a PNG. It returns an error
// wrapping ErrNotFinite for a NaN or ±Inf coordinate, and an error naming the
// panel for mismatched lengths or more panels than cells.
func (f *ScatterFigure) WritePNG(w io.Writer) error {
	if f.Rows < 1 || f.Columns < 1 {
		return fmt.Errorf("report: scatter figure of %d×%d panels: both sizes must be at least 1", f.Rows, f.Columns)
	}
	if len(f.Panels) > f.Rows*f.Columns {
		return fmt.Errorf("report: %d scatter panels do not fit in %d×%d cells", len(f.Panels), f.Rows, f.Columns)
	}
	size := f.PanelSize
	if size == 0 {
		size = DefaultPanelSize
	}
	radius := f.PointRadius
	if radius == 0 {
		radius = DefaultPointRadius
	}
	if size < 32 || !(radius > 0) {
		return fmt.Errorf("report: panel size %d px and point radius %v pt: the size must be at least 32 and the radius positive", size, radius)
	}

	plots := make([][]*plot.Plot, f.Rows)
	for r := range plots {
		plots[r] = make([]*plot.Plot, f.Columns)
	}
	for i, panel := range f.Panels {
		p, err := panel.plot(vg.Length(radius))
		if err != nil {
			return fmt.Errorf("report: scatter panel %d (%q): %w", i, panel.Title, err)
		}
		plots[i/f.Columns][i%f.Columns] = p
	}

	pixel := vg.Inch / figureDPI
	img := vgimg.NewWith(
		vgimg.UseWH(vg.Length(size*f.Columns)*pixel, vg.Length(size*f.Rows)*pixel),
		vgimg.UseDPI(figureDPI),
		vgimg.UseBackgroundColor(color.White),
	)
	dc := draw.New(img)
	tiles := draw.Tiles{
		Rows: f.Rows, Cols: f.Columns,
		PadTop: 4 * pixel, PadBottom: 4 * pixel, PadLeft: 4 * pixel, PadRight: 8 * pixel,
		PadX: 14 * pixel, PadY: 14 * pixel,
	}
	canvases := plot.Align(plots, tiles, dc)
	for r := range plots {
		for c, p := range plots[r] {
			if p == nil {
				continue
			}
			canvas := canvases[r][c]
			if !f.Panels[r*f.Columns+c].FreeAspect {
				canvas = equalAspect(p, canvas)
			}
			p.Draw(canvas)
		}
	}
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}

// SavePNG writes the figure to path through a temporary file in the same
// directory, which it renames into place.
func (f *ScatterFigure) SavePNG(path string) error {
	if err := atomicfile.Write(path, f.WritePNG); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// plot returns the gonum plot of one panel.
func (sp *ScatterPanel) plot(radius vg.Length) (*plot.Plot, error) {
	if len(sp.X) != len(sp.Y) {
		return nil, fmt.Errorf("%d x coordinates and %d y coordinates", len(sp.X), len(sp.Y))
	}
	if sp.Colors != nil && len(sp.Colors) != len(sp.X) {
		return nil, fmt.Errorf("%d colours for %d points", len(sp.Colors), len(sp.X))
	}
	xys := make(plotter.XYs, len(sp.X))
	for i := range xys {
		x, y := sp.X[i], sp.Y[i]
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			return nil, fmt.Errorf("%w: point %d is (%v, %v)", ErrNotFinite, i, x, y)
		}
		xys[i] = plotter.XY{X: x, Y: y}
	}

	p := plot.New()
	p.Title.Text = sp.Title
	p.Title.TextStyle.Font.Size = font.Length(11)
	p.Title.Padding = 6
	p.X.Label.Text, p.Y.Label.Text = sp.XLabel, sp.YLabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font.Size = 9
		ax.Tick.Label.Font.Size = 8
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{Y: 225}
	grid.Horizontal.Color = color.Gray{Y: 225}
	p.Add(grid)

	if len(xys) > 0 {
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, err
		}
		s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
			c := color.Color(DefaultPointColor)
			if sp.Colors != nil {
				c = sp.Colors[i]
			}
			return draw.GlyphStyle{Color: c, Radius: radius, Shape: draw.CircleGlyph{}}
		}
		p.Add(s)
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = sp.ranges()
	return p, nil
}

// ranges returns the axis ranges: the fixed ones, or a square around the
// points.
func (sp *ScatterPanel) ranges() (xMin, xMax, yMin, yMax float64) {
	if sp.XMin < sp.XMax && sp.YMin < sp.YMax {
		return sp.XMin, sp.XMax, sp.YMin, sp.YMax
	}
	if len(sp.X) == 0 {
		return -1, 1, -1, 1
	}
	xMin, xMax = minMax(sp.X)
	yMin, yMax = minMax(sp.Y)
	half := 0.5 * max(xMax-xMin, yMax-yMin) * 1.05
	if half == 0 {
		half = 1
	}
	cx, cy := 0.5*(xMin+xMax), 0.5*(yMin+yMax)
	return cx - half, cx + half, cy - half, cy + half
}

// equalAspect returns the part of c, centred in it, in which p's data area
// has the shape of its axis ranges, so that a unit on the x axis and on the
// y axis span the same length.
func equalAspect(p *plot.Plot, c draw.Canvas) draw.Canvas {
	xSpan, ySpan := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min
	// The data area is c less the title, the axes and the margins gonum
	// adds for glyphs on the edges of the ranges. Those are fixed lengths,
	// so cutting the excess of the data area from c once gives it the
	// shape of the ranges.
	data := p.DataCanvas(c)
	width, height := data.Max.X-data.Min.X, data.Max.Y-data.Min.Y
	if width <= 0 || height <= 0 {
		return c
	}
	if excess := width - height*vg.Length(xSpan/ySpan); excess > 0 {
		c.Min.X += excess / 2
		c.Max.X -= excess / 2
	} else if excess := height - width*vg.Length(ySpan/xSpan); excess > 0 {
		c.Min.Y += excess / 2
		c.Max.Y -= excess / 2
	}
	return c
}

func minMax(v []float64) (lo, hi float64) {
	lo, hi = v[0], v[0]
	for _, x := range v[1:] {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// CyclicColor returns the colour of an angle in radians on a hue wheel: red
// at 0, then yellow, green, cyan, blue and magenta, back to red at 2π. Nearby
// angles get nearby colours, so a map that keeps the cyclic order of points
// keeps the wheel in order. brightness, clamped to [0, 1], is the HSV value:
// 1 is the brightest shade and 0 black.
func CyclicColor(angle, brightness float64) color.NRGBA {
	hue := math.Mod(angle/(2*math.Pi), 1)
	if hue < 0 {
		hue++
	}
	const saturation = 0.8
	value := min(max(brightness, 0), 1)
	h := hue * 6
	sector := math.Floor(h)
	frac := h - sector
	p := value * (1 - saturation)
	q := value * (1 - saturation*frac)
	t := value * (1 - saturation*(1-frac))
	var r, g, b float64
	switch int(sector) % 6 {
	case 0:
		r, g, b = value, t, p
	case 1:
		r, g, b = q, value, p
	case 2:
		r, g, b = p, value, t
	case 3:
		r, g, b = p, q, value
	case 4:
		r, g, b = t, p, value
	default:
		r, g, b = value, p, q
	}
	return color.NRGBA{R: uint8(math.Round(255 * r)), G: uint8(math.Round(255 * g)), B: uint8(math.Round(255 * b)), A: 255}
}
