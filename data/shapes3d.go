package data

import (
	"math"
	"math/rand/v2"
	"sync"

	"github.com/gromov-monge/gmg/data/internal/render"
)

const shapes3DSize = 64

// Shapes3D shape values.
const (
	shapes3DCube = iota
	shapes3DCylinder
	shapes3DSphere
	shapes3DCapsule
)

// shapes3D renders Shapes3D scenes on demand: an object on the floor of a
// room corner, seen by a camera that turns around the object.
//
// The three hues change colours only. So the scene's light is rendered once
// per geometry (scale, shape and orientation: 480 in all) as layers for the
// floor, walls, object and sky, and kept. Each image then only composes the
// layers with its colours. The layers of all 480 geometries take 30 MiB.
type shapes3D struct {
	hues, scales, orientations []float64

	mu     sync.Mutex
	layers map[shapes3DGeometry]*render.Layers
}

// shapes3DGeometry is the part of a factor row that moves surfaces.
type shapes3DGeometry struct{ scale, shape, orientation int }

// Layers of a Shapes3D scene.
const (
	shapes3DFloorLayer = iota
	shapes3DWallLayer
	shapes3DObjectLayer
	shapes3DSkyLayer
	shapes3DLayers
)

func init() {
	procedural["shapes3d"] = func() Dataset { return newShapes3D() }
}

func newShapes3D() *shapes3D {
	return &shapes3D{
		hues:         linspace(0, 0.9, 10),
		scales:       linspace(0.75, 1.25, 8),
		orientations: linspace(-30, 30, 15),
		layers:       map[shapes3DGeometry]*render.Layers{},
	}
}

func (d *shapes3D) Name() string           { return "shapes3d" }
func (d *shapes3D) Factors() []Factor      { return factorsCopy(shapes3DFactors) }
func (d *shapes3D) ImageShape() ImageShape { return ImageShape{shapes3DSize, shapes3DSize, 3} }
func (d *shapes3D) Source() string         { return "procedural" }

func (d *shapes3D) Describe() Description {
	hue := "hue 0 to 0.9 in 10 equal steps (turns of the colour wheel: 0 red, 1/3 green, 2/3 blue)"
	return Description{
		Summary: "Procedural Shapes3D: one object on the floor of a room corner under a light that casts " +
			"its shadow, 64×64 RGB, ray-cast on demand on the published factor grid.",
		FactorValues: []string{
			hue,
			hue,
			hue,
			"0.75 to 1.25 in 8 equal steps (relative object size)",
			"cube, cylinder, sphere, capsule",
			"−30° to 30° in 15 equal steps: the camera turns around the object",
		},
		NumImages: NumPoints(Sizes(d)),
	}
}

// Observe ray-casts each scene with one ray per pixel and four rays per
// pixel on the edges of objects and shadows.
func (d *shapes3D) Observe(factors []int, _ *rand.Rand, dst []float32) error {
	n, err := checkObservation(d, factors, dst)
	if err != nil {
		return err
	}
	const k = 6
	size := shapes3DSize * shapes3DSize * 3
	forEachImage(n, func(i int) {
		row := factors[i*k : i*k+k]
		layers := d.geometryLayers(shapes3DGeometry{scale: row[3], shape: row[4], orientation: row[5]})
		colors := make([]render.Vec3, shapes3DLayers)
		colors[shapes3DFloorLayer] = render.HSV(d.hues[row[0]], 0.85, 0.85)
		colors[shapes3DWallLayer] = render.HSV(d.hues[row[1]], 0.85, 0.85)
		colors[shapes3DObjectLayer] = render.HSV(d.hues[row[2]], 0.85, 0.9)
		colors[shapes3DSkyLayer] = shapes3DSky
		layers.Compose(colors, 3, dst[i*size:(i+1)*size])
	})
	return nil
}

// shapes3DSky is the colour of the sky above the walls.
var shapes3DSky = render.V(0.55, 0.75, 0.95)

// geometryLayers returns the light layers of geometry g, rendering them the
// first time. Two goroutines may render the same layers at once; both get
// identical results, and the first stored is kept.
func (d *shapes3D) geometryLayers(g shapes3DGeometry) *render.Layers {
	d.mu.Lock()
	l, ok := d.layers[g]
	d.mu.Unlock()
	if ok {
		return l
	}

	l = d.scene(d.scales[g.scale], g.shape, d.orientations[g.orientation]).RenderLayers(shapes3DSize, shapes3DSize, shapes3DLayers, 2)

	d.mu.Lock()
	defer d.mu.Unlock()
	if stored, ok := d.layers[g]; ok {
		return stored
	}
	d.layers[g] = l
	return l
}

// scene builds the room with its surfaces in layers: the floor is the plane
// y = 0, two walls meet in a vertical corner 3 units behind the object, and
// the sky shows above the walls. The object rests on the floor at the origin,
// and the camera circles it at azimuth orientationDeg.
func (d *shapes3D) scene(scale float64, shape int, orientationDeg float64) *render.Scene {
	const (
		wallHeight = 2.5
		wallLength = 9.0
		corner     = 3.0 // distance of the corner behind the object
	)
	az := orientationDeg * math.Pi / 180
	s := &render.Scene{
		Camera: render.Camera{
			Position:    render.Spherical(az, 0).Scale(4.6).Add(render.V(0, 1.9, 0)),
			Target:      render.V(0, 0.75, 0),
			Up:          render.V(0, 1, 0),
			FieldOfView: 42 * math.Pi / 180,
		},
		Lights:          []render.Light{{Direction: render.V(-0.5, 1, 0.7), Intensity: 0.75}},
		Ambient:         0.35,
		Shadows:         true,
		BackgroundLayer: shapes3DSkyLayer,
	}

	s.Add(render.Object{Shape: render.Rect{
		Corner: render.V(-10, 0, 10), U: render.V(20, 0, 0), V: render.V(0, 0, -20),
	}, Layer: shapes3DFloorLayer})
	c := render.V(0, 0, -corner)
	up := render.V(0, wallHeight, 0)
	s.Add(render.Object{Shape: render.Rect{Corner: c, U: render.V(-1, 0, 1).Unit().Scale(wallLength), V: up}, Layer: shapes3DWallLayer})
	s.Add(render.Object{Shape: render.Rect{Corner: c, U: render.V(1, 0, 1).Unit().Scale(wallLength), V: up}, Layer: shapes3DWallLayer})

	s.Add(render.Object{Shape: shapes3DObject(shape, scale), Layer: shapes3DObjectLayer})
	return s
}

// shapes3DObject returns the object resting on the floor at the origin.
func shapes3DObject(shape int, scale float64) render.Shape {
	switch shape {
	case shapes3DCube:
		a := 0.5 * scale
		return render.Box{Min: render.V(-a, 0, -a), Max: render.V(a, 2*a, a)}
	case shapes3DCylinder:
		r := 0.5 * scale
		return render.Cylinder{A: render.V(0, 0, 0), B: render.V(0, 1.1*scale, 0), Radius: r}
	case shapes3DSphere:
		r := 0.6 * scale
		return render.Sphere{Center: render.V(0, r, 0), Radius: r}
	default:
		r, half := 0.42*scale, 0.45*scale
		return render.Capsule{A: render.V(-half, r, 0), B: render.V(half, r, 0), Radius: r}
	}
}
