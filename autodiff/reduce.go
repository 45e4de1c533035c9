package autodiff

import (
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/tensor"
)

// sumOp is the backward pass of Sum and Mean; v.aux holds the kept-axes
// shape of the output, v.scalar the scale (1 or 1/count).
type sumOp struct{}

// reducedShapes returns the output shape of reducing shape over axes (all
// axes when none are given) and the same shape with the reduced axes kept as
// size 1, plus the number of reduced elements. It panics on a bad axis.
func reducedShapes(shape []int, axes []int) (out, keep []int, count int) {
	rank := len(shape)
	reduce := make([]bool, rank)
	if len(axes) == 0 {
		for i := range reduce {
			reduce[i] = true
		}
	}
	for _, a := range axes {
		if a < 0 {
			a += rank
		}
		if a < 0 || a >= rank || reduce[a] {
			panic(fmt.Sprintf("autodiff: invalid or repeated axis in %v for shape %v", axes, shape))
		}
		reduce[a] = true
	}
	count = 1
	keep = make([]int, rank)
	for i, d := range shape {
		if reduce[i] {
			keep[i] = 1
			count *= d
		} else {
			keep[i] = d
			out = append(out, d)
		}
	}
	return out, keep, count
}

func (tp *Tape) sum(x *Var, mean bool, axes []int) *Var {
	outShape, keep, count := reducedShapes(x.Value.Shape(), axes)
	keepT := tp.alloc(keep...)
	tensor.ReduceTo(keepT, x.Value, false)
	scale := float32(1)
	if mean {
		scale = 1 / float32(count)
		for i := range keepT.Data() {
			keepT.Data()[i] *= scale
		}
	}
	out := tp.alloc(outShape...)
	copy(out.Data(), keepT.Data())
	v := tp.record(out, sumOp{}, x)
	v.aux = keepT
	v.scalar = scale
	return v
}

// Sum returns the sum of x over the given axes, which are removed from the
// shape; with no axes it sums everything into a scalar of shape []. Negative
// axes count from the end.
func (tp *Tape) Sum(x *Var, axes ...int) *Var { return tp.sum(x, false, axes) }

// Mean returns the mean of x over the given axes (all when none), as Sum.
func (tp *Tape) Mean(x *Var, axes ...int) *Var { return tp.sum(x, true, axes) }

func (sumOp) backward(tp *Tape, v *Var) {
	x := v.in[0]
	if !x.needGrad {
		return
	}
	g := v.aux // reuse the kept-axes buffer for the scaled upstream gradient
	for i, d := range v.grad.Data() {
		g.Data()[i] = d * v.scalar
	}
	gx, add := tp.gradDst(x)
	tensor.BroadcastTo(gx, g, add)
}

// logSumExpOp is the backward pass of LogSumExp; ints holds the outer, axis
// and inner sizes.
type logSumExpOp struct{}

// axisSplit returns the sizes before, along and after axis.
func axisSplit(shape []int, axis int) (outer, n, inner, a int) {
	if axis < 0 {
		axis += len(shape)
	}
	if axis < 0 || axis >= len(shape) {
		panic(fmt.Sprintf("autodiff: axis %d out of range for shape %v", axis, shape))
	}
	outer, inner = 1, 1
	for i, d := range shape {
		switch {
		case i < axis:
			outer *= d
		case i > axis:
			inner *= d
		}
	}
	return outer, shape[axis], inner, axis
}

// LogSumExp returns log Σ exp(x) along axis, which is removed from the shape.
// It subtracts the maximum first, so large inputs do not overflow; a slice of
// all -Inf gives -Inf.
func (tp *Tape) LogSumExp(x *Var, axis int) *Var {
	shape := x.Value.Shape()
	outer, n, inner, axis := axisSplit(shape, axis)
	outShape := make([]int, 0, len(shape)-1)
	outShape = append(outShape, shape[:axis]...)
	outShape = append(outShape, shape[axis+1:]...)
	out := tp.alloc(outShape...)
	xs, ys := x.Value.Data(), out.Data()
	for o := range outer {
		for in := range inner {
			base := o*n*inner + in
			m := float32(math.Inf(-1))
			for k := range n {
				m = max(m, xs[base+k*inner])
			}
			if math.IsInf(float64(m), -1) {
				ys[o*inner+in] = m
				continue
			}
			var s float64
			for k := range n {
				s += math.Exp(float64(xs[base+k*inner] - m))
			}
			ys[o*inner+in] = m + float32(math.Log(s))
		}
	}
	v := tp.record(out, logSumExpOp{}, x)
	v.ints = [4]int{outer, n, inner}
	return v
}

func (logSumExpOp) backward(tp *Tape, v *Var) {
	x := v.in[0]
	if !x.needGrad {
		return
	}
	outer, n, inner := v.ints[0], v.ints[1], v.ints[2]
	gx, add := tp.gradDst(x)
	dst, xs, ys, dy := gx.Data(), x.Value.Data(), v.Value.Data(), v.grad.Data()
	for o := range outer {
		for in := range inner {
			base := o*n*inner + in
			y, g := ys[o*inner+in], dy[o*inner+in]
			for k := range n {
				i := base + k*inner
				d := g * float32(math.Exp(float64(xs[i]-y)))
				if math.IsInf(float64(y), -1) {
					d = 0
				}
				if add {
					dst[i] += d
				} else {
					dst[i] = d
				}
			}
		}
	}
}
