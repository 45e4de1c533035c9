package metrics

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/data"
)

// Representation maps observations to codes, for example the mean of a
// trained encoder.
type Representation struct {
	// NumCodes is the number of codes per observation.
	NumCodes int
	// Encode writes the codes of the n images in images (NHWC float32 in
	// [0, 1], [n, height, width, channels]) into dst ([n, NumCodes]
	// row-major).
	Encode func(images []float32, n int, dst []float64) error
}

// encode returns the codes of n images and checks them for NaN and Inf.
func (r Representation) encode(images []float32, n int) ([]float64, error) {
	dst := make([]float64, n*r.NumCodes)
	if err := r.Encode(images, n, dst); err != nil {
		return nil, fmt.Errorf("metrics: representation: %w", err)
	}
	for i, v := range dst {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: representation returned %v for code %d of batch row %d", ErrInvalidInput, v, i%r.NumCodes, i/r.NumCodes)
		}
	}
	return dst, nil
}

// observe returns the images of the factor rows and their codes.
func observe(d data.Dataset, rep Representation, factors []int, rng *rand.Rand) ([]float64, error) {
	n := len(factors) / len(d.Factors())
	images := make([]float32, n*d.ImageShape().Len())
	if err := d.Observe(factors, rng, images); err != nil {
		return nil, err
	}
	return rep.encode(images, n)
}

// sampleCodes draws n observations in batches of batchSize, as
// disentanglement_lib's generate_batch_factor_code does, and returns them as
// a sample: factors drawn uniformly, images observed, codes from rep.
func sampleCodes(ctx context.Context, d data.Dataset, rep Representation, n, batchSize int, rng *rand.Rand) (*Sample, error) {
	sizes := data.Sizes(d)
	codes := make([]float64, 0, n*rep.NumCodes)
	factors := make([]int, 0, n*len(sizes))
	for done := 0; done < n; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m := min(batchSize, n-done)
		f := data.SampleFactors(sizes, m, rng)
		c, err := observe(d, rep, f, rng)
		if err != nil {
			return nil, err
		}
		codes = append(codes, c...)
		factors = append(factors, f...)
		done += m
	}
	return NewSample(codes, factors, rep.NumCodes, len(sizes))
}
