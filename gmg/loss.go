package gmg

import (
	"fmt"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/tensor"
)

// Loss records the regulariser r of the map x_i ↦ y_i on the tape and returns
// its scalar node with the Result behind it. x is [n, …] (reference points)
// and y is [n, …] (their images); each row is flattened, so images may be
// NHWC. It is LossWith with a new Workspace; a training loop that calls it at
// every step should keep one Workspace and call LossWith.
func (e Estimator) Loss(tp *autodiff.Tape, r Regularizer, x, y *autodiff.Var) (*autodiff.Var, *Result, error) {
	return e.LossWith(new(Workspace), tp, r, x, y)
}

// LossWith records the regulariser r of the map x_i ↦ y_i on the tape, as
// Loss does, with the buffers of ws (nil means a new Workspace).
//
// In the graph, GMG is ⟨Cy(Y), M⟩ + const with M = ∂GMG/∂Cy computed from the
// solver's plan, which is held fixed (the envelope theorem); DST's gradient
// with respect to Cy is (Cy − Cx)/n². Gradients reach x only when
// e.ReferenceGradient is true; otherwise x is a constant. The value is
// computed in float64 and rounded to float32.
//
// Precision: a side of dimension d ≥ 64 whose cost has rank at least n/2,
// such as a batch of images, takes float32 products with the tape's BLAS.
// Its cost matrix comes from the Gram matrix of the centred rows (the
// squared-Euclidean costs), of the unit rows (Cosine) or of the points
// (InnerProduct). It errs by about 1e-6 relative, so the value and the plan
// agree with those of Evaluate to about that accuracy. Its gradient is one
// float32 product of an [n, n] coefficient matrix, computed in float64 from
// the plan, with those rows. Both products cost O(n²·d) at SGEMM speed.
// Other sides are computed in float64, as Evaluate does.
//
// For a side of float32 products, the Result refers to the values of x or
// y: its GradientX and GradientY, which recompute the gradients in float64,
// read them, so they must be called while those values are unchanged.
//
// Errors are those of Evaluate. A NaN or ±Inf in x or y, or a float32
// product that overflows, is an error wrapping ot.ErrNotFinite that names
// the row.
func (e Estimator) LossWith(ws *Workspace, tp *autodiff.Tape, r Regularizer, x, y *autodiff.Var) (*autodiff.Var, *Result, error) {
	if r != GMGRegularizer && r != DSTRegularizer {
		return nil, nil, fmt.Errorf("%w: %v", ErrSettings, r)
	}
	if err := e.checkSettings(); err != nil {
		return nil, nil, err
	}
	if ws == nil {
		ws = new(Workspace)
	}
	ws.calls++

	xData, n, p, err := rowsOf(x.Value)
	if err != nil {
		return nil, nil, fmt.Errorf("gmg: reference points: %w", err)
	}
	yData, ny, q, err := rowsOf(y.Value)
	if err != nil {
		return nil, nil, fmt.Errorf("gmg: images: %w", err)
	}
	if n != ny {
		return nil, nil, fmt.Errorf("%w: %d reference points and %d images: a map has one image per point", ErrShape, n, ny)
	}
	gx, err := ws.x.newCloud32(tp, xData, n, p, e.CostX)
	if err != nil {
		return nil, nil, fmt.Errorf("gmg: reference points: %w", err)
	}
	gy, err := ws.y.newCloud32(tp, yData, n, q, e.CostY)
	if err != nil {
		return nil, nil, fmt.Errorf("gmg: images: %w", err)
	}

	res, err := e.evaluate(r, gx, gy, ws.identityPlan(n))
	if err != nil {
		return nil, nil, err
	}
	fn := &lossFunction{result: res, ws: ws, call: ws.calls, tape: tp}
	if !e.ReferenceGradient {
		return tp.Apply(fn, y), res, nil
	}
	// The gradient into X needs P·Cy·Pᵀ, which can fail; compute it now so
	// that the backward pass, which cannot return an error, does not.
	if res.gradCx == nil {
		if res.gradCx, err = res.referenceCostGradient(); err != nil {
			return nil, nil, err
		}
	}
	return tp.Apply(fn, y, x), res, nil
}

// GMGLoss is Loss with GMGRegularizer.
func (e Estimator) GMGLoss(tp *autodiff.Tape, x, y *autodiff.Var) (*autodiff.Var, *Result, error) {
	return e.Loss(tp, GMGRegularizer, x, y)
}

// DSTLoss is Loss with DSTRegularizer.
func (e Estimator) DSTLoss(tp *autodiff.Tape, x, y *autodiff.Var) (*autodiff.Var, *Result, error) {
	return e.Loss(tp, DSTRegularizer, x, y)
}

// lossFunction is the autodiff.Function of LossWith. Its inputs are y, then
// x when the reference takes gradients.
type lossFunction struct {
	result *Result
	ws     *Workspace
	call   uint64 // ws.calls when the node was recorded
	tape   *autodiff.Tape
}

func (f *lossFunction) Forward([]*tensor.Tensor) *tensor.Tensor {
	return tensor.Scalar(float32(f.result.Value))
}

// Backward adds the gradients with the workspace's rows. It panics when the
// workspace has served a later call since, as Workspace documents.
func (f *lossFunction) Backward(_ []*tensor.Tensor, _, outputGrad *tensor.Tensor, inputGrads []*tensor.Tensor) {
	if f.ws.calls != f.call {
		panic(fmt.Sprintf("gmg: backward pass of the loss node of LossWith call %d after call %d with the same Workspace; use one Workspace per node", f.call, f.ws.calls))
	}
	scale := float64(outputGrad.Item())
	if inputGrads[0] != nil {
		f.ws.addGradient(f.tape, f.result.y, f.result.gradCy, scale, inputGrads[0].Data())
	}
	if len(inputGrads) > 1 && inputGrads[1] != nil {
		f.ws.addGradient(f.tape, f.result.x, f.result.gradCx, scale, inputGrads[1].Data())
	}
}

// rowsOf returns the data of t ([n, …]) with n and d, the product of the
// other dimensions.
func rowsOf(t *tensor.Tensor) (data []float32, n, d int, err error) {
	if t.Rank() < 1 || t.Len() == 0 {
		return nil, 0, 0, fmt.Errorf("%w: a batch needs a leading dimension of at least one point, got shape %v", ErrShape, t.Shape())
	}
	n = t.Dim(0)
	return t.Data(), n, t.Len() / n, nil
}
