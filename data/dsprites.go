package data

import (
	"math"
	"math/rand/v2"
)

// dSprites geometry in pixels at scale 1, measured on the published images.
const (
	dspritesSize        = 64
	dspritesSquareSide  = 20.0
	dspritesEllipseLong = 26.0 // width at orientation 0
	dspritesEllipseWide = 14.0 // height at orientation 0
	dspritesHeartWidth  = 20.0
	dspritesHeartHeight = 17.0
)

// The heart is the region (x² + y² − 1)³ ≤ x²·y³ (y up). It spans
// x ∈ [−1.139, 1.139] and y ∈ [−1, 1.2365], and its centroid is at
// (0, 0.2935). All three were measured on a 6001 × 6001 grid with numpy.
const (
	heartSpanX     = 2 * 1.139
	heartSpanY     = 1.2365 + 1
	heartCentroidY = 0.2935
)

// DSprites shape values.
const (
	dspritesSquare = iota
	dspritesEllipse
	dspritesHeart
)

// dsprites renders dSprites images on demand from the published factor grid.
type dsprites struct {
	scales, orientations, positions []float64
}

func init() {
	procedural["dsprites"] = func() Dataset { return newDSprites() }
}

func newDSprites() *dsprites {
	return &dsprites{
		scales:       linspace(0.5, 1, 6),
		orientations: linspace(0, 2*math.Pi, 40),
		positions:    linspace(0, 1, 32),
	}
}

func (d *dsprites) Name() string           { return "dsprites" }
func (d *dsprites) Factors() []Factor      { return factorsCopy(dspritesFactors) }
func (d *dsprites) ImageShape() ImageShape { return ImageShape{dspritesSize, dspritesSize, 1} }
func (d *dsprites) Source() string         { return "procedural" }

func (d *dsprites) Describe() Description {
	return Description{
		Summary: "Procedural dSprites: a white square, ellipse or heart on black, 64×64 binary images, " +
			"rendered on demand on the published factor grid.",
		FactorValues: []string{
			"square, ellipse, heart",
			"0.5 to 1 in 6 equal steps (1 is a 20-pixel square)",
			"0 to 2π rad in 40 equal steps, both ends included (so the first and last are the same angle), counter-clockwise",
			"0 to 1 in 32 equal steps; the centre is at column 16 + 32·pos_x",
			"0 to 1 in 32 equal steps; the centre is at row 16 + 32·pos_y (rows grow downward)",
		},
		NumImages: NumPoints(Sizes(d)),
	}
}

// Observe draws each sprite by testing the centre of every pixel for
// membership in the rotated, scaled shape, so pixels are exactly 0 or 1. The
// sprite's centre (the centroid for the heart) is at pixel coordinates
// (16 + 32·pos_x, 16 + 32·pos_y), where pixel k's centre has coordinate k, and
// the shape turns counter-clockwise about it as orientation grows.
//
// NOTE: the image axis that pos_x moves along and the sense of rotation were
// chosen, not measured on the published file.
func (d *dsprites) Observe(factors []int, _ *rand.Rand, dst []float32) error {
	n, err := checkObservation(d, factors, dst)
	if err != nil {
		return err
	}
	forEachImage(n, func(i int) {
		row := factors[i*5 : i*5+5]
		img := dst[i*dspritesSize*dspritesSize : (i+1)*dspritesSize*dspritesSize]
		d.draw(row[0], d.scales[row[1]], d.orientations[row[2]], d.positions[row[3]], d.positions[row[4]], img)
	})
	return nil
}

// draw renders one sprite into img, a 64×64 image.
func (d *dsprites) draw(shape int, scale, angle, posX, posY float64, img []float32) {
	clear(img)
	cx := 16 + 32*posX
	cy := 16 + 32*posY
	cos, sin := math.Cos(angle), math.Sin(angle)

	// The farthest point of any shape from its centre is a corner of the
	// square, 10·√2 ≈ 14.1 pixels away at scale 1.
	reach := 14.2*scale + 1
	rowLo, rowHi := max(int(math.Floor(cy-reach)), 0), min(int(math.Ceil(cy+reach)), dspritesSize-1)
	colLo, colHi := max(int(math.Floor(cx-reach)), 0), min(int(math.Ceil(cx+reach)), dspritesSize-1)

	for r := rowLo; r <= rowHi; r++ {
		up := cy - float64(r) // distance above the centre
		for c := colLo; c <= colHi; c++ {
			right := float64(c) - cx
			// Rotate the pixel clockwise by angle into the shape's own frame.
			u := right*cos + up*sin
			v := -right*sin + up*cos
			if insideSprite(shape, u/scale, v/scale) {
				img[r*dspritesSize+c] = 1
			}
		}
	}
}

// insideSprite reports whether the point (u, v), in pixels at scale 1 with v
// up and the origin at the sprite's centre, lies in the shape.
func insideSprite(shape int, u, v float64) bool {
	switch shape {
	case dspritesSquare:
		const half = dspritesSquareSide / 2
		return math.Abs(u) <= half && math.Abs(v) <= half
	case dspritesEllipse:
		a := u / (dspritesEllipseLong / 2)
		b := v / (dspritesEllipseWide / 2)
		return a*a+b*b <= 1
	default:
		x := u * (heartSpanX / dspritesHeartWidth)
		y := v*(heartSpanY/dspritesHeartHeight) + heartCentroidY
		s := x*x + y*y - 1
		return s*s*s <= x*x*y*y*y
	}
}
