package metrics

import "sort"

// DefaultNumBins is the number of histogram bins per code that
// disentanglement_lib's MIG, modularity, unsupervised and IRS configurations
// use.
const DefaultNumBins = 20

// Discretize maps each value of v to its histogram bin, numbered 1..numBins as
// numpy.digitize(v, numpy.histogram(v, numBins)[1][:-1]) numbers them: the
// bins split [min(v), max(v)] into numBins equal widths, edge i being
// min + i·(max−min)/numBins, and the maximum falls in bin numBins. When all
// values are equal the range is widened to [v−0.5, v+0.5] as numpy does, so
// every value lands in bin numBins/2 + 1. It panics if numBins < 1.
func Discretize(v []float64, numBins int) []int {
	if numBins < 1 {
		panic("metrics: Discretize needs at least one bin")
	}
	out := make([]int, len(v))
	if len(v) == 0 {
		return out
	}
	lo, hi := v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	// numpy.linspace: i·step + start, with step = (stop − start)/numBins.
	step := (hi - lo) / float64(numBins)
	edges := make([]float64, numBins)
	for i := range edges {
		edges[i] = float64(i)*step + lo
	}
	for i, x := range v {
		// numpy.digitize with increasing bins: the number of left edges <= x.
		out[i] = sort.Search(numBins, func(j int) bool { return edges[j] > x })
	}
	return out
}

// discretizeCodes returns the histogram bins of every code of s, [code][row].
func discretizeCodes(s *Sample, numBins int) [][]int {
	out := make([][]int, s.numCodes)
	for j := range out {
		out[j] = Discretize(s.code(j), numBins)
	}
	return out
}
