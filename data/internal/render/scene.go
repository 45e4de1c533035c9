package render

import (
	"fmt"
	"math"
)

// Object is a shape with its colour.
type Object struct {
	Shape Shape
	// Color is the linear RGB albedo, each channel in [0, 1].
	Color Vec3
}

// Light is a directional light, as from a distant source.
type Light struct {
	// Direction points from the scene towards the light; its length does not
	// matter.
	Direction Vec3
	// Intensity scales the light's Lambert term; 1 lights a surface facing the
	// light to its full albedo.
	Intensity float64
}

// Camera is a pinhole camera.
type Camera struct {
	Position, Target Vec3
	// Up is a direction that appears upward in the image; it must not be
	// parallel to Target − Position.
	Up Vec3
	// FieldOfView is the vertical angle of view in radians.
	FieldOfView float64
}

// Scene is what Render draws. Its zero value is an empty black scene with no
// light; set Camera before rendering.
type Scene struct {
	Camera Camera
	Lights []Light
	// Ambient is the light that reaches every surface, shadowed or not.
	Ambient float64
	// Background is the colour of rays that hit nothing, already in the
	// output's linear space (it is not shaded).
	Background Vec3

	groups     []group
	numObjects int
}

// group is a set of objects with a bounding sphere that rays test first.
type group struct {
	center  Vec3
	radius  float64
	objects []bounded
}

type bounded struct {
	Object
	id     int // position in the order of Add calls, from 0
	center Vec3
	radius float64
}

// Add adds objects to s as one group. Rays that miss the group's bounding
// sphere skip all of its objects, so parts of one compact model belong in one
// call and large surfaces such as floors in calls of their own.
func (s *Scene) Add(objects ...Object) {
	if len(objects) == 0 {
		return
	}
	g := group{objects: make([]bounded, len(objects))}
	for i, o := range objects {
		if r, ok := o.Shape.(Rect); ok {
			o.Shape = r.flat()
		}
		c, r := o.Shape.Bound()
		g.objects[i] = bounded{Object: o, id: s.numObjects + i, center: c, radius: r}
		g.center = g.center.Add(c)
	}
	g.center = g.center.Scale(1 / float64(len(objects)))
	for _, o := range g.objects {
		g.radius = max(g.radius, o.center.Sub(g.center).Len()+o.radius)
	}
	s.groups = append(s.groups, g)
	s.numObjects += len(objects)
}

// missesSphere reports whether the ray surely misses the sphere within
// (minDistance, tMax). It may return false for a ray that misses.
func missesSphere(origin, dir, center Vec3, radius, tMax float64) bool {
	oc := center.Sub(origin)
	b := oc.Dot(dir)
	if b+radius <= minDistance || b-radius >= tMax {
		return true
	}
	return oc.Dot(oc)-b*b > radius*radius
}

// nearest returns the nearest hit of the ray within tMax and the object hit.
// With anyHit it returns the first hit found, which is enough for shadow
// rays, and it ignores the object skip.
func (s *Scene) nearest(origin, dir Vec3, tMax float64, anyHit bool, skip *bounded) (t float64, normal Vec3, hit *bounded) {
	t = tMax
	for gi := range s.groups {
		g := &s.groups[gi]
		if missesSphere(origin, dir, g.center, g.radius, t) {
			continue
		}
		for oi := range g.objects {
			o := &g.objects[oi]
			if o == skip {
				continue
			}
			// A group of one object has already tested that object's sphere.
			if len(g.objects) > 1 && missesSphere(origin, dir, o.center, o.radius, t) {
				continue
			}
			if ht, hn, ok := o.Shape.Intersect(origin, dir, t); ok {
				t, normal, hit = ht, hn, o
				if anyHit {
					return
				}
			}
		}
	}
	return
}

// shadowOffset is how far a shadow ray starts off the surface, along the
// normal, in scene units. The scenes of this module are a few units across.
const shadowOffset = 1e-4

// surfaceKey identifies what a ray saw: the object hit (0 for the
// background) and which lights were blocked. Render supersamples pixels whose
// key differs from a neighbour's, which are the edges of objects and shadows.
type surfaceKey uint64

// radiance returns the linear colour seen along the ray and its surfaceKey;
// lights are the scene's lights with unit directions.
func (s *Scene) radiance(origin, dir Vec3, lights []Light) (Vec3, surfaceKey) {
	t, n, object := s.nearest(origin, dir, math.Inf(1), false, nil)
	if object == nil {
		return s.Background, 0
	}
	if n.Dot(dir) > 0 {
		n = n.Scale(-1)
	}
	p := origin.Add(dir.Scale(t)).Add(n.Scale(shadowOffset))

	// Every shape is convex, so where it faces a light it cannot shadow
	// itself, and the shadow ray skips it.
	light := s.Ambient
	key := surfaceKey(object.id+1) << 16
	for i, l := range lights {
		cos := n.Dot(l.Direction)
		if cos <= 0 {
			continue
		}
		if _, _, occluder := s.nearest(p, l.Direction, math.Inf(1), true, object); occluder != nil {
			key |= 1 << (i % 16)
			continue
		}
		light += l.Intensity * cos
	}
	return object.Color.Scale(light), key
}

// Render draws s into dst, an image of height × width pixels with channels
// values per pixel (row-major, channel fastest): 3 for RGB, 1 for grey (the
// Rec. 601 luma of the RGB colour). Each pixel gets one ray through its
// centre; a pixel whose object or shadow differs from one of its four
// neighbours' is then shaded again as the mean of edgeSamples × edgeSamples
// rays on a regular grid within it, which smooths edges at a fraction of the
// cost of supersampling every pixel. Values are clamped to [0, 1], encoded
// with gamma 1/2 and quantised to multiples of 1/255.
//
// Render does not modify s, so several goroutines may render one scene. It
// panics if channels is not 1 or 3, if a size is not positive, or if dst does
// not hold height·width·channels values; all are programming errors.
func (s *Scene) Render(width, height, channels, edgeSamples int, dst []float32) {
	if channels != 1 && channels != 3 {
		panic(fmt.Sprintf("render: %d channels, want 1 or 3", channels))
	}
	if width <= 0 || height <= 0 || edgeSamples <= 0 {
		panic(fmt.Sprintf("render: invalid size %d×%d with %d edge samples per axis", width, height, edgeSamples))
	}
	if len(dst) != width*height*channels {
		panic(fmt.Sprintf("render: dst holds %d values, want %d", len(dst), width*height*channels))
	}

	lights := make([]Light, len(s.Lights))
	for i, l := range s.Lights {
		lights[i] = Light{Direction: l.Direction.Unit(), Intensity: l.Intensity}
	}
	cam := s.Camera
	forward := cam.Target.Sub(cam.Position).Unit()
	right := forward.Cross(cam.Up).Unit()
	up := right.Cross(forward)
	halfHeight := math.Tan(cam.FieldOfView / 2)
	halfWidth := halfHeight * float64(width) / float64(height)

	// ray returns the direction through the point (x, y) of the image plane,
	// in pixels from the top-left corner.
	ray := func(x, y float64) Vec3 {
		px := (2*x/float64(width) - 1) * halfWidth
		py := (1 - 2*y/float64(height)) * halfHeight
		return forward.Add(right.Scale(px)).Add(up.Scale(py)).Unit()
	}

	colors := make([]Vec3, width*height)
	keys := make([]surfaceKey, width*height)
	for row := range height {
		for col := range width {
			i := row*width + col
			colors[i], keys[i] = s.radiance(cam.Position, ray(float64(col)+0.5, float64(row)+0.5), lights)
		}
	}

	if edgeSamples > 1 {
		step := 1 / float64(edgeSamples)
		weight := step * step
		for row := range height {
			for col := range width {
				if !onEdge(keys, width, height, row, col) {
					continue
				}
				var sum Vec3
				for sy := range edgeSamples {
					for sx := range edgeSamples {
						x := float64(col) + (float64(sx)+0.5)*step
						y := float64(row) + (float64(sy)+0.5)*step
						c, _ := s.radiance(cam.Position, ray(x, y), lights)
						sum = sum.Add(c)
					}
				}
				colors[row*width+col] = sum.Scale(weight)
			}
		}
	}

	for i, c := range colors {
		if channels == 1 {
			dst[i] = encode(0.299*c.X + 0.587*c.Y + 0.114*c.Z)
			continue
		}
		dst[3*i], dst[3*i+1], dst[3*i+2] = encode(c.X), encode(c.Y), encode(c.Z)
	}
}

// onEdge reports whether the pixel at (row, col) has a neighbour, among the
// four that share a side with it, with another surface key.
func onEdge(keys []surfaceKey, width, height, row, col int) bool {
	i := row*width + col
	k := keys[i]
	return (row > 0 && keys[i-width] != k) ||
		(row < height-1 && keys[i+width] != k) ||
		(col > 0 && keys[i-1] != k) ||
		(col < width-1 && keys[i+1] != k)
}

// encode clamps a linear value to [0, 1], applies gamma 1/2 and rounds to the
// nearest multiple of 1/255.
func encode(v float64) float32 {
	v = math.Sqrt(min(max(v, 0), 1))
	return float32(math.Round(v*255)) / 255
}

// OrbitCamera returns a camera at distance from target, at azimuth and
// elevation as Spherical measures them (radians), looking at target with Y up
// and the vertical field of view fieldOfView.
func OrbitCamera(target Vec3, distance, azimuth, elevation, fieldOfView float64) Camera {
	return Camera{
		Position:    target.Add(Spherical(azimuth, elevation).Scale(distance)),
		Target:      target,
		Up:          V(0, 1, 0),
		FieldOfView: fieldOfView,
	}
}
