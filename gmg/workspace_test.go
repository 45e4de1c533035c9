package gmg

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
)

// testBackends returns the BLAS backends to test: the gonum one and, when it
// loads, OpenBLAS.
func testBackends() []tensor.BLAS {
	backends := []tensor.BLAS{tensor.GoBLAS()}
	if b, err := tensor.LoadOpenBLAS(); err == nil {
		backends = append(backends, b)
	}
	return backends
}

// randomTensor returns an [n, d] tensor of draws from N(offset, 1) and the
// same values as a float64 matrix.
func randomTensor(rng *rand.Rand, n, d int, offset float64) (*tensor.Tensor, *ot.Matrix) {
	t := tensor.New(n, d)
	m := &ot.Matrix{Rows: n, Cols: d, Data: make([]float64, n*d)}
	for k := range m.Data {
		v := float32(offset + rng.NormFloat64())
		t.Data()[k] = v
		m.Data[k] = float64(v)
	}
	return t, m
}

// lossRun records the regulariser on a fresh tape, runs the backward pass and
// returns the value, the result and the float32 gradients into x and y.
func lossRun(t *testing.T, blas tensor.BLAS, ws *Workspace, est Estimator, r Regularizer, x, y *tensor.Tensor) (float32, *Result, []float32, []float32) {
	t.Helper()
	tp := autodiff.NewTape(blas)
	xGrad, yGrad := tensor.New(x.Shape()...), tensor.New(y.Shape()...)
	loss, res, err := est.LossWith(ws, tp, r, tp.Param(x, xGrad), tp.Param(y, yGrad))
	if err != nil {
		t.Fatal(err)
	}
	if err := tp.Backward(loss); err != nil {
		t.Fatal(err)
	}
	return loss.Value.Item(), res, xGrad.Data(), yGrad.Data()
}

// TestLossMatchesEvaluate compares the loss node, whose sides of dimension
// 1024 take float32 products, with Evaluate in float64 on the same points:
// decoder placement (images of dimension 1024) and encoder placement (the
// reference points are the images).
func TestLossMatchesEvaluate(t *testing.T) {
	const n, small, large = 16, 3, 1024
	for _, blas := range testBackends() {
		for _, cost := range allCosts {
			for _, encoder := range []bool{false, true} {
				p, q := small, large
				if encoder {
					p, q = large, small
				}
				name := fmt.Sprintf("%s/%v/encoder=%v", blas.Name(), cost, encoder)
				t.Run(name, func(t *testing.T) {
					rng := rand.New(rand.NewPCG(31, uint64(cost)))
					// Points drawn around 3, far from the origin: the
					// squared-Euclidean costs ||y_i||² + ||y_k||² − 2⟨y_i, y_k⟩
					// then lose about 2e-6 to cancellation unless the rows
					// are centred first, and no cost is near 0.
					x, x64 := randomTensor(rng, n, p, 3)
					y, y64 := randomTensor(rng, n, q, 3)
					est := Estimator{CostX: cost, CostY: cost, ReferenceGradient: true}
					for _, r := range []Regularizer{GMGRegularizer, DSTRegularizer} {
						value, res, xGrad, yGrad := lossRun(t, blas, nil, est, r, x, y)
						want, err := est.Evaluate(r, x64, y64)
						if err != nil {
							t.Fatal(err)
						}
						// Float32 sums of 1024 products: the costs err by
						// up to 3e-7 relative (measured with both
						// backends), DST by 2e-7 and GMG, a difference of
						// two terms of DST's size, by 2e-7 of DST.
						compareCosts(t, "Cx", res.x, want.x, 1e-6)
						compareCosts(t, "Cy", res.y, want.y, 1e-6)
						if math.Abs(res.DST-want.DST) > 1e-6*want.DST {
							t.Errorf("%v: DST %.10g, Evaluate %.10g", r, res.DST, want.DST)
						}
						if r == GMGRegularizer && math.Abs(res.GMG-want.GMG) > 1e-6*want.DST {
							t.Errorf("GMG %.10g, Evaluate %.10g (DST %g)", res.GMG, want.GMG, want.DST)
						}
						if math.Abs(float64(value)-res.Value) > 1e-6*math.Abs(res.Value) {
							t.Errorf("%v: node value %v, result %v", r, value, res.Value)
						}
						// Against the float64 chain rule on the same
						// coefficients, the node's float32 product errs by
						// up to 1.2e-6 of the largest entry (measured), and
						// by over 5e-6 without centring.
						compareScaled(t, fmt.Sprintf("%v ∂/∂Y, own result", r), yGrad, res.GradientY().Data, 5e-6)
						gx, err := res.GradientX()
						if err != nil {
							t.Fatal(err)
						}
						compareScaled(t, fmt.Sprintf("%v ∂/∂X, own result", r), xGrad, gx.Data, 5e-6)
						// Against Evaluate, the plan and so ∂GMG/∂C move
						// with the float32 costs: up to 6e-6 of the
						// largest entry for Cosine (measured).
						compareScaled(t, fmt.Sprintf("%v ∂/∂Y, Evaluate", r), yGrad, want.GradientY().Data, 2e-5)
						if gx, err = want.GradientX(); err != nil {
							t.Fatal(err)
						}
						compareScaled(t, fmt.Sprintf("%v ∂/∂X, Evaluate", r), xGrad, gx.Data, 2e-5)
					}
				})
			}
		}
	}
}

// compareCosts reports entries of the cost matrices of got and want that
// differ by more than tol relative to want's entry.
func compareCosts(t *testing.T, what string, got, want *cloud, tol float64) {
	t.Helper()
	for i := 0; i < want.n; i++ {
		for k := 0; k < want.n; k++ {
			a, b := got.geom.At(i, k), want.geom.At(i, k)
			if math.Abs(a-b) > tol*math.Abs(b) {
				t.Errorf("%s[%d, %d] = %.10g, float64 %.10g", what, i, k, a, b)
				return
			}
		}
	}
}

// compareScaled reports entries where got and want differ by more than
// tol·max|want|.
func compareScaled(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	var top float64
	for _, v := range want {
		top = max(top, math.Abs(v))
	}
	bad := 0
	for k := range want {
		if d := math.Abs(float64(got[k]) - want[k]); d > tol*top {
			if bad < 5 {
				t.Errorf("%s entry %d = %g, want %g (largest entry %g)", what, k, got[k], want[k], top)
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d entries differ", what, bad)
	}
}

// TestWorkspaceReuse runs one batch with a fresh workspace, then a larger
// batch with other costs through a kept workspace, then the first batch
// again: the kept workspace must give the fresh one's values bit for bit.
func TestWorkspaceReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	x, _ := randomTensor(rng, 12, 4, 0)
	y, _ := randomTensor(rng, 12, 80, 0.5)
	// A larger batch first, so that the buffers are reused, not regrown.
	xOther, _ := randomTensor(rng, 14, 4, 0)
	yOther, _ := randomTensor(rng, 14, 90, 0.5)
	for _, blas := range testBackends() {
		for _, cost := range allCosts {
			t.Run(fmt.Sprintf("%s/%v", blas.Name(), cost), func(t *testing.T) {
				est := Estimator{CostX: cost, CostY: cost, ReferenceGradient: true}
				value, res, xGrad, yGrad := lossRun(t, blas, nil, est, GMGRegularizer, x, y)

				var ws Workspace
				other := Estimator{CostX: ot.Cosine, CostY: ot.SqEuclidean}
				lossRun(t, blas, &ws, other, DSTRegularizer, xOther, yOther)
				again, res2, xGrad2, yGrad2 := lossRun(t, blas, &ws, est, GMGRegularizer, x, y)

				if again != value || res2.GMG != res.GMG || res2.DST != res.DST {
					t.Errorf("kept workspace: value %v, GMG %v, DST %v; fresh: %v, %v, %v", again, res2.GMG, res2.DST, value, res.GMG, res.DST)
				}
				for k := range yGrad {
					if yGrad2[k] != yGrad[k] {
						t.Fatalf("∂/∂Y entry %d = %v with a kept workspace, %v with a fresh one", k, yGrad2[k], yGrad[k])
					}
				}
				for k := range xGrad {
					if xGrad2[k] != xGrad[k] {
						t.Fatalf("∂/∂X entry %d = %v with a kept workspace, %v with a fresh one", k, xGrad2[k], xGrad[k])
					}
				}
			})
		}
	}
}

func TestStaleBackwardPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	x, _ := randomTensor(rng, 6, 2, 0)
	y, _ := randomTensor(rng, 6, 70, 0)
	tp := autodiff.NewTape(tensor.GoBLAS())
	var ws Workspace
	yGrad := tensor.New(6, 70)
	first, _, err := Estimator{}.LossWith(&ws, tp, DSTRegularizer, tp.Const(x), tp.Param(y, yGrad))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := (Estimator{}).LossWith(&ws, tp, DSTRegularizer, tp.Const(x), tp.Const(y)); err != nil {
		t.Fatal(err)
	}
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "Workspace") {
			t.Errorf("backward pass of a stale node: panic %q, want one that names the Workspace", msg)
		}
	}()
	_ = tp.Backward(first)
}

func TestLossRejectsNonFinite(t *testing.T) {
	for _, cost := range allCosts {
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(-1))} {
			for _, q := range []int{5, 70} {
				t.Run(fmt.Sprintf("%v/%v/q=%d", cost, bad, q), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(45, 46))
					x, _ := randomTensor(rng, 8, 2, 0)
					y, _ := randomTensor(rng, 8, q, 0)
					y.Data()[3*q+4] = bad
					tp := autodiff.NewTape(tensor.GoBLAS())
					_, _, err := Estimator{CostX: cost, CostY: cost}.Loss(tp, GMGRegularizer, tp.Const(x), tp.Const(y))
					if !errors.Is(err, ot.ErrNotFinite) {
						t.Fatalf("error %v, want one wrapping ot.ErrNotFinite", err)
					}
					if !strings.Contains(err.Error(), "images") || !strings.Contains(err.Error(), "row 3 column 4") {
						t.Errorf("error %q does not name the images' row 3 column 4", err)
					}
				})
			}
		}
	}
}

// TestLossRejectsOverflow uses finite images whose float32 inner products
// overflow.
func TestLossRejectsOverflow(t *testing.T) {
	x := tensor.New(4, 1)
	y := tensor.New(4, 64)
	for k := range y.Data() {
		x.Data()[k%4] = float32(k % 4)
		y.Data()[k] = 1e20
	}
	tp := autodiff.NewTape(tensor.GoBLAS())
	_, _, err := Estimator{CostX: ot.InnerProduct, CostY: ot.InnerProduct}.Loss(tp, DSTRegularizer, tp.Const(x), tp.Const(y))
	if !errors.Is(err, ot.ErrNotFinite) || !strings.Contains(err.Error(), "overflow") {
		t.Fatalf("error %v, want an overflow wrapping ot.ErrNotFinite", err)
	}
}

// TestCosineZeroImageFloat32 is TestCosineZeroVectorGradient on the float32
// path of the loss node.
func TestCosineZeroImageFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 48))
	x, _ := randomTensor(rng, 6, 2, 0)
	y, _ := randomTensor(rng, 6, 70, 0)
	clear(y.Data()[2*70 : 3*70])
	est := Estimator{CostX: ot.Cosine, CostY: ot.Cosine}
	_, res, _, yGrad := lossRun(t, tensor.GoBLAS(), nil, est, GMGRegularizer, x, y)
	if c := res.y.geom.At(2, 2); c != 0 {
		t.Errorf("cosine of the zero image with itself = %v, want 0", c)
	}
	for k, v := range yGrad {
		if math.IsNaN(float64(v)) {
			t.Fatalf("gradient entry %d is NaN", k)
		}
		if k/70 == 2 && v != 0 {
			t.Errorf("gradient of the zero image, entry %d = %g, want 0", k%70, v)
		}
	}
}
