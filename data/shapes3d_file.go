package data

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/internal/hdf5"
)

// The published Shapes3D file of DeepMind's 3d-shapes repository.
const (
	shapes3DFileName = "3dshapes.h5"
	shapes3DDownload = "https://storage.googleapis.com/3d-shapes/3dshapes.h5 (see https://github.com/deepmind/3d-shapes)"
	shapes3DSubdir   = "3dshapes"
)

// shapes3DImageBytes is the size of one 64×64 RGB image.
const shapes3DImageBytes = shapes3DSize * shapes3DSize * 3

// shapes3DFile serves the images of the published 3dshapes.h5. The 5.9 GB of
// images stay in the file: Observe reads the rows it needs, and the HDF5
// reader caches decoded chunks when the file is chunked. The file stays open
// for the life of the process.
type shapes3DFile struct {
	path    string
	images  *hdf5.Dataset
	factors []Factor
	values  [][]float64 // the distinct label values of each factor, sorted
	rowOf   []int32     // file row of each grid index
}

func init() {
	readers["shapes3d"] = func(dir string) (Dataset, error) {
		path, err := findPublished(dir, shapes3DSubdir, shapes3DFileName, shapes3DDownload)
		if err != nil {
			return nil, err
		}
		return readShapes3DFile(path, shapes3DFactors)
	}
}

// readShapes3DFile opens the Shapes3D HDF5 file at path whose grid has the
// given factors. Each label column must take exactly as many distinct values
// as its factor has. The rank of a row's value is its factor index, so
// neither the exact label values nor the file's row order matter.
func readShapes3DFile(path string, factors []Factor) (*shapes3DFile, error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}
	d, err := openShapes3D(f, path, factors)
	if err != nil {
		f.Close()
		return nil, err
	}
	return d, nil
}

func openShapes3D(f *hdf5.File, path string, factors []Factor) (*shapes3DFile, error) {
	d := &shapes3DFile{path: path, factors: factorsCopy(factors)}
	n := NumPoints(Sizes(d))
	k := len(factors)

	images, err := openShapes3DDataset(f, path, "images")
	if err != nil {
		return nil, err
	}
	want := formatShape([]int{n, shapes3DSize, shapes3DSize, 3})
	t := images.Datatype()
	if formatShape(images.Shape()) != want || t.Class != hdf5.ClassFixedPoint || t.Size != 1 || t.Signed {
		return nil, fmt.Errorf("%w: %s: images has type %s and shape %s, expected |u1 (uint8) of shape %s",
			ErrInvalidFile, path, t, formatShape(images.Shape()), want)
	}
	d.images = images

	labels, err := openShapes3DDataset(f, path, "labels")
	if err != nil {
		return nil, err
	}
	if want := formatShape([]int{n, k}); formatShape(labels.Shape()) != want || labels.Datatype().Class != hdf5.ClassFloatingPoint {
		return nil, fmt.Errorf("%w: %s: labels has type %s and shape %s, expected floats (<f8) of shape %s",
			ErrInvalidFile, path, labels.Datatype(), formatShape(labels.Shape()), want)
	}
	table := make([]float64, n*k)
	if err := labels.ReadFloat64(0, n, table); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}

	if err := d.index(table); err != nil {
		return nil, err
	}
	return d, nil
}

// openShapes3DDataset opens one dataset of the file, naming the file's
// members when it is missing.
func openShapes3DDataset(f *hdf5.File, path, name string) (*hdf5.Dataset, error) {
	ds, err := f.Dataset(name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s has no dataset %q; expected images and labels: %w", ErrInvalidFile, path, name, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}
	return ds, nil
}

// index maps each label row ([n, k] in table) to its grid index and fills
// d.values and d.rowOf.
func (d *shapes3DFile) index(table []float64) error {
	sizes := Sizes(d)
	k := len(sizes)
	n := NumPoints(sizes)
	rows := make([]int, n*k)
	column := make([]float64, n)
	d.values = make([][]float64, k)
	for j := range k {
		for i := range n {
			column[i] = table[i*k+j]
		}
		idx, values, err := valueGrid(column, sizes[j])
		if err != nil {
			return fmt.Errorf("%w: %s: labels column %d (%s) has %v", ErrInvalidFile, d.path, j, d.factors[j].Name, err)
		}
		d.values[j] = values
		for i, v := range idx {
			rows[i*k+j] = v
		}
	}
	positions, err := gridPositions(sizes, rows)
	if err != nil {
		return fmt.Errorf("%w: %s: labels: %v", ErrInvalidFile, d.path, err)
	}
	d.rowOf = make([]int32, n)
	for row, g := range positions {
		d.rowOf[g] = int32(row)
	}
	return nil
}

func (d *shapes3DFile) Name() string           { return "shapes3d" }
func (d *shapes3DFile) Factors() []Factor      { return factorsCopy(d.factors) }
func (d *shapes3DFile) ImageShape() ImageShape { return ImageShape{shapes3DSize, shapes3DSize, 3} }
func (d *shapes3DFile) Source() string         { return d.path }

// Describe reports the label values found in the file.
func (d *shapes3DFile) Describe() Description {
	desc := Description{
		Summary: fmt.Sprintf("Shapes3D images read from the published file %s (%s layout): 64×64 RGB renders.",
			d.path, d.images.Layout()),
		NumImages: NumPoints(Sizes(d)),
	}
	for j, f := range d.factors {
		desc.FactorValues = append(desc.FactorValues, fmt.Sprintf("%s (%d values)", formatValues(d.values[j]), f.Size))
	}
	return desc
}

// Observe reads the image of each factor row from the file. It draws
// nothing from rng.
func (d *shapes3DFile) Observe(factors []int, _ *rand.Rand, dst []float32) error {
	n, err := checkObservation(d, factors, dst)
	if err != nil {
		return err
	}
	sizes := Sizes(d)
	k := len(sizes)
	img := make([]uint8, shapes3DImageBytes)
	for i := range n {
		row := int(d.rowOf[Index(sizes, factors[i*k:(i+1)*k])])
		if err := d.images.ReadUint8(row, 1, img); err != nil {
			return fmt.Errorf("data: shapes3d: %w", err)
		}
		bytesToUnit(img, dst[i*shapes3DImageBytes:][:shapes3DImageBytes])
	}
	return nil
}
