package render

import "math"

// Vec3 is a point or a direction in 3-D space.
type Vec3 struct{ X, Y, Z float64 }

// V returns the vector (x, y, z).
func V(x, y, z float64) Vec3 { return Vec3{x, y, z} }

// Add returns a + b.
func (a Vec3) Add(b Vec3) Vec3 { return Vec3{a.X + b.X, a.Y + b.Y, a.Z + b.Z} }

// Sub returns a − b.
func (a Vec3) Sub(b Vec3) Vec3 { return Vec3{a.X - b.X, a.Y - b.Y, a.Z - b.Z} }

// Scale returns s·a.
func (a Vec3) Scale(s float64) Vec3 { return Vec3{s * a.X, s * a.Y, s * a.Z} }

// Mul returns the componentwise product of a and b.
func (a Vec3) Mul(b Vec3) Vec3 { return Vec3{a.X * b.X, a.Y * b.Y, a.Z * b.Z} }

// Dot returns the inner product of a and b.
func (a Vec3) Dot(b Vec3) float64 { return a.X*b.X + a.Y*b.Y + a.Z*b.Z }

// Cross returns the cross product a × b.
func (a Vec3) Cross(b Vec3) Vec3 {
	return Vec3{a.Y*b.Z - a.Z*b.Y, a.Z*b.X - a.X*b.Z, a.X*b.Y - a.Y*b.X}
}

// Len returns the Euclidean length of a.
func (a Vec3) Len() float64 { return math.Sqrt(a.Dot(a)) }

// Unit returns a scaled to length 1. The zero vector is returned unchanged.
func (a Vec3) Unit() Vec3 {
	l := a.Len()
	if l == 0 {
		return a
	}
	return a.Scale(1 / l)
}

// Spherical returns the unit vector at azimuth az and elevation el (radians):
// azimuth 0 points along +Z and grows towards +X; elevation is the angle above
// the XZ plane.
func Spherical(az, el float64) Vec3 {
	return Vec3{math.Cos(el) * math.Sin(az), math.Sin(el), math.Cos(el) * math.Cos(az)}
}

// HSV returns the RGB colour of hue h (in turns, [0, 1)), saturation s and
// value v, all in [0, 1], by the hexcone model that Python's colorsys uses.
func HSV(h, s, v float64) Vec3 {
	h -= math.Floor(h)
	sector := h * 6
	i := math.Floor(sector)
	f := sector - i
	p := v * (1 - s)
	q := v * (1 - s*f)
	t := v * (1 - s*(1-f))
	switch int(i) {
	case 0:
		return Vec3{v, t, p}
	case 1:
		return Vec3{q, v, p}
	case 2:
		return Vec3{p, v, t}
	case 3:
		return Vec3{p, q, v}
	case 4:
		return Vec3{t, p, v}
	default:
		return Vec3{v, p, q}
	}
}
