package toy

import (
	"math"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/ot"
)

// Geometry of the study's distributions, in the units of the plane.
const (
	// sourceDirections is the number of rays from the origin, evenly spaced
	// in angle, on which the source's Gaussian components are centred.
	sourceDirections = 4
	// sourceSpread is the standard deviation of each component along each
	// axis.
	sourceSpread = 0.12
	// squareHalfWidth is half the side of the square target, centred at 0.
	squareHalfWidth = 1.0
	// ringRadius and ringSpread are the mean and the standard deviation of
	// the radius of the ring target.
	ringRadius = 1.0
	ringSpread = 0.04
)

// sourceRadii are the distances from the origin of the components on each
// ray. Two components on one ray point in the same direction, so cosine
// costs cannot tell them apart while squared-Euclidean costs can.
var sourceRadii = []float64{0.6, 1.4}

// sampleSource draws n points from the source: an equal-weight mixture of
// isotropic Gaussians, sourceDirections × len(sourceRadii) of them, centred
// on rays from the origin at the radii sourceRadii.
func sampleSource(rng *rand.Rand, n int) *ot.Matrix {
	m := &ot.Matrix{Rows: n, Cols: 2, Data: make([]float64, 2*n)}
	for i := 0; i < n; i++ {
		k := rng.IntN(sourceDirections * len(sourceRadii))
		angle := 2 * math.Pi * (float64(k%sourceDirections) + 0.5) / sourceDirections
		radius := sourceRadii[k/sourceDirections]
		m.Data[2*i] = radius*math.Cos(angle) + sourceSpread*rng.NormFloat64()
		m.Data[2*i+1] = radius*math.Sin(angle) + sourceSpread*rng.NormFloat64()
	}
	return m
}

// sampleTarget draws n points from the target of the given row.
func sampleTarget(row Row, rng *rand.Rand, n int) *ot.Matrix {
	m := &ot.Matrix{Rows: n, Cols: 2, Data: make([]float64, 2*n)}
	for i := 0; i < n; i++ {
		switch row {
		case Square:
			m.Data[2*i] = squareHalfWidth * (2*rng.Float64() - 1)
			m.Data[2*i+1] = squareHalfWidth * (2*rng.Float64() - 1)
		case Ring:
			angle := 2 * math.Pi * rng.Float64()
			radius := ringRadius + ringSpread*rng.NormFloat64()
			m.Data[2*i] = radius * math.Cos(angle)
			m.Data[2*i+1] = radius * math.Sin(angle)
		}
	}
	return m
}

// Polar returns the polar angle, in radians in (−π, π], and the distance
// from the origin of each row of points ([n, 2]). The figure colours points
// by the angle of their source point and shades them by its radius, so that
// a map that keeps the arrangement of the components keeps the colours in
// order.
func Polar(points *ot.Matrix) (angles, radii []float64) {
	angles, radii = make([]float64, points.Rows), make([]float64, points.Rows)
	for i := range angles {
		x, y := points.Data[2*i], points.Data[2*i+1]
		angles[i] = math.Atan2(y, x)
		radii[i] = math.Hypot(x, y)
	}
	return angles, radii
}
