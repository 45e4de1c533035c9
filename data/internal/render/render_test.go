package render

import (
	"math"
	"slices"
	"sync"
	"testing"
)

// closeVec reports whether a and b agree within tol in every component.
func closeVec(a, b Vec3, tol float64) bool {
	return math.Abs(a.X-b.X) <= tol && math.Abs(a.Y-b.Y) <= tol && math.Abs(a.Z-b.Z) <= tol
}

func TestShapeIntersect(t *testing.T) {
	// The expected hits are exact in real arithmetic; 1e-9 absorbs the
	// rounding of a square root and a few products of numbers near 1.
	const tol = 1e-9
	down := V(0, -1, 0)
	cases := []struct {
		name     string
		shape    Shape
		origin   Vec3
		dir      Vec3
		tMax     float64
		wantHit  bool
		wantT    float64
		wantNorm Vec3
	}{
		{"sphere front", Sphere{V(0, 0, 0), 1}, V(0, 0, 5), V(0, 0, -1), 100, true, 4, V(0, 0, 1)},
		{"sphere from inside exits", Sphere{V(0, 0, 0), 2}, V(0, 0, 0), V(1, 0, 0), 100, true, 2, V(1, 0, 0)},
		{"sphere miss", Sphere{V(0, 0, 0), 1}, V(0, 2, 5), V(0, 0, -1), 100, false, 0, Vec3{}},
		{"sphere beyond tMax", Sphere{V(0, 0, 0), 1}, V(0, 0, 5), V(0, 0, -1), 3.5, false, 0, Vec3{}},
		{"sphere behind", Sphere{V(0, 0, 0), 1}, V(0, 0, 5), V(0, 0, 1), 100, false, 0, Vec3{}},
		{"ellipsoid top", Ellipsoid{V(1, 0, 0), V(2, 0.5, 1)}, V(1, 3, 0), down, 100, true, 2.5, V(0, 1, 0)},
		{"ellipsoid side", Ellipsoid{V(0, 0, 0), V(2, 0.5, 1)}, V(5, 0, 0), V(-1, 0, 0), 100, true, 3, V(1, 0, 0)},
		{"box top", Box{V(-1, 0, -1), V(1, 2, 1)}, V(0.5, 5, 0.5), down, 100, true, 3, V(0, 1, 0)},
		{"box side", Box{V(-1, 0, -1), V(1, 2, 1)}, V(-4, 1, 0), V(1, 0, 0), 100, true, 3, V(-1, 0, 0)},
		{"box from inside exits", Box{V(-1, 0, -1), V(1, 2, 1)}, V(0, 1, 0), V(0, 0, 1), 100, true, 1, V(0, 0, 1)},
		{"box miss parallel", Box{V(-1, 0, -1), V(1, 2, 1)}, V(0, 3, 5), V(0, 0, -1), 100, false, 0, Vec3{}},
		{"cylinder side", Cylinder{V(0, 0, 0), V(0, 2, 0), 0.5}, V(3, 1, 0), V(-1, 0, 0), 100, true, 2.5, V(1, 0, 0)},
		{"cylinder top cap", Cylinder{V(0, 0, 0), V(0, 2, 0), 0.5}, V(0.2, 4, 0), down, 100, true, 2, V(0, 1, 0)},
		{"cylinder above side", Cylinder{V(0, 0, 0), V(0, 2, 0), 0.5}, V(3, 2.5, 0), V(-1, 0, 0), 100, false, 0, Vec3{}},
		{"cylinder slanted axis", Cylinder{V(-1, 0, 0), V(1, 0, 0), 0.5}, V(0, 3, 0), down, 100, true, 2.5, V(0, 1, 0)},
		{"capsule end cap", Capsule{V(0, 0, 0), V(0, 2, 0), 0.5}, V(0, 5, 0), down, 100, true, 2.5, V(0, 1, 0)},
		{"capsule side", Capsule{V(0, 0, 0), V(0, 2, 0), 0.5}, V(-3, 1, 0), V(1, 0, 0), 100, true, 2.5, V(-1, 0, 0)},
		{"capsule miss", Capsule{V(0, 0, 0), V(0, 2, 0), 0.5}, V(-3, 2.6, 0), V(1, 0, 0), 100, false, 0, Vec3{}},
		{"rect front", Rect{V(-1, 0, -1), V(2, 0, 0), V(0, 0, 2)}, V(0.5, 2, 0.5), down, 100, true, 2, V(0, 1, 0)},
		{"rect back faces ray", Rect{V(-1, 0, -1), V(2, 0, 0), V(0, 0, 2)}, V(0.5, -2, 0.5), V(0, 1, 0), 100, true, 2, V(0, -1, 0)},
		{"rect outside", Rect{V(-1, 0, -1), V(2, 0, 0), V(0, 0, 2)}, V(1.5, 2, 0), down, 100, false, 0, Vec3{}},
		{"prepared rect front", Rect{V(-1, 0, -1), V(2, 0, 0), V(0, 0, 2)}.prepare(), V(0.5, 2, 0.5), down, 100, true, 2, V(0, 1, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gotT, gotN, hit := c.shape.Intersect(c.origin, c.dir.Unit(), c.tMax)
			if hit != c.wantHit {
				t.Fatalf("hit = %v, want %v (t = %v)", hit, c.wantHit, gotT)
			}
			if !hit {
				return
			}
			if math.Abs(gotT-c.wantT) > tol {
				t.Errorf("t = %v, want %v", gotT, c.wantT)
			}
			if !closeVec(gotN, c.wantNorm, tol) {
				t.Errorf("normal = %v, want %v", gotN, c.wantNorm)
			}
		})
	}
}

func TestShapeBoundContainsHits(t *testing.T) {
	// Rays from many directions towards each shape's bound centre must hit
	// the shape inside its bounding sphere; 1e-9 allows for rounding.
	shapes := []Shape{
		Sphere{V(1, 2, 3), 0.7},
		Ellipsoid{V(0, 1, 0), V(1.5, 0.3, 0.8)},
		Box{V(-1, 0, -0.5), V(2, 0.4, 0.5)},
		Cylinder{V(0, 0, -1), V(0.5, 1, 1), 0.3},
		Capsule{V(-1, 0, 0), V(1, 1, 0), 0.25},
		Rect{V(0, 0, 0), V(3, 0, 0), V(0, 2, 0)},
	}
	for _, s := range shapes {
		center, radius := s.Bound()
		for i := range 64 {
			dir := Spherical(float64(i)*0.7, math.Asin(float64(i%16)/8-0.97))
			origin := center.Add(dir.Scale(10))
			tt, _, ok := s.Intersect(origin, dir.Scale(-1), math.Inf(1))
			if !ok {
				continue
			}
			p := origin.Add(dir.Scale(-tt))
			if d := p.Sub(center).Len(); d > radius+1e-9 {
				t.Errorf("%T: hit at distance %v from the bound centre, bound radius %v", s, d, radius)
			}
		}
	}
}

func TestHSV(t *testing.T) {
	// Expected values from Python 3.11 colorsys.hsv_to_rgb; 1e-12 allows for
	// different but equivalent rounding.
	cases := []struct {
		h, s, v float64
		want    Vec3
	}{
		{0, 1, 1, V(1, 0, 0)},
		{1.0 / 3, 1, 1, V(0, 1, 0)},
		{2.0 / 3, 1, 1, V(0, 0, 1)},
		{0.1, 1, 1, V(1, 0.6000000000000001, 0)},
		{0.9, 0.5, 0.8, V(0.8, 0.4, 0.6400000000000001)},
		{0.5, 0, 0.3, V(0.3, 0.3, 0.3)},
	}
	for _, c := range cases {
		if got := HSV(c.h, c.s, c.v); !closeVec(got, c.want, 1e-12) {
			t.Errorf("HSV(%v, %v, %v) = %v, want %v", c.h, c.s, c.v, got, c.want)
		}
	}
}

// testScene is a red sphere resting on a white floor, lit from above.
func testScene() *Scene {
	s := &Scene{
		Camera:     Camera{Position: V(0, 1, 6), Target: V(0, 0.5, 0), Up: V(0, 1, 0), FieldOfView: 40 * math.Pi / 180},
		Lights:     []Light{{Direction: V(1, 1, 0), Intensity: 0.8}},
		Ambient:    0.2,
		Background: V(0, 0, 1),
		Shadows:    true,
	}
	s.Add(Object{Shape: Rect{V(-10, 0, 10), V(20, 0, 0), V(0, 0, -20)}, Color: V(1, 1, 1)})
	s.Add(Object{Shape: Sphere{V(0, 0.6, 0), 0.6}, Color: V(1, 0, 0)})
	return s
}

func pixel(img []float32, width, row, col int) Vec3 {
	i := (row*width + col) * 3
	return V(float64(img[i]), float64(img[i+1]), float64(img[i+2]))
}

func TestRenderScene(t *testing.T) {
	const size = 48
	img := make([]float32, size*size*3)
	testScene().Render(size, size, 3, 2, img)

	// The sky above the floor's far edge is the background colour, unshaded.
	if got := pixel(img, size, 0, size/2); got != V(0, 0, 1) {
		t.Errorf("top pixel = %v, want the background (0, 0, 1)", got)
	}
	// The sphere fills the centre: red only.
	centre := pixel(img, size, size/2, size/2)
	if centre.X < 0.3 || centre.Y != 0 || centre.Z != 0 {
		t.Errorf("centre pixel = %v, want pure red", centre)
	}
}

func TestTraceShadow(t *testing.T) {
	// The light comes from (1, 1, 0), so the sphere's shadow falls on the
	// floor at negative x: (−0.9, 0, 0) is in it, (1.5, 0, 0) is not.
	s := testScene()
	lights := []Light{{Direction: V(1, 1, 0).Unit(), Intensity: 0.8}}
	cam := s.Camera.Position
	all := []*bounded{&s.groups[0].objects[0], &s.groups[1].objects[0]}
	shadowed := s.trace(cam, V(-0.9, 0, 0).Sub(cam).Unit(), all, lights)
	lit := s.trace(cam, V(1.5, 0, 0).Sub(cam).Unit(), all, lights)

	// Shadowed floor: ambient only. Lit floor: ambient + 0.8·cos 45°. Both
	// sums of a few products, so 1e-12 is ample.
	if want := 0.2; math.Abs(shadowed.light-want) > 1e-12 {
		t.Errorf("shadowed floor light = %v, want %v", shadowed.light, want)
	}
	if want := 0.2 + 0.8*math.Sqrt(0.5); math.Abs(lit.light-want) > 1e-12 {
		t.Errorf("lit floor light = %v, want %v", lit.light, want)
	}
	if shadowed.key == lit.key {
		t.Errorf("shadowed and lit floor share the surface key %x", lit.key)
	}

	// Without shadows the same point is lit.
	s.Shadows = false
	if got := s.trace(cam, V(-0.9, 0, 0).Sub(cam).Unit(), all, lights); math.Abs(got.light-lit.light) > 1e-12 {
		t.Errorf("floor light without shadows = %v, want the lit value %v", got.light, lit.light)
	}
}

func TestLayersComposeMatchesRender(t *testing.T) {
	// The floor is layer 0, the sphere layer 1 and the sky layer 2. With the
	// scene's own colours as layer colours, Compose must reproduce Render up
	// to one 8-bit level (the sums are rounded in another order and through
	// float32 weights).
	const size = 40
	s := testScene()
	s.groups[1].objects[0].Layer = 1
	s.BackgroundLayer = 2
	layers := s.RenderLayers(size, size, 3, 2)
	composed := make([]float32, size*size*3)
	layers.Compose([]Vec3{V(1, 1, 1), V(1, 0, 0), V(0, 0, 1)}, 3, composed)
	rendered := make([]float32, size*size*3)
	s.Render(size, size, 3, 2, rendered)
	for i := range rendered {
		if math.Abs(float64(composed[i]-rendered[i])) > 1.5/255 {
			t.Fatalf("value %d: composed %v, rendered %v", i, composed[i], rendered[i])
		}
	}

	// Other colours: the sphere turns green, so the centre pixel has no red.
	layers.Compose([]Vec3{V(1, 1, 1), V(0, 1, 0), V(0, 0, 1)}, 3, composed)
	if c := pixel(composed, size, size/2, size/2); c.X != 0 || c.Y == 0 {
		t.Errorf("centre pixel with a green sphere = %v", c)
	}
}

func TestRenderLayersPanicsOnBadLayer(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a background layer outside the count")
		}
	}()
	s := testScene()
	s.BackgroundLayer = 3
	s.RenderLayers(4, 4, 3, 1)
}

func TestRenderQuantisedAndDeterministic(t *testing.T) {
	const size = 32
	a := make([]float32, size*size*3)
	b := make([]float32, size*size*3)
	s := testScene()
	s.Render(size, size, 3, 3, a)
	s.Render(size, size, 3, 3, b)
	if !slices.Equal(a, b) {
		t.Fatal("two renders of one scene differ")
	}
	for i, v := range a {
		if v < 0 || v > 1 {
			t.Fatalf("value %d = %v outside [0, 1]", i, v)
		}
		if k := v * 255; k != float32(math.Round(float64(k))) {
			t.Fatalf("value %d = %v is not a multiple of 1/255", i, v)
		}
	}
}

func TestRenderEdgeSamplesSmoothEdges(t *testing.T) {
	// With one ray per pixel every pixel is pure red, white or blue.
	// Supersampled edge pixels mix the sphere's red with the white floor, so
	// they have more red than green but some green.
	const size = 32
	one := make([]float32, size*size*3)
	four := make([]float32, size*size*3)
	s := testScene()
	s.Render(size, size, 3, 1, one)
	s.Render(size, size, 3, 2, four)
	if slices.Equal(one, four) {
		t.Fatal("edge supersampling changed no pixel")
	}
	mixedPixels := func(img []float32) int {
		n := 0
		for i := 0; i < len(img); i += 3 {
			if img[i] > img[i+1] && img[i+1] > 0 {
				n++
			}
		}
		return n
	}
	if n := mixedPixels(one); n != 0 {
		t.Errorf("%d pixels mix red and floor with one ray per pixel, want 0", n)
	}
	if mixedPixels(four) == 0 {
		t.Error("no pixel mixes the sphere's red with the floor")
	}
}

func TestRenderGrey(t *testing.T) {
	const size = 16
	rgb := make([]float32, size*size*3)
	grey := make([]float32, size*size)
	s := testScene()
	s.Render(size, size, 3, 1, rgb)
	s.Render(size, size, 1, 1, grey)
	// The background (0, 0, 1) has luma 0.114, encoded as √0.114.
	want := float32(math.Round(math.Sqrt(0.114)*255)) / 255
	if grey[size/2] != want {
		t.Errorf("grey background = %v, want %v", grey[size/2], want)
	}
}

func TestRenderConcurrent(t *testing.T) {
	// Render must not modify the scene; the race detector checks this when
	// enabled, and the images must match in any case.
	const size = 24
	s := testScene()
	want := make([]float32, size*size*3)
	s.Render(size, size, 3, 2, want)
	var wg sync.WaitGroup
	got := make([][]float32, 4)
	for i := range got {
		got[i] = make([]float32, size*size*3)
		wg.Go(func() { s.Render(size, size, 3, 2, got[i]) })
	}
	wg.Wait()
	for i := range got {
		if !slices.Equal(got[i], want) {
			t.Errorf("concurrent render %d differs", i)
		}
	}
}

func TestRenderPanicsOnBadArguments(t *testing.T) {
	cases := []struct {
		name                    string
		width, height, ch, edge int
		dstLen                  int
	}{
		{"two channels", 4, 4, 2, 1, 32},
		{"zero width", 0, 4, 3, 1, 0},
		{"zero edge samples", 4, 4, 3, 0, 48},
		{"short dst", 4, 4, 3, 1, 47},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			testScene().Render(c.width, c.height, c.ch, c.edge, make([]float32, c.dstLen))
		})
	}
}

func TestScreenTilesAreConservative(t *testing.T) {
	// Camera rays tested against the candidates of their tile must find the
	// same nearest hit as rays tested against every object. The scene has
	// many small spheres, some partly outside the image, so that tiles
	// differ.
	s := testScene()
	for i := range 40 {
		x := float64(i%8)*0.5 - 2
		z := float64(i/8)*0.6 - 1.5
		s.Add(Object{Shape: Sphere{V(x, 0.2+0.1*float64(i%3), z), 0.15 + 0.02*float64(i%5)}, Color: V(0, 1, 0)})
	}
	const width, height = 40, 30
	v := newView(s.Camera, width, height)
	tiles := s.screenTiles(v)
	for row := range height {
		for col := range width {
			for _, offset := range [][2]float64{{0.5, 0.5}, {0.01, 0.01}, {0.99, 0.99}} {
				dir := v.ray(float64(col)+offset[0], float64(row)+offset[1])
				_, _, want := s.nearest(v.position, dir, math.Inf(1), false, nil)
				_, _, got := nearestAmong(tiles.at(row, col), v.position, dir, math.Inf(1))
				if got != want {
					t.Fatalf("pixel (%d, %d) offset %v: tile candidates hit %v, all objects hit %v", row, col, offset, got, want)
				}
			}
		}
	}
}

func TestScreenBoxContainsSphere(t *testing.T) {
	// Points on the sphere's surface must project inside its box; the box
	// may be larger, but not by more than a few pixels for a sphere well in
	// front of the camera (2 pixels allows for the box being that of the
	// exact ellipse).
	v := newView(Camera{Position: V(0, 0, 5), Target: V(0, 0, 0), Up: V(0, 1, 0), FieldOfView: 0.8}, 64, 48)
	center, radius := V(0.7, -0.3, 0.5), 0.4
	x0, x1, y0, y1 := v.screenBox(center, radius)
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range 2000 {
		p := center.Add(Spherical(float64(i)*0.137, math.Asin(2*float64(i)/1999-1)).Scale(radius)).Sub(v.position)
		f := p.Dot(v.forward)
		x := (p.Dot(v.right)/f/v.halfWidth + 1) * 32
		y := (1 - p.Dot(v.up)/f/v.halfHeight) * 24
		minX, maxX, minY, maxY = min(minX, x), max(maxX, x), min(minY, y), max(maxY, y)
	}
	if minX < x0-1e-9 || maxX > x1+1e-9 || minY < y0-1e-9 || maxY > y1+1e-9 {
		t.Errorf("surface spans x [%v, %v] y [%v, %v], outside the box x [%v, %v] y [%v, %v]", minX, maxX, minY, maxY, x0, x1, y0, y1)
	}
	if minX-x0 > 2 || x1-maxX > 2 || minY-y0 > 2 || y1-maxY > 2 {
		t.Errorf("box x [%v, %v] y [%v, %v] is loose around x [%v, %v] y [%v, %v]", x0, x1, y0, y1, minX, maxX, minY, maxY)
	}
}
