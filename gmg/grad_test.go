package gmg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
)

// allCosts lists the four costs in the order of their ot values.
var allCosts = []ot.Cost{ot.SqEuclidean, ot.InnerProduct, ot.Cosine, ot.ScaledSqEuclidean}

// centralDifferences returns (f(m + h·e_k) − f(m − h·e_k))/(2h) for every
// entry k of m, restoring m afterwards.
func centralDifferences(t *testing.T, m *ot.Matrix, h float64, f func() float64) []float64 {
	t.Helper()
	out := make([]float64, len(m.Data))
	for k := range m.Data {
		orig := m.Data[k]
		m.Data[k] = orig + h
		plus := f()
		m.Data[k] = orig - h
		minus := f()
		m.Data[k] = orig
		out[k] = (plus - minus) / (2 * h)
	}
	return out
}

// compareGradients reports entries where got and want differ by more than
// tol·(1 + |want|).
func compareGradients(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	for k := range want {
		if math.Abs(got[k]-want[k]) > tol*(1+math.Abs(want[k])) {
			t.Errorf("%s: entry %d = %.10g, finite differences %.10g", what, k, got[k], want[k])
		}
	}
}

func TestExactGapGradient(t *testing.T) {
	const n = 7
	rng := rand.New(rand.NewPCG(11, 12))
	for _, cost := range allCosts {
		t.Run(cost.String(), func(t *testing.T) {
			x, y := randomMatrix(rng, n, 2), randomMatrix(rng, n, 3)
			est := Estimator{CostX: cost, CostY: cost, Solver: Exact}
			res, err := est.GMG(x, y)
			if err != nil {
				t.Fatal(err)
			}
			if res.GMG < 1e-3 {
				t.Fatalf("GMG = %g: the random map should not be optimal", res.GMG)
			}
			value := gapFunction(t, est, x, y, res)
			// The plan is a vertex that stays optimal under moves of 1e-6,
			// so GMG is locally quadratic in the points and central
			// differences err by O(h²) plus rounding 1e-16/h.
			const h, tol = 1e-6, 1e-7
			compareGradients(t, "∂GMG/∂Y", res.GradientY().Data, centralDifferences(t, y, h, value), tol)
			gx, err := res.GradientX()
			if err != nil {
				t.Fatal(err)
			}
			compareGradients(t, "∂GMG/∂X", gx.Data, centralDifferences(t, x, h, value), tol)
		})
	}
}

// gapFunction returns a function that recomputes the GMG of the batch x, y as
// it is changed in place. For the other costs it solves again. Gradients
// hold the scale s of ScaledSqEuclidean constant, so for that cost it keeps
// the plan and the scales of the centre and evaluates ⟨PᵀCxP − Cx/n², Cy⟩
// with them.
func gapFunction(t *testing.T, est Estimator, x, y *ot.Matrix, centre *Result) func() float64 {
	t.Helper()
	if est.CostY != ot.ScaledSqEuclidean {
		return func() float64 {
			r, err := est.GMG(x, y)
			if err != nil {
				t.Fatal(err)
			}
			return r.GMG
		}
	}
	sx, sy := centre.x.scale, centre.y.scale
	plan := centre.Solve.Plan
	return func() float64 {
		gx, _ := ot.NewPointCloud(x, ot.SqEuclidean, ot.NormalizeNone)
		gy, _ := ot.NewPointCloud(y, ot.SqEuclidean, ot.NormalizeNone)
		n := x.Rows
		var gap float64
		for j := 0; j < n; j++ {
			for l := 0; l < n; l++ {
				var push float64
				for i := 0; i < n; i++ {
					for k := 0; k < n; k++ {
						push += plan.At(i, j) * gx.At(i, k) * plan.At(k, l)
					}
				}
				gap += (push - gx.At(j, l)/float64(n*n)) / sx * gy.At(j, l) / sy
			}
		}
		return gap
	}
}

func TestEntropicGradient(t *testing.T) {
	const n = 8
	rng := rand.New(rand.NewPCG(13, 14))
	for _, cost := range allCosts[:3] {
		t.Run(cost.String(), func(t *testing.T) {
			x, y := randomMatrix(rng, n, 2), randomMatrix(rng, n, 3)
			rel := Estimator{CostX: cost, CostY: cost, Epsilon: 1}
			eps, err := rel.AbsoluteEpsilon(x, y)
			if err != nil {
				t.Fatal(err)
			}
			// The finite differences hold ε fixed, as gradients do.
			est := Estimator{
				CostX: cost, CostY: cost,
				Epsilon: eps, EpsilonMode: ot.AbsoluteEpsilon,
				Threshold: 1e-13, MaxIterations: 5000,
				Sinkhorn: ot.Sinkhorn{Threshold: 1e-12, MaxIterations: 100000},
			}
			res, err := est.GMG(x, y)
			if err != nil {
				t.Fatal(err)
			}
			if res.Solve.Status != ot.Converged {
				t.Fatalf("solver status %v after %d steps", res.Solve.Status, res.Solve.OuterIterations)
			}
			// The entropic value DST − (E(P_ε) − ε·H(P_ε)); its plan is a
			// stationary point, so holding it fixed gives the exact gradient.
			value := func() float64 {
				r, err := est.GMG(x, y)
				if err != nil {
					t.Fatal(err)
				}
				return r.DST - r.Solve.EntropicObjective
			}
			// Solves converged to 1e-14 give values accurate to about
			// 1e-13, so differences over 2h = 2e-5 are good to 1e-8 and
			// the O(h²) term is of the same order.
			const h, tol = 1e-5, 1e-6
			compareGradients(t, "∂GMG_ε/∂Y", res.GradientY().Data, centralDifferences(t, y, h, value), tol)
			gx, err := res.GradientX()
			if err != nil {
				t.Fatal(err)
			}
			compareGradients(t, "∂GMG_ε/∂X", gx.Data, centralDifferences(t, x, h, value), tol)
		})
	}
}

func TestDSTGradient(t *testing.T) {
	const n = 9
	rng := rand.New(rand.NewPCG(15, 16))
	for _, cx := range allCosts[:3] {
		for _, cy := range allCosts[:3] {
			t.Run(fmt.Sprintf("%v→%v", cx, cy), func(t *testing.T) {
				x, y := randomMatrix(rng, n, 3), randomMatrix(rng, n, 4)
				est := Estimator{CostX: cx, CostY: cy}
				res, err := est.Evaluate(DSTRegularizer, x, y)
				if err != nil {
					t.Fatal(err)
				}
				value := func() float64 {
					v, err := est.DST(x, y)
					if err != nil {
						t.Fatal(err)
					}
					return v
				}
				// DST is a polynomial (a rational function for Cosine) of
				// the points: the O(h²) error dominates at h = 1e-5.
				const h, tol = 1e-5, 1e-7
				compareGradients(t, "∂DST/∂Y", res.GradientY().Data, centralDifferences(t, y, h, value), tol)
				gx, err := res.GradientX()
				if err != nil {
					t.Fatal(err)
				}
				compareGradients(t, "∂DST/∂X", gx.Data, centralDifferences(t, x, h, value), tol)
			})
		}
	}
}

func TestCosineZeroVectorGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	x, y := randomMatrix(rng, 5, 2), randomMatrix(rng, 5, 3)
	clear(y.Row(2))
	res, err := Estimator{CostX: ot.Cosine, CostY: ot.Cosine}.Evaluate(DSTRegularizer, x, y)
	if err != nil {
		t.Fatal(err)
	}
	g := res.GradientY()
	// A zero image has cosine 0 with every image; its direction, and so its
	// gradient, is undefined and set to 0.
	for k, v := range g.Row(2) {
		if v != 0 {
			t.Errorf("gradient of the zero image, entry %d = %g, want 0", k, v)
		}
	}
	for k, v := range g.Data {
		if math.IsNaN(v) {
			t.Fatalf("gradient entry %d is NaN", k)
		}
	}
}

func TestLossNodeMatchesGradient(t *testing.T) {
	const n, p, q = 10, 3, 12
	rng := rand.New(rand.NewPCG(19, 20))
	x64, y64 := randomMatrix(rng, n, p), randomMatrix(rng, n, q)
	x, y := tensor.New(n, p), tensor.New(n, 2, 2, 3)
	for k, v := range x64.Data {
		x.Data()[k] = float32(v)
	}
	for k, v := range y64.Data {
		y.Data()[k] = float32(v)
	}
	for _, r := range []Regularizer{GMGRegularizer, DSTRegularizer} {
		for _, withX := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/reference=%v", r, withX), func(t *testing.T) {
				est := Estimator{CostX: ot.SqEuclidean, CostY: ot.Cosine, ReferenceGradient: withX}
				tp := autodiff.NewTape(tensor.GoBLAS())
				xGrad, yGrad := tensor.New(n, p), tensor.New(n, 2, 2, 3)
				xv, yv := tp.Param(x, xGrad), tp.Param(y, yGrad)
				loss, res, err := est.Loss(tp, r, xv, yv)
				if err != nil {
					t.Fatal(err)
				}
				// Scale the loss by 3 to check that the output gradient is
				// applied.
				if err := tp.Backward(tp.Scale(loss, 3)); err != nil {
					t.Fatal(err)
				}
				if got := float64(loss.Value.Item()); math.Abs(got-res.Value) > 1e-6*math.Abs(res.Value) {
					t.Errorf("loss value %v, result %v", got, res.Value)
				}
				// The node rounds a float64 gradient to float32: relative
				// error 6e-8 per entry, plus float32 inputs that differ from
				// x64, y64 by the same relative amount.
				check := func(what string, got []float32, want []float64) {
					for k := range want {
						if math.Abs(float64(got[k])-3*want[k]) > 1e-4*(1+math.Abs(3*want[k])) {
							t.Errorf("%s entry %d = %g, want %g", what, k, got[k], 3*want[k])
						}
					}
				}
				check("∂/∂Y", yGrad.Data(), res.GradientY().Data)
				if withX {
					gx, err := res.GradientX()
					if err != nil {
						t.Fatal(err)
					}
					check("∂/∂X", xGrad.Data(), gx.Data)
				} else {
					for k, v := range xGrad.Data() {
						if v != 0 {
							t.Fatalf("∂/∂X entry %d = %g with the reference gradient off, want 0", k, v)
						}
					}
				}
			})
		}
	}
}
