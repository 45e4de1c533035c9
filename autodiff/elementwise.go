package autodiff

import (
	"math"

	"github.com/gromov-monge/gmg/tensor"
)

// unaryKind selects the function of a unary element-wise operation.
type unaryKind int

const (
	unaryExp unaryKind = iota
	unaryLog
	unarySoftplus
	unarySigmoid
	unaryReLU
	unaryLeakyReLU
	unaryTanh
	unarySquare
	unarySqrt
	unaryScale
	unaryNeg
)

type unaryOp struct{}

func (tp *Tape) unary(x *Var, kind unaryKind, param float32) *Var {
	out := tp.alloc(x.Value.Shape()...)
	y, xs := out.Data(), x.Value.Data()
	switch kind {
	case unaryExp:
		for i, v := range xs {
			y[i] = float32(math.Exp(float64(v)))
		}
	case unaryLog:
		for i, v := range xs {
			y[i] = float32(math.Log(float64(v)))
		}
	case unarySoftplus:
		for i, v := range xs {
			y[i] = softplus(v)
		}
	case unarySigmoid:
		for i, v := range xs {
			y[i] = sigmoid(v)
		}
	case unaryReLU:
		for i, v := range xs {
			y[i] = max(v, 0)
		}
	case unaryLeakyReLU:
		for i, v := range xs {
			if v > 0 {
				y[i] = v
			} else {
				y[i] = param * v
			}
		}
	case unaryTanh:
		for i, v := range xs {
			y[i] = float32(math.Tanh(float64(v)))
		}
	case unarySquare:
		for i, v := range xs {
			y[i] = v * v
		}
	case unarySqrt:
		for i, v := range xs {
			y[i] = float32(math.Sqrt(float64(v)))
		}
	case unaryScale:
		for i, v := range xs {
			y[i] = param * v
		}
	case unaryNeg:
		for i, v := range xs {
			y[i] = -v
		}
	}
	v := tp.record(out, unaryOp{}, x)
	v.ints[0] = int(kind)
	v.scalar = param
	return v
}

// softplus returns log(1 + e^x) without overflow for large x.
func softplus(x float32) float32 {
	if x > 0 {
		return x + float32(math.Log1p(math.Exp(-float64(x))))
	}
	return float32(math.Log1p(math.Exp(float64(x))))
}

// sigmoid returns 1/(1 + e^-x) without overflow for large |x|.
func sigmoid(x float32) float32 {
	if x >= 0 {
		return float32(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return float32(e / (1 + e))
}

func (unaryOp) backward(tp *Tape, v *Var) {
	x := v.in[0]
	if !x.needGrad {
		return
	}
	gx, add := tp.gradDst(x)
	dst, dy, xs, ys := gx.Data(), v.grad.Data(), x.Value.Data(), v.Value.Data()
	set := func(i int, d float32) {
		if add {
			dst[i] += d
		} else {
			dst[i] = d
		}
	}
	p := v.scalar
	switch unaryKind(v.ints[0]) {
	case unaryExp:
		for i := range dst {
			set(i, dy[i]*ys[i])
		}
	case unaryLog:
		for i := range dst {
			set(i, dy[i]/xs[i])
		}
	case unarySoftplus:
		for i := range dst {
			set(i, dy[i]*sigmoid(xs[i]))
		}
	case unarySigmoid:
		for i := range dst {
			set(i, dy[i]*ys[i]*(1-ys[i]))
		}
	case unaryReLU:
		for i := range dst {
			if xs[i] > 0 {
				set(i, dy[i])
			} else {
				set(i, 0)
			}
		}
	case unaryLeakyReLU:
		for i := range dst {
			if xs[i] > 0 {
				set(i, dy[i])
			} else {
				set(i, p*dy[i])
			}
		}
	case unaryTanh:
		for i := range dst {
			set(i, dy[i]*(1-ys[i]*ys[i]))
		}
	case unarySquare:
		for i := range dst {
			set(i, 2*dy[i]*xs[i])
		}
	case unarySqrt:
		for i := range dst {
			set(i, dy[i]/(2*ys[i]))
		}
	case unaryScale:
		for i := range dst {
			set(i, p*dy[i])
		}
	case unaryNeg:
		for i := range dst {
			set(i, -dy[i])
		}
	}
}

// Exp returns e^x element-wise.
func (tp *Tape) Exp(x *Var) *Var { return tp.unary(x, unaryExp, 0) }

// Log returns the natural logarithm element-wise; it is NaN for x < 0 and
// -Inf for x = 0.
func (tp *Tape) Log(x *Var) *Var { return tp.unary(x, unaryLog, 0) }

// Softplus returns log(1 + e^x) element-wise, computed without overflow.
func (tp *Tape) Softplus(x *Var) *Var { return tp.unary(x, unarySoftplus, 0) }

// Sigmoid returns 1/(1 + e^-x) element-wise.
func (tp *Tape) Sigmoid(x *Var) *Var { return tp.unary(x, unarySigmoid, 0) }

// ReLU returns max(x, 0) element-wise; its gradient at 0 is 0.
func (tp *Tape) ReLU(x *Var) *Var { return tp.unary(x, unaryReLU, 0) }

// LeakyReLU returns x for x > 0 and slope·x otherwise.
func (tp *Tape) LeakyReLU(x *Var, slope float32) *Var { return tp.unary(x, unaryLeakyReLU, slope) }

// Tanh returns the hyperbolic tangent element-wise.
func (tp *Tape) Tanh(x *Var) *Var { return tp.unary(x, unaryTanh, 0) }

// Square returns x² element-wise.
func (tp *Tape) Square(x *Var) *Var { return tp.unary(x, unarySquare, 0) }

// Sqrt returns √x element-wise; its gradient is +Inf at 0.
func (tp *Tape) Sqrt(x *Var) *Var { return tp.unary(x, unarySqrt, 0) }

// Scale returns c·x element-wise for a constant c.
func (tp *Tape) Scale(x *Var, c float32) *Var { return tp.unary(x, unaryScale, c) }

// Neg returns -x element-wise.
func (tp *Tape) Neg(x *Var) *Var { return tp.unary(x, unaryNeg, 0) }

// binaryOp is the backward pass of Add, Sub, Mul and Div with broadcasting.
type binaryOp struct{}

func (tp *Tape) binary(kind tensor.BinaryOp, a, b *Var) *Var {
	out := tp.alloc(tensor.BroadcastShapes(a.Value.Shape(), b.Value.Shape())...)
	tensor.Binary(kind, out, a.Value, b.Value)
	v := tp.record(out, binaryOp{}, a, b)
	v.ints[0] = int(kind)
	return v
}

// Add returns a + b with NumPy broadcasting. It panics, naming both shapes,
// when they cannot be broadcast.
func (tp *Tape) Add(a, b *Var) *Var { return tp.binary(tensor.Add, a, b) }

// Sub returns a − b with NumPy broadcasting.
func (tp *Tape) Sub(a, b *Var) *Var { return tp.binary(tensor.Sub, a, b) }

// Mul returns a·b element-wise with NumPy broadcasting.
func (tp *Tape) Mul(a, b *Var) *Var { return tp.binary(tensor.Mul, a, b) }

// Div returns a/b element-wise with NumPy broadcasting.
func (tp *Tape) Div(a, b *Var) *Var { return tp.binary(tensor.Div, a, b) }

func (binaryOp) backward(tp *Tape, v *Var) {
	a, b := v.in[0], v.in[1]
	kind := tensor.BinaryOp(v.ints[0])
	dy := v.grad
	if a.needGrad {
		switch kind {
		case tensor.Add, tensor.Sub:
			tp.reduceInto(a, dy)
		case tensor.Mul:
			tmp := tp.alloc(dy.Shape()...)
			tensor.Binary(tensor.Mul, tmp, dy, b.Value)
			tp.reduceInto(a, tmp)
		case tensor.Div:
			tmp := tp.alloc(dy.Shape()...)
			tensor.Binary(tensor.Div, tmp, dy, b.Value)
			tp.reduceInto(a, tmp)
		}
	}
	if b.needGrad {
		switch kind {
		case tensor.Add:
			tp.reduceInto(b, dy)
		case tensor.Sub:
			tmp := tp.alloc(dy.Shape()...)
			for i, g := range dy.Data() {
				tmp.Data()[i] = -g
			}
			tp.reduceInto(b, tmp)
		case tensor.Mul:
			tmp := tp.alloc(dy.Shape()...)
			tensor.Binary(tensor.Mul, tmp, dy, a.Value)
			tp.reduceInto(b, tmp)
		case tensor.Div:
			// d(a/b)/db = −a/b² = −y/b.
			tmp := tp.alloc(dy.Shape()...)
			tensor.Binary(tensor.Mul, tmp, dy, v.Value)
			tensor.Binary(tensor.Div, tmp, tmp, b.Value)
			for i, g := range tmp.Data() {
				tmp.Data()[i] = -g
			}
			tp.reduceInto(b, tmp)
		}
	}
}

// reduceInto adds g, whose shape is a broadcast of x's, into x's gradient.
func (tp *Tape) reduceInto(x *Var, g *tensor.Tensor) {
	gx, add := tp.gradDst(x)
	tensor.ReduceTo(gx, g, add)
}

// parallelFor runs body over [0, n) split into eight chunks that the tape's
// workers share when n is large enough to pay for the goroutines, and inline
// otherwise. Bodies must compute each index on its own, so that the result
// does not depend on the split.
func (tp *Tape) parallelFor(n int, body func(lo, hi int)) {
	if n < 1<<15 || tp.Workers() == 1 {
		body(0, n)
		return
	}
	const chunks = 8
	tp.tasks(chunks, func(_, c int) {
		lo, hi := tensor.Chunk(n, chunks, c)
		body(lo, hi)
	})
}
