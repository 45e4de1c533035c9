package ot

import "math"

// Portable loops of the four-row kernels. They run off amd64, on CPUs
// without AVX2 and FMA, and on the tails that the assembly leaves.

// dot4Go adds Σ_j k[r·stride+j]·v[j] over from ≤ j < len(v) to s[r].
func dot4Go(k []float64, stride int, v []float64, s *[4]float64, from int) {
	for r := range s {
		row := k[r*stride : r*stride+len(v)]
		var t float64
		for j := from; j < len(v); j++ {
			t += row[j] * v[j]
		}
		s[r] += t
	}
}

// axpy4Go adds u[r]·k[r·stride+j] to w[j] for from ≤ j < len(w), rows in
// order.
func axpy4Go(u *[4]float64, k []float64, stride int, w []float64, from int) {
	for r, c := range u {
		axpyGo(c, k[r*stride+from:r*stride+len(w)], w[from:])
	}
}

// gemm4Go sets columns from ≤ j < m of four rows of out to a·v as gemm4
// does.
func gemm4Go(out []float64, outStride int, a []float64, r int, v []float64, m, from int) {
	for s := 0; s < 4; s++ {
		as := a[s*r : (s+1)*r]
		row := out[s*outStride : s*outStride+m]
		for j := from; j < m; j++ {
			var t float64
			for k, c := range as {
				t += c * v[k*m+j]
			}
			row[j] = t
		}
	}
}

// planRowGo writes p[j] = (u·k[j])·v[j] and adds it to col[j] for
// from ≤ j < len(p), and returns the sum of those p[j].
func planRowGo(p, k, v, col []float64, u float64, from int) float64 {
	var rs float64
	for j := from; j < len(p); j++ {
		x := u * k[j] * v[j]
		p[j] = x
		rs += x
		col[j] += x
	}
	return rs
}

// absDiffSumGo returns Σ |x[j] − scale·y[j]| over from ≤ j < len(x).
func absDiffSumGo(x, y []float64, scale float64, from int) float64 {
	var s float64
	for j := from; j < len(x); j++ {
		s += math.Abs(x[j] - scale*y[j])
	}
	return s
}

// linearizeRowGo sets g[j] = (c + d[j]) − 2·(scale·s[j]) for
// from ≤ j < len(g).
func linearizeRowGo(g, d, s []float64, c, scale float64, from int) {
	for j := from; j < len(g); j++ {
		g[j] = c + d[j] - 2*(scale*s[j])
	}
}

// sqDotGo returns Σ x[j]²·v[j] over from ≤ j < len(x).
func sqDotGo(x, v []float64, from int) float64 {
	var s float64
	for j := from; j < len(x); j++ {
		s += x[j] * x[j] * v[j]
	}
	return s
}
