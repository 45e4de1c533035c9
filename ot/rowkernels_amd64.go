package ot

//go:noescape
func dot4AVX2(k *float64, stride int, v *float64, n int, s *[4]float64) int

//go:noescape
func axpy4AVX2(u *[4]float64, k *float64, stride int, w *float64, n int) int

//go:noescape
func gemm4AVX2(out *float64, outStride int, a *float64, r int, v *float64, m int) int

//go:noescape
func planRowAVX2(p, k, v, col *float64, n int, u float64) float64

//go:noescape
func absDiffSumAVX2(x, y *float64, n int, scale float64) (sum float64, done int)

//go:noescape
func linearizeRowAVX2(out, d, s *float64, n int, c, scale float64) int

//go:noescape
func sqDotAVX2(x, v *float64, n int) (sum float64, done int)

// dot4 sets s[r] = Σ_j k[r·stride+j]·v[j] for the four rows r < 4 of k,
// each len(v) long and stride apart.
func dot4(k []float64, stride int, v []float64, s *[4]float64) {
	*s = [4]float64{}
	if len(v) == 0 {
		return
	}
	_ = k[3*stride+len(v)-1]
	done := 0
	if useAVX2 {
		done = dot4AVX2(&k[0], stride, &v[0], len(v), s)
	}
	if done < len(v) {
		dot4Go(k, stride, v, s, done)
	}
}

// axpy4 adds Σ_r u[r]·k[r·stride+j] to w[j] for j < len(w), one row after
// the other, for the four rows of k stride apart.
func axpy4(u *[4]float64, k []float64, stride int, w []float64) {
	if len(w) == 0 {
		return
	}
	_ = k[3*stride+len(w)-1]
	done := 0
	if useAVX2 {
		done = axpy4AVX2(u, &k[0], stride, &w[0], len(w))
	}
	if done < len(w) {
		axpy4Go(u, k, stride, w, done)
	}
}

// gemm4 sets four rows of out, outStride apart and m long, to the product
// of four rows of a (r values each, stored one after the other) with v
// ([r, m], row-major).
func gemm4(out []float64, outStride int, a []float64, r int, v []float64, m int) {
	if m == 0 {
		return
	}
	_ = out[3*outStride+m-1]
	if r == 0 {
		for s := 0; s < 4; s++ {
			clear(out[s*outStride : s*outStride+m])
		}
		return
	}
	_ = a[4*r-1]
	_ = v[r*m-1]
	done := 0
	if useAVX2 {
		done = gemm4AVX2(&out[0], outStride, &a[0], r, &v[0], m)
	}
	if done < m {
		gemm4Go(out, outStride, a, r, v, m, done)
	}
}

// planRow writes p[j] = (u·k[j])·v[j] for j < len(p), adds it to col[j]
// and returns Σ_j p[j].
func planRow(p, k, v, col []float64, u float64) float64 {
	if len(p) == 0 {
		return 0
	}
	k, v, col = k[:len(p)], v[:len(p)], col[:len(p)]
	var rs float64
	done := 0
	if useAVX2 {
		rs = planRowAVX2(&p[0], &k[0], &v[0], &col[0], len(p), u)
		done = len(p) &^ 3
	}
	return rs + planRowGo(p, k, v, col, u, done)
}

// absDiffSum returns Σ_j |x[j] − scale·y[j]| for j < len(x).
func absDiffSum(x, y []float64, scale float64) float64 {
	if len(x) == 0 {
		return 0
	}
	y = y[:len(x)]
	var s float64
	done := 0
	if useAVX2 {
		s, done = absDiffSumAVX2(&x[0], &y[0], len(x), scale)
	}
	return s + absDiffSumGo(x, y, scale, done)
}

// linearizeRow sets g[j] = (c + d[j]) − 2·(scale·s[j]) for j < len(g).
func linearizeRow(g, d, s []float64, c, scale float64) {
	if len(g) == 0 {
		return
	}
	d, s = d[:len(g)], s[:len(g)]
	done := 0
	if useAVX2 {
		done = linearizeRowAVX2(&g[0], &d[0], &s[0], len(g), c, scale)
	}
	linearizeRowGo(g, d, s, c, scale, done)
}

// sqDot returns Σ_j x[j]²·v[j] for j < len(x).
func sqDot(x, v []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	v = v[:len(x)]
	var s float64
	done := 0
	if useAVX2 {
		s, done = sqDotAVX2(&x[0], &v[0], len(x))
	}
	return s + sqDotGo(x, v, done)
}
