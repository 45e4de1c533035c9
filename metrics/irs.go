package metrics

// Interventional Robustness Score (IRS) from Suter, Miladinović, Bauer and
// Schölkopf 2018, "Interventional Robustness of Deep Latent Variable Models",
// arXiv:1811.00007, as disentanglement_lib's irs.py computes it: factors
// binned like codes, the 0.99 quantile of deviations, and scores weighted by
// each code's largest deviation from its mean.

import (
	"fmt"
	"math"
	"slices"
)

// IRSResult is the interventional robustness score of a representation.
type IRSResult struct {
	// Score is the average over active codes of each code's best
	// robustness against any factor, weighted by the code's largest absolute
	// deviation from its mean.
	Score float64 `json:"IRS"`
	// NumActiveCodes is the number of codes with non-zero variance.
	NumActiveCodes int `json:"num_active_dims"`
}

// DefaultIRSQuantile is the quantile of within-group deviations that IRS
// uses, disentanglement_lib's diff_quantile.
const DefaultIRSQuantile = 0.99

// IRS returns the interventional robustness score of s. Factors are binned
// into numBins histogram bins (0 means DefaultNumBins) and quantile is the
// deviation quantile (0 means DefaultIRSQuantile). Constant codes are dropped;
// the score is 0 when every code is constant.
func IRS(s *Sample, numBins int, quantile float64) (*IRSResult, error) {
	if numBins == 0 {
		numBins = DefaultNumBins
	}
	if quantile == 0 {
		quantile = DefaultIRSQuantile
	}
	if numBins < 1 || !(quantile > 0 && quantile <= 1) {
		return nil, fmt.Errorf("%w: IRS with %d bins and quantile %v; need at least 1 bin and a quantile in (0, 1]",
			ErrInvalidConfig, numBins, quantile)
	}

	var codes [][]float64
	for j := range s.numCodes {
		c := s.code(j)
		if variance(c, 0) > 0 {
			codes = append(codes, c)
		}
	}
	res := &IRSResult{NumActiveCodes: len(codes)}
	if len(codes) == 0 {
		return res, nil
	}

	maxDeviation := make([]float64, len(codes))
	for j, c := range codes {
		m := mean(c)
		for _, v := range c {
			maxDeviation[j] = max(maxDeviation[j], math.Abs(v-m))
		}
	}
	best := make([]float64, len(codes))
	for j := range best {
		best[j] = math.Inf(-1)
	}
	for k := range s.numFactors {
		groups := Discretize(intsToFloats(s.factor(k)), numBins)
		values := distinct(groups)
		for j, c := range codes {
			deviation := 0.0
			for _, g := range values {
				var members []float64
				for i, v := range groups {
					if v == g {
						members = append(members, c[i])
					}
				}
				m := mean(members)
				for i, v := range members {
					members[i] = math.Abs(v - m)
				}
				deviation += quantileLinear(members, quantile)
			}
			deviation /= float64(len(values))
			best[j] = max(best[j], 1-deviation/maxDeviation[j])
		}
	}
	totalWeight := 0.0
	for j, w := range maxDeviation {
		res.Score += best[j] * w
		totalWeight += w
	}
	res.Score /= totalWeight
	return res, nil
}

// quantileLinear returns the q-quantile of v (reordered in place) with
// linear interpolation between order statistics, numpy.quantile's default
// method.
func quantileLinear(v []float64, q float64) float64 {
	slices.Sort(v)
	h := float64(len(v)-1) * q
	lo := math.Floor(h)
	t := h - lo
	i := int(lo)
	if i+1 >= len(v) {
		return v[len(v)-1]
	}
	a, b := v[i], v[i+1]
	// numpy interpolates from the nearer end for accuracy.
	if t >= 0.5 {
		return b - (b-a)*(1-t)
	}
	return a + (b-a)*t
}

func intsToFloats(v []int) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
