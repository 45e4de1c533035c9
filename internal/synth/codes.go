package synth

import "math/rand/v2"

// FactorSizes are the numbers of values of the five factors that Codes
// draws: dSprites' shape, scale, orientation, x and y.
var FactorSizes = []int{3, 6, 40, 32, 32}

// NumCodes is the number of codes per row that Codes draws.
const NumCodes = 10

// Codes returns n rows of NumCodes codes ([n, NumCodes] row-major) and of
// factors ([n, len(FactorSizes)]); the same seed gives the same rows.
// Code c is Σ_f M[c, f]·s_f plus Gaussian noise (standard deviation 0.05),
// with s_f the factor value plus uniform jitter, scaled to [0, 1], and M
// the identity plus Gaussian entries (standard deviation 0.2).
func Codes(n int, seed uint64) (codes []float64, factors []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	k := len(FactorSizes)
	mixing := make([]float64, NumCodes*k)
	for c := range NumCodes {
		for f := range k {
			mixing[c*k+f] = 0.2 * rng.NormFloat64()
			if c == f {
				mixing[c*k+f]++
			}
		}
	}
	codes = make([]float64, 0, n*NumCodes)
	factors = make([]int, 0, n*k)
	scaled := make([]float64, k)
	for range n {
		for f, size := range FactorSizes {
			v := rng.IntN(size)
			factors = append(factors, v)
			scaled[f] = (float64(v) + rng.Float64()) / float64(size)
		}
		for c := range NumCodes {
			s := 0.05 * rng.NormFloat64()
			for f := range k {
				s += mixing[c*k+f] * scaled[f]
			}
			codes = append(codes, s)
		}
	}
	return codes, factors
}
