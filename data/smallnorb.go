package data

import (
	"math"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/data/internal/render"
)

const (
	smallNORBSize = 64
	// smallNORBInstances is the number of objects per category, as in the
	// published set (5 for training and 5 for testing).
	smallNORBInstances = 10
	// smallNORBModelSeed seeds the proportions of the 50 toy models.
	smallNORBModelSeed = 0x5e11
)

// SmallNORB categories, in the published order.
const (
	norbAnimal = iota
	norbHuman
	norbAirplane
	norbTruck
	norbCar
)

// smallNORBLighting is one of the six lighting conditions: directional
// lights whose azimuths are relative to the camera's. So each condition lights
// the object from the same side of the image at every azimuth, as if the
// object turned on a turntable under fixed lamps.
type smallNORBLighting struct {
	ambient float64
	lamps   []smallNORBLamp
}

// smallNORBLamp is a directional light: its azimuth relative to the camera's
// and its elevation, in radians, and its intensity.
type smallNORBLamp struct{ azimuth, elevation, intensity float64 }

var smallNORBLightings = [6]smallNORBLighting{
	{0.3, []smallNORBLamp{{0.7, 0.9, 0.8}}},                   // upper right
	{0.3, []smallNORBLamp{{-0.7, 0.9, 0.8}}},                  // upper left
	{0.25, []smallNORBLamp{{0, 1.45, 0.6}}},                   // overhead
	{0.25, []smallNORBLamp{{1.5, 0.35, 0.9}}},                 // low from the right
	{0.25, []smallNORBLamp{{-1.5, 0.35, 0.9}}},                // low from the left
	{0.2, []smallNORBLamp{{0.9, 0.7, 0.5}, {-0.9, 0.7, 0.5}}}, // both sides, dimmer
}

// smallNORB is the SmallNORB stand-in: toy-like models of the five
// categories built from primitives, ray-cast in grey on the published factor
// grid, with the instance drawn at random as a nuisance.
type smallNORB struct {
	elevations, azimuths []float64 // radians
	models               [5][smallNORBInstances][]render.Object
}

func init() {
	procedural["smallnorb"] = func() Dataset { return newSmallNORB() }
}

func newSmallNORB() *smallNORB {
	d := &smallNORB{
		elevations: linspace(30*math.Pi/180, 70*math.Pi/180, 9),
		azimuths:   linspace(0, 340*math.Pi/180, 18),
	}
	rng := rand.New(rand.NewPCG(smallNORBModelSeed, 0))
	build := [5]func(*rand.Rand, int) []render.Object{toyAnimal, toyHuman, toyAirplane, toyTruck, toyCar}
	for c := range d.models {
		for i := range d.models[c] {
			d.models[c][i] = build[c](rng, i)
		}
	}
	return d
}

func (d *smallNORB) Name() string           { return "smallnorb" }
func (d *smallNORB) Factors() []Factor      { return factorsCopy(smallNORBFactors) }
func (d *smallNORB) ImageShape() ImageShape { return ImageShape{smallNORBSize, smallNORBSize, 1} }
func (d *smallNORB) Source() string         { return "procedural" }

func (d *smallNORB) Describe() Description {
	return Description{
		Summary: "SmallNORB stand-in, not the published photographs: toy-like animals, humans, airplanes, " +
			"trucks and cars built from spheres, boxes and cylinders, 10 instances per category (a nuisance " +
			"drawn at random for each image), grey 64×64 on a floor that takes their shadows, ray-cast on " +
			"demand on the published factor grid.",
		FactorValues: []string{
			"animal, human, airplane, truck, car",
			"camera elevation 30° to 70° in 9 steps of 5°",
			"azimuth 0° to 340° in 18 steps of 20°",
			"6 lighting conditions: upper right, upper left, overhead, low right, low left, both sides",
		},
		NumImages: NumPoints(Sizes(d)) * smallNORBInstances,
	}
}

// Observe ray-casts each toy with one ray per pixel. It draws the instance of
// each image from rng, in row order, before rendering.
func (d *smallNORB) Observe(factors []int, rng *rand.Rand, dst []float32) error {
	n, err := checkObservation(d, factors, dst)
	if err != nil {
		return err
	}
	instances := make([]int, n)
	for i := range instances {
		instances[i] = rng.IntN(smallNORBInstances)
	}
	size := smallNORBSize * smallNORBSize
	forEachImage(n, func(i int) {
		row := factors[i*4 : i*4+4]
		d.scene(row[0], instances[i], row[1], row[2], row[3]).Render(smallNORBSize, smallNORBSize, 1, 2, dst[i*size:(i+1)*size])
	})
	return nil
}

func (d *smallNORB) scene(category, instance, elevation, azimuth, lighting int) *render.Scene {
	az := d.azimuths[azimuth]
	light := smallNORBLightings[lighting]
	s := &render.Scene{
		Camera:     render.OrbitCamera(render.V(0, 0.4, 0), 4.6, az, d.elevations[elevation], 30*math.Pi/180),
		Ambient:    light.ambient,
		Background: render.V(0.5, 0.5, 0.5),
		Shadows:    true,
	}
	for _, l := range light.lamps {
		s.Lights = append(s.Lights, render.Light{Direction: render.Spherical(az+l.azimuth, l.elevation), Intensity: l.intensity})
	}
	s.Add(render.Object{
		Shape: render.Rect{Corner: render.V(-20, 0, 20), U: render.V(40, 0, 0), V: render.V(0, 0, -40)},
		Color: render.V(0.5, 0.5, 0.5),
	})
	s.Add(d.models[category][instance]...)
	return s
}

// toyGrey returns the colour of all of a toy's parts: a light grey, a little
// darker or lighter per instance.
func toyGrey(rng *rand.Rand) render.Vec3 {
	g := 0.55 + 0.35*rng.Float64()
	return render.V(g, g, g)
}

func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// toyAnimal builds a four-legged animal facing +X: an ellipsoid body on four
// legs, a neck and head, and a tail.
func toyAnimal(rng *rand.Rand, _ int) []render.Object {
	u := func(lo, hi float64) float64 { return uniform(rng, lo, hi) }
	halfLength, halfHeight, halfWidth := u(0.5, 0.75), u(0.17, 0.27), u(0.15, 0.23)
	leg, legRadius := u(0.25, 0.45), u(0.05, 0.08)
	bodyY := leg + 0.8*halfHeight
	headRadius, neck := u(0.12, 0.18), u(0.1, 0.3)
	tail, tailAngle := u(0.2, 0.45), u(-0.6, 0.9)
	color := toyGrey(rng)

	var parts []render.Shape
	parts = append(parts, render.Ellipsoid{Center: render.V(0, bodyY, 0), Radii: render.V(halfLength, halfHeight, halfWidth)})
	for _, x := range [2]float64{-0.65 * halfLength, 0.65 * halfLength} {
		for _, z := range [2]float64{-0.6 * halfWidth, 0.6 * halfWidth} {
			parts = append(parts, render.Capsule{A: render.V(x, legRadius, z), B: render.V(x, bodyY, z), Radius: legRadius})
		}
	}
	neckBase := render.V(0.8*halfLength, bodyY+0.3*halfHeight, 0)
	neckTop := render.V(halfLength+0.1, bodyY+halfHeight+neck, 0)
	parts = append(parts,
		render.Capsule{A: neckBase, B: neckTop, Radius: 0.07},
		render.Ellipsoid{Center: neckTop.Add(render.V(0.08, 0, 0)), Radii: render.V(1.3*headRadius, headRadius, 0.9*headRadius)},
		render.Capsule{
			A:      render.V(-0.9*halfLength, bodyY+0.3*halfHeight, 0),
			B:      render.V(-halfLength-tail*math.Cos(tailAngle), bodyY+0.3*halfHeight+tail*math.Sin(tailAngle), 0),
			Radius: 0.04,
		},
	)
	for _, z := range [2]float64{-0.5 * headRadius, 0.5 * headRadius} {
		parts = append(parts, render.Sphere{Center: neckTop.Add(render.V(0, 0.9*headRadius, z)), Radius: 0.35 * headRadius})
	}
	return paintAll(parts, color)
}

// toyHuman builds a standing figure facing +X: legs, an ellipsoid torso, a
// head and two arms held at angles that vary by instance.
func toyHuman(rng *rand.Rand, _ int) []render.Object {
	u := func(lo, hi float64) float64 { return uniform(rng, lo, hi) }
	legLength, limbRadius := u(0.5, 0.65), u(0.06, 0.085)
	hipHalfWidth := u(0.08, 0.12)
	torsoHalfHeight, torsoHalfWidth := u(0.26, 0.34), u(0.17, 0.23)
	headRadius := u(0.11, 0.15)
	armLength := u(0.45, 0.6)
	leftArm, rightArm := u(0.1, 2.6), u(0.1, 2.6) // angle from hanging down, radians
	stride := u(0, 0.25)
	color := toyGrey(rng)

	hipY := legLength
	torsoY := hipY + torsoHalfHeight
	shoulderY := hipY + 1.7*torsoHalfHeight
	parts := []render.Shape{
		render.Capsule{A: render.V(stride, limbRadius, -hipHalfWidth), B: render.V(0, hipY, -hipHalfWidth), Radius: limbRadius},
		render.Capsule{A: render.V(-stride, limbRadius, hipHalfWidth), B: render.V(0, hipY, hipHalfWidth), Radius: limbRadius},
		render.Ellipsoid{Center: render.V(0, torsoY, 0), Radii: render.V(0.13, torsoHalfHeight, torsoHalfWidth)},
		render.Sphere{Center: render.V(0, hipY+2*torsoHalfHeight+1.05*headRadius, 0), Radius: headRadius},
	}
	for _, arm := range [2]struct{ side, angle float64 }{{-1, leftArm}, {1, rightArm}} {
		shoulder := render.V(0, shoulderY, arm.side*(torsoHalfWidth+limbRadius))
		hand := shoulder.Add(render.V(0, -armLength*math.Cos(arm.angle), arm.side*armLength*math.Sin(arm.angle)))
		parts = append(parts, render.Capsule{A: shoulder, B: hand, Radius: 0.85 * limbRadius})
	}
	return paintAll(parts, color)
}

// toyAirplane builds an airplane facing +X: a capsule fuselage, low or high
// wings, a tailplane and a fin, and two engines on every other instance.
func toyAirplane(rng *rand.Rand, instance int) []render.Object {
	u := func(lo, hi float64) float64 { return uniform(rng, lo, hi) }
	halfLength, radius := u(0.75, 0.95), u(0.09, 0.13)
	span, chord, wingX := u(0.75, 1.0), u(0.25, 0.4), u(-0.1, 0.15)
	wingY := radius + u(-0.5, 0.6)*radius
	finHeight := u(0.25, 0.4)
	color := toyGrey(rng)

	y := radius + 0.04 // the fuselage rests just above the floor
	wingY += 0.04
	tail := -halfLength
	parts := []render.Shape{
		render.Capsule{A: render.V(-halfLength, y, 0), B: render.V(halfLength, y, 0), Radius: radius},
		render.Box{Min: render.V(wingX-chord/2, wingY-0.035, -span), Max: render.V(wingX+chord/2, wingY+0.035, span)},
		render.Box{Min: render.V(tail-0.08, y-0.03, -0.35*span), Max: render.V(tail+0.2, y+0.03, 0.35*span)},
		render.Box{Min: render.V(tail-0.08, y, -0.03), Max: render.V(tail+0.24, y+finHeight, 0.03)},
	}
	if instance%2 == 1 {
		for _, z := range [2]float64{-0.45 * span, 0.45 * span} {
			parts = append(parts, render.Cylinder{
				A: render.V(wingX-0.05, wingY-0.08, z), B: render.V(wingX+0.28, wingY-0.08, z), Radius: 0.06,
			})
		}
	}
	return paintAll(parts, color)
}

// toyTruck builds a truck facing +X: a cab, a box or flat cargo bed behind
// it, and three axles of wheels.
func toyTruck(rng *rand.Rand, instance int) []render.Object {
	u := func(lo, hi float64) float64 { return uniform(rng, lo, hi) }
	length, halfWidth := u(1.5, 1.9), u(0.3, 0.4)
	wheelRadius := u(0.13, 0.18)
	cabLength, cabHeight := u(0.35, 0.5), u(0.5, 0.65)
	cargoHeight := u(0.55, 0.8)
	if instance%3 == 2 {
		cargoHeight = u(0.1, 0.16) // a flatbed
	}
	color := toyGrey(rng)

	x0, x1 := -length/2, length/2
	floor := 1.3 * wheelRadius
	parts := []render.Shape{
		render.Box{Min: render.V(x1-cabLength, floor, -halfWidth), Max: render.V(x1, floor+cabHeight, halfWidth)},
		render.Box{Min: render.V(x0, floor, -1.05*halfWidth), Max: render.V(x1-cabLength-0.05, floor+cargoHeight, 1.05*halfWidth)},
	}
	for _, x := range [3]float64{x1 - cabLength/2, x0 + 0.45*wheelRadius + 0.2, x0 + 2.6*wheelRadius + 0.2} {
		parts = append(parts, render.Cylinder{
			A: render.V(x, wheelRadius, -halfWidth-0.03), B: render.V(x, wheelRadius, halfWidth+0.03), Radius: wheelRadius,
		})
	}
	return paintAll(parts, color)
}

// toyCar builds a car of one of the Cars3D styles, painted grey.
func toyCar(rng *rand.Rand, instance int) []render.Object {
	c := randomCar(rng, carStyle(instance%int(numCarStyles)))
	parts := c.objects()
	grey := toyGrey(rng)
	for i := range parts {
		parts[i].Color = grey
	}
	return parts
}

func paintAll(shapes []render.Shape, color render.Vec3) []render.Object {
	out := make([]render.Object, len(shapes))
	for i, s := range shapes {
		out[i] = render.Object{Shape: s, Color: color}
	}
	return out
}
