package ot

import (
	"math"
	"math/rand/v2"
	"testing"
)

func normals(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// TestFourRowKernels compares each four-row kernel with plain loops on
// lengths around the vector widths, with rows stride apart.
func TestFourRowKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 1027} {
		stride := n + 5
		k := normals(rng, 3*stride+n)
		v := normals(rng, n)

		var s [4]float64
		dot4(k, stride, v, &s)
		for r := 0; r < 4; r++ {
			var want float64
			for j := 0; j < n; j++ {
				want += k[r*stride+j] * v[j]
			}
			// Sums of n products of unit normals in two orders.
			if math.Abs(s[r]-want) > 1e-13*float64(n+1) {
				t.Errorf("n=%d: dot4 row %d = %v, want %v", n, r, s[r], want)
			}
		}

		u := [4]float64{0.7, -1.3, 0.2, 2.5}
		got, want := normals(rng, n), make([]float64, n)
		copy(want, got)
		axpy4(&u, k, stride, got)
		for r, c := range u {
			for j := range want {
				want[j] = math.FMA(c, k[r*stride+j], want[j])
			}
		}
		// The vector loop rounds each FMA as math.FMA does. The Go tail
		// rounds the product and the sum apart.
		if d := maxAbsDiff(got, want); d > 4*4e-15 {
			t.Errorf("n=%d: axpy4 differs by %g", n, d)
		}

		p, col := make([]float64, n), normals(rng, n)
		colWant := append([]float64(nil), col...)
		rowSum := planRow(p, k, v, col, 0.3)
		var sumWant float64
		for j := 0; j < n; j++ {
			x := 0.3 * k[j] * v[j]
			// Two products rounded in the same order.
			if p[j] != x {
				t.Errorf("n=%d: plan entry %d = %v, want %v", n, j, p[j], x)
			}
			sumWant += x
			colWant[j] += x
		}
		// Sums of n entries of size about 0.3 in two orders.
		if math.Abs(rowSum-sumWant) > 1e-14*float64(n+1) {
			t.Errorf("n=%d: plan row sum %v, want %v", n, rowSum, sumWant)
		}
		// One addition per entry in both.
		if d := maxAbsDiff(col, colWant); d != 0 {
			t.Errorf("n=%d: column sums differ by %g", n, d)
		}

		y := normals(rng, n)
		var absWant float64
		for j := 0; j < n; j++ {
			absWant += math.Abs(v[j] - 0.9*y[j])
		}
		// Sums of n absolute differences of unit normals in two orders.
		if got := absDiffSum(v, y, 0.9); math.Abs(got-absWant) > 1e-13*float64(n+1) {
			t.Errorf("n=%d: absolute difference sum %v, want %v", n, got, absWant)
		}

		g := make([]float64, n)
		for _, scale := range []float64{1, -0.37} {
			linearizeRow(g, v, y, 1.25, scale)
			for j := range g {
				// Doubling is exact, so one FMA rounds as the Go
				// subtraction does.
				if want := 1.25 + v[j] - 2*(scale*y[j]); g[j] != want {
					t.Errorf("n=%d scale=%v: linearised entry %d = %v, want %v", n, scale, j, g[j], want)
				}
			}
		}

		var sqWant float64
		for j := 0; j < n; j++ {
			sqWant += v[j] * v[j] * y[j]
		}
		// Sums of n products of three unit normals in two orders.
		if got := sqDot(v, y); math.Abs(got-sqWant) > 1e-13*float64(n+1) {
			t.Errorf("n=%d: squared dot %v, want %v", n, got, sqWant)
		}
	}
}

func TestGemm4MatchesGemmRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 74))
	for _, tc := range []struct{ r, m int }{{1, 4}, {3, 17}, {12, 64}, {12, 1027}, {5, 3}, {66, 13}, {0, 8}} {
		a := normals(rng, 4*tc.r)
		v := normals(rng, tc.r*tc.m)
		stride := tc.m + 3
		got := normals(rng, 3*stride+tc.m)
		gemm4(got, stride, a, tc.r, v, tc.m)
		for s := 0; s < 4; s++ {
			want := make([]float64, tc.m)
			gemmRow(want, a[s*tc.r:(s+1)*tc.r], v)
			row := got[s*stride : s*stride+tc.m]
			// Sums of r products of unit normals. The vector columns
			// round as gemmRow's do, but the Go tail (m not a multiple of
			// 4) rounds products and sums apart.
			if d := maxAbsDiff(row, want); d > 1e-14*float64(tc.r) {
				t.Errorf("r=%d m=%d: row %d differs from gemmRow by %g", tc.r, tc.m, s, d)
			}
		}
	}
}
