package ot

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernelsMatchGo compares the dispatching kernels with the portable
// loops on lengths around the vector widths.
func TestKernelsMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	for _, n := range []int{0, 1, 3, 4, 5, 15, 16, 17, 31, 64, 1000, 1027} {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		// Sums of n products of unit normals in two orders.
		if got, want := dot(x, y), dotGo(x, y); math.Abs(got-want) > 1e-13*float64(n+1) {
			t.Errorf("n=%d: dot %v, Go loop %v", n, got, want)
		}
		// Sums of n squared differences of unit normals.
		if got, want := sqDist(x, y), sqDistGo(x, y); math.Abs(got-want) > 1e-13*float64(n+1) {
			t.Errorf("n=%d: squared distance %v, Go loop %v", n, got, want)
		}
		y1, y2 := append([]float64(nil), y...), append([]float64(nil), y...)
		axpy(0.7, x, y1)
		axpyGo(0.7, x, y2)
		// One fused or two rounded operations per element.
		if d := maxAbsDiff(y1, y2); d > 1e-15*4 {
			t.Errorf("n=%d: axpy differs by %g", n, d)
		}
	}
}

func TestExpShift(t *testing.T) {
	src := []float64{0, -1e-9, -0.3, -0.5, -1, -2.5, -10, -100, -300, -707.9, -708.1, -800, -1e308, 0.2, -0.34657, 0.34657, -37.3}
	dst := make([]float64, len(src))
	expShift(dst, src, 0.2)
	for j, x := range src {
		want := math.Exp(x - 0.2)
		if x-0.2 < -708 {
			want = 0
		}
		// The degree-13 polynomial and the two-part ln2 reduction give a
		// few ulps.
		if math.Abs(dst[j]-want) > 4e-16*want {
			t.Errorf("exp(%v) = %v, math.Exp %v (relative %g)", x-0.2, dst[j], want, (dst[j]-want)/want)
		}
	}
	worst := 0.0
	buf, out := make([]float64, 4096), make([]float64, 4096)
	for i := range buf {
		buf[i] = -708 * float64(i) / float64(len(buf))
	}
	expShift(out, buf, 0)
	for i, x := range buf {
		worst = max(worst, math.Abs(out[i]-math.Exp(x))/math.Exp(x))
	}
	if worst > 4e-16 {
		t.Errorf("worst relative error %g over [−708, 0]", worst)
	}
	t.Logf("AVX2 %v, worst relative error %g", useAVX2, worst)
}

func TestExponentsMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(63, 64))
	for _, n := range []int{1, 3, 4, 7, 8, 33} {
		beta, cost := make([]float64, n), make([]float64, n)
		for j := range beta {
			beta[j], cost[j] = rng.NormFloat64(), rng.NormFloat64()
		}
		got := make([]float64, n)
		top := exponents(got, beta, cost, 0.3, 7)
		wantTop := math.Inf(-1)
		for j := range got {
			want := (0.3 + beta[j] - cost[j]) * 7
			wantTop = max(wantTop, want)
			// The same three operations in the same order.
			if got[j] != want {
				t.Errorf("n=%d: exponent %d = %v, want %v", n, j, got[j], want)
			}
		}
		if top != wantTop {
			t.Errorf("n=%d: max %v, want %v", n, top, wantTop)
		}
	}
}

func TestGemmRowMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(65, 66))
	for _, tc := range []struct{ r, m int }{{1, 4}, {3, 17}, {12, 64}, {12, 1027}, {5, 3}} {
		a := make([]float64, tc.r)
		v := make([]float64, tc.r*tc.m)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		got := make([]float64, tc.m)
		gemmRow(got, a, v)
		for j := 0; j < tc.m; j++ {
			var want float64
			for k := range a {
				want += a[k] * v[k*tc.m+j]
			}
			// r products of unit normals; FMA rounds once per step.
			if math.Abs(got[j]-want) > 1e-14*float64(tc.r) {
				t.Errorf("r=%d m=%d: out[%d] = %v, want %v", tc.r, tc.m, j, got[j], want)
			}
		}
	}
}

func TestGemmRowStridedMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(67, 68))
	for _, tc := range []struct{ r, m, stride int }{{1, 4, 9}, {3, 17, 20}, {12, 33, 64}, {64, 5, 64}, {7, 0, 3}} {
		a := make([]float64, tc.r)
		v := make([]float64, (tc.r-1)*tc.stride+tc.m)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		got := make([]float64, tc.m)
		gemmRowStrided(got, a, v, tc.stride)
		for j := 0; j < tc.m; j++ {
			var want float64
			for k := range a {
				want += a[k] * v[k*tc.stride+j]
			}
			// r products of unit normals; FMA rounds once per step.
			if math.Abs(got[j]-want) > 1e-14*float64(tc.r) {
				t.Errorf("r=%d m=%d stride=%d: out[%d] = %v, want %v", tc.r, tc.m, tc.stride, j, got[j], want)
			}
		}
	}
}
