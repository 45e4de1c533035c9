package gmg

import (
	"fmt"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
)

// Loss records the regulariser r of the map x_i ↦ y_i on the tape and returns
// its scalar node with the Result behind it. x is [n, …] (reference points)
// and y is [n, …] (their images); each row is flattened, so images may be
// NHWC. The value is computed at once in float64 and rounded to float32.
//
// In the graph, GMG is ⟨Cy(Y), M⟩ + const with M = ∂GMG/∂Cy computed from the
// solver's plan, which is held fixed (the envelope theorem); DST's gradient
// with respect to Cy is (Cy − Cx)/n². The backward pass applies the chain
// rule through Cy = c_Y(Y) in O(n²·q). Gradients reach x only when
// e.ReferenceGradient is true; otherwise x is a constant.
//
// Errors are those of Evaluate; a NaN or ±Inf in x or y is an error wrapping
// ot.ErrNotFinite that names the row.
func (e Estimator) Loss(tp *autodiff.Tape, r Regularizer, x, y *autodiff.Var) (*autodiff.Var, *Result, error) {
	xm, err := matrixOf(x.Value)
	if err != nil {
		return nil, nil, fmt.Errorf("gmg: reference points: %w", err)
	}
	ym, err := matrixOf(y.Value)
	if err != nil {
		return nil, nil, fmt.Errorf("gmg: images: %w", err)
	}
	res, err := e.Evaluate(r, xm, ym)
	if err != nil {
		return nil, nil, err
	}
	fn := &lossFunction{result: res}
	if !e.ReferenceGradient {
		return tp.Apply(fn, y), res, nil
	}
	// The gradient into X needs P·Cy·Pᵀ, which can fail; compute it now so
	// that the backward pass, which cannot return an error, does not.
	if fn.gradX, err = res.GradientX(); err != nil {
		return nil, nil, err
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

// lossFunction is the autodiff.Function of Loss. Its inputs are y, then x
// when the reference takes gradients.
type lossFunction struct {
	result *Result
	gradX  *ot.Matrix
}

func (f *lossFunction) Forward([]*tensor.Tensor) *tensor.Tensor {
	return tensor.Scalar(float32(f.result.Value))
}

func (f *lossFunction) Backward(_ []*tensor.Tensor, _, outputGrad *tensor.Tensor, inputGrads []*tensor.Tensor) {
	scale := float64(outputGrad.Item())
	if inputGrads[0] != nil {
		addScaled(inputGrads[0].Data(), f.result.GradientY().Data, scale)
	}
	if len(inputGrads) > 1 && inputGrads[1] != nil {
		addScaled(inputGrads[1].Data(), f.gradX.Data, scale)
	}
}

// addScaled sets dst += scale·src, rounding to float32.
func addScaled(dst []float32, src []float64, scale float64) {
	for k, v := range src {
		dst[k] += float32(scale * v)
	}
}

// matrixOf returns t ([n, …]) as an [n, d] float64 matrix, d the product of
// the other dimensions.
func matrixOf(t *tensor.Tensor) (*ot.Matrix, error) {
	if t.Rank() < 1 || t.Len() == 0 {
		return nil, fmt.Errorf("%w: a batch needs a leading dimension of at least one point, got shape %v", ErrShape, t.Shape())
	}
	n := t.Dim(0)
	d := t.Len() / n
	data := make([]float64, t.Len())
	for k, v := range t.Data() {
		data[k] = float64(v)
	}
	return &ot.Matrix{Rows: n, Cols: d, Data: data}, nil
}
