package render

import "math"

// Shape is a convex solid or a flat surface that rays can hit. Shadow rays
// rely on convexity: they skip the shape they leave.
type Shape interface {
	// Intersect returns the smallest distance t in (minDistance, tMax) at which
	// the ray origin + t·dir meets the shape, and the unit outward normal
	// there. dir must have length 1.
	Intersect(origin, dir Vec3, tMax float64) (t float64, normal Vec3, ok bool)

	// Bound returns a sphere that contains the shape.
	Bound() (center Vec3, radius float64)
}

// preparer is implemented by shapes that have a form with the values every
// ray needs computed once. Scene.Add stores that form; it has the same
// Intersect and Bound results.
type preparer interface {
	prepare() Shape
}

// minDistance is the smallest hit distance; shadow rays start this far from
// the surface they leave, so that they do not hit it again.
const minDistance = 1e-6

// Sphere is the solid ball of radius Radius around Center.
type Sphere struct {
	Center Vec3
	Radius float64
}

// Intersect implements Shape.
func (s Sphere) Intersect(origin, dir Vec3, tMax float64) (float64, Vec3, bool) {
	t, ok := sphereDistance(origin.Sub(s.Center), dir, s.Radius, tMax)
	if !ok {
		return 0, Vec3{}, false
	}
	return t, origin.Add(dir.Scale(t)).Sub(s.Center).Scale(1 / s.Radius), true
}

// Bound implements Shape.
func (s Sphere) Bound() (Vec3, float64) { return s.Center, s.Radius }

// sphereDistance returns the nearest t in (minDistance, tMax) with
// |oc + t·dir| = r, where oc is the ray origin relative to the centre.
func sphereDistance(oc, dir Vec3, r, tMax float64) (float64, bool) {
	b := oc.Dot(dir)
	c := oc.Dot(oc) - r*r
	disc := b*b - c
	if disc < 0 {
		return 0, false
	}
	root := math.Sqrt(disc)
	t := -b - root
	if t <= minDistance {
		t = -b + root
	}
	if t <= minDistance || t >= tMax {
		return 0, false
	}
	return t, true
}

// Ellipsoid is the solid ellipsoid around Center with semi-axes Radii along
// X, Y and Z.
type Ellipsoid struct {
	Center, Radii Vec3
}

// Intersect implements Shape. The ray is mapped to the space where the
// ellipsoid is the unit ball. The map is linear and applies to the origin and
// direction alike, so t is the same in both spaces.
func (e Ellipsoid) Intersect(origin, dir Vec3, tMax float64) (float64, Vec3, bool) {
	return e.prepare().Intersect(origin, dir, tMax)
}

// preparedEllipsoid stores the reciprocals of the semi-axes.
type preparedEllipsoid struct {
	Ellipsoid
	inv Vec3
}

func (e Ellipsoid) prepare() Shape {
	return preparedEllipsoid{e, Vec3{1 / e.Radii.X, 1 / e.Radii.Y, 1 / e.Radii.Z}}
}

func (e preparedEllipsoid) Intersect(origin, dir Vec3, tMax float64) (float64, Vec3, bool) {
	inv := e.inv
	o := origin.Sub(e.Center).Mul(inv)
	d := dir.Mul(inv)
	a := d.Dot(d)
	b := o.Dot(d)
	c := o.Dot(o) - 1
	disc := b*b - a*c
	if disc < 0 {
		return 0, Vec3{}, false
	}
	root := math.Sqrt(disc)
	t := (-b - root) / a
	if t <= minDistance {
		t = (-b + root) / a
	}
	if t <= minDistance || t >= tMax {
		return 0, Vec3{}, false
	}

	// The gradient of |x/r|² is 2x/r², which is the direction of the normal.
	p := o.Add(d.Scale(t)).Mul(inv)
	return t, p.Unit(), true
}

// Bound implements Shape.
func (e Ellipsoid) Bound() (Vec3, float64) {
	return e.Center, max(e.Radii.X, e.Radii.Y, e.Radii.Z)
}

// Box is the solid axis-aligned box with opposite corners Min and Max.
type Box struct {
	Min, Max Vec3
}

// Intersect implements Shape by the slab method: the ray is inside the box
// for t between the largest entry and the smallest exit over the three axes.
func (b Box) Intersect(origin, dir Vec3, tMax float64) (float64, Vec3, bool) {
	near, far := math.Inf(-1), math.Inf(1)
	nearAxis, farAxis := 0, 0
	o := [3]float64{origin.X, origin.Y, origin.Z}
	d := [3]float64{dir.X, dir.Y, dir.Z}
	lo := [3]float64{b.Min.X, b.Min.Y, b.Min.Z}
	hi := [3]float64{b.Max.X, b.Max.Y, b.Max.Z}
	for axis := range 3 {
		if d[axis] == 0 {
			if o[axis] < lo[axis] || o[axis] > hi[axis] {
				return 0, Vec3{}, false
			}
			continue
		}
		t0 := (lo[axis] - o[axis]) / d[axis]
		t1 := (hi[axis] - o[axis]) / d[axis]
		if t0 > t1 {
			t0, t1 = t1, t0
		}
		if t0 > near {
			near, nearAxis = t0, axis
		}
		if t1 < far {
			far, farAxis = t1, axis
		}
	}
	if near > far {
		return 0, Vec3{}, false
	}

	t, axis, exit := near, nearAxis, false
	if t <= minDistance {
		t, axis, exit = far, farAxis, true
	}
	if t <= minDistance || t >= tMax {
		return 0, Vec3{}, false
	}

	// The normal points against the ray on entry and along it on exit.
	var n [3]float64
	n[axis] = -math.Copysign(1, d[axis])
	if exit {
		n[axis] = -n[axis]
	}
	return t, Vec3{n[0], n[1], n[2]}, true
}

// Bound implements Shape.
func (b Box) Bound() (Vec3, float64) {
	return b.Min.Add(b.Max).Scale(0.5), b.Max.Sub(b.Min).Len() / 2
}

// Cylinder is the solid capped cylinder of radius Radius whose axis runs from
// A to B.
type Cylinder struct {
	A, B   Vec3
	Radius float64
}

// Intersect implements Shape.
func (c Cylinder) Intersect(origin, dir Vec3, tMax float64) (float64, Vec3, bool) {
	return c.prepare().Intersect(origin, dir, tMax)
}

// preparedCylinder stores the unit axis and its length.
type preparedCylinder struct {
	Cylinder
	axis axis
}

func (c Cylinder) prepare() Shape { return preparedCylinder{c, newAxis(c.A, c.B)} }

func (c preparedCylinder) Intersect(origin, dir Vec3, tMax float64) (float64, Vec3, bool) {
	ax := c.axis.coordinates(origin, dir)
	best, normal, hit := tMax, Vec3{}, false

	if t, ok := ax.sideDistance(c.Radius, best); ok {
		best, normal, hit = t, ax.sideNormal(t, c.Radius), true
	}

	// The caps are the discs s = 0 and s = length of the axis coordinate s.
	if ax.ds != 0 {
		for _, cap := range [2]float64{0, ax.length} {
			t := (cap - ax.os) / ax.ds
			if t <= minDistance || t >= best {
				continue
			}
			p := ax.oPerp.Add(ax.dPerp.Scale(t))
			if p.Dot(p) > c.Radius*c.Radius {
				continue
			}
			sign := 1.0
			if cap == 0 {
				sign = -1
			}
			best, normal, hit = t, ax.w.Scale(sign), true
		}
	}
	return best, normal, hit
}

// Bound implements Shape.
func (c Cylinder) Bound() (Vec3, float64) {
	half := c.B.Sub(c.A).Len() / 2
	return c.A.Add(c.B).Scale(0.5), math.Hypot(half, c.Radius)
}

// Capsule is the set of points within Radius of the segment from A to B: a
// cylinder with hemispherical ends.
type Capsule struct {
	A, B   Vec3
	Radius float64
}

// Intersect implements Shape.
func (c Capsule) Intersect(origin, dir Vec3, tMax float64) (float64, Vec3, bool) {
	return c.prepare().Intersect(origin, dir, tMax)
}

// preparedCapsule stores the unit axis and its length.
type preparedCapsule struct {
	Capsule
	axis axis
}

func (c Capsule) prepare() Shape { return preparedCapsule{c, newAxis(c.A, c.B)} }

func (c preparedCapsule) Intersect(origin, dir Vec3, tMax float64) (float64, Vec3, bool) {
	ax := c.axis.coordinates(origin, dir)
	best, normal, hit := tMax, Vec3{}, false

	if t, ok := ax.sideDistance(c.Radius, best); ok {
		best, normal, hit = t, ax.sideNormal(t, c.Radius), true
	}
	for _, end := range [2]Vec3{c.A, c.B} {
		oc := origin.Sub(end)
		if t, ok := sphereDistance(oc, dir, c.Radius, best); ok {
			best, normal, hit = t, oc.Add(dir.Scale(t)).Scale(1/c.Radius), true
		}
	}
	return best, normal, hit
}

// Bound implements Shape.
func (c Capsule) Bound() (Vec3, float64) {
	return c.A.Add(c.B).Scale(0.5), c.B.Sub(c.A).Len()/2 + c.Radius
}

// axisCoordinates describes a ray relative to a segment axis: the coordinate
// s along the unit axis w measured from the segment's start, and the parts
// of origin and direction perpendicular to the axis.
type axisCoordinates struct {
	w            Vec3
	length       float64
	os, ds       float64
	oPerp, dPerp Vec3
}

// axis is the segment of the given length from a along the unit vector w.
type axis struct {
	a, w   Vec3
	length float64
}

func newAxis(a, b Vec3) axis {
	length := b.Sub(a).Len()
	return axis{a: a, w: b.Sub(a).Scale(1 / length), length: length}
}

// coordinates returns the ray's description relative to the axis.
func (ax axis) coordinates(origin, dir Vec3) axisCoordinates {
	oc := origin.Sub(ax.a)
	os, ds := oc.Dot(ax.w), dir.Dot(ax.w)
	return axisCoordinates{
		w: ax.w, length: ax.length, os: os, ds: ds,
		oPerp: oc.Sub(ax.w.Scale(os)),
		dPerp: dir.Sub(ax.w.Scale(ds)),
	}
}

// sideDistance returns the nearest t in (minDistance, tMax) where the ray is
// at distance r from the axis and its axis coordinate lies within the segment.
func (ax axisCoordinates) sideDistance(r, tMax float64) (float64, bool) {
	a := ax.dPerp.Dot(ax.dPerp)
	if a == 0 {
		return 0, false
	}
	b := ax.oPerp.Dot(ax.dPerp)
	c := ax.oPerp.Dot(ax.oPerp) - r*r
	disc := b*b - a*c
	if disc < 0 {
		return 0, false
	}
	root := math.Sqrt(disc)
	for _, t := range [2]float64{(-b - root) / a, (-b + root) / a} {
		if t <= minDistance || t >= tMax {
			continue
		}
		if s := ax.os + t*ax.ds; s >= 0 && s <= ax.length {
			return t, true
		}
	}
	return 0, false
}

func (ax axisCoordinates) sideNormal(t, r float64) Vec3 {
	return ax.oPerp.Add(ax.dPerp.Scale(t)).Scale(1 / r)
}

// Rect is the flat rectangle with one corner at Corner and sides U and V,
// which must be perpendicular. It is two-sided: the normal returned faces the
// ray.
type Rect struct {
	Corner, U, V Vec3
}

// Intersect implements Shape.
func (r Rect) Intersect(origin, dir Vec3, tMax float64) (float64, Vec3, bool) {
	return r.prepare().Intersect(origin, dir, tMax)
}

// Bound implements Shape.
func (r Rect) Bound() (Vec3, float64) {
	diagonal := r.U.Add(r.V)
	return r.Corner.Add(diagonal.Scale(0.5)), diagonal.Len() / 2
}

// preparedRect stores the unit normal and the scaled sides.
type preparedRect struct {
	Rect
	normal         Vec3 // unit normal U × V / |U × V|
	uScale, vScale Vec3 // U/|U|² and V/|V|², which map a point to coordinates in [0, 1]
}

func (r Rect) prepare() Shape {
	return preparedRect{
		Rect:   r,
		normal: r.U.Cross(r.V).Unit(),
		uScale: r.U.Scale(1 / r.U.Dot(r.U)),
		vScale: r.V.Scale(1 / r.V.Dot(r.V)),
	}
}

// Intersect implements Shape.
func (r preparedRect) Intersect(origin, dir Vec3, tMax float64) (float64, Vec3, bool) {
	denom := dir.Dot(r.normal)
	if denom == 0 {
		return 0, Vec3{}, false
	}
	t := r.Corner.Sub(origin).Dot(r.normal) / denom
	if t <= minDistance || t >= tMax {
		return 0, Vec3{}, false
	}
	q := origin.Add(dir.Scale(t)).Sub(r.Corner)
	if u := q.Dot(r.uScale); u < 0 || u > 1 {
		return 0, Vec3{}, false
	}
	if v := q.Dot(r.vScale); v < 0 || v > 1 {
		return 0, Vec3{}, false
	}
	if denom > 0 {
		return t, r.normal.Scale(-1), true
	}
	return t, r.normal, true
}
