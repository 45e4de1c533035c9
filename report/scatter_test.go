package report

import (
	"bytes"
	"errors"
	"image/color"
	"image/png"
	"math"
	"path/filepath"
	"testing"
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
