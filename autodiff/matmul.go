package autodiff

import (
	"fmt"
)

// Activation is a function fused into the output of Linear, Conv2D and
// ConvTranspose2D, so that it costs no extra pass over memory. The zero value
// is NoActivation.
type Activation int

// The activations that layers can fuse.
const (
	// NoActivation leaves the output as it is.
	NoActivation Activation = iota
	// ReLUActivation applies max(·, 0); its gradient at 0 is 0.
	ReLUActivation
)

// String returns the activation's name, e.g. "ReLU".
func (a Activation) String() string {
	switch a {
	case NoActivation:
		return "none"
	case ReLUActivation:
		return "ReLU"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

type matMulOp struct{}

// MatMul returns the matrix product a·b of a [m, k] and a [k, n] matrix. It
// panics, naming both shapes, when they do not fit.
func (tp *Tape) MatMul(a, b *Var) *Var {
	as, bs := a.Value.Shape(), b.Value.Shape()
	if len(as) != 2 || len(bs) != 2 || as[1] != bs[0] {
		panic(fmt.Sprintf("autodiff: MatMul shape mismatch %v × %v", as, bs))
	}
	out := tp.alloc(as[0], bs[1])
	tp.gemm(false, false, a.Value, b.Value, 0, out)
	return tp.record(out, matMulOp{}, a, b)
}

func (matMulOp) backward(tp *Tape, v *Var) {
	a, b := v.in[0], v.in[1]
	if a.needGrad {
		ga, add := tp.gradDst(a)
		tp.gemm(false, true, v.grad, b.Value, beta(add), ga)
	}
	if b.needGrad {
		gb, add := tp.gradDst(b)
		tp.gemm(true, false, a.Value, v.grad, beta(add), gb)
	}
}

// beta returns the GEMM beta that adds to (1) or overwrites (0) the output.
func beta(add bool) float32 {
	if add {
		return 1
	}
	return 0
}

type linearOp struct{}

// Linear returns act(x·w + b) for x [n, in], w [in, out] and b [out]; b may
// be nil for no bias. It panics, naming the shapes, when they do not fit.
func (tp *Tape) Linear(x, w, b *Var, act Activation) *Var {
	xs, ws := x.Value.Shape(), w.Value.Shape()
	if len(xs) != 2 || len(ws) != 2 || xs[1] != ws[0] {
		panic(fmt.Sprintf("autodiff: Linear shape mismatch: input %v, weight %v", xs, ws))
	}
	if b != nil && (b.Value.Rank() != 1 || b.Value.Dim(0) != ws[1]) {
		panic(fmt.Sprintf("autodiff: Linear bias shape %v for weight %v, want [%d]", b.Value.Shape(), ws, ws[1]))
	}
	out := tp.alloc(xs[0], ws[1])
	tp.gemm(false, false, x.Value, w.Value, 0, out)
	var bias []float32
	if b != nil {
		bias = b.Value.Data()
	}
	biasActivate(out.Data(), bias, ws[1], act)
	v := tp.record(out, linearOp{}, x, w, b)
	v.ints[0] = int(act)
	return v
}

func (linearOp) backward(tp *Tape, v *Var) {
	x, w, b := v.in[0], v.in[1], v.in[2]
	dy := v.grad
	if Activation(v.ints[0]) == ReLUActivation {
		maskReLU(dy.Data(), v.Value.Data())
	}
	if b != nil && b.needGrad {
		gb, add := tp.gradDst(b)
		addColumnSums(gb.Data(), dy.Data(), dy.Dim(1), add)
	}
	if w.needGrad {
		gw, add := tp.gradDst(w)
		tp.gemm(true, false, x.Value, dy, beta(add), gw)
	}
	if x.needGrad {
		gx, add := tp.gradDst(x)
		tp.gemm(false, true, dy, w.Value, beta(add), gx)
	}
}
