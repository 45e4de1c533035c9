package ot

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// randomMatrix returns an n×m matrix of uniform values in [0, scale).
func randomMatrix(rng *rand.Rand, n, m int, scale float64) *Matrix {
	data := make([]float64, n*m)
	for i := range data {
		data[i] = rng.Float64() * scale
	}
	return &Matrix{Rows: n, Cols: m, Data: data}
}

// randomWeights returns positive weights that sum to 1.
func randomWeights(rng *rand.Rand, n int) []float64 {
	w := make([]float64, n)
	var s float64
	for i := range w {
		w[i] = 0.2 + rng.Float64()
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

func maxAbsDiff(x, y []float64) float64 {
	var d float64
	for i := range x {
		d = max(d, math.Abs(x[i]-y[i]))
	}
	return d
}

func TestSinkhornModesAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name    string
		n, m    int
		scale   float64
		epsilon float64
	}{
		{"square", 30, 30, 1, 0.05},
		{"odd 17x29", 17, 29, 1, 0.02},
		{"small epsilon", 12, 9, 10, 0.01},
		{"one row", 1, 5, 1, 0.1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := randomMatrix(rng, tc.n, tc.m, tc.scale)
			a, b := randomWeights(rng, tc.n), randomWeights(rng, tc.m)
			stab, err := Sinkhorn{Epsilon: tc.epsilon, Threshold: 1e-12}.Solve(c, a, b, nil)
			if err != nil {
				t.Fatal(err)
			}
			logd, err := Sinkhorn{Epsilon: tc.epsilon, Threshold: 1e-12, Mode: LogDomain}.Solve(c, a, b, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !stab.Converged || !logd.Converged {
				t.Fatalf("status %v and %v, want converged", stab.Status, logd.Status)
			}
			// Both solve one strictly convex problem to a marginal error of
			// 1e-12; plan entries are at most 1, so they agree to about that.
			if d := maxAbsDiff(stab.Plan.Data, logd.Plan.Data); d > 1e-10 {
				t.Errorf("plans differ by %g", d)
			}
			if math.Abs(stab.Value-logd.Value) > 1e-10 {
				t.Errorf("values %v and %v", stab.Value, logd.Value)
			}
			if stab.MarginalError > 1e-12 {
				t.Errorf("marginal error %g", stab.MarginalError)
			}
		})
	}
}

// TestSinkhornPotentialsDescribePlan checks the documented link between the
// plan, the potentials and the value.
func TestSinkhornPotentialsDescribePlan(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n, m, eps := 8, 11, 0.03
	c := randomMatrix(rng, n, m, 1)
	a, b := randomWeights(rng, n), randomWeights(rng, m)
	res, err := Sinkhorn{Epsilon: eps, Threshold: 1e-13}.Solve(c, a, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, g := res.Potentials.F, res.Potentials.G
	var dual float64
	for i := 0; i < n; i++ {
		dual += f[i] * a[i]
		for j := 0; j < m; j++ {
			want := a[i] * b[j] * math.Exp((f[i]+g[j]-c.At(i, j))/eps)
			// Relative 1e-12: the plan and the formula round differently.
			if got := res.Plan.At(i, j); math.Abs(got-want) > 1e-12*want+1e-300 {
				t.Fatalf("P[%d,%d] = %v, potentials give %v", i, j, got, want)
			}
		}
	}
	for j := 0; j < m; j++ {
		dual += g[j] * b[j]
	}
	// Strong duality at a marginal error of 1e-13.
	if math.Abs(dual-res.Value) > 1e-11 {
		t.Errorf("dual %v, primal %v", dual, res.Value)
	}
}

// TestSinkhornUnderflow uses ε two thousand times smaller than the costs, so
// that exp(−C/ε) underflows for almost every entry.
func TestSinkhornUnderflow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	c := randomMatrix(rng, 20, 20, 10)
	for _, mode := range []SinkhornMode{Stabilized, LogDomain} {
		res, err := Sinkhorn{Epsilon: 0.005, Mode: mode, MaxIterations: 20000}.Solve(c, nil, nil, nil)
		if err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		for k, p := range res.Plan.Data {
			if math.IsNaN(p) || math.IsInf(p, 0) {
				t.Fatalf("%v: plan entry %d is %v", mode, k, p)
			}
		}
		if res.Status != Converged && res.Status != IterationLimit {
			t.Fatalf("%v: status %v", mode, res.Status)
		}
		if res.Converged && res.MarginalError > DefaultSinkhornThreshold {
			t.Errorf("%v: converged with marginal error %g", mode, res.MarginalError)
		}
		t.Logf("%v: %v after %d iterations, marginal error %g", mode, res.Status, res.Iterations, res.MarginalError)
	}
}

func TestSinkhornWarmStart(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	c := randomMatrix(rng, 40, 30, 1)
	s := Sinkhorn{Epsilon: 0.01}
	cold, err := s.Solve(c, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	warm, err := s.Solve(c, nil, nil, &cold.Potentials)
	if err != nil {
		t.Fatal(err)
	}
	if warm.Iterations > 2 {
		t.Errorf("warm start from the solution took %d iterations, cold %d", warm.Iterations, cold.Iterations)
	}
}

func TestSinkhornEpsilonScaling(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	c := randomMatrix(rng, 25, 25, 1)
	plain, err := Sinkhorn{Epsilon: 0.02, Threshold: 1e-11}.Solve(c, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	scaled, err := Sinkhorn{Epsilon: 0.02, Threshold: 1e-11, EpsilonScaling: 0.7}.Solve(c, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("plain %v %d it err %g; scaled %v %d it err %g", plain.Status, plain.Iterations, plain.MarginalError, scaled.Status, scaled.Iterations, scaled.MarginalError)
	// The same problem solved to 1e-11 from two starts.
	if d := maxAbsDiff(plain.Plan.Data, scaled.Plan.Data); d > 1e-9 {
		t.Errorf("plans differ by %g", d)
	}
}

func TestSinkhornBadInput(t *testing.T) {
	c := &Matrix{Rows: 2, Cols: 2, Data: []float64{0, 1, 1, 0}}
	cases := []struct {
		name string
		s    Sinkhorn
		c    *Matrix
		a, b []float64
		want error
	}{
		{"zero epsilon", Sinkhorn{}, c, nil, nil, ErrEpsilon},
		{"negative epsilon", Sinkhorn{Epsilon: -1}, c, nil, nil, ErrEpsilon},
		{"NaN cost", Sinkhorn{Epsilon: 1}, &Matrix{Rows: 1, Cols: 2, Data: []float64{0, math.NaN()}}, nil, nil, ErrNotFinite},
		{"zero weight", Sinkhorn{Epsilon: 1}, c, []float64{1, 0}, nil, ErrWeights},
		{"unbalanced", Sinkhorn{Epsilon: 1}, c, []float64{0.5, 0.6}, nil, ErrWeights},
		{"short weights", Sinkhorn{Epsilon: 1}, c, []float64{1}, nil, ErrShape},
		{"bad scaling", Sinkhorn{Epsilon: 1, EpsilonScaling: 2}, c, nil, nil, ErrSettings},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.s.Solve(tc.c, tc.a, tc.b, nil)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}
