package report

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"

	"github.com/gromov-monge/gmg/internal/atomicfile"
)

// ErrNotFinite is returned by ImageGrid.Set for an image that contains NaN or
// an infinity.
var ErrNotFinite = errors.New("report: image value is not finite")

// gridGap is the gap between cells and around the grid, in output pixels.
const gridGap = 2

var gridBackground = color.NRGBA{R: 128, G: 128, B: 128, A: 255}

// ImageGrid is a table of equally sized images, drawn row by row. Cells that
// were never set stay the background grey. Create one with NewImageGrid.
type ImageGrid struct {
	rows, columns           int
	height, width, channels int
	cells                   [][]float32

	// RowLabels, if not empty, holds one label per row, drawn left of the row
	// in a 7×13-pixel font magnified by LabelScale. Only printable ASCII is
	// legible.
	RowLabels []string
	// ColumnLabels, if not empty, contains one label per column, drawn
	// centred above the column in the font of RowLabels. A label wider than
	// its cell is drawn at a smaller magnification, down to 1. If it is still
	// too wide, it starts at the left edge of the cell and is cut at the
	// right edge.
	ColumnLabels []string
	// Scale magnifies every image pixel to Scale × Scale output pixels; zero
	// means 1. Gaps are not scaled.
	Scale int
	// LabelScale magnifies the label font to LabelScale × LabelScale output
	// pixels per font pixel. Zero means one per 64 pixels of cell height,
	// rounded to the nearest integer and at least 1, so the 13-pixel font
	// stays about a fifth of the cell height at every Scale.
	LabelScale int
}

// NewImageGrid returns an empty grid of rows × columns cells, each an image of
// height × width pixels with channels values per pixel (1 for grey, 3 for RGB).
// It panics if a size is not positive or channels is not 1 or 3, which are
// programming errors.
func NewImageGrid(rows, columns, height, width, channels int) *ImageGrid {
	if rows <= 0 || columns <= 0 || height <= 0 || width <= 0 {
		panic(fmt.Sprintf("report: invalid grid of %d×%d cells of %d×%d pixels", rows, columns, height, width))
	}
	if channels != 1 && channels != 3 {
		panic(fmt.Sprintf("report: %d channels, want 1 or 3", channels))
	}
	return &ImageGrid{
		rows: rows, columns: columns,
		height: height, width: width, channels: channels,
		cells: make([][]float32, rows*columns),
	}
}

// Set copies img ([height, width, channels], row-major) into the cell at row
// and column. Values are clamped to [0, 1] when drawn. It returns an error
// wrapping ErrNotFinite for NaN or an infinity, and panics if the cell is
// outside the grid or img has the wrong length.
func (g *ImageGrid) Set(row, column int, img []float32) error {
	if row < 0 || row >= g.rows || column < 0 || column >= g.columns {
		panic(fmt.Sprintf("report: cell (%d, %d) outside a grid of %d×%d", row, column, g.rows, g.columns))
	}
	if want := g.height * g.width * g.channels; len(img) != want {
		panic(fmt.Sprintf("report: image of %d values, want %d (%d×%d×%d)", len(img), want, g.height, g.width, g.channels))
	}
	for i, v := range img {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%w: cell (%d, %d) value %d is %v", ErrNotFinite, row, column, i, v)
		}
	}
	g.cells[row*g.columns+column] = append([]float32(nil), img...)
	return nil
}

func (g *ImageGrid) scale() int { return max(g.Scale, 1) }

// Bounds returns the size of the image that Image draws. It has the row label
// column and the column label row, if any, and then columns × rows cells of
// width·Scale × height·Scale pixels. A 2-pixel gap separates the cells and
// surrounds the grid.
func (g *ImageGrid) Bounds() image.Rectangle {
	s := g.scale()
	w := g.rowLabelWidth() + g.columns*(g.width*s+gridGap) + gridGap
	h := g.columnLabelHeight() + g.rows*(g.height*s+gridGap) + gridGap
	return image.Rect(0, 0, w, h)
}

// Image draws the grid. It panics if RowLabels is neither empty nor one label
// per row, or ColumnLabels neither empty nor one label per column.
func (g *ImageGrid) Image() *image.NRGBA {
	if len(g.RowLabels) != 0 && len(g.RowLabels) != g.rows {
		panic(fmt.Sprintf("report: %d row labels for %d rows", len(g.RowLabels), g.rows))
	}
	if len(g.ColumnLabels) != 0 && len(g.ColumnLabels) != g.columns {
		panic(fmt.Sprintf("report: %d column labels for %d columns", len(g.ColumnLabels), g.columns))
	}
	out := image.NewNRGBA(g.Bounds())
	draw.Draw(out, out.Bounds(), image.NewUniform(gridBackground), image.Point{}, draw.Src)

	s := g.scale()
	left := g.rowLabelWidth()
	header := g.columnLabelHeight()
	for r := range g.rows {
		top := header + gridGap + r*(g.height*s+gridGap)
		for c := range g.columns {
			cell := g.cells[r*g.columns+c]
			if cell == nil {
				continue
			}
			g.drawCell(out, cell, left+gridGap+c*(g.width*s+gridGap), top)
		}
	}
	g.drawRowLabels(out, left, header)
	g.drawColumnLabels(out, left, header)
	return out
}

// drawCell draws one image with its top-left corner at (x0, y0).
func (g *ImageGrid) drawCell(out *image.NRGBA, cell []float32, x0, y0 int) {
	s := g.scale()
	for y := range g.height {
		for x := range g.width {
			p := cell[(y*g.width+x)*g.channels:]
			var px color.NRGBA
			if g.channels == 1 {
				v := toByte(p[0])
				px = color.NRGBA{R: v, G: v, B: v, A: 255}
			} else {
				px = color.NRGBA{R: toByte(p[0]), G: toByte(p[1]), B: toByte(p[2]), A: 255}
			}
			for dy := range s {
				for dx := range s {
					out.SetNRGBA(x0+x*s+dx, y0+y*s+dy, px)
				}
			}
		}
	}
}

// toByte maps [0, 1] to [0, 255], rounding to nearest and clamping.
func toByte(v float32) uint8 {
	return uint8(math.Round(float64(min(max(v, 0), 1)) * 255))
}

// WritePNG encodes the grid as a PNG to w.
func (g *ImageGrid) WritePNG(w io.Writer) error {
	if err := png.Encode(w, g.Image()); err != nil {
		return fmt.Errorf("report: encoding PNG: %w", err)
	}
	return nil
}

// SavePNG writes the grid as a PNG file at path. It writes a temporary file
// in the same directory and renames it, so path never holds a partial image.
func (g *ImageGrid) SavePNG(path string) error {
	if err := atomicfile.Write(path, g.WritePNG); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
