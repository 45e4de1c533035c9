package report

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImageGridBounds(t *testing.T) {
	cases := []struct {
		name                    string
		rows, columns, h, w, ch int
		scale                   int
		labels                  []string
		want                    image.Point
	}{
		// Width: columns·(w·scale + 2) + 2; height: rows·(h·scale + 2) + 2.
		{"grey unscaled", 3, 4, 5, 6, 1, 0, nil, image.Pt(4*(6+2)+2, 3*(5+2)+2)},
		{"rgb scale 2", 2, 3, 4, 4, 3, 2, nil, image.Pt(3*(8+2)+2, 2*(8+2)+2)},
		// Labels add 2 + 7·(longest label) + 6 pixels on the left.
		{"labelled", 2, 2, 16, 16, 1, 1, []string{"a", "scale"}, image.Pt(2+5*7+6+2*(16+2)+2, 2*(16+2)+2)},
		// 64-pixel images at scale 2 make 128-pixel cells, which magnify
		// the label font twice: 2 + 2·(7·5 + 6) pixels on the left.
		{"labelled scale 2", 2, 2, 64, 64, 1, 2, []string{"a", "scale"}, image.Pt(2+2*(5*7+6)+2*(128+2)+2, 2*(128+2)+2)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewImageGrid(c.rows, c.columns, c.h, c.w, c.ch)
			g.Scale = c.scale
			g.RowLabels = c.labels
			if got := g.Bounds().Size(); got != c.want {
				t.Errorf("Bounds().Size() = %v, want %v", got, c.want)
			}
			if got := g.Image().Bounds().Size(); got != c.want {
				t.Errorf("Image().Bounds().Size() = %v, want %v", got, c.want)
			}
		})
	}
}

func TestImageGridPixels(t *testing.T) {
	const h, w = 3, 4
	g := NewImageGrid(2, 3, h, w, 3)
	g.Scale = 2
	cell := make([]float32, h*w*3)
	cell[0], cell[1], cell[2] = 1, 0.5, 0 // top-left pixel orange
	last := (h*w - 1) * 3
	cell[last], cell[last+1], cell[last+2] = 2, -1, 0.2 // clamped to 1 and 0
	if err := g.Set(1, 2, cell); err != nil {
		t.Fatal(err)
	}
	img := g.Image()

	// Cell (1, 2) starts after 2 gaps + 2 cells of 8 pixels across and
	// 1 cell of 6 pixels + 2 gaps down.
	x0, y0 := 2+2*(w*2+2), 2+(h*2+2)
	cases := []struct {
		name string
		x, y int
		want color.NRGBA
	}{
		{"top-left pixel", x0, y0, color.NRGBA{255, 128, 0, 255}},
		{"top-left pixel magnified", x0 + 1, y0 + 1, color.NRGBA{255, 128, 0, 255}},
		{"bottom-right pixel clamped", x0 + 2*w - 1, y0 + 2*h - 1, color.NRGBA{255, 0, 51, 255}},
		{"black pixel", x0 + 2, y0, color.NRGBA{0, 0, 0, 255}},
		{"gap left of the cell", x0 - 1, y0, gridBackground},
		{"unset cell", 2, 2, gridBackground},
	}
	for _, c := range cases {
		if got := img.NRGBAAt(c.x, c.y); got != c.want {
			t.Errorf("%s at (%d, %d) = %v, want %v", c.name, c.x, c.y, got, c.want)
		}
	}
}

func TestImageGridGrey(t *testing.T) {
	g := NewImageGrid(1, 1, 1, 2, 1)
	if err := g.Set(0, 0, []float32{0.2, 1}); err != nil {
		t.Fatal(err)
	}
	img := g.Image()
	if got, want := img.NRGBAAt(2, 2), (color.NRGBA{51, 51, 51, 255}); got != want {
		t.Errorf("grey 0.2 drawn as %v, want %v", got, want)
	}
	if got, want := img.NRGBAAt(3, 2), (color.NRGBA{255, 255, 255, 255}); got != want {
		t.Errorf("grey 1 drawn as %v, want %v", got, want)
	}
}

func TestImageGridLabels(t *testing.T) {
	g := NewImageGrid(2, 1, 20, 20, 1)
	g.RowLabels = []string{"shape", ""}
	img := g.Image()
	left := g.rowLabelWidth()
	count := func(y0, y1 int) int {
		n := 0
		for y := y0; y < y1; y++ {
			for x := range left {
				if img.NRGBAAt(x, y) == labelColor {
					n++
				}
			}
		}
		return n
	}
	if n := count(2, 22); n == 0 {
		t.Error("no label pixels beside the first row")
	}
	if n := count(24, 44); n != 0 {
		t.Errorf("%d label pixels beside the second row, whose label is empty", n)
	}
}

func TestImageGridSetRejectsNonFinite(t *testing.T) {
	g := NewImageGrid(1, 1, 1, 2, 1)
	for _, v := range []float32{float32(math.NaN()), float32(math.Inf(1))} {
		err := g.Set(0, 0, []float32{0, v})
		if !errors.Is(err, ErrNotFinite) {
			t.Errorf("Set with %v: error %v, want ErrNotFinite", v, err)
		}
		if err != nil && !strings.Contains(err.Error(), "value 1") {
			t.Errorf("error %q does not name the value's index", err)
		}
	}
}

func TestImageGridPanics(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"two channels", func() { NewImageGrid(1, 1, 2, 2, 2) }},
		{"zero rows", func() { NewImageGrid(0, 1, 2, 2, 1) }},
		{"cell outside", func() { _ = NewImageGrid(1, 1, 1, 1, 1).Set(1, 0, []float32{0}) }},
		{"short image", func() { _ = NewImageGrid(1, 1, 2, 2, 1).Set(0, 0, []float32{0}) }},
		{"label count", func() {
			g := NewImageGrid(2, 1, 1, 1, 1)
			g.RowLabels = []string{"only one"}
			g.Image()
		}},
		{"column label count", func() {
			g := NewImageGrid(1, 2, 1, 1, 1)
			g.ColumnLabels = []string{"only one"}
			g.Image()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			c.f()
		})
	}
}

func TestSavePNG(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "grid.png")
	g := NewImageGrid(2, 2, 4, 4, 3)
	if err := g.Set(0, 1, make([]float32, 4*4*3)); err != nil {
		t.Fatal(err)
	}
	if err := g.SavePNG(path); err != nil {
		t.Fatal(err)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	if got, want := img.Bounds(), g.Bounds(); got != want {
		t.Errorf("PNG bounds %v, want %v", got, want)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o644 {
		t.Errorf("file mode %v, want 0644", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only grid.png (no temporary file left)", len(entries))
	}
}

func TestSavePNGMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "grid.png")
	err := NewImageGrid(1, 1, 1, 1, 1).SavePNG(path)
	if err == nil {
		t.Fatal("SavePNG into a missing directory succeeded")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the path", err)
	}
}

func TestWritePNGRoundTrip(t *testing.T) {
	g := NewImageGrid(1, 2, 2, 2, 1)
	if err := g.Set(0, 0, []float32{0, 1, 1, 0}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := g.WritePNG(&buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	r, _, _, _ := img.At(3, 2).RGBA()
	if r != 0xffff {
		t.Errorf("pixel (3, 2) red = %#x, want 0xffff", r)
	}
}
