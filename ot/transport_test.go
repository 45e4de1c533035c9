package ot

import (
	"math"
	"math/rand/v2"
	"testing"
)

// checkOptimal verifies an exact OT plan through LP duality. It solves
// u_i + v_j = C[i,j] on the plan's support (a spanning tree for a
// non-degenerate vertex) and checks C[i,j] − u_i − v_j ≥ 0 everywhere:
// complementary slackness with a feasible dual certifies optimality.
func checkOptimal(t *testing.T, c *Matrix, a, b []float64, plan *Matrix) {
	t.Helper()
	n, m := c.Rows, c.Cols
	if e := marginalError(plan.Data, a, b); e > 1e-12 {
		t.Fatalf("marginal error %g", e)
	}
	u, v := make([]float64, n), make([]float64, m)
	rowSet, colSet := make([]bool, n), make([]bool, m)
	rowSet[0] = true
	for changed := true; changed; {
		changed = false
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				if plan.At(i, j) <= 0 || rowSet[i] == colSet[j] {
					continue
				}
				if rowSet[i] {
					v[j] = c.At(i, j) - u[i]
					colSet[j] = true
				} else {
					u[i] = c.At(i, j) - v[j]
					rowSet[i] = true
				}
				changed = true
			}
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			if !rowSet[i] || !colSet[j] {
				t.Fatalf("support does not connect row %d and column %d: degenerate vertex", i, j)
			}
			// Duals are sums of a few O(1) costs.
			if r := c.At(i, j) - u[i] - v[j]; r < -1e-12 {
				t.Fatalf("reduced cost (%d,%d) = %g < 0: the plan is not optimal", i, j, r)
			}
		}
	}
}

// bruteForceAssignment returns the least cost of a permutation of [n, n] c.
func bruteForceAssignment(c *Matrix) float64 {
	n := c.Rows
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	best := math.Inf(1)
	var rec func(k int, acc float64)
	rec = func(k int, acc float64) {
		if k == n {
			best = min(best, acc)
			return
		}
		for i := k; i < n; i++ {
			perm[k], perm[i] = perm[i], perm[k]
			rec(k+1, acc+c.At(k, perm[k]))
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	rec(0, 0)
	return best
}

func TestExactOTUniformSquare(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{1, 2, 7, 40} {
		c := randomMatrix(rng, n, n, 1)
		plan, cost, err := ExactOT(c, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if e := marginalError(plan.Data, uniform(n), uniform(n)); e > 1e-12 {
			t.Fatalf("n=%d: marginal error %g", n, e)
		}
		if n <= 7 {
			// Sums of n costs, in two orders.
			if want := bruteForceAssignment(c) / float64(n); math.Abs(cost-want) > 1e-14 {
				t.Errorf("n=%d: cost %v, brute force %v", n, cost, want)
			}
		}

		// The assignment's duals certify it: reduced costs ≥ 0, zero on
		// the assignment.
		lap := newAssignment(n)
		u := lap.solve(c.Data)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if r := c.At(i, j) - u[i] - lap.v[j]; r < -1e-12 {
					t.Fatalf("n=%d: reduced cost (%d,%d) = %g", n, i, j, r)
				}
			}
		}

		// The transport solver reaches the same optimal cost.
		ssp := make([]float64, n*n)
		transportSSP(c.Data, uniform(n), uniform(n), ssp)
		if got := frobenius(ssp, c.Data); math.Abs(got-cost) > 1e-12 {
			t.Errorf("n=%d: transport cost %v, assignment %v", n, got, cost)
		}
	}
}

// TestAssignmentWarmStart solves a sequence of nearby cost matrices with the
// prices carried over, as conditional gradient does, and checks each optimum
// against a cold solve.
func TestAssignmentWarmStart(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	n := 60
	c := randomMatrix(rng, n, n, 1)
	warm := newAssignment(n)
	for step := 0; step < 5; step++ {
		for k := range c.Data {
			c.Data[k] += 0.05 * rng.NormFloat64()
		}
		warm.solve(c.Data)
		cold := newAssignment(n)
		cold.solve(c.Data)
		var got, want float64
		for i := 0; i < n; i++ {
			got += c.At(i, warm.x[i])
			want += c.At(i, cold.x[i])
		}
		if math.Abs(got-want) > 1e-12 {
			t.Fatalf("step %d: warm cost %v, cold %v", step, got, want)
		}
	}
}

func TestExactOTGeneralWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	cases := []struct{ n, m int }{{1, 5}, {5, 1}, {9, 13}, {17, 29}, {30, 30}}
	for _, tc := range cases {
		c := randomMatrix(rng, tc.n, tc.m, 1)
		a, b := randomWeights(rng, tc.n), randomWeights(rng, tc.m)
		plan, _, err := ExactOT(c, a, b)
		if err != nil {
			t.Fatal(err)
		}
		checkOptimal(t, c, a, b, plan)

		// Successive shortest paths reach the same optimal cost.
		ssp := make([]float64, tc.n*tc.m)
		transportSSP(c.Data, a, b, ssp)
		if got, want := frobenius(plan.Data, c.Data), frobenius(ssp, c.Data); math.Abs(got-want) > 1e-13 {
			t.Errorf("%dx%d: network simplex cost %v, shortest paths %v", tc.n, tc.m, got, want)
		}
		// A vertex of the transport polytope has at most n+m−1 nonzeros.
		nonzero := 0
		for _, p := range plan.Data {
			if p > 0 {
				nonzero++
			}
		}
		if nonzero > tc.n+tc.m-1 {
			t.Errorf("%dx%d: %d nonzeros, a vertex has at most %d", tc.n, tc.m, nonzero, tc.n+tc.m-1)
		}
	}
}

func uniform(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	return w
}

// TestNetworkSimplexWarmStart solves a sequence of nearby cost matrices from
// the previous basis, as conditional gradient does, without falling back to
// shortest paths, and checks each optimum against shortest paths.
func TestNetworkSimplexWarmStart(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	n, m := 40, 25
	c := randomMatrix(rng, n, m, 1)
	a, b := randomWeights(rng, n), randomWeights(rng, m)
	ns := newNetworkSimplex(a, b)
	plan, ssp := make([]float64, n*m), make([]float64, n*m)
	for step := 0; step < 5; step++ {
		for k := range c.Data {
			c.Data[k] += 0.05 * rng.NormFloat64()
		}
		if !ns.solve(c.Data, plan) {
			t.Fatalf("step %d: pivot cap reached", step)
		}
		transportSSP(c.Data, a, b, ssp)
		// Optimal costs of one LP by two methods, sums of n+m−1 terms.
		if got, want := frobenius(plan, c.Data), frobenius(ssp, c.Data); math.Abs(got-want) > 1e-13 {
			t.Errorf("step %d: simplex cost %v, shortest paths %v", step, got, want)
		}
		if e := marginalError(plan, a, b); e > 1e-13 {
			t.Errorf("step %d: marginal error %g", step, e)
		}
	}
}

// TestNetworkSimplexDegenerate uses uniform weights with n ≠ m and a cost of
// rank one, whose many ties make degenerate pivots.
func TestNetworkSimplexDegenerate(t *testing.T) {
	n, m := 12, 8
	c := &Matrix{Rows: n, Cols: m, Data: make([]float64, n*m)}
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			c.Data[i*m+j] = -float64(i%4) * float64(j%3)
		}
	}
	ns := newNetworkSimplex(uniform(n), uniform(m))
	plan, ssp := make([]float64, n*m), make([]float64, n*m)
	if !ns.solve(c.Data, plan) {
		t.Fatal("pivot cap reached")
	}
	transportSSP(c.Data, uniform(n), uniform(m), ssp)
	if got, want := frobenius(plan, c.Data), frobenius(ssp, c.Data); math.Abs(got-want) > 1e-13 {
		t.Errorf("simplex cost %v, shortest paths %v", got, want)
	}
}
