package autodiff

import (
	"errors"
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/tensor"
)

// ErrNonFinite is returned, wrapped, by Backward when the loss is NaN or ±Inf.
var ErrNonFinite = errors.New("autodiff: loss is not finite")

// Var is a node of the tape: a value and, after Backward, its gradient.
type Var struct {
	// Value is the node's value. It belongs to the tape and is valid until
	// the next Reset, except for Param and Const values, which belong to the
	// caller.
	Value *tensor.Tensor

	grad     *tensor.Tensor
	gradSet  bool // grad holds a contribution, so later ones add to it
	needGrad bool
	leaf     bool // a Param: its grad buffer is the caller's

	op     op
	in     [3]*Var
	ins    []*Var // inputs of Concat and Apply
	ints   [4]int
	scalar float32
	aux    *tensor.Tensor // an intermediate the backward pass reads
	idx    []int
	conv   convSpec
	fn     Function
	vals   []*tensor.Tensor
	grads  []*tensor.Tensor
}

// Grad returns the gradient of the last Backward's loss with respect to v,
// or nil when v does not depend on a Param or is not on a path to the loss.
// For a Param it is the buffer passed to Param.
func (v *Var) Grad() *tensor.Tensor {
	if !v.needGrad || (!v.gradSet && !v.leaf) {
		return nil
	}
	return v.grad
}

// Shape returns the shape of v's value.
func (v *Var) Shape() []int { return v.Value.Shape() }

// op is the backward pass of one operation. Implementations are zero-size
// types, so storing one in a Var does not allocate.
type op interface {
	// backward adds the gradient of v's inputs given v's gradient.
	backward(tp *Tape, v *Var)
}

// Tape records operations and runs the backward pass. It is not safe for
// concurrent use; its operations run on Workers() goroutines.
type Tape struct {
	blas    tensor.BLAS
	workers int
	replica int
	vars    []*Var
	nvars   int
	bufs    []*tensor.Tensor
	nbufs   int
}

// NewTape returns an empty tape whose matrix products use backend. With a nil
// backend it uses tensor.DefaultBLAS and panics if that returned an error;
// callers that want to report a bad GMG_BLAS call tensor.DefaultBLAS first.
func NewTape(backend tensor.BLAS) *Tape {
	if backend == nil {
		b, err := tensor.DefaultBLAS()
		if err != nil {
			panic(fmt.Sprintf("autodiff: NewTape(nil): %v", err))
		}
		backend = b
	}
	return &Tape{blas: backend}
}

// BLAS returns the backend the tape's matrix products use.
func (tp *Tape) BLAS() tensor.BLAS { return tp.blas }

// SetWorkers sets the number of goroutines the tape's operations use; 0, the
// default, means tensor.Workers(). Tapes that run concurrently on shards of
// a batch use 1. Results do not depend on it.
func (tp *Tape) SetWorkers(n int) { tp.workers = max(n, 0) }

// Workers returns the number of goroutines the tape's operations use.
func (tp *Tape) Workers() int {
	if tp.workers > 0 {
		return tp.workers
	}
	return tensor.Workers()
}

// SetReplica sets the tape's replica index, which data-parallel training
// uses to give each concurrent tape its own gradient buffers (see
// nn.Param.On). The default is 0.
func (tp *Tape) SetReplica(i int) { tp.replica = i }

// Replica returns the tape's replica index.
func (tp *Tape) Replica() int { return tp.replica }

// tasks runs body for every task in [0, n) on the tape's workers.
func (tp *Tape) tasks(n int, body func(worker, task int)) {
	tensor.ParallelTasksWith(tp.Workers(), n, body)
}

// gemm computes C = op(A)·op(B) + beta·C with tensor.ParallelGemmWith on
// the tape's workers.
func (tp *Tape) gemm(transA, transB bool, a, b *tensor.Tensor, beta float32, c *tensor.Tensor) {
	tensor.ParallelGemmWith(tp.Workers(), tp.blas, transA, transB, 1, a, b, beta, c)
}

// Reset discards the recorded operations and makes their buffers available to
// the next ones. Vars returned before Reset must not be used after it.
func (tp *Tape) Reset() {
	tp.nvars = 0
	tp.nbufs = 0
}

// newVar returns a cleared Var from the tape's pool and records it.
func (tp *Tape) newVar(value *tensor.Tensor, o op) *Var {
	var v *Var
	if tp.nvars < len(tp.vars) {
		v = tp.vars[tp.nvars]
		ins, vals, grads := v.ins[:0], v.vals[:0], v.grads[:0]
		*v = Var{ins: ins, vals: vals, grads: grads}
	} else {
		v = &Var{}
		tp.vars = append(tp.vars, v)
	}
	tp.nvars++
	v.Value = value
	v.op = o
	return v
}

// alloc returns a tape-owned tensor of the given shape with unspecified
// contents. The i-th call after a Reset reuses the storage of the i-th call
// before it.
func (tp *Tape) alloc(shape ...int) *tensor.Tensor {
	if tp.nbufs < len(tp.bufs) {
		t := tp.bufs[tp.nbufs]
		t.Resize(shape...)
		tp.nbufs++
		return t
	}
	t := tensor.New(shape...)
	tp.bufs = append(tp.bufs, t)
	tp.nbufs++
	return t
}

// Param records a trainable leaf. Backward overwrites grad (same shape as
// value) with the gradient of the loss, or with zeros when the loss does not
// depend on it. Record each parameter once per step, because two leaves that
// share a grad buffer overwrite each other. It panics if the shapes differ.
func (tp *Tape) Param(value, grad *tensor.Tensor) *Var {
	tensor.MustSameShape("Param", value.Shape(), grad.Shape())
	v := tp.newVar(value, nil)
	v.grad = grad
	v.needGrad = true
	v.leaf = true
	return v
}

// Const records a leaf that needs no gradient, such as a batch of data.
func (tp *Tape) Const(value *tensor.Tensor) *Var {
	return tp.newVar(value, nil)
}

// record makes a Var for an operation's output with the given inputs; it
// needs a gradient when any input does.
func (tp *Tape) record(value *tensor.Tensor, o op, inputs ...*Var) *Var {
	v := tp.newVar(value, o)
	for i, in := range inputs {
		if in == nil {
			continue
		}
		v.in[i] = in
		v.needGrad = v.needGrad || in.needGrad
	}
	return v
}

// gradDst returns v's gradient buffer for a new contribution and whether the
// contribution must be added (true) or may overwrite the stale buffer (false).
// The caller must write the whole buffer.
func (tp *Tape) gradDst(v *Var) (*tensor.Tensor, bool) {
	if v.gradSet {
		return v.grad, true
	}
	if !v.leaf {
		v.grad = tp.alloc(v.Value.Shape()...)
	}
	v.gradSet = true
	return v.grad, false
}

// gradZeroed returns v's gradient buffer, zeroed if it holds no contribution
// yet, for operations that add into parts of it.
func (tp *Tape) gradZeroed(v *Var) *tensor.Tensor {
	g, add := tp.gradDst(v)
	if !add {
		g.Zero()
	}
	return g
}

// Backward computes the gradient of loss, which must have one element, with
// respect to every Param recorded on the tape. It returns an error wrapping
// ErrNonFinite, without touching any gradient, when the loss is NaN or ±Inf.
// It panics if loss has more than one element.
func (tp *Tape) Backward(loss *Var) error {
	if loss.Value.Len() != 1 {
		panic(fmt.Sprintf("autodiff: Backward needs a loss with one element, got shape %v", loss.Value.Shape()))
	}
	if l := float64(loss.Value.Item()); math.IsNaN(l) || math.IsInf(l, 0) {
		return fmt.Errorf("%w: %g", ErrNonFinite, l)
	}
	vars := tp.vars[:tp.nvars]
	for _, v := range vars {
		v.gradSet = false
	}
	if loss.needGrad {
		g, _ := tp.gradDst(loss)
		g.Fill(1)
		for i := len(vars) - 1; i >= 0; i-- {
			v := vars[i]
			if v.op != nil && v.gradSet && v.needGrad {
				v.op.backward(tp, v)
			}
		}
	}
	for _, v := range vars {
		if v.leaf && !v.gradSet {
			v.grad.Zero()
			v.gradSet = true
		}
	}
	return nil
}
