package ot

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestLaplacianSolve checks the elimination against the system it solves:
// L·x = ε(gG − Pᵀ(gF/r)) with L = diag(c) − W and x[m−1] = 0, on plans with
// couplings spread over twelve orders of magnitude. The larger sizes run the
// vector kernels with their remainder columns.
func TestLaplacianSolve(t *testing.T) {
	for _, size := range []struct{ n, m int }{{7, 6}, {5, 9}, {70, 67}} {
		t.Run(fmt.Sprintf("%dx%d", size.n, size.m), func(t *testing.T) {
			laplacianCase(t, size.n, size.m)
		})
	}
}

func laplacianCase(t *testing.T, n, m int) {
	rng := rand.New(rand.NewPCG(71, 72))
	eps := 0.1
	e := newSinkhornEngine(uniform(n), uniform(m))
	p := make([]float64, n*m)
	for k := range p {
		p[k] = math.Exp(-28 * rng.Float64())
	}
	r, c := make([]float64, n), make([]float64, m)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			r[i] += p[i*m+j]
			c[j] += p[i*m+j]
		}
	}
	gf, gg := make([]float64, n), make([]float64, m)
	for i := range gf {
		gf[i] = rng.NormFloat64()
	}
	var total float64
	for j := range gg {
		gg[j] = rng.NormFloat64()
		total += gg[j]
	}
	// The right-hand side must sum to zero: Σ gG = Σ gF.
	var sf float64
	for _, v := range gf {
		sf += v
	}
	gg[0] += sf - total

	x := make([]float64, m)
	if !e.solveLaplacian(p, r, gf, gg, eps, make([]float64, m*m), x) {
		t.Fatal("elimination reported a disconnected plan")
	}
	if x[m-1] != 0 {
		t.Errorf("gauge x[m−1] = %v, want 0", x[m-1])
	}
	for j := 0; j < m; j++ {
		lhs := c[j] * x[j]
		var rhs float64
		for i := 0; i < n; i++ {
			rhs += p[i*m+j] * gf[i] / r[i]
			for k := 0; k < m; k++ {
				lhs -= p[i*m+j] * p[i*m+k] / r[i] * x[k]
			}
		}
		rhs = eps * (gg[j] - rhs)
		// Unit-scale right-hand side; the subtraction-free elimination
		// keeps the residual at rounding level.
		if math.Abs(lhs-rhs) > 1e-12 {
			t.Errorf("row %d: L·x = %v, right-hand side %v", j, lhs, rhs)
		}
	}
}

// TestNewtonFinishesStalledSinkhorn uses the linearised cost of the
// three-point example at the product plan, where plain Sinkhorn's error
// decays by about 1e-4 relative per iteration at this ε.
func TestNewtonFinishesStalledSinkhorn(t *testing.T) {
	g := &Matrix{Rows: 3, Cols: 3, Data: []float64{
		20.66663983340856, 17.999965500180913, 20.66663983340856,
		5.6666475001670875, 1.6666551667280691, 5.6666475001670875,
		21.666662833684146, 23.000034499822384, 21.666662833684146,
	}}
	eps := 0.05530864197530864
	res, err := Sinkhorn{Epsilon: eps, Threshold: 1e-12, MaxIterations: 200}.Solve(g, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged || res.MarginalError > 1e-12 {
		t.Fatalf("status %v after %d iterations, marginal error %g", res.Status, res.Iterations, res.MarginalError)
	}
	logd, err := Sinkhorn{Epsilon: eps, Threshold: 1e-12, MaxIterations: 200, Mode: LogDomain}.Solve(g, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if logd.Converged {
		t.Errorf("log-domain Sinkhorn converged in %d iterations; the case no longer exercises the Newton switch", logd.Iterations)
	}
	// Strong duality at the Newton solution.
	var dual float64
	for i := 0; i < 3; i++ {
		dual += (res.Potentials.F[i] + res.Potentials.G[i]) / 3
	}
	if math.Abs(dual-res.Value) > 1e-10 {
		t.Errorf("dual %v, primal %v", dual, res.Value)
	}
}

// TestAccelerationSameFixedPoint compares Anderson-mixed and plain entropic
// GW from the identity coupling of a batch and a noisy projection of it.
func TestAccelerationSameFixedPoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 74))
	n := 64
	x := randomPoints(rng, n, 10)
	y := &Matrix{Rows: n, Cols: 3, Data: make([]float64, n*3)}
	for i := 0; i < n; i++ {
		for k := 0; k < 3; k++ {
			y.Data[i*3+k] = x.At(i, k) + 0.01*rng.NormFloat64()
		}
	}
	identity := &Matrix{Rows: n, Cols: n, Data: make([]float64, n*n)}
	for i := 0; i < n; i++ {
		identity.Data[i*n+i] = 1 / float64(n)
	}
	for _, cost := range []Cost{ScaledSqEuclidean, Cosine} {
		q := mustProblem(t, mustCloud(t, x, cost, NormalizeNone), mustCloud(t, y, cost, NormalizeNone), nil, nil)
		plain, err := EntropicGW{Init: identity, Threshold: 1e-9, MaxIterations: 20000}.Solve(q)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := EntropicGW{Init: identity, Threshold: 1e-9, Accelerate: true}.Solve(q)
		if err != nil {
			t.Fatal(err)
		}
		if !plain.Converged || !fast.Converged {
			t.Fatalf("%v: status %v and %v", cost, plain.Status, fast.Status)
		}
		// Both stop at a plan change of 1e-9 near one fixed point; the
		// plain iteration contracts slowly, so its distance to the fixed
		// point is many times its last change.
		if math.Abs(plain.GW-fast.GW) > 1e-6*plain.GW {
			t.Errorf("%v: GW %v plain, %v accelerated", cost, plain.GW, fast.GW)
		}
		if fast.OuterIterations >= plain.OuterIterations {
			t.Errorf("%v: %d outer iterations accelerated, %d plain", cost, fast.OuterIterations, plain.OuterIterations)
		}
		t.Logf("%v: ε %.3g, outer iterations %d plain, %d accelerated", cost, plain.Epsilon, plain.OuterIterations, fast.OuterIterations)
	}
}

func TestRelativeEpsilonScale(t *testing.T) {
	// Centred points on a line: the inner-product costs average to 0, so
	// the relative scale uses their absolute values.
	x := &Matrix{Rows: 3, Cols: 1, Data: []float64{-1, 0, 1}}
	pc := mustCloud(t, x, InnerProduct, NormalizeNone)
	q := mustProblem(t, pc, pc, nil, nil)
	eps, err := EntropicGW{Epsilon: 0.1}.AbsoluteEpsilon(q)
	if err != nil {
		t.Fatal(err)
	}
	// |C| has entries 1, 0, 1 / 0, 0, 0 / 1, 0, 1: mean 4/9.
	if want := 0.1 * (4.0 / 9) * (4.0 / 9); math.Abs(eps-want) > 1e-17 {
		t.Errorf("relative ε = %v, want %v", eps, want)
	}
	if pc.Mean() != 0 {
		t.Errorf("mean cost %v, want 0", pc.Mean())
	}
}
