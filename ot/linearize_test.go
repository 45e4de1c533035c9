package ot

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCrossLinearizedMatchesSteps checks that the fused product and
// linearisation gives G(P) bit for bit as cross followed by linearize does,
// on each product path and for an asymmetric cost.
func TestCrossLinearizedMatchesSteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(75, 76))
	x := mustCloud(t, randomPoints(rng, 61, 3), SqEuclidean, NormalizeMax)
	y := mustCloud(t, randomPoints(rng, 47, 4), SqEuclidean, NormalizeMax)
	asym, err := NewCostMatrix(randomMatrix(rng, 61, 61, 1), NormalizeNone)
	if err != nil {
		t.Fatal(err)
	}
	wide := mustCloud(t, randomPoints(rng, 61, 40), SqEuclidean, NormalizeMax)
	for _, tc := range []struct {
		name string
		x, y Geometry
		path int
	}{
		{"left", x, y, pathLeft},
		{"right", wide, y, pathRight},
		{"dense", wide, mustCloud(t, randomPoints(rng, 47, 30), SqEuclidean, NormalizeMax), pathDense},
		{"asymmetric", asym, y, pathRight},
	} {
		q := mustProblem(t, tc.x, tc.y, nil, nil)
		if q.fwd.path != tc.path {
			t.Fatalf("%s: path %d, want %d", tc.name, q.fwd.path, tc.path)
		}
		n, m := q.Size()
		p := randomMatrix(rng, n, m, 1.0/float64(n*m))
		want := make([]float64, n*m)
		q.cross(p.Data, want)
		q.linearize(want, want)
		got := make([]float64, n*m)
		q.crossLinearized(p.Data, got, nil)
		for k := range want {
			// The same operations on the same values in the same order.
			if got[k] != want[k] {
				t.Fatalf("%s: entry %d = %v, want %v", tc.name, k, got[k], want[k])
			}
		}
	}
}

// TestProductLinearized compares the closed form of G(a·bᵀ) with the
// product over the dense plan a·bᵀ, for weights that are not uniform.
func TestProductLinearized(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 78))
	for _, tc := range []struct {
		name string
		x, y Geometry
	}{
		{"factored", mustCloud(t, randomPoints(rng, 70, 3), SqEuclidean, NormalizeMax), mustCloud(t, randomPoints(rng, 53, 2), InnerProduct, NormalizeNone)},
		{"dense", mustCloud(t, randomPoints(rng, 9, 30), Cosine, NormalizeNone), mustCloud(t, randomPoints(rng, 11, 30), SqEuclidean, NormalizeMean)},
	} {
		n, m := tc.x.Len(), tc.y.Len()
		q := mustProblem(t, tc.x, tc.y, randomWeights(rng, n), randomWeights(rng, m))
		if !q.productClosedForm() {
			t.Fatalf("%s: symmetric costs without the closed form", tc.name)
		}
		product, err := q.initialPlan(nil)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]float64, n*m)
		q.crossLinearized(product, want, nil)
		got := make([]float64, n*m)
		q.productLinearized(got)
		var scale float64
		for _, v := range want {
			scale = max(scale, math.Abs(v))
		}
		// Entries are sums of n·m products of O(1) costs and weights, in
		// two orders.
		if d := maxAbsDiff(got, want); d > 1e-13*scale {
			t.Errorf("%s: closed form differs by %g (largest entry %g)", tc.name, d, scale)
		}
	}
}

// TestPlanChangeTrace checks the plan changes of the error trace against
// plans computed apart: the first step against the product plan, the second
// against the first step's plan. It also solves from the product plan given
// as Init, which takes the dense path.
func TestPlanChangeTrace(t *testing.T) {
	rng := rand.New(rand.NewPCG(79, 80))
	x := mustCloud(t, randomPoints(rng, 90, 3), SqEuclidean, NormalizeMax)
	y := mustCloud(t, randomPoints(rng, 70, 5), SqEuclidean, NormalizeMax)
	q := mustProblem(t, x, y, randomWeights(rng, 90), randomWeights(rng, 70))
	solver := EntropicGW{Epsilon: 0.01, EpsilonMode: AbsoluteEpsilon}

	solver.MaxIterations = 1
	first, err := solver.Solve(q)
	if err != nil {
		t.Fatal(err)
	}
	solver.MaxIterations = 2
	second, err := solver.Solve(q)
	if err != nil {
		t.Fatal(err)
	}
	product, err := q.initialPlan(nil)
	if err != nil {
		t.Fatal(err)
	}
	change := func(x, y []float64) float64 {
		var s float64
		for k := range x {
			s += math.Abs(x[k] - y[k])
		}
		return s
	}
	// L1 sums of 6300 entries of about 1e-4, in two orders.
	if want := change(first.Plan.Data, product); math.Abs(first.ErrorTrace[0]-want) > 1e-14 {
		t.Errorf("first change %v, want %v", first.ErrorTrace[0], want)
	}
	if want := change(second.Plan.Data, first.Plan.Data); math.Abs(second.ErrorTrace[1]-want) > 1e-14 {
		t.Errorf("second change %v, want %v", second.ErrorTrace[1], want)
	}

	solver.MaxIterations = 0
	closed, err := solver.Solve(q)
	if err != nil {
		t.Fatal(err)
	}
	solver.Init = &Matrix{Rows: 90, Cols: 70, Data: product}
	dense, err := solver.Solve(q)
	if err != nil {
		t.Fatal(err)
	}
	if closed.OuterIterations != dense.OuterIterations {
		t.Errorf("outer iterations %d from the closed form, %d from the dense product plan", closed.OuterIterations, dense.OuterIterations)
	}
	// The two first linearised costs differ by rounding, about 1e-16
	// relative. The iteration amplifies that by its conditioning, which
	// stays far below the outer threshold of 1e-7.
	if math.Abs(closed.GW-dense.GW) > 1e-12*dense.GW {
		t.Errorf("GW %v from the closed form, %v from the dense product plan", closed.GW, dense.GW)
	}
	if d := maxAbsDiff(closed.Plan.Data, dense.Plan.Data); d > 1e-12 {
		t.Errorf("plans differ by %g", d)
	}
}
