package report

import (
	"image"
	"image/color"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Label layout of an ImageGrid, in font pixels: output pixels at a label
// magnification of 1.
const (
	labelFontHeight = 13 // line height of basicfont.Face7x13
	labelMargin     = 6  // between a row label and the first cell
	// labelCellHeight is the cell height in output pixels per unit of the
	// automatic label magnification.
	labelCellHeight = 64
)

var labelColor = color.NRGBA{R: 255, G: 255, B: 255, A: 255}

// labelScale returns the magnification of the label font: LabelScale, or
// when that is zero the cell height over labelCellHeight, rounded and at
// least 1.
func (g *ImageGrid) labelScale() int {
	if g.LabelScale > 0 {
		return g.LabelScale
	}
	cellHeight := g.height * g.scale()
	return max(1, (cellHeight+labelCellHeight/2)/labelCellHeight)
}

// rowLabelWidth returns the width in pixels of the row label column, zero
// without row labels.
func (g *ImageGrid) rowLabelWidth() int {
	widest := 0
	for _, l := range g.RowLabels {
		widest = max(widest, textWidth(l))
	}
	if widest == 0 {
		return 0
	}
	return gridGap + g.labelScale()*(widest+labelMargin)
}

// columnLabelHeight returns the height in pixels of the column label row,
// zero without column labels.
func (g *ImageGrid) columnLabelHeight() int {
	for _, l := range g.ColumnLabels {
		if l != "" {
			return gridGap + g.labelScale()*labelFontHeight
		}
	}
	return 0
}

// drawRowLabels writes each row label left of its row, centred vertically
// on it. left and header are the sizes of the label column and row.
func (g *ImageGrid) drawRowLabels(out *image.NRGBA, left, header int) {
	if len(g.RowLabels) == 0 {
		return
	}
	k := g.labelScale()
	cellHeight := g.height * g.scale()
	clip := image.Rect(0, 0, left, out.Bounds().Dy())
	for r, text := range g.RowLabels {
		top := header + gridGap + r*(cellHeight+gridGap)
		drawText(out, text, gridGap, top+(cellHeight-k*labelFontHeight)/2, k, clip)
	}
}

// drawColumnLabels writes each column label centred above its column, at
// the bottom of the label row. left and header are the sizes of the label
// column and row.
func (g *ImageGrid) drawColumnLabels(out *image.NRGBA, left, header int) {
	if header == 0 {
		return
	}
	k := g.labelScale()
	cellWidth := g.width * g.scale()
	for c, text := range g.ColumnLabels {
		x0 := left + gridGap + c*(cellWidth+gridGap)
		width := textWidth(text)
		// A label too wide for its cell at the grid's magnification is
		// drawn smaller rather than overlapping its neighbours.
		fitted := k
		for fitted > 1 && fitted*width > cellWidth {
			fitted--
		}
		// A label that is too wide even at magnification 1 starts at the
		// left edge of the cell, so its first characters stay visible.
		x := x0 + max(0, (cellWidth-fitted*width)/2)
		y := header - fitted*labelFontHeight
		drawText(out, text, x, y, fitted, image.Rect(x0, 0, x0+cellWidth, header))
	}
}

// textWidth returns the width of text in basicfont.Face7x13, in font
// pixels.
func textWidth(text string) int {
	return font.MeasureString(basicfont.Face7x13, text).Ceil()
}

// drawText writes text in basicfont.Face7x13 with every font pixel
// magnified to k × k output pixels, the top left corner of its line at
// (x, y). Output pixels outside clip are left unchanged.
func drawText(out *image.NRGBA, text string, x, y, k int, clip image.Rectangle) {
	face := basicfont.Face7x13
	mask := image.NewAlpha(image.Rect(0, 0, textWidth(text), labelFontHeight))
	d := font.Drawer{Dst: mask, Src: image.Opaque, Face: face, Dot: fixed.P(0, face.Ascent)}
	d.DrawString(text)

	clip = clip.Intersect(out.Bounds())
	b := mask.Bounds()
	for py := b.Min.Y; py < b.Max.Y; py++ {
		for px := b.Min.X; px < b.Max.X; px++ {
			// The glyphs of basicfont are fully opaque or fully
			// transparent, so magnified pixels need no blending.
			if mask.AlphaAt(px, py).A < 0x80 {
				continue
			}
			block := image.Rect(x+px*k, y+py*k, x+(px+1)*k, y+(py+1)*k).Intersect(clip)
			for oy := block.Min.Y; oy < block.Max.Y; oy++ {
				for ox := block.Min.X; ox < block.Max.X; ox++ {
					out.SetNRGBA(ox, oy, labelColor)
				}
			}
		}
	}
}
