package metrics

import (
	"math"
	"slices"
)

// MutualInfo returns the mutual information in nats between two discrete
// labelings of the same observations, estimated from their contingency table
// (the plug-in estimate): Σ_ij (n_ij/N) log(N·n_ij/(a_i·b_j)) with a, b the
// marginal counts. It follows sklearn.metrics.mutual_info_score 1.2.1 term
// by term: terms below float64 eps are set to 0, the result is clipped at 0,
// and it is 0 when either labeling has a single value. It panics if the
// lengths differ.
func MutualInfo(a, b []int) float64 {
	if len(a) != len(b) {
		panic("metrics: MutualInfo of labelings of different lengths")
	}
	aClasses, bClasses := distinct(a), distinct(b)
	if len(aClasses) <= 1 || len(bClasses) <= 1 {
		return 0
	}
	na, nb := len(aClasses), len(bClasses)
	table := make([]int, na*nb)
	rowSum := make([]int, na)
	colSum := make([]int, nb)
	for i := range a {
		r, _ := slices.BinarySearch(aClasses, a[i])
		c, _ := slices.BinarySearch(bClasses, b[i])
		table[r*nb+c]++
		rowSum[r]++
		colSum[c]++
	}

	total := float64(len(a))
	logTotal := math.Log(total)
	var terms []float64
	for r := range na {
		for c := range nb {
			count := table[r*nb+c]
			if count == 0 {
				continue
			}
			p := float64(count) / total
			outer := float64(int64(rowSum[r]) * int64(colSum[c]))
			// Both marginals sum to N: −log(a_i·b_j) + log Σa + log Σb.
			logOuter := -math.Log(outer) + logTotal + logTotal
			term := p*(math.Log(float64(count))-logTotal) + p*logOuter
			if math.Abs(term) < 2.220446049250313e-16 {
				term = 0
			}
			terms = append(terms, term)
		}
	}
	return max(pairwiseSum(terms), 0)
}

// Entropy returns the entropy in nats of a discrete labeling, computed as its
// mutual information with itself as disentanglement_lib does.
func Entropy(a []int) float64 { return MutualInfo(a, a) }

// mutualInfoMatrix returns m[i][k] = MutualInfo(factors[k], codes[i]), the
// [codes, factors] matrix of disentanglement_lib's discrete_mutual_info.
func mutualInfoMatrix(codes [][]int, factors [][]int) [][]float64 {
	m := make([][]float64, len(codes))
	for i, c := range codes {
		m[i] = make([]float64, len(factors))
		for k, f := range factors {
			m[i][k] = MutualInfo(f, c)
		}
	}
	return m
}
