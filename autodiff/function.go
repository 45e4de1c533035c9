package autodiff

import "github.com/gromov-monge/gmg/tensor"

// Function is an operation defined outside this package, with its own
// forward and backward passes. The Gromov-Monge gap loss is one: it maps an
// [n, q] batch to a scalar.
type Function interface {
	// Forward returns the output for the given input values. The function
	// owns the returned tensor and must keep it unchanged until Backward.
	Forward(inputs []*tensor.Tensor) *tensor.Tensor

	// Backward adds to inputGrads[i] the gradient of the loss with respect to
	// inputs[i], given output and outputGrad, the gradient with respect to
	// output (a one-element tensor for a scalar output). inputGrads[i] is
	// nil when input i needs no gradient; otherwise it has inputs[i]'s shape.
	Backward(inputs []*tensor.Tensor, output, outputGrad *tensor.Tensor, inputGrads []*tensor.Tensor)
}

type functionOp struct{}

// Apply records f applied to inputs and returns its output.
func (tp *Tape) Apply(f Function, inputs ...*Var) *Var {
	v := tp.newVar(nil, functionOp{})
	for _, in := range inputs {
		v.ins = append(v.ins, in)
		v.vals = append(v.vals, in.Value)
		v.needGrad = v.needGrad || in.needGrad
	}
	v.Value = f.Forward(v.vals)
	v.fn = f
	return v
}

func (functionOp) backward(tp *Tape, v *Var) {
	v.grads = v.grads[:0]
	for _, in := range v.ins {
		if in.needGrad {
			v.grads = append(v.grads, tp.gradZeroed(in))
		} else {
			v.grads = append(v.grads, nil)
		}
	}
	v.fn.Backward(v.vals, v.Value, v.grad, v.grads)
}
