package metrics

// Unsupervised scores of disentanglement_lib's unsupervised_metrics.py
// (Locatello et al. 2019, "Challenging Common Assumptions in the Unsupervised
// Learning of Disentangled Representations", ICML): the total
// correlation and the Wasserstein correlation of a Gaussian with the codes'
// covariance, and the mean pairwise mutual information of the binned codes.

import (
	"encoding/json"
	"fmt"
	"math"
)

// UnsupervisedResult holds the unsupervised scores of a representation. They
// use the codes only.
type UnsupervisedResult struct {
	// GaussianTotalCorrelation is the KL divergence in nats between N(0, Σ),
	// Σ the codes' covariance, and the product of its marginals:
	// ½(Σ_i log Σ_ii − log det Σ) = −½ log det of the correlation matrix.
	// Constant codes are left out, since they are independent of the rest.
	// It is +Inf when the other codes are linearly dependent (JSON null).
	GaussianTotalCorrelation float64 `json:"gaussian_total_correlation"`
	// GaussianWassersteinCorrelation is the squared 2-Wasserstein distance
	// between N(0, Σ) and N(0, diag Σ): 2 tr Σ − 2 tr (diag(Σ)·Σ)^½.
	GaussianWassersteinCorrelation float64 `json:"gaussian_wasserstein_correlation"`
	// GaussianWassersteinCorrelationNorm is GaussianWassersteinCorrelation
	// divided by tr Σ, or 0 when every code is constant.
	GaussianWassersteinCorrelationNorm float64 `json:"gaussian_wasserstein_correlation_norm"`
	// MutualInfoScore is the mean mutual information in nats between pairs of
	// distinct binned codes, or 0 with a single code.
	MutualInfoScore float64 `json:"mutual_info_score"`
}

// MarshalJSON writes an infinite total correlation as null, since JSON has no
// infinity.
func (r UnsupervisedResult) MarshalJSON() ([]byte, error) {
	type plain UnsupervisedResult
	out := struct {
		plain
		GaussianTotalCorrelation *float64 `json:"gaussian_total_correlation"`
	}{plain: plain(r)}
	if !math.IsInf(r.GaussianTotalCorrelation, 0) {
		out.GaussianTotalCorrelation = &r.GaussianTotalCorrelation
	}
	return json.Marshal(out)
}

// Unsupervised returns the unsupervised scores of the codes of s, with
// numBins histogram bins per code for the mutual information (0 means
// DefaultNumBins). It returns an error wrapping ErrInvalidInput when s has
// fewer than 2 rows.
func Unsupervised(s *Sample, numBins int) (*UnsupervisedResult, error) {
	if numBins == 0 {
		numBins = DefaultNumBins
	}
	if numBins < 1 {
		return nil, fmt.Errorf("%w: %d histogram bins, need at least 1", ErrInvalidConfig, numBins)
	}
	if s.n < 2 {
		return nil, fmt.Errorf("%w: %d samples; the covariance needs at least 2", ErrInvalidInput, s.n)
	}
	d := s.numCodes
	cov := codeCovariance(s)
	res := &UnsupervisedResult{
		GaussianTotalCorrelation:       GaussianTotalCorrelation(cov, d),
		GaussianWassersteinCorrelation: GaussianWassersteinCorrelation(cov, d),
	}
	trace := 0.0
	for i := range d {
		trace += cov[i*d+i]
	}
	if trace > 0 {
		res.GaussianWassersteinCorrelationNorm = res.GaussianWassersteinCorrelation / trace
	}

	if d > 1 {
		binned := discretizeCodes(s, numBins)
		sum := 0.0
		for i := range d {
			for j := range d {
				if i != j {
					sum += MutualInfo(binned[j], binned[i])
				}
			}
		}
		res.MutualInfoScore = sum / float64(d*d-d)
	}
	return res, nil
}

// codeCovariance returns the [codes, codes] covariance of the codes of s with
// divisor n−1, as numpy.cov.
func codeCovariance(s *Sample) []float64 {
	d := s.numCodes
	cols := make([][]float64, d)
	for j := range cols {
		cols[j] = s.code(j)
		m := mean(cols[j])
		for i := range cols[j] {
			cols[j][i] -= m
		}
	}
	cov := make([]float64, d*d)
	for a := range d {
		for b := a; b < d; b++ {
			sum := 0.0
			for i, v := range cols[a] {
				sum += v * cols[b][i]
			}
			cov[a*d+b] = sum / float64(s.n-1)
			cov[b*d+a] = cov[a*d+b]
		}
	}
	return cov
}

// GaussianTotalCorrelation returns the total correlation in nats of a
// zero-mean Gaussian with the d×d covariance cov (row-major):
// −½ Σ log λ_i of the correlation matrix of the variables with non-zero
// variance. It is 0 when fewer than two variables vary and +Inf when the
// varying ones are linearly dependent (an eigenvalue <= 1e-12).
func GaussianTotalCorrelation(cov []float64, d int) float64 {
	var keep []int
	for i := range d {
		if cov[i*d+i] > 0 {
			keep = append(keep, i)
		}
	}
	k := len(keep)
	if k < 2 {
		return 0
	}
	corr := make([]float64, k*k)
	for a, i := range keep {
		for b, j := range keep {
			corr[a*k+b] = cov[i*d+j] / math.Sqrt(cov[i*d+i]*cov[j*d+j])
		}
	}
	tc := 0.0
	for _, lambda := range symmetricEigenvalues(corr, k) {
		if lambda <= 1e-12 {
			return math.Inf(1)
		}
		tc -= 0.5 * math.Log(lambda)
	}
	return tc
}

// GaussianWassersteinCorrelation returns 2 tr Σ − 2 tr (diag(Σ)·Σ)^½ for the
// d×d covariance cov (row-major), disentanglement_lib's Wasserstein
// correlation. diag(Σ)·Σ is similar to the symmetric D^½ Σ D^½ (D = diag Σ),
// so the trace of its square root is the sum of the square roots of that
// matrix's eigenvalues; rounding below zero is clipped.
func GaussianWassersteinCorrelation(cov []float64, d int) float64 {
	sym := make([]float64, d*d)
	trace := 0.0
	for i := range d {
		trace += cov[i*d+i]
		for j := range d {
			sym[i*d+j] = math.Sqrt(cov[i*d+i]) * cov[i*d+j] * math.Sqrt(cov[j*d+j])
		}
	}
	root := 0.0
	for _, lambda := range symmetricEigenvalues(sym, d) {
		root += math.Sqrt(max(lambda, 0))
	}
	return 2*trace - 2*root
}
