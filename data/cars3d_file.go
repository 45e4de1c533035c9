package data

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gromov-monge/gmg/internal/matfile"
)

// The published Cars3D files of "Deep Visual Analogy-Making" (NIPS 2015):
// one MATLAB file per car in the cars directory of
// nips2015-analogy-data.tar.gz.
const (
	cars3DDownload = "http://www.scottreed.info/files/nips2015-analogy-data.tar.gz"
	cars3DVariable = "im"
)

// cars3DLayout is the shape of a Cars3D file set: each file's im variable is
// inSize×inSize×3×azimuths×elevations uint8 (MATLAB column-major order), and
// there is one file per object.
type cars3DLayout struct {
	inSize, outSize               int
	azimuths, elevations, objects int
}

var publishedCars3D = cars3DLayout{inSize: 128, outSize: 64, azimuths: 24, elevations: 4, objects: 183}

// factors returns the grid in disentanglement_lib's order: elevation,
// azimuth, object.
func (l cars3DLayout) factors() []Factor {
	return []Factor{
		{Name: cars3DFactors[0].Name, Size: l.elevations},
		{Name: cars3DFactors[1].Name, Size: l.azimuths},
		{Name: cars3DFactors[2].Name, Size: l.objects},
	}
}

// cars3DFile serves the published Cars3D renders, resized to 64×64 once,
// when the files are read (about 216 MB for the 17,568 images).
type cars3DFile struct {
	dir    string
	layout cars3DLayout
	files  []string // object o was read from files[o]
	images []uint8  // grid index g at images[g·imageBytes:], RGB interleaved
}

func init() {
	readers["cars3d"] = func(dir string) (Dataset, error) {
		return readCars3D(dir, publishedCars3D)
	}
}

// cars3DDir returns the directory of car files under the data directory:
// cars (disentanglement_lib's layout) or data/cars (the tarball's).
func cars3DDir(dir string) (string, error) {
	candidates := []string{filepath.Join(dir, "cars"), filepath.Join(dir, "data", "cars")}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c, nil
		}
	}
	return "", fmt.Errorf("%w: neither %s nor %s is a directory; download and unpack %s, or %s",
		ErrMissingFile, candidates[0], candidates[1], cars3DDownload, proceduralHint)
}

// readCars3D reads every .mat file of the cars directory under dir. Files
// are sorted by name, so the object index does not depend on the order of
// the directory listing (disentanglement_lib uses the listing order).
func readCars3D(dir string, layout cars3DLayout) (*cars3DFile, error) {
	carDir, err := cars3DDir(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(carDir)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	d := &cars3DFile{dir: carDir, layout: layout}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".mat") {
			d.files = append(d.files, filepath.Join(carDir, e.Name()))
		}
	}
	sort.Strings(d.files)
	if len(d.files) != layout.objects {
		return nil, fmt.Errorf("%w: %s holds %d .mat files, expected %d (one per car, from %s)",
			ErrInvalidFile, carDir, len(d.files), layout.objects, cars3DDownload)
	}

	imageBytes := layout.outSize * layout.outSize * 3
	d.images = make([]uint8, NumPoints(Sizes(d))*imageBytes)
	resizer := newLanczosResizer(layout.inSize, layout.inSize, layout.outSize, layout.outSize, 3)
	errs := make([]error, len(d.files))
	forEachImage(len(d.files), func(o int) {
		errs[o] = d.readCar(o, resizer)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// readCar reads file o, resizes its views and stores them under object o.
func (d *cars3DFile) readCar(o int, resizer *lanczosResizer) error {
	l := d.layout
	path := d.files[o]
	f, err := matfile.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}
	v, err := f.Variable(cars3DVariable)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}
	want := []int{l.inSize, l.inSize, 3, l.azimuths, l.elevations}
	if v.Class != matfile.ClassUint8 || formatShape(v.Dims) != formatShape(want) {
		return fmt.Errorf("%w: %s: variable im has class %v and dimensions %s, expected uint8 of %s (height, width, RGB, azimuth, elevation)",
			ErrInvalidFile, path, v.Class, formatShape(v.Dims), formatShape(want))
	}
	pixels, err := v.Uint8()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}

	// MATLAB's column-major order puts im(y, x, c, a, e) at
	// y + n·(x + n·(c + 3·(a + azimuths·e))). disentanglement_lib takes
	// axis 3 as the azimuth and axis 4 as the elevation (einsum
	// "abcde->deabc").
	n := l.inSize
	view := make([]uint8, n*n*3)
	imageBytes := l.outSize * l.outSize * 3
	sizes := Sizes(d)
	for e := range l.elevations {
		for a := range l.azimuths {
			base := n * n * 3 * (a + l.azimuths*e)
			for y := range n {
				for x := range n {
					for c := range 3 {
						view[(y*n+x)*3+c] = pixels[base+y+n*(x+n*c)]
					}
				}
			}
			g := Index(sizes, []int{e, a, o})
			resizer.resizeUint8(view, d.images[g*imageBytes:][:imageBytes])
		}
	}
	return nil
}

func (d *cars3DFile) Name() string      { return "cars3d" }
func (d *cars3DFile) Factors() []Factor { return d.layout.factors() }
func (d *cars3DFile) ImageShape() ImageShape {
	return ImageShape{d.layout.outSize, d.layout.outSize, 3}
}
func (d *cars3DFile) Source() string { return d.dir }

// Describe states how the published renders were prepared.
func (d *cars3DFile) Describe() Description {
	l := d.layout
	return Description{
		Summary: fmt.Sprintf("Cars3D renders read from the %d MATLAB files in %s (object index: file name order, "+
			"%s first), resized from %d×%d to %d×%d with Pillow's Lanczos filter as disentanglement_lib does.",
			len(d.files), d.dir, filepath.Base(d.files[0]), l.inSize, l.inSize, l.outSize, l.outSize),
		FactorValues: []string{
			fmt.Sprintf("elevation index 0 to %d (last axis of im)", l.elevations-1),
			fmt.Sprintf("azimuth index 0 to %d (fourth axis of im)", l.azimuths-1),
			fmt.Sprintf("car 0 to %d: %s … %s", l.objects-1, filepath.Base(d.files[0]), filepath.Base(d.files[len(d.files)-1])),
		},
		NumImages: NumPoints(Sizes(d)),
	}
}

// Observe copies the image of each factor row. It draws nothing from rng.
func (d *cars3DFile) Observe(factors []int, _ *rand.Rand, dst []float32) error {
	n, err := checkObservation(d, factors, dst)
	if err != nil {
		return err
	}
	sizes := Sizes(d)
	k := len(sizes)
	size := d.ImageShape().Len()
	for i := range n {
		g := Index(sizes, factors[i*k:(i+1)*k])
		bytesToUnit(d.images[g*size:][:size], dst[i*size:][:size])
	}
	return nil
}
