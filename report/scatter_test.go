package report

import (
	"bytes"
	"errors"
	"image/color"
	"image/png"
	"math"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

func TestScatterFigurePNG(t *testing.T) {
	red := color.NRGBA{R: 255, A: 255}
	fig := &ScatterFigure{
		Rows: 1, Columns: 2, PanelSize: 200, PointRadius: 4,
		Panels: []ScatterPanel{
			{Title: "red\npoints", X: []float64{0, 1, 2}, Y: []float64{0, 1, 0}, Colors: []color.Color{red, red, red}},
			{Title: "grey", X: []float64{-1, 1}, Y: []float64{3, 4}, XMin: -2, XMax: 2, YMin: 0, YMax: 5},
		},
	}
	var buf bytes.Buffer
	if err := fig.WritePNG(&buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 400 || b.Dy() != 200 {
		t.Fatalf("image of %d×%d pixels, want 400×200", b.Dx(), b.Dy())
	}
	// Count pure red pixels in each half: the points of radius 4 pt fill
	// tens of pixels each in the left panel and none in the right one.
	var left, right int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r > 0xf000 && g < 0x1000 && bl < 0x1000 {
				if x < 200 {
					left++
				} else {
					right++
				}
			}
		}
	}
	if left < 60 || right != 0 {
		t.Errorf("red pixels: %d in the left panel (want ≥ 60), %d in the right one (want 0)", left, right)
	}
}

func TestScatterFigureErrors(t *testing.T) {
	cases := []struct {
		name string
		fig  ScatterFigure
		want error
	}{
		{"NaN", ScatterFigure{Rows: 1, Columns: 1, Panels: []ScatterPanel{{X: []float64{math.NaN()}, Y: []float64{0}}}}, ErrNotFinite},
		{"lengths differ", ScatterFigure{Rows: 1, Columns: 1, Panels: []ScatterPanel{{X: []float64{1, 2}, Y: []float64{0}}}}, nil},
		{"colours differ", ScatterFigure{Rows: 1, Columns: 1, Panels: []ScatterPanel{{X: []float64{1}, Y: []float64{0}, Colors: []color.Color{}}}}, nil},
		{"too many panels", ScatterFigure{Rows: 1, Columns: 1, Panels: make([]ScatterPanel, 2)}, nil},
		{"no cells", ScatterFigure{}, nil},
	}
	for _, c := range cases {
		err := c.fig.WritePNG(&bytes.Buffer{})
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want one wrapping %v", c.name, err, c.want)
		}
	}
}

func TestScatterFigureSavePNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "figure.png")
	fig := &ScatterFigure{Rows: 1, Columns: 1, Panels: []ScatterPanel{{X: []float64{0}, Y: []float64{0}}}}
	if err := fig.SavePNG(path); err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(path + ".tmp*")
	if len(matches) != 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}

func TestCyclicColor(t *testing.T) {
	cases := []struct {
		angle, brightness float64
		want              color.NRGBA
	}{
		// Hue 0 is red: value 0.9·255 = 230, the other channels
		// 0.9·(1 − 0.8)·255 = 46.
		{0, 0.9, color.NRGBA{R: 230, G: 46, B: 46, A: 255}},
		{2 * math.Pi, 0.9, color.NRGBA{R: 230, G: 46, B: 46, A: 255}},
		// Hue 1/3 is green, hue 2/3 blue; brightness is clamped to 1.
		{2 * math.Pi / 3, 2, color.NRGBA{R: 51, G: 255, B: 51, A: 255}},
		{-2 * math.Pi / 3, 1, color.NRGBA{R: 51, G: 51, B: 255, A: 255}},
		{1, 0, color.NRGBA{A: 255}},
	}
	for _, c := range cases {
		if got := CyclicColor(c.angle, c.brightness); got != c.want {
			t.Errorf("CyclicColor(%v, %v) = %v, want %v", c.angle, c.brightness, got, c.want)
		}
	}
}

func TestEqualAspect(t *testing.T) {
	ring := ScatterPanel{Title: "ring\nsecond line", XLabel: "x", YLabel: "y"}
	for i := range 64 {
		a := 2 * math.Pi * float64(i) / 64
		ring.X, ring.Y = append(ring.X, math.Cos(a)), append(ring.Y, math.Sin(a))
	}
	wide := ScatterPanel{X: []float64{0, 1}, Y: []float64{0, 1}, XMin: -4, XMax: 4, YMin: -1, YMax: 1}
	tall := ScatterPanel{Title: "tall", X: []float64{0}, Y: []float64{0}, XMin: 0, XMax: 1, YMin: 0, YMax: 3}
	// Points on the ends of the ranges make gonum widen the margin of the
	// data area by a glyph radius, so the margin changes as the area shrinks.
	edges := ScatterPanel{X: []float64{0, 2, 0, 2}, Y: []float64{0, 0, 1, 1}, XMin: 0, XMax: 2, YMin: 0, YMax: 1}
	cases := []struct {
		name          string
		panel         ScatterPanel
		width, height int // of the canvas, in pixels
	}{
		{"ring in a square cell", ring, 320, 320},
		{"ring in a wide cell", ring, 600, 300},
		{"wide ranges", wide, 320, 320},
		{"tall ranges", tall, 500, 300},
		{"points on the range ends", edges, 320, 320},
	}
	pixel := vg.Inch / figureDPI
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := c.panel.plot(vg.Length(DefaultPointRadius))
			if err != nil {
				t.Fatal(err)
			}
			img := vgimg.NewWith(vgimg.UseWH(vg.Length(c.width)*pixel, vg.Length(c.height)*pixel), vgimg.UseDPI(figureDPI))
			cell := draw.New(img)
			fitted := equalAspect(p, cell)

			data := p.DataCanvas(fitted)
			xUnit := (data.Max.X - data.Min.X) / vg.Length(p.X.Max-p.X.Min) / pixel
			yUnit := (data.Max.Y - data.Min.Y) / vg.Length(p.Y.Max-p.Y.Min) / pixel
			// A hundredth of a pixel per unit is far below what is visible
			// and far above the float64 rounding of the layout.
			if math.Abs(float64(xUnit-yUnit)) > 0.01 {
				t.Errorf("one x unit spans %.4f pixels and one y unit %.4f", xUnit, yUnit)
			}
			// The fitted canvas keeps the full cell along one side.
			full := cell.Rectangle.Size()
			if got := fitted.Rectangle.Size(); got.X < full.X && got.Y < full.Y {
				t.Errorf("fitted canvas %v shrinks both sides of the cell %v", got, full)
			}
		})
	}
}

func TestScatterRingIsRound(t *testing.T) {
	// A red ring of radius 1 in a panel with a two-line title, which makes
	// the cell's data area wider than tall before the aspect is fixed.
	red := color.NRGBA{R: 255, A: 255}
	panel := ScatterPanel{Title: "ring\nunder a two-line title"}
	for i := range 720 {
		a := 2 * math.Pi * float64(i) / 720
		panel.X, panel.Y = append(panel.X, math.Cos(a)), append(panel.Y, math.Sin(a))
		panel.Colors = append(panel.Colors, red)
	}
	fig := &ScatterFigure{Rows: 1, Columns: 1, Panels: []ScatterPanel{panel}}
	var buf bytes.Buffer
	if err := fig.WritePNG(&buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}

	xMin, xMax, yMin, yMax := math.MaxInt, -1, math.MaxInt, -1
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r > 0xf000 && g < 0x1000 && bl < 0x1000 {
				xMin, xMax = min(xMin, x), max(xMax, x)
				yMin, yMax = min(yMin, y), max(yMax, y)
			}
		}
	}
	if xMax < 0 {
		t.Fatal("no red pixels")
	}
	// The glyphs are antialiased, so each edge of the ring may gain or
	// lose a pixel of pure red.
	if w, h := xMax-xMin+1, yMax-yMin+1; w-h > 2 || h-w > 2 {
		t.Errorf("ring drawn %d pixels wide and %d tall", w, h)
	}
}
