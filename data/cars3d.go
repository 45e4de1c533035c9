package data

import (
	"math"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/data/internal/render"
)

const (
	cars3DSize    = 64
	cars3DObjects = 183
)

// cars3D is the Cars3D stand-in: 183 parametric car-like models ray-cast on
// demand, on the published factor grid.
type cars3D struct {
	elevations, azimuths []float64 // radians
	cars                 []carShape
}

func init() {
	procedural["cars3d"] = func() Dataset { return newCars3D() }
}

// cars3DModelSeed seeds the draw of the car models, so every gmg build has the
// same 183 cars.
const cars3DModelSeed = 0xca753d

func newCars3D() *cars3D {
	d := &cars3D{
		elevations: linspace(0, 30*math.Pi/180, 4),
		azimuths:   linspace(0, 345*math.Pi/180, 24),
		cars:       make([]carShape, cars3DObjects),
	}
	rng := rand.New(rand.NewPCG(cars3DModelSeed, 0))
	for i := range d.cars {
		d.cars[i] = randomCar(rng, carStyle(i%int(numCarStyles)))
	}
	return d
}

func (d *cars3D) Name() string           { return "cars3d" }
func (d *cars3D) Factors() []Factor      { return factorsCopy(cars3DFactors) }
func (d *cars3D) ImageShape() ImageShape { return ImageShape{cars3DSize, cars3DSize, 3} }
func (d *cars3D) Source() string         { return "procedural" }

func (d *cars3D) Describe() Description {
	return Description{
		Summary: "Cars3D stand-in, not the published renders: 183 car-like models built from boxes and " +
			"cylinders (sedans, hatchbacks, pickups, vans and sports cars of random proportions and paint), " +
			"64×64 RGB on white, ray-cast on demand on the published factor grid.",
		FactorValues: []string{
			"camera elevation 0° to 30° in 4 equal steps",
			"camera azimuth 0° to 345° in 24 steps of 15° (0° looks at the car's right side, 90° at its front)",
			"car model 0 to 182",
		},
		NumImages: NumPoints(Sizes(d)),
	}
}

// Observe ray-casts each car with one ray per pixel.
func (d *cars3D) Observe(factors []int, _ *rand.Rand, dst []float32) error {
	n, err := checkObservation(d, factors, dst)
	if err != nil {
		return err
	}
	size := cars3DSize * cars3DSize * 3
	forEachImage(n, func(i int) {
		row := factors[i*3 : i*3+3]
		s := &render.Scene{
			Camera:     render.OrbitCamera(render.V(0, 0.45, 0), 4.3, d.azimuths[row[1]], d.elevations[row[0]], 30*math.Pi/180),
			Ambient:    0.35,
			Background: render.V(1, 1, 1),
			// The lights turn with the camera, as in a studio whose turntable
			// carries the car, so each side of the car is lit differently.
			Lights: []render.Light{
				{Direction: render.Spherical(d.azimuths[row[1]]+0.6, 0.9), Intensity: 0.7},
				{Direction: render.Spherical(d.azimuths[row[1]]-1.2, 0.3), Intensity: 0.25},
			},
		}
		s.Add(d.cars[row[2]].objects()...)
		s.Render(cars3DSize, cars3DSize, 3, 2, dst[i*size:(i+1)*size])
	})
	return nil
}

// carStyle is a family of car body proportions.
type carStyle int

const (
	sedan carStyle = iota
	hatchback
	pickup
	van
	sportsCar
	numCarStyles
)

// carShape is one parametric car in object coordinates: it rests on y = 0,
// its front points along +X and it is centred on the origin. Lengths are in
// scene units; a typical car is about 2 long.
type carShape struct {
	length, width         float64
	clearance, bodyHeight float64 // bottom of the body above the floor, and its height
	cabinRear, cabinFront float64 // cabin extent along the length, as fractions from the rear (0) to the front (1)
	cabinHeight           float64
	cabinInset            float64 // cabin narrower than the body by this much on each side
	wheelRadius           float64
	wheelbase             float64 // fraction of the length between the two axles
	paint                 render.Vec3
}

// randomCar draws a car of the given style with proportions and paint from rng.
func randomCar(rng *rand.Rand, style carStyle) carShape {
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	c := carShape{
		length:      u(1.8, 2.3),
		width:       u(0.75, 0.9),
		clearance:   u(0.1, 0.16),
		bodyHeight:  u(0.3, 0.42),
		cabinInset:  u(0.04, 0.1),
		wheelRadius: u(0.15, 0.21),
		wheelbase:   u(0.56, 0.68),
	}
	switch style {
	case sedan:
		c.cabinRear, c.cabinFront, c.cabinHeight = u(0.22, 0.32), u(0.6, 0.7), u(0.26, 0.34)
	case hatchback:
		c.length *= 0.85
		c.cabinRear, c.cabinFront, c.cabinHeight = u(0.02, 0.08), u(0.58, 0.68), u(0.3, 0.38)
	case pickup:
		c.cabinRear, c.cabinFront, c.cabinHeight = u(0.4, 0.5), u(0.65, 0.75), u(0.32, 0.4)
		c.clearance += 0.06
	case van:
		c.bodyHeight += 0.2
		c.cabinRear, c.cabinFront, c.cabinHeight = u(0.02, 0.06), u(0.78, 0.86), u(0.24, 0.3)
	case sportsCar:
		c.bodyHeight *= 0.75
		c.clearance *= 0.7
		c.cabinRear, c.cabinFront, c.cabinHeight = u(0.28, 0.38), u(0.6, 0.68), u(0.18, 0.24)
	}

	// Paint: mostly saturated colours, with some white, grey and black cars.
	switch rng.IntN(4) {
	case 0:
		g := u(0.08, 0.9)
		c.paint = render.V(g, g, g)
	default:
		c.paint = render.HSV(rng.Float64(), u(0.5, 0.9), u(0.45, 0.9))
	}
	return c
}

// Fixed colours of the car parts that are not painted.
var (
	carGlass = render.V(0.1, 0.13, 0.18)
	carTyre  = render.V(0.06, 0.06, 0.06)
	carLamp  = render.V(0.95, 0.9, 0.6)
	carTail  = render.V(0.7, 0.05, 0.05)
)

// objects returns the car's parts: body, glass cabin with a painted roof, two
// axles of wheels, head lamps and tail lamps.
func (c carShape) objects() []render.Object {
	x0, x1 := -c.length/2, c.length/2
	hw := c.width / 2
	bodyBottom := c.clearance
	bodyTop := c.clearance + c.bodyHeight
	cabinRear := x0 + c.cabinRear*c.length
	cabinFront := x0 + c.cabinFront*c.length
	roof := 0.035
	cabinTop := bodyTop + c.cabinHeight
	cw := hw - c.cabinInset
	axle := c.wheelbase * c.length / 2

	paint := func(s render.Shape) render.Object { return render.Object{Shape: s, Color: c.paint} }
	parts := []render.Object{
		paint(render.Box{Min: render.V(x0, bodyBottom, -hw), Max: render.V(x1, bodyTop, hw)}),
		{Shape: render.Box{Min: render.V(cabinRear, bodyTop, -cw), Max: render.V(cabinFront, cabinTop-roof, cw)}, Color: carGlass},
		paint(render.Box{Min: render.V(cabinRear-0.01, cabinTop-roof, -cw-0.01), Max: render.V(cabinFront+0.01, cabinTop, cw+0.01)}),
	}
	for _, x := range [2]float64{-axle, axle} {
		parts = append(parts, render.Object{
			Shape: render.Cylinder{A: render.V(x, c.wheelRadius, -hw-0.02), B: render.V(x, c.wheelRadius, hw+0.02), Radius: c.wheelRadius},
			Color: carTyre,
		})
	}
	lampY := bodyTop - 0.1
	for _, z := range [2]float64{-hw + 0.08, hw - 0.2} {
		parts = append(parts,
			render.Object{Shape: render.Box{Min: render.V(x1-0.02, lampY, z), Max: render.V(x1+0.02, lampY+0.06, z+0.12)}, Color: carLamp},
			render.Object{Shape: render.Box{Min: render.V(x0-0.02, lampY, z), Max: render.V(x0+0.02, lampY+0.06, z+0.12)}, Color: carTail},
		)
	}
	return parts
}
