package autodiff

import (
	"fmt"
	"math"
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

// biasActivate adds bias (nil for none) to every row of the [rows, c]
// matrix y and applies act.
func biasActivate(y, bias []float32, c int, act Activation) {
	if bias == nil && act == NoActivation {
		return
	}
	for r := 0; r+c <= len(y); r += c {
		row := y[r : r+c]
		if bias != nil {
			b := bias[:len(row)]
			for j := range row {
				row[j] += b[j]
			}
		}
		if act == ReLUActivation {
			reluInPlace(row)
		}
	}
}

// reluInPlace replaces negative values by +0. It clears bits instead of
// branching, because the signs of activations are unpredictable and a
// mispredicted branch per element costs more than the arithmetic. NaN with
// the sign bit clear passes through.
func reluInPlace(x []float32) {
	for i, v := range x {
		b := math.Float32bits(v)
		x[i] = math.Float32frombits(b &^ uint32(int32(b)>>31))
	}
}

// maskReLU zeroes dy where the fused ReLU's output y is not positive. ReLU
// outputs are +0 or positive, so y > 0 exactly when its bits, read as an
// int32, are positive.
func maskReLU(dy, y []float32) {
	y = y[:len(dy)]
	for i, v := range y {
		b := int32(math.Float32bits(v))
		keep := uint32((-b) >> 31) // all ones when b > 0
		dy[i] = math.Float32frombits(math.Float32bits(dy[i]) & keep)
	}
}

// maskAndSum applies the fused activation's gradient to dy, the [rows, c]
// gradient of an output y, and stores its column sums into db when db is not
// nil, in one pass over memory.
func maskAndSum(dy, y []float32, act Activation, db []float32, c int) {
	if act != ReLUActivation {
		if db != nil {
			addColumnSums(db, dy, c, false)
		}
		return
	}
	if db == nil || c == 1 {
		maskReLU(dy, y)
		if db != nil {
			addColumnSums(db, dy, c, false)
		}
		return
	}
	clear(db)
	db = db[:c]
	y = y[:len(dy)]
	for r := 0; r+c <= len(dy); r += c {
		g, out := dy[r:r+c:r+c], y[r:r+c:r+c]
		for j := range g {
			b := int32(math.Float32bits(out[j]))
			keep := uint32((-b) >> 31)
			v := math.Float32frombits(math.Float32bits(g[j]) & keep)
			g[j] = v
			db[j] += v
		}
	}
}

// addColumnSums stores or adds the column sums of the [rows, c] matrix g
// into dst [c], summing rows in order.
func addColumnSums(dst, g []float32, c int, add bool) {
	if !add {
		clear(dst)
	}
	if c == 1 {
		// One channel: a plain sum, in four interleaved partial sums so the
		// additions do not wait on each other. The order is fixed.
		var s0, s1, s2, s3 float32
		i := 0
		for ; i+4 <= len(g); i += 4 {
			s0 += g[i]
			s1 += g[i+1]
			s2 += g[i+2]
			s3 += g[i+3]
		}
		for ; i < len(g); i++ {
			s0 += g[i]
		}
		dst[0] += (s0 + s1) + (s2 + s3)
		return
	}
	dst = dst[:c]
	for r := 0; r+c <= len(g); r += c {
		row := g[r : r+c]
		for j, v := range row {
			dst[j] += v
		}
	}
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
