package ot

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
)

func mustCloud(t *testing.T, x *Matrix, cost Cost, norm Normalization) *PointCloud {
	t.Helper()
	pc, err := NewPointCloud(x, cost, norm)
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

func mustProblem(t *testing.T, x, y Geometry, a, b []float64) *QuadraticProblem {
	t.Helper()
	q, err := NewQuadraticProblem(x, y, a, b)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// bruteObjective evaluates E(P) from its definition in O(n²m²).
func bruteObjective(x, y Geometry, p *Matrix) float64 {
	var e float64
	n, m := x.Len(), y.Len()
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			for k := 0; k < n; k++ {
				for l := 0; l < m; l++ {
					d := x.At(i, k) - y.At(j, l)
					e += d * d * p.At(i, j) * p.At(k, l)
				}
			}
		}
	}
	return e / 2
}

func TestObjectiveMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	x := mustCloud(t, randomPoints(rng, 17, 2), SqEuclidean, NormalizeNone)
	y := mustCloud(t, randomPoints(rng, 29, 3), Cosine, NormalizeNone)
	asym, err := NewCostMatrix(randomMatrix(rng, 17, 17, 2), NormalizeNone)
	if err != nil {
		t.Fatal(err)
	}
	p := randomMatrix(rng, 17, 29, 1.0/(17*29))
	for _, tc := range []struct {
		name string
		x    Geometry
	}{{"point clouds 17x29", x}, {"asymmetric Cx", asym}} {
		q := mustProblem(t, tc.x, y, nil, nil)
		got, err := q.Objective(p)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteObjective(tc.x, y, p)
		// Sums of 240k terms in two orders.
		if math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("%s: E = %.15g, definition %.15g", tc.name, got, want)
		}
	}
}

// TestLinearizationIsGradient compares G(P) with central differences of E for
// a symmetric and an asymmetric cost; E is quadratic, so central differences
// are exact up to rounding.
func TestLinearizationIsGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	sym := mustCloud(t, randomPoints(rng, 6, 2), SqEuclidean, NormalizeNone)
	asym, err := NewCostMatrix(randomMatrix(rng, 6, 6, 1), NormalizeNone)
	if err != nil {
		t.Fatal(err)
	}
	y := mustCloud(t, randomPoints(rng, 5, 3), InnerProduct, NormalizeNone)
	for _, x := range []Geometry{sym, asym} {
		q := mustProblem(t, x, y, nil, nil)
		// A coupling of the uniform weights, so the target marginals in G
		// match those of P.
		p := &Matrix{Rows: 6, Cols: 5, Data: make([]float64, 30)}
		for i := range p.Data {
			p.Data[i] = 1.0 / 30
		}
		g, err := q.Linearization(p)
		if err != nil {
			t.Fatal(err)
		}
		// Perturb entries along directions with zero marginals, which keep
		// the marginals that G uses: e_ij − e_il − e_kj + e_kl.
		h := 1e-4
		for trial := 0; trial < 10; trial++ {
			i, k := rng.IntN(6), rng.IntN(6)
			j, l := rng.IntN(5), rng.IntN(5)
			if i == k || j == l {
				continue
			}
			dir := make([]float64, 30)
			dir[i*5+j], dir[i*5+l], dir[k*5+j], dir[k*5+l] = 1, -1, -1, 1
			plus, minus := &Matrix{Rows: 6, Cols: 5, Data: make([]float64, 30)}, &Matrix{Rows: 6, Cols: 5, Data: make([]float64, 30)}
			for s := range dir {
				plus.Data[s] = p.Data[s] + h*dir[s]
				minus.Data[s] = p.Data[s] - h*dir[s]
			}
			ep, _ := q.Objective(plus)
			em, _ := q.Objective(minus)
			numeric := (ep - em) / (2 * h)
			analytic := frobenius(g.Data, dir)
			// Rounding of E (about 1e-16·E) divided by 2h.
			if math.Abs(numeric-analytic) > 1e-9 {
				t.Errorf("symmetric=%v: directional derivative %v, G gives %v", x.Symmetric(), numeric, analytic)
			}
		}
	}
}

func TestPermutedCopyRecovered(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	n := 12
	x := randomPoints(rng, n, 3)
	perm := rng.Perm(n)
	y := &Matrix{Rows: n, Cols: 3, Data: make([]float64, n*3)}
	for i, pi := range perm {
		copy(y.Row(pi), x.Row(i))
	}
	q := mustProblem(t, mustCloud(t, x, SqEuclidean, NormalizeMax), mustCloud(t, y, SqEuclidean, NormalizeMax), nil, nil)

	exact, err := ExactGW{}.Solve(q)
	if err != nil {
		t.Fatal(err)
	}
	// An isometric copy has GW 0; rounding of n² costs leaves ~1e-17.
	if exact.GW > 1e-14 {
		t.Errorf("exact GW %g, want 0", exact.GW)
	}
	for i, pi := range perm {
		if got := exact.Plan.At(i, pi); math.Abs(got-1/float64(n)) > 1e-12 {
			t.Errorf("exact plan (%d, %d) = %v, want 1/n", i, pi, got)
		}
	}

	ent, err := EntropicGW{Epsilon: 0.002, EpsilonMode: AbsoluteEpsilon, Sinkhorn: Sinkhorn{MaxIterations: 20000}}.Solve(q)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("entropic: %v, %d outer, %d inner, GW %g", ent.Status, ent.OuterIterations, ent.InnerIterations, ent.GW)
	// The entropic plan puts most mass on the permutation; GW then is of
	// the order of ε.
	for i, pi := range perm {
		best := 0
		for j := 1; j < n; j++ {
			if ent.Plan.At(i, j) > ent.Plan.At(i, best) {
				best = j
			}
		}
		if best != pi {
			t.Errorf("entropic row %d peaks at column %d, want %d", i, best, pi)
		}
	}
	if ent.GW > 1e-3 {
		t.Errorf("entropic GW %g on an isometric copy", ent.GW)
	}
}

// TestThreePointsGlobalMinimum checks the worked example: x = {0, 1, 3},
// y = {0, 1, 2}, uniform weights, where exact GW from the product plan reaches
// the global minima 34/9 (squared Euclidean) and 3/2 (inner product).
func TestThreePointsGlobalMinimum(t *testing.T) {
	raw, err := os.ReadFile("testdata/gmg_three_points.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		X, Y  []float64
		Cases []struct {
			Cost string
			GW   string
		}
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	fractions := map[string]float64{"34/9": 34.0 / 9, "3/2": 1.5}
	costs := map[string]Cost{"sqeuclidean": SqEuclidean, "inner_product": InnerProduct}
	x := &Matrix{Rows: 3, Cols: 1, Data: file.X}
	y := &Matrix{Rows: 3, Cols: 1, Data: file.Y}
	for _, tc := range file.Cases {
		want, ok := fractions[tc.GW]
		if !ok {
			t.Fatalf("unknown value %q", tc.GW)
		}
		cost := costs[tc.Cost]
		q := mustProblem(t, mustCloud(t, x, cost, NormalizeNone), mustCloud(t, y, cost, NormalizeNone), nil, nil)
		res, err := ExactGW{}.Solve(q)
		if err != nil {
			t.Fatal(err)
		}
		// Exact fractions of small integers.
		if math.Abs(res.GW-want) > 1e-13 {
			t.Errorf("%s: GW = %.15g, want %s", tc.Cost, res.GW, tc.GW)
		}
	}
}

func TestEntropicGWModesAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 38))
	q := mustProblem(t,
		mustCloud(t, randomPoints(rng, 17, 2), SqEuclidean, NormalizeMax),
		mustCloud(t, randomPoints(rng, 29, 5), SqEuclidean, NormalizeMax),
		randomWeights(rng, 17), randomWeights(rng, 29))
	solve := func(mode SinkhornMode) *GWResult {
		res, err := EntropicGW{Epsilon: 0.005, EpsilonMode: AbsoluteEpsilon, Threshold: 1e-11,
			Sinkhorn: Sinkhorn{Mode: mode, Threshold: 1e-12}}.Solve(q)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Converged {
			t.Fatalf("%v: status %v", mode, res.Status)
		}
		return res
	}
	kernel, logd := solve(Stabilized), solve(LogDomain)
	// The same iteration to 1e-11 in plan change; the modes round
	// differently.
	if d := maxAbsDiff(kernel.Plan.Data, logd.Plan.Data); d > 1e-9 {
		t.Errorf("plans differ by %g", d)
	}
	if math.Abs(kernel.GW-logd.GW) > 1e-10 {
		t.Errorf("GW %v and %v", kernel.GW, logd.GW)
	}
	for _, res := range []*GWResult{kernel, logd} {
		if res.MarginalError > 1e-12 {
			t.Errorf("marginal error %g", res.MarginalError)
		}
	}
}

func TestEntropicGWIdentityInit(t *testing.T) {
	rng := rand.New(rand.NewPCG(39, 40))
	n := 64
	x := randomPoints(rng, n, 10)
	y := &Matrix{Rows: n, Cols: 3, Data: make([]float64, n*3)}
	for i := 0; i < n; i++ {
		for k := 0; k < 3; k++ {
			y.Data[i*3+k] = x.At(i, k) + 0.01*rng.NormFloat64()
		}
	}
	q := mustProblem(t, mustCloud(t, x, ScaledSqEuclidean, NormalizeNone), mustCloud(t, y, ScaledSqEuclidean, NormalizeNone), nil, nil)
	identity := &Matrix{Rows: n, Cols: n, Data: make([]float64, n*n)}
	for i := 0; i < n; i++ {
		identity.Data[i*n+i] = 1 / float64(n)
	}
	res, err := EntropicGW{Init: identity, Epsilon: 0.1}.Solve(q)
	if err != nil {
		t.Fatal(err)
	}
	if res.MarginalError > 1e-6 {
		t.Errorf("status %v, marginal error %g", res.Status, res.MarginalError)
	}
	dst, err := q.Objective(identity)
	if err != nil {
		t.Fatal(err)
	}
	// The identity coupling is feasible, and the entropic optimum trades a
	// little E for entropy, so E(P) stays near DST; it is not a bound.
	t.Logf("DST %v, entropic GW %v after %d outer and %d inner iterations", dst, res.GW, res.OuterIterations, res.InnerIterations)
	if res.GW > 2*dst || res.GW < 0 {
		t.Errorf("GW %v far above the identity's %v", res.GW, dst)
	}
}

func TestGWBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	one := mustCloud(t, randomPoints(rng, 1, 2), SqEuclidean, NormalizeNone)
	five := mustCloud(t, randomPoints(rng, 5, 3), SqEuclidean, NormalizeNone)

	// One point against five: the only coupling sends the point to all five,
	// E = ½ Σ_jl Cy[j,l]² b_j b_l.
	q := mustProblem(t, one, five, nil, nil)
	var want float64
	for j := 0; j < 5; j++ {
		for l := 0; l < 5; l++ {
			want += five.At(j, l) * five.At(j, l) / 50
		}
	}
	for name, solve := range map[string]func(*QuadraticProblem) (*GWResult, error){
		"exact":    ExactGW{}.Solve,
		"entropic": EntropicGW{}.Solve,
	} {
		res, err := solve(q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// 25 terms.
		if math.Abs(res.GW-want) > 1e-14 {
			t.Errorf("%s: 1 vs 5 points: GW %v, want %v", name, res.GW, want)
		}
	}

	// A single point on both sides: GW is 0.
	res, err := EntropicGW{}.Solve(mustProblem(t, one, one, nil, nil))
	if err != nil || res.GW != 0 || !res.Converged {
		t.Errorf("1 vs 1 point: %v, GW %v, status %v", err, res.GW, res.Status)
	}

	for _, eps := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := (EntropicGW{Epsilon: eps}).Solve(q); !errors.Is(err, ErrEpsilon) {
			t.Errorf("epsilon %v: error %v, want ErrEpsilon", eps, err)
		}
	}
	bad := &Matrix{Rows: 1, Cols: 5, Data: []float64{0.5, 0.5, 0, 0, 0}}
	if _, err := (EntropicGW{Init: bad}).Solve(q); !errors.Is(err, ErrWeights) {
		t.Errorf("init with wrong marginals: error %v, want ErrWeights", err)
	}
	if _, err := NewQuadraticProblem(one, five, []float64{0.5}, nil); !errors.Is(err, ErrWeights) {
		t.Errorf("unbalanced weights: error %v, want ErrWeights", err)
	}
}

// TestEntropicGWUnderflow runs at an ε so small against unnormalised costs
// (up to 9 and 4, linearised costs up to about 80) that exp(−G/ε) underflows
// in plain kernel Sinkhorn, which makes POT 0.8.2 return an all-zero plan on
// this problem.
func TestEntropicGWUnderflow(t *testing.T) {
	x := &Matrix{Rows: 3, Cols: 1, Data: []float64{0, 1, 3}}
	y := &Matrix{Rows: 3, Cols: 1, Data: []float64{0, 1, 2}}
	q := mustProblem(t, mustCloud(t, x, SqEuclidean, NormalizeNone), mustCloud(t, y, SqEuclidean, NormalizeNone), nil, nil)
	identity := &Matrix{Rows: 3, Cols: 3, Data: []float64{1.0 / 3, 0, 0, 0, 1.0 / 3, 0, 0, 0, 1.0 / 3}}
	for _, tc := range []struct {
		name string
		init *Matrix
	}{{"product init", nil}, {"identity init", identity}} {
		res, err := EntropicGW{Epsilon: 0.005, EpsilonMode: AbsoluteEpsilon, Init: tc.init}.Solve(q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for k, p := range res.Plan.Data {
			if math.IsNaN(p) || p < 0 {
				t.Fatalf("%s: plan entry %d is %v", tc.name, k, p)
			}
		}
		if !res.Converged || res.MarginalError > DefaultSinkhornThreshold {
			t.Errorf("%s: status %v, marginal error %g", tc.name, res.Status, res.MarginalError)
		}
		// No coupling beats the global minimum 34/9.
		if res.GW < 34.0/9-1e-12 {
			t.Errorf("%s: GW %v below the global minimum 34/9", tc.name, res.GW)
		}
		t.Logf("%s: GW %v, %d outer, %d inner", tc.name, res.GW, res.OuterIterations, res.InnerIterations)
		if tc.init != nil && math.Abs(res.GW-34.0/9) > 1e-6 {
			// From the monotone map, a global minimiser, the plan stays
			// there up to entropic blur of order exp(−gap/ε).
			t.Errorf("%s: GW %v, want 34/9", tc.name, res.GW)
		}
	}
}

// TestResultsIndependentOfCPUs solves one problem with one and with four
// goroutines per parallel loop: the fixed reduction blocks make the results
// bit-identical.
func TestResultsIndependentOfCPUs(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	q := mustProblem(t,
		mustCloud(t, randomPoints(rng, 200, 5), SqEuclidean, NormalizeMax),
		mustCloud(t, randomPoints(rng, 200, 20), SqEuclidean, NormalizeMax), nil, nil)
	solve := func(procs int) (*GWResult, *GWResult) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		ent, err := EntropicGW{Epsilon: 0.005, EpsilonMode: AbsoluteEpsilon}.Solve(q)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := ExactGW{}.Solve(q)
		if err != nil {
			t.Fatal(err)
		}
		return ent, ex
	}
	ent1, ex1 := solve(1)
	ent4, ex4 := solve(4)
	if ent1.GW != ent4.GW || ex1.GW != ex4.GW {
		t.Errorf("GW differs: entropic %v vs %v, exact %v vs %v", ent1.GW, ent4.GW, ex1.GW, ex4.GW)
	}
	for k := range ent1.Plan.Data {
		if ent1.Plan.Data[k] != ent4.Plan.Data[k] {
			t.Fatalf("entropic plan entry %d differs: %v vs %v", k, ent1.Plan.Data[k], ent4.Plan.Data[k])
		}
	}
}

// TestEntropicGWSmallEpsilon runs at a relative ε of 1e-4 on unnormalised
// clouds of different sizes, where the linearised costs span about 30 to 600
// and ε is about 0.005: cold inner solves need ε-scaling and Newton steps.
func TestEntropicGWSmallEpsilon(t *testing.T) {
	rng := rand.New(rand.NewPCG(45, 46))
	q := mustProblem(t,
		mustCloud(t, randomPoints(rng, 50, 3), SqEuclidean, NormalizeNone),
		mustCloud(t, randomPoints(rng, 40, 5), SqEuclidean, NormalizeNone), nil, nil)
	res, err := EntropicGW{Epsilon: 1e-4}.Solve(q)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged {
		t.Errorf("status %v after %d outer and %d inner iterations", res.Status, res.OuterIterations, res.InnerIterations)
	}
	if res.MarginalError > DefaultSinkhornThreshold {
		t.Errorf("marginal error %g", res.MarginalError)
	}
	t.Logf("ε %.3g: GW %v after %d outer and %d inner iterations", res.Epsilon, res.GW, res.OuterIterations, res.InnerIterations)
}
