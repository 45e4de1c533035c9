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
	// Layer is the layer that RenderLayers adds the object's light to;
	// Render ignores it.
	Layer int
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

// Scene is a set of objects, lights and a camera for Render to draw. Its zero
// value is an empty black scene with no light and no shadows; set Camera
// before rendering.
type Scene struct {
	Camera Camera
	Lights []Light
	// Ambient is the light that reaches every surface, shadowed or not.
	Ambient float64
	// Background is the colour of rays that hit nothing, already in the
	// output's linear space (it is not shaded).
	Background Vec3
	// Shadows makes objects block the lights: a surface point is lit by a
	// light only if no object lies between them. Without it, every surface
	// facing a light is lit by it, and no shadow rays are cast.
	Shadows bool
	// BackgroundLayer is the layer that RenderLayers adds rays that hit
	// nothing to; Render ignores it.
	BackgroundLayer int

	groups     []group
	numObjects int
}

// group is a set of objects with a bounding sphere that rays test first.
type group struct {
	center  Vec3
	radius  float64
	objects []bounded
}

// bounded is an object with its bounding sphere.
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
		if p, ok := o.Shape.(preparer); ok {
			o.Shape = p.prepare()
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

// nearest returns the nearest hit of the ray within tMax and the object hit,
// never reporting the object skip. With anyHit it returns the first hit
// found, which is enough for shadow rays.
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

// nearestAmong returns the nearest hit of the ray within tMax among
// candidates, which must include every object the ray can hit.
func nearestAmong(candidates []*bounded, origin, dir Vec3, tMax float64) (t float64, normal Vec3, hit *bounded) {
	t = tMax
	for _, o := range candidates {
		if missesSphere(origin, dir, o.center, o.radius, t) {
			continue
		}
		if ht, hn, ok := o.Shape.Intersect(origin, dir, t); ok {
			t, normal, hit = ht, hn, o
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

// sample is the result of one ray: the object hit (nil for the background),
// the light that reached the hit point, and its surfaceKey.
type sample struct {
	object *bounded
	light  float64
	key    surfaceKey
}

// trace casts one camera ray, which can hit only the candidates; lights are
// the scene's lights with unit directions.
func (s *Scene) trace(origin, dir Vec3, candidates []*bounded, lights []Light) sample {
	t, n, object := nearestAmong(candidates, origin, dir, math.Inf(1))
	if object == nil {
		return sample{}
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
		if s.Shadows {
			if _, _, occluder := s.nearest(p, l.Direction, math.Inf(1), true, object); occluder != nil {
				key |= 1 << (i % 16)
				continue
			}
		}
		light += l.Intensity * cos
	}
	return sample{object: object, light: light, key: key}
}

// color returns the linear colour of a sample.
func (s *Scene) color(sm sample) Vec3 {
	if sm.object == nil {
		return s.Background
	}
	return sm.object.Color.Scale(sm.light)
}

// checkSize panics unless the image size and edge samples are positive.
func checkSize(width, height, edgeSamples int) {
	if width <= 0 || height <= 0 || edgeSamples <= 0 {
		panic(fmt.Sprintf("render: invalid size %d×%d with %d edge samples per axis", width, height, edgeSamples))
	}
}

// castPixels casts one ray through the centre of every pixel of a
// height × width image. A pixel whose object or shadow differs from one of
// its four neighbours' then gets edgeSamples × edgeSamples rays on a regular
// grid within it instead. castPixels calls shade once per pixel (row-major
// index) with the samples that make up the pixel, in a slice that shade must
// not keep.
func (s *Scene) castPixels(width, height, edgeSamples int, shade func(pixel int, samples []sample)) {
	lights := make([]Light, len(s.Lights))
	for i, l := range s.Lights {
		lights[i] = Light{Direction: l.Direction.Unit(), Intensity: l.Intensity}
	}
	v := newView(s.Camera, width, height)
	tiles := s.screenTiles(v)

	centres := make([]sample, width*height)
	keys := make([]surfaceKey, width*height)
	for row := range height {
		for col := range width {
			i := row*width + col
			centres[i] = s.trace(v.position, v.ray(float64(col)+0.5, float64(row)+0.5), tiles.at(row, col), lights)
			keys[i] = centres[i].key
		}
	}

	step := 1 / float64(edgeSamples)
	edge := make([]sample, 0, edgeSamples*edgeSamples)
	for row := range height {
		for col := range width {
			i := row*width + col
			if edgeSamples == 1 || !onEdge(keys, width, height, row, col) {
				shade(i, centres[i:i+1])
				continue
			}
			candidates := tiles.at(row, col)
			edge = edge[:0]
			for sy := range edgeSamples {
				for sx := range edgeSamples {
					x := float64(col) + (float64(sx)+0.5)*step
					y := float64(row) + (float64(sy)+0.5)*step
					edge = append(edge, s.trace(v.position, v.ray(x, y), candidates, lights))
				}
			}
			shade(i, edge)
		}
	}
}

// view is a camera set up for an image of width × height pixels.
type view struct {
	position, forward, right, up Vec3
	halfWidth, halfHeight        float64 // of the image plane at distance 1
	width, height                int
}

func newView(cam Camera, width, height int) view {
	forward := cam.Target.Sub(cam.Position).Unit()
	right := forward.Cross(cam.Up).Unit()
	halfHeight := math.Tan(cam.FieldOfView / 2)
	return view{
		position: cam.Position, forward: forward, right: right, up: right.Cross(forward),
		halfWidth: halfHeight * float64(width) / float64(height), halfHeight: halfHeight,
		width: width, height: height,
	}
}

// ray returns the unit direction through the point (x, y) of the image, in
// pixels from its top-left corner.
func (v view) ray(x, y float64) Vec3 {
	px := (2*x/float64(v.width) - 1) * v.halfWidth
	py := (1 - 2*y/float64(v.height)) * v.halfHeight
	return v.forward.Add(v.right.Scale(px)).Add(v.up.Scale(py)).Unit()
}

// screenBox returns the box, in pixels from the image's top-left corner,
// that contains the image of the sphere. It returns the whole image's box,
// extended without bound, for a sphere that reaches the camera's plane.
func (v view) screenBox(center Vec3, radius float64) (x0, x1, y0, y1 float64) {
	c := center.Sub(v.position)
	along := c.Dot(v.forward)
	if along-radius <= 0 {
		return math.Inf(-1), math.Inf(1), math.Inf(-1), math.Inf(1)
	}
	// A point's image coordinates are its right and up components over its
	// forward component, so their ranges over the ball are those over its
	// projection to the (forward, right) and (forward, up) planes: discs of
	// the same radius.
	lo, hi := tangentRange(along, c.Dot(v.right), radius)
	x0 = (lo/v.halfWidth + 1) * float64(v.width) / 2
	x1 = (hi/v.halfWidth + 1) * float64(v.width) / 2
	lo, hi = tangentRange(along, c.Dot(v.up), radius)
	y0 = (1 - hi/v.halfHeight) * float64(v.height) / 2
	y1 = (1 - lo/v.halfHeight) * float64(v.height) / 2
	return x0, x1, y0, y1
}

// tangentRange returns the range of a/b over the disc of radius r around
// (a, b) = (across, along), which must lie where b > 0.
func tangentRange(along, across, r float64) (lo, hi float64) {
	theta := math.Atan2(across, along)
	delta := math.Asin(r / math.Hypot(along, across))
	return math.Tan(theta - delta), math.Tan(theta + delta)
}

// tileSize is the side in pixels of the square tiles of screenTiles.
const tileSize = 8

// tileLists holds, for each tile of the image, the objects whose image may
// overlap the tile.
type tileLists struct {
	columns int
	lists   [][]*bounded
}

// at returns the objects that camera rays through pixel (row, col) can hit.
func (t tileLists) at(row, col int) []*bounded {
	return t.lists[(row/tileSize)*t.columns+col/tileSize]
}

// screenTiles sorts the objects of s into the tiles their images overlap,
// keeping the order of Add. The boxes grow by one pixel on every side so that
// rounding cannot drop an object from a tile it touches.
func (s *Scene) screenTiles(v view) tileLists {
	columns := (v.width + tileSize - 1) / tileSize
	rows := (v.height + tileSize - 1) / tileSize
	t := tileLists{columns: columns, lists: make([][]*bounded, columns*rows)}
	tileRange := func(lo, hi float64, n int) (int, int) {
		first := int(max(math.Floor((lo-1)/tileSize), 0))
		last := int(min(math.Floor((hi+1)/tileSize), float64(n-1)))
		return first, last
	}
	for gi := range s.groups {
		for oi := range s.groups[gi].objects {
			o := &s.groups[gi].objects[oi]
			x0, x1, y0, y1 := v.screenBox(o.center, o.radius)
			c0, c1 := tileRange(x0, x1, columns)
			r0, r1 := tileRange(y0, y1, rows)
			for r := r0; r <= r1; r++ {
				for c := c0; c <= c1; c++ {
					t.lists[r*columns+c] = append(t.lists[r*columns+c], o)
				}
			}
		}
	}
	return t
}

// Render draws s into dst, an image of height × width pixels with channels
// values per pixel (row-major, channel fastest): 3 for RGB, 1 for grey (the
// Rec. 601 luma of the RGB colour). Each pixel gets one ray through its
// centre. A pixel whose object or shadow differs from one of its four
// neighbours' is then shaded again as the mean of edgeSamples × edgeSamples
// rays on a regular grid within it. This smooths edges at a fraction of the
// cost of supersampling every pixel. Values are clamped to [0, 1], encoded
// with gamma 1/2 and quantised to multiples of 1/255.
//
// Render does not modify s, so several goroutines may render one scene. It
// panics if channels is not 1 or 3, if a size is not positive, or if dst does
// not hold height·width·channels values; all are programming errors.
func (s *Scene) Render(width, height, channels, edgeSamples int, dst []float32) {
	checkChannels(channels)
	checkSize(width, height, edgeSamples)
	if len(dst) != width*height*channels {
		panic(fmt.Sprintf("render: dst has length %d, want %d", len(dst), width*height*channels))
	}
	s.castPixels(width, height, edgeSamples, func(pixel int, samples []sample) {
		var sum Vec3
		for _, sm := range samples {
			sum = sum.Add(s.color(sm))
		}
		writePixel(dst, pixel, channels, sum.Scale(1/float64(len(samples))))
	})
}

func checkChannels(channels int) {
	if channels != 1 && channels != 3 {
		panic(fmt.Sprintf("render: %d channels, want 1 or 3", channels))
	}
}

// writePixel encodes the linear colour c into pixel of dst.
func writePixel(dst []float32, pixel, channels int, c Vec3) {
	if channels == 1 {
		dst[pixel] = encode(0.299*c.X + 0.587*c.Y + 0.114*c.Z)
		return
	}
	dst[3*pixel], dst[3*pixel+1], dst[3*pixel+2] = encode(c.X), encode(c.Y), encode(c.Z)
}

// Layers is an image of light weights, one per layer and pixel: the linear
// colour of a pixel is the sum over layers of weight times the layer's
// colour. Because every light is white, this sum equals what Render computes
// when each object's Color is its layer's colour, up to rounding. Scenes whose
// geometry repeats with different colours can render Layers once and Compose
// many images from it.
type Layers struct {
	Width, Height, Count int
	// Weights holds Count weights per pixel, row-major: the light that
	// reached objects of each layer, averaged over the pixel's rays. Rays
	// that hit nothing add 1 to the scene's BackgroundLayer.
	Weights []float32
}

// RenderLayers renders the light weights of count layers; each object
// contributes to the layer given by its Layer field, and the background to
// s.BackgroundLayer. Rays are cast as by Render.
//
// It panics if a size is not positive or a layer is outside [0, count);
// both are programming errors.
func (s *Scene) RenderLayers(width, height, count, edgeSamples int) *Layers {
	checkSize(width, height, edgeSamples)
	check := func(layer int) {
		if layer < 0 || layer >= count {
			panic(fmt.Sprintf("render: layer %d outside [0, %d)", layer, count))
		}
	}
	check(s.BackgroundLayer)
	for _, g := range s.groups {
		for _, o := range g.objects {
			check(o.Layer)
		}
	}

	l := &Layers{Width: width, Height: height, Count: count, Weights: make([]float32, width*height*count)}
	sums := make([]float64, count)
	s.castPixels(width, height, edgeSamples, func(pixel int, samples []sample) {
		clear(sums)
		for _, sm := range samples {
			if sm.object == nil {
				sums[s.BackgroundLayer]++
				continue
			}
			sums[sm.object.Layer] += sm.light
		}
		n := float64(len(samples))
		for k, v := range sums {
			l.Weights[pixel*count+k] = float32(v / n)
		}
	})
	return l
}

// Compose writes the image with the given layer colours (linear RGB, one per
// layer) into dst, encoded as Render encodes. It panics if colors does not
// hold one colour per layer or dst has the wrong length.
func (l *Layers) Compose(colors []Vec3, channels int, dst []float32) {
	checkChannels(channels)
	if len(colors) != l.Count {
		panic(fmt.Sprintf("render: %d layer colours for %d layers", len(colors), l.Count))
	}
	if len(dst) != l.Width*l.Height*channels {
		panic(fmt.Sprintf("render: dst has length %d, want %d", len(dst), l.Width*l.Height*channels))
	}
	for pixel := range l.Width * l.Height {
		var c Vec3
		for k, w := range l.Weights[pixel*l.Count : (pixel+1)*l.Count] {
			c = c.Add(colors[k].Scale(float64(w)))
		}
		writePixel(dst, pixel, channels, c)
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
