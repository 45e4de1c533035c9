package metrics

// Mutual Information Gap (MIG) from Chen, Li, Grosse and Duvenaud 2018,
// "Isolating Sources of Disentanglement in Variational Autoencoders", NeurIPS,
// with the discretised estimator of disentanglement_lib's mig.py:
// codes binned into 20 equal-width histogram bins, plug-in mutual information.

import (
	"fmt"
	"slices"
)

// MIGResult is the mutual information gap of a representation.
type MIGResult struct {
	// Score is the gap between the largest and second-largest mutual
	// information of any code with a factor, divided by the factor's
	// entropy, averaged over the factors with non-zero entropy.
	Score float64 `json:"discrete_mig"`
	// MutualInfo is the [codes][factors] mutual information in nats.
	MutualInfo [][]float64 `json:"mutual_info"`
	// Entropy is the entropy of each factor in nats.
	Entropy []float64 `json:"factor_entropy"`
}

// MIG returns the mutual information gap of s with numBins histogram bins per
// code (0 means DefaultNumBins).
//
// Edge cases, where disentanglement_lib would divide by zero: a constant
// factor (entropy 0) is left out of the average, and the score is 0 when every
// factor is constant. With a single code the second-largest mutual
// information is taken as 0. A constant code has mutual information 0 with
// every factor. With fewer rows than bins most bins stay empty and the
// plug-in estimate is biased upwards; ScoreCodes rejects such samples, MIG
// scores them.
func MIG(s *Sample, numBins int) (*MIGResult, error) {
	if numBins == 0 {
		numBins = DefaultNumBins
	}
	if numBins < 1 {
		return nil, fmt.Errorf("%w: %d histogram bins, need at least 1", ErrInvalidConfig, numBins)
	}
	factors := make([][]int, s.numFactors)
	for k := range factors {
		factors[k] = s.factor(k)
	}
	res := &MIGResult{
		MutualInfo: mutualInfoMatrix(discretizeCodes(s, numBins), factors),
		Entropy:    make([]float64, s.numFactors),
	}
	sum, counted := 0.0, 0
	for k, f := range factors {
		res.Entropy[k] = Entropy(f)
		if res.Entropy[k] == 0 {
			continue
		}
		first, second := topTwo(column(res.MutualInfo, k))
		sum += (first - second) / res.Entropy[k]
		counted++
	}
	if counted > 0 {
		res.Score = sum / float64(counted)
	}
	return res, nil
}

// column returns column k of the row-major matrix m.
func column(m [][]float64, k int) []float64 {
	out := make([]float64, len(m))
	for i, row := range m {
		out[i] = row[k]
	}
	return out
}

// topTwo returns the largest and second-largest values of v; the second is 0
// when v has one element.
func topTwo(v []float64) (float64, float64) {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 1 {
		return s[0], 0
	}
	return s[len(s)-1], s[len(s)-2]
}
