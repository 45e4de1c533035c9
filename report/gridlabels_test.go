package report

import (
	"image"
	"image/color"
	"testing"
)

func TestImageGridLabelScale(t *testing.T) {
	cases := []struct {
		name                  string
		height, scale, labels int
		want                  int
	}{
		// One font magnification per 64 pixels of cell height, rounded.
		{"dsprites unscaled", 64, 0, 0, 1},
		{"dsprites scale 2", 64, 2, 0, 2},
		{"dsprites scale 3", 64, 3, 0, 3},
		{"96-pixel cells round up", 48, 2, 0, 2},
		{"95-pixel cells round down", 95, 1, 0, 1},
		{"small images", 8, 1, 0, 1},
		{"set by the caller", 64, 3, 1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewImageGrid(1, 1, c.height, c.height, 1)
			g.Scale, g.LabelScale = c.scale, c.labels
			if got := g.labelScale(); got != c.want {
				t.Errorf("labelScale() = %d, want %d", got, c.want)
			}
		})
	}
}

// labelBox returns the smallest rectangle of img within r that contains every
// pixel of labelColor, and an empty rectangle if none does.
func labelBox(img *image.NRGBA, r image.Rectangle) image.Rectangle {
	var box image.Rectangle
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.NRGBAAt(x, y) == labelColor {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return box
}

func TestImageGridRowLabelGrowsWithScale(t *testing.T) {
	boxes := map[int]image.Rectangle{}
	for _, scale := range []int{1, 3} {
		g := NewImageGrid(1, 1, 64, 64, 1)
		g.Scale = scale
		g.RowLabels = []string{"shape"}
		img := g.Image()
		box := labelBox(img, image.Rect(0, 0, g.rowLabelWidth(), img.Bounds().Dy()))
		if box.Empty() {
			t.Fatalf("scale %d: no label pixels", scale)
		}
		boxes[scale] = box
	}
	small, large := boxes[1].Size(), boxes[3].Size()
	if large != small.Mul(3) {
		t.Errorf("label %v pixels at scale 3, want 3 × %v", large, small)
	}
	// The label stays centred on its row, whose 192-pixel cell is centred
	// at 2 + 96. The letters fill only part of their 13-pixel line, so the
	// check allows two font pixels (6 output pixels) either way.
	centre := (boxes[3].Min.Y + boxes[3].Max.Y) / 2
	if centre < 2+96-6 || centre > 2+96+6 {
		t.Errorf("label centred on y = %d, want about %d", centre, 2+96)
	}
}

func TestImageGridColumnLabels(t *testing.T) {
	// Cells of 64 pixels at scale 2 are 128 pixels wide, so the label font
	// is magnified twice. "-1.56" fits at that size (2·35 pixels). The
	// third label (2·7·12 = 168 pixels) does not, and is drawn at 1.
	g := NewImageGrid(2, 3, 64, 64, 1)
	g.Scale = 2
	g.ColumnLabels = []string{"-1.56", "", "a long label"}
	header := g.columnLabelHeight()
	if want := 2 + 2*13; header != want {
		t.Fatalf("column label row %d pixels high, want %d", header, want)
	}
	if got, want := g.Bounds().Size(), image.Pt(3*(128+2)+2, header+2*(128+2)+2); got != want {
		t.Errorf("Bounds().Size() = %v, want %v", got, want)
	}
	if err := g.Set(0, 0, make([]float32, 64*64)); err != nil {
		t.Fatal(err)
	}
	img := g.Image()

	cases := []struct {
		name      string
		column    int
		wantEmpty bool
	}{
		{"magnified label", 0, false},
		{"empty label", 1, true},
		{"wide label", 2, false},
	}
	for _, c := range cases {
		x0 := gridGap + c.column*(128+gridGap)
		box := labelBox(img, image.Rect(x0, 0, x0+128, header))
		if box.Empty() != c.wantEmpty {
			t.Errorf("%s: label pixels %v, want empty = %v", c.name, box, c.wantEmpty)
		}
	}

	first := labelBox(img, image.Rect(2, 0, 2+128, header))
	if first.Dy() < 2*7 {
		t.Errorf("first label %d pixels high, want the 2× font (at least 14)", first.Dy())
	}
	if centre := (first.Min.X + first.Max.X) / 2; centre < 2+64-4 || centre > 2+64+4 {
		t.Errorf("first label centred on x = %d, want about %d", centre, 2+64)
	}
	third := labelBox(img, image.Rect(2+2*130, 0, 2+2*130+128, header))
	if third.Dy() > 13 {
		t.Errorf("wide label %d pixels high, want the unmagnified font (at most 13)", third.Dy())
	}
	// Nothing is drawn in the gaps between the columns of the label row.
	for _, x := range []int{0, 1, 130, 131, 260, 261} {
		if gap := labelBox(img, image.Rect(x, 0, x+1, header)); !gap.Empty() {
			t.Errorf("label pixels in the gap at x = %d", x)
		}
	}
	// The first row of cells starts below the label row and its gap.
	if got := img.NRGBAAt(2, header+2); got != (color.NRGBA{A: 255}) {
		t.Errorf("pixel (2, %d) = %v, want the black first cell", header+2, got)
	}
	if got := img.NRGBAAt(2, header+1); got != gridBackground {
		t.Errorf("pixel (2, %d) = %v, want the background of the gap", header+1, got)
	}
}
