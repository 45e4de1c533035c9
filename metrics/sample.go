package metrics

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

var (
	// ErrInvalidInput is returned for codes or factors that cannot be scored:
	// wrong shapes, NaN or Inf codes, too few samples.
	ErrInvalidInput = errors.New("metrics: invalid input")
	// ErrInvalidConfig is returned for a configuration value out of range.
	ErrInvalidConfig = errors.New("metrics: invalid configuration")
)

// Sample is a set of observations, each described by its representation
// (codes, the encoder means) and by the ground-truth factors that generated
// it. Row i of the codes and row i of the factors belong to one observation.
type Sample struct {
	n, numCodes, numFactors int
	codes                   []float64 // [n, numCodes] row-major
	factors                 []int     // [n, numFactors] row-major
}

// NewSample returns a sample of len(codes)/numCodes observations. codes is
// [n, numCodes] and factors [n, numFactors], both row-major; they are copied.
// Factor values are class labels and may be any integers. It returns an
// error wrapping ErrInvalidInput for mismatched shapes and for a NaN or Inf
// code, naming its row and column.
func NewSample(codes []float64, factors []int, numCodes, numFactors int) (*Sample, error) {
	if numCodes < 1 || numFactors < 1 {
		return nil, fmt.Errorf("%w: %d codes and %d factors, need at least 1 of each", ErrInvalidInput, numCodes, numFactors)
	}
	if len(codes)%numCodes != 0 {
		return nil, fmt.Errorf("%w: %d code values are not whole rows of %d codes", ErrInvalidInput, len(codes), numCodes)
	}
	n := len(codes) / numCodes
	if len(factors) != n*numFactors {
		return nil, fmt.Errorf("%w: %d rows of codes but %d factor values (%d rows of %d factors expected)",
			ErrInvalidInput, n, len(factors), n, numFactors)
	}
	for i, v := range codes {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: code at row %d column %d is %v; codes must be finite", ErrInvalidInput, i/numCodes, i%numCodes, v)
		}
	}
	return &Sample{n: n, numCodes: numCodes, numFactors: numFactors, codes: slices.Clone(codes), factors: slices.Clone(factors)}, nil
}

// Len returns the number of observations.
func (s *Sample) Len() int { return s.n }

// NumCodes returns the number of codes per observation.
func (s *Sample) NumCodes() int { return s.numCodes }

// NumFactors returns the number of factors per observation.
func (s *Sample) NumFactors() int { return s.numFactors }

// Slice returns the observations [start, end) as a new sample sharing no
// memory with s. It panics if the range is out of bounds.
func (s *Sample) Slice(start, end int) *Sample {
	if start < 0 || end > s.n || start > end {
		panic(fmt.Sprintf("metrics: slice [%d, %d) of a sample of %d rows", start, end, s.n))
	}
	return &Sample{
		n: end - start, numCodes: s.numCodes, numFactors: s.numFactors,
		codes:   slices.Clone(s.codes[start*s.numCodes : end*s.numCodes]),
		factors: slices.Clone(s.factors[start*s.numFactors : end*s.numFactors]),
	}
}

// code returns column j of the codes.
func (s *Sample) code(j int) []float64 {
	out := make([]float64, s.n)
	for i := range out {
		out[i] = s.codes[i*s.numCodes+j]
	}
	return out
}

// factor returns column k of the factors.
func (s *Sample) factor(k int) []int {
	out := make([]int, s.n)
	for i := range out {
		out[i] = s.factors[i*s.numFactors+k]
	}
	return out
}

// checkSameShape returns an error unless train and test have the same numbers
// of codes and factors.
func checkSameShape(train, test *Sample) error {
	if train.numCodes != test.numCodes || train.numFactors != test.numFactors {
		return fmt.Errorf("%w: training sample has %d codes and %d factors, test sample %d and %d",
			ErrInvalidInput, train.numCodes, train.numFactors, test.numCodes, test.numFactors)
	}
	return nil
}

// checkClassCounts returns an error when a factor has more distinct values
// than the training split has rows, so that a classifier cannot see every
// class.
func checkClassCounts(train, test *Sample) error {
	for k := range train.numFactors {
		values := append(train.factor(k), test.factor(k)...)
		slices.Sort(values)
		if classes := len(slices.Compact(values)); classes > train.n {
			return fmt.Errorf("%w: factor %d has %d classes but the training split has only %d rows",
				ErrInvalidInput, k, classes, train.n)
		}
	}
	return nil
}

// distinct returns the sorted distinct values of v.
func distinct(v []int) []int {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

// pairwiseSum returns the sum of v in numpy's pairwise order (blocks of up
// to 128 values summed with eight accumulators), so that sums match
// numpy.sum to the last bit.
func pairwiseSum(v []float64) float64 {
	n := len(v)
	switch {
	case n < 8:
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s
	case n <= 128:
		var r [8]float64
		copy(r[:], v[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range 8 {
				r[j] += v[i+j]
			}
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			s += v[i]
		}
		return s
	default:
		half := n / 2
		half -= half % 8
		return pairwiseSum(v[:half]) + pairwiseSum(v[half:])
	}
}

func mean(v []float64) float64 { return pairwiseSum(v) / float64(len(v)) }

// variance returns the variance of v with ddof degrees of freedom removed
// from the divisor (numpy.var's ddof).
func variance(v []float64, ddof int) float64 {
	m := mean(v)
	sq := make([]float64, len(v))
	for i, x := range v {
		sq[i] = (x - m) * (x - m)
	}
	return pairwiseSum(sq) / float64(len(v)-ddof)
}
