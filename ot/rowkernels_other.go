//go:build !amd64

package ot

// dot4 sets s[r] = Σ_j k[r·stride+j]·v[j] for the four rows r < 4 of k,
// each len(v) long and stride apart.
func dot4(k []float64, stride int, v []float64, s *[4]float64) {
	*s = [4]float64{}
	dot4Go(k, stride, v, s, 0)
}

// axpy4 adds Σ_r u[r]·k[r·stride+j] to w[j] for j < len(w), one row after
// the other, for the four rows of k stride apart.
func axpy4(u *[4]float64, k []float64, stride int, w []float64) {
	axpy4Go(u, k, stride, w, 0)
}

// gemm4 sets four rows of out, outStride apart and m long, to the product
// of four rows of a (r values each, stored one after the other) with v
// ([r, m], row-major).
func gemm4(out []float64, outStride int, a []float64, r int, v []float64, m int) {
	gemm4Go(out, outStride, a, r, v, m, 0)
}

// planRow writes p[j] = (u·k[j])·v[j] for j < len(p), adds it to col[j]
// and returns Σ_j p[j].
func planRow(p, k, v, col []float64, u float64) float64 {
	return planRowGo(p, k, v, col, u, 0)
}

// absDiffSum returns Σ_j |x[j] − scale·y[j]| for j < len(x).
func absDiffSum(x, y []float64, scale float64) float64 {
	return absDiffSumGo(x, y, scale, 0)
}

// linearizeRow sets g[j] = (c + d[j]) − 2·(scale·s[j]) for j < len(g).
func linearizeRow(g, d, s []float64, c, scale float64) {
	linearizeRowGo(g, d, s, c, scale, 0)
}

// sqDot returns Σ_j x[j]²·v[j] for j < len(x).
func sqDot(x, v []float64) float64 { return sqDotGo(x, v, 0) }
