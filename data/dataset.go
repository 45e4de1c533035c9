package data

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// Factor is one factor of variation: its name and its number of values.
type Factor struct {
	Name string
	Size int
}

// ImageShape is the size of one observation: height and width in pixels and the
// number of channels (1 for grey, 3 for RGB).
type ImageShape struct {
	Height, Width, Channels int
}

// Len returns the number of float32 values in one image, Height·Width·Channels.
func (s ImageShape) Len() int { return s.Height * s.Width * s.Channels }

// Dataset is a ground-truth-factor dataset.
type Dataset interface {
	// Name returns the dataset's name as the CLI spells it, e.g. "dsprites".
	Name() string

	// Factors returns the factors of variation in grid order; the last one
	// varies fastest in Index.
	Factors() []Factor

	// ImageShape returns the shape of one observation.
	ImageShape() ImageShape

	// Source describes where the images come from: "procedural" for a generator,
	// or the path of the file that was read.
	Source() string

	// Observe writes the images of the factor rows in factors ([n, len(Factors())],
	// row-major) into dst ([n, height, width, channels], values in [0, 1]).
	// Nuisance variables that are not factors (SmallNORB's instance) are drawn
	// from rng. It returns an error for a value out of range or a read failure,
	// and panics if dst has the wrong length.
	Observe(factors []int, rng *rand.Rand, dst []float32) error
}

// ErrUnknownDataset is returned by Open for a name no dataset has.
var ErrUnknownDataset = errors.New("data: unknown dataset")

// procedural and readers map dataset names to constructors. Each dataset file
// adds its entries in an init function.
var (
	procedural = map[string]func() Dataset{}
	readers    = map[string]func(dir string) (Dataset, error){}
)

// Names returns the names of all datasets, sorted.
func Names() []string {
	names := make([]string, 0, len(procedural))
	for n := range procedural {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Open returns the dataset called name. With dir empty it returns the
// procedural generator; otherwise it reads the published file of that dataset
// from dir, and a missing file is an error naming the path.
func Open(name, dir string) (Dataset, error) {
	gen, ok := procedural[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (valid: %s)", ErrUnknownDataset, name, strings.Join(Names(), ", "))
	}
	if dir == "" {
		return gen(), nil
	}
	read, ok := readers[name]
	if !ok {
		return nil, fmt.Errorf("data: no reader for the published %s files; omit the data directory to use the procedural generator", name)
	}
	return read(dir)
}

// Sizes returns the number of values of each factor of d.
func Sizes(d Dataset) []int {
	fs := d.Factors()
	sizes := make([]int, len(fs))
	for i, f := range fs {
		sizes[i] = f.Size
	}
	return sizes
}

// NumPoints returns the number of points of the factor grid, the product of sizes.
func NumPoints(sizes []int) int {
	n := 1
	for _, s := range sizes {
		n *= s
	}
	return n
}

// Index returns the position of the factor row in the grid with the given
// sizes, the last factor varying fastest. It panics if a value is out of range.
func Index(sizes, row []int) int {
	if len(row) != len(sizes) {
		panic(fmt.Sprintf("data: factor row of length %d for %d factors", len(row), len(sizes)))
	}
	idx := 0
	for i, s := range sizes {
		if row[i] < 0 || row[i] >= s {
			panic(fmt.Sprintf("data: factor %d value %d out of range [0, %d)", i, row[i], s))
		}
		idx = idx*s + row[i]
	}
	return idx
}

// FactorsAt writes the factor row at position index of the grid into row, the
// inverse of Index. It panics if index is out of range.
func FactorsAt(sizes []int, index int, row []int) {
	if index < 0 || index >= NumPoints(sizes) {
		panic(fmt.Sprintf("data: grid index %d out of range [0, %d)", index, NumPoints(sizes)))
	}
	for i := len(sizes) - 1; i >= 0; i-- {
		row[i] = index % sizes[i]
		index /= sizes[i]
	}
}

// CheckFactors returns an error naming the first row and factor whose value is
// out of range, or whose row count is not whole.
func CheckFactors(sizes, factors []int) error {
	k := len(sizes)
	if len(factors)%k != 0 {
		return fmt.Errorf("data: %d factor values are not a whole number of rows of %d factors", len(factors), k)
	}
	for i, v := range factors {
		if v < 0 || v >= sizes[i%k] {
			return fmt.Errorf("data: row %d factor %d has value %d, valid range is [0, %d)", i/k, i%k, v, sizes[i%k])
		}
	}
	return nil
}

// SampleFactors returns n factor rows ([n, len(sizes)], row-major), each factor
// drawn uniformly and independently from rng.
func SampleFactors(sizes []int, n int, rng *rand.Rand) []int {
	out := make([]int, n*len(sizes))
	for i := range n {
		for j, s := range sizes {
			out[i*len(sizes)+j] = rng.IntN(s)
		}
	}
	return out
}

// SampleFixedFactor returns n factor rows drawn as SampleFactors does, except
// that factor k takes one value, drawn uniformly, in every row; it also returns
// that value. The BetaVAE and FactorVAE scores sample their batches this way.
func SampleFixedFactor(sizes []int, k, n int, rng *rand.Rand) ([]int, int) {
	out := SampleFactors(sizes, n, rng)
	v := rng.IntN(sizes[k])
	for i := range n {
		out[i*len(sizes)+k] = v
	}
	return out, v
}

// Batch draws n factor rows uniformly and returns them with their images.
func Batch(d Dataset, n int, rng *rand.Rand) (images []float32, factors []int, err error) {
	factors = SampleFactors(Sizes(d), n, rng)
	images = make([]float32, n*d.ImageShape().Len())
	if err := d.Observe(factors, rng, images); err != nil {
		return nil, nil, err
	}
	return images, factors, nil
}
