package ot

import "math"

// The amd64 kernels use AVX2 and FMA when the CPU and the operating system
// support them, and the portable Go loops otherwise. The two paths sum in
// different orders, so their results differ in the last bits; on one machine
// every run takes the same path.

//go:noescape
func dotAVX2(x, y *float64, n int) float64

//go:noescape
func axpyAVX2(alpha float64, x, y *float64, n int)

//go:noescape
func expShiftAVX2(dst, src *float64, n int, shift float64) int

//go:noescape
func exponentsAVX2(dst, beta, cost *float64, n int, alpha, inv float64) float64

//go:noescape
func gemmRowAVX2(out, a, v *float64, r, m, stride int) int

//go:noescape
func sqDistAVX2(x, y *float64, n int) float64

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax, edx uint32)

// useAVX2 reports whether the AVX2 and FMA kernels run: CPUID must list AVX,
// FMA, OSXSAVE and AVX2, and XCR0 must show the XMM and YMM state enabled.
var useAVX2 = detectAVX2()

func detectAVX2() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&fma == 0 || ecx1&osxsave == 0 || ecx1&avx == 0 {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

// minVector is the length below which the Go loops beat the call overhead.
const minVector = 16

// dot returns Σ x[k]·y[k] over len(x) elements; y must be at least as long.
func dot(x, y []float64) float64 {
	if useAVX2 && len(x) >= minVector {
		y = y[:len(x)]
		return dotAVX2(&x[0], &y[0], len(x))
	}
	return dotGo(x, y)
}

// axpy adds alpha·x to y over len(x) elements.
func axpy(alpha float64, x, y []float64) {
	if useAVX2 && len(x) >= minVector {
		y = y[:len(x)]
		axpyAVX2(alpha, &x[0], &y[0], len(x))
		return
	}
	axpyGo(alpha, x, y)
}

// expShift sets dst[j] = exp(src[j] − shift) for arguments at most about 0.
// Arguments below −708 give 0, where exp is below 4e-308 and the kernels of
// this package treat it as underflow.
func expShift(dst, src []float64, shift float64) {
	done := 0
	if useAVX2 && len(src) >= 4 {
		dst = dst[:len(src)]
		done = expShiftAVX2(&dst[0], &src[0], len(src), shift)
	}
	for j := done; j < len(src); j++ {
		dst[j] = expScalar(src[j] - shift)
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
	top, done := math.Inf(-1), 0
	if useAVX2 && len(dst) >= 4 {
		beta, cost = beta[:len(dst)], cost[:len(dst)]
		top = exponentsAVX2(&dst[0], &beta[0], &cost[0], len(dst), alpha, inv)
		done = len(dst) &^ 3
	}
	for j := done; j < len(dst); j++ {
		t := (alpha + beta[j] - cost[j]) * inv
		dst[j] = t
		top = max(top, t)
	}
	return top
}

// gemmRow sets out[j] = Σ_k a[k]·v[k·m + j] for j < m = len(out), with v of
// shape [len(a), m].
func gemmRow(out, a, v []float64) { gemmRowStrided(out, a, v, len(out)) }

// gemmRowStrided sets out[j] = Σ_k a[k]·v[k·stride + j] for j < len(out):
// row a times the len(a) rows of v, stride apart, restricted to the first
// len(out) columns.
func gemmRowStrided(out, a, v []float64, stride int) {
	m, done := len(out), 0
	if useAVX2 && m >= 4 && len(a) > 0 {
		_ = v[(len(a)-1)*stride+m-1]
		done = gemmRowAVX2(&out[0], &a[0], &v[0], len(a), m, stride)
	}
	for j := done; j < m; j++ {
		var s float64
		for k, c := range a {
			s += c * v[k*stride+j]
		}
		out[j] = s
	}
}

// sqDist returns Σ (x[k] − y[k])² over len(x) elements.
func sqDist(x, y []float64) float64 {
	if useAVX2 && len(x) >= minVector {
		y = y[:len(x)]
		return sqDistAVX2(&x[0], &y[0], len(x))
	}
	return sqDistGo(x, y)
}
