//go:build !amd64

package ot

import "math"

// dot returns Σ x[k]·y[k] over len(x) elements; y must be at least as long.
func dot(x, y []float64) float64 { return dotGo(x, y) }

// axpy adds alpha·x to y over len(x) elements.
func axpy(alpha float64, x, y []float64) { axpyGo(alpha, x, y) }

// expShift sets dst[j] = exp(src[j] − shift); arguments below −708 give 0.
func expShift(dst, src []float64, shift float64) {
	for j, x := range src {
		dst[j] = expScalar(x - shift)
	}
}

func expScalar(x float64) float64 {
	if x < -708 {
		return 0
	}
	return math.Exp(x)
}

// exponents sets dst[j] = (alpha + beta[j] − cost[j])·inv and returns the
// largest of them (−Inf for an empty row).
func exponents(dst, beta, cost []float64, alpha, inv float64) float64 {
	top := math.Inf(-1)
	for j := range dst {
		t := (alpha + beta[j] - cost[j]) * inv
		dst[j] = t
		top = max(top, t)
	}
	return top
}

// gemmRow sets out[j] = Σ_k a[k]·v[k·m + j] for j < m = len(out), with v of
// shape [len(a), m].
func gemmRow(out, a, v []float64) { gemmRowStrided(out, a, v, len(out)) }

// gemmRowStrided sets out[j] = Σ_k a[k]·v[k·stride + j] for j < len(out).
func gemmRowStrided(out, a, v []float64, stride int) {
	m := len(out)
	clear(out)
	for k, c := range a {
		axpyGo(c, v[k*stride:k*stride+m], out)
	}
}

// useAVX2 is false off amd64: the Go loops always run.
var useAVX2 = false

// minVector is the length from which the amd64 kernels take over; unused
// here but shared by the blocked loops.
const minVector = 16

// sqDist returns Σ (x[k] − y[k])² over len(x) elements.
func sqDist(x, y []float64) float64 { return sqDistGo(x, y) }
