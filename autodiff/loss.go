package autodiff

import (
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/tensor"
)

// bceOp is the backward pass of SigmoidCrossEntropy; v.aux holds the labels
// and v.vals[0] the sigmoid of the logits, saved by the forward pass.
type bceOp struct{}

// SigmoidCrossEntropy returns, element-wise, the cross-entropy between
// Bernoulli labels z in [0, 1] and the sigmoid of logits x:
// max(x, 0) − x·z + log(1 + e^−|x|), which does not overflow. Labels are data
// and get no gradient; the tape keeps them until Backward. It panics if the
// shapes differ.
func (tp *Tape) SigmoidCrossEntropy(logits *Var, labels *tensor.Tensor) *Var {
	tensor.MustSameShape("SigmoidCrossEntropy", logits.Value.Shape(), labels.Shape())
	out := tp.alloc(logits.Value.Shape()...)
	sig := tp.alloc(logits.Value.Shape()...)
	xs, zs, ys, ss := logits.Value.Data(), labels.Data(), out.Data(), sig.Data()
	tp.parallelFor(len(xs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ys[i], ss[i] = bceTerm(xs[i], zs[i])
		}
	})
	v := tp.record(out, bceOp{}, logits)
	v.aux = labels
	v.vals = append(v.vals, sig)
	return v
}

func (bceOp) backward(tp *Tape, v *Var) {
	x := v.in[0]
	if !x.needGrad {
		return
	}
	gx, add := tp.gradDst(x)
	dst, ss, zs, dy := gx.Data(), v.vals[0].Data(), v.aux.Data(), v.grad.Data()
	tp.parallelFor(len(dst), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d := float32(dy[i] * (ss[i] - zs[i]))
			if add {
				dst[i] += d
			} else {
				dst[i] = d
			}
		}
	})
}

// bceTerm returns the sigmoid cross-entropy of logit x and label z,
// max(x, 0) − x·z + log(1 + e^−|x|), and the sigmoid of x.
//
// Here and in the functions it calls, float32(x*y) marks products that must
// be rounded before the next addition. Without it the compiler may fuse
// the two into one multiply-add (it does on arm64 and with GOAMD64=v3), and
// the results would differ from those of the AVX2 kernel.
func bceTerm(x, z float32) (loss, sig float32) {
	e := expNegative(min(x, -x))
	inv := 1 / (1 + e)
	loss = max(x, 0) - float32(x*z) + log1pUnit(e)
	if x >= 0 {
		return loss, inv
	}
	return loss, e * inv
}

// bceSumChunk stores the sigmoids of the logits xs into ss and returns the
// sum of the cross-entropies with labels zs. Elements up to the last
// multiple of 8 go in float64 into eight partial sums, one per index
// modulo 8, which are then added pairwise. The remaining elements follow
// one by one. The AVX2 kernel computes eight elements at a time, and this
// order lets it give the same bits as the Go loop.
func bceSumChunk(xs, zs, ss []float32) float64 {
	n := len(xs)
	zs, ss = zs[:n], ss[:n]
	body := n &^ 7
	var lanes [8]float64
	if haveAVX2 && body > 0 {
		bceSumAVX2(&xs[0], &zs[0], &ss[0], body, &bceVectors, &lanes)
	} else {
		for i := range body {
			loss, sig := bceTerm(xs[i], zs[i])
			ss[i] = sig
			lanes[i%8] += float64(loss)
		}
	}
	sum := ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
	for i := body; i < n; i++ {
		loss, sig := bceTerm(xs[i], zs[i])
		ss[i] = sig
		sum += float64(loss)
	}
	return sum
}

// bceSumOp is the backward pass of SigmoidCrossEntropySum; v.aux holds the
// labels and v.vals[0] the sigmoid of the logits.
type bceSumOp struct{}

// bceChunks is the number of chunks SigmoidCrossEntropySum splits its sum
// into; the chunk sums are added in order, so the result does not depend on
// the number of workers.
const bceChunks = 8

// SigmoidCrossEntropySum returns the sum over all elements of
// SigmoidCrossEntropy(logits, labels) as a scalar of shape []. It computes
// the same values in one pass and without the per-element loss tensor, which
// matters for image-sized reconstruction losses. Per-chunk sums are
// accumulated in float64. It panics if the shapes differ.
func (tp *Tape) SigmoidCrossEntropySum(logits *Var, labels *tensor.Tensor) *Var {
	tensor.MustSameShape("SigmoidCrossEntropySum", logits.Value.Shape(), labels.Shape())
	out := tp.alloc()
	sig := tp.alloc(logits.Value.Shape()...)
	xs, zs, ss := logits.Value.Data(), labels.Data(), sig.Data()
	var partial [bceChunks]float64
	tp.tasks(bceChunks, func(_, c int) {
		lo, hi := tensor.Chunk(len(xs), bceChunks, c)
		partial[c] = bceSumChunk(xs[lo:hi], zs[lo:hi], ss[lo:hi])
	})
	var total float64
	for _, p := range partial {
		total += p
	}
	out.Data()[0] = float32(total)
	v := tp.record(out, bceSumOp{}, logits)
	v.aux = labels
	v.vals = append(v.vals, sig)
	return v
}

func (bceSumOp) backward(tp *Tape, v *Var) {
	x := v.in[0]
	if !x.needGrad {
		return
	}
	gx, add := tp.gradDst(x)
	dst, ss, zs, dy := gx.Data(), v.vals[0].Data(), v.aux.Data(), v.grad.Item()
	tp.parallelFor(len(dst), func(lo, hi int) {
		scaledDifference(dst[lo:hi], ss[lo:hi], zs[lo:hi], dy, add)
	})
}

// scaledDifference stores c·(a − b) into dst, or adds it to dst when add is
// set. All slices have dst's length.
func scaledDifference(dst, a, b []float32, c float32, add bool) {
	a, b = a[:len(dst)], b[:len(dst)]
	i := 0
	if haveAVX2 && len(dst) >= 8 {
		i = len(dst) &^ 7
		scaledDifferenceAVX2(&dst[0], &a[0], &b[0], i, c, add)
	}
	for ; i < len(dst); i++ {
		d := float32(c * (a[i] - b[i]))
		if add {
			dst[i] += d
		} else {
			dst[i] = d
		}
	}
}

// Constants of expNegative.
const (
	expLog2e  = 1.44269504088896341
	expLn2Hi  = 0.693359375 // ln 2 rounded to 9 bits, so k·expLn2Hi is exact
	expLn2Lo  = -2.12194440054690583e-4
	expCutoff = -87
)

// expNegative returns e^t for t ≤ 0 in float32, with a relative error below
// 2e-7. It reduces t = k·ln 2 + r with |r| ≤ ln 2/2 (Cody and Waite's split
// of ln 2 keeps r exact), evaluates the degree-6 Taylor polynomial of e^r,
// whose truncation error is below 1.2e-7 there, and scales by 2^k. It
// returns 0 below −87, where e^t is under the smallest normal float32.
func expNegative(t float32) float32 {
	if t < expCutoff {
		return 0
	}
	k := float32(int32(float32(t*expLog2e) - 0.5))
	r := (t - float32(k*expLn2Hi)) - float32(k*expLn2Lo)
	// p = 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r/720))))), from the
	// inside out.
	p := float32(r * (1.0 / 720))
	p = float32(r * (1.0/120 + p))
	p = float32(r * (1.0/24 + p))
	p = float32(r * (1.0/6 + p))
	p = float32(r * (1.0/2 + p))
	p = float32(r * (1 + p))
	p = 1 + p
	return p * math.Float32frombits(uint32(127+int32(k))<<23)
}

// log1pCoefficients are the coefficients of log1pUnit's polynomial q, the
// highest power first.
var log1pCoefficients = [9]float32{
	5.253457798e-03, -2.958850740e-02, 7.836166802e-02, -1.367476971e-01, 1.911143108e-01,
	-2.484436989e-01, 3.331927134e-01, -4.999950152e-01, 9.999999705e-01,
}

// log1pUnit returns log(1 + e) for e in [0, 1] in float32, with a relative
// error below 2e-7. It evaluates e·q(e), where q is a degree-8 least-squares
// fit of log(1 + e)/e on Chebyshev nodes of [0, 1] (numpy 1.24.2
// chebfit; its own error is below 3.1e-8), so no division is needed and
// small e keep their relative precision.
func log1pUnit(e float32) float32 {
	c := &log1pCoefficients
	q := c[0]
	q = float32(q*e) + c[1]
	q = float32(q*e) + c[2]
	q = float32(q*e) + c[3]
	q = float32(q*e) + c[4]
	q = float32(q*e) + c[5]
	q = float32(q*e) + c[6]
	q = float32(q*e) + c[7]
	q = float32(q*e) + c[8]
	return e * q
}

// bceVectors holds the constants of bceTerm for the AVX2 kernel, each
// repeated in all eight lanes of a vector: a sign-bit mask, expNegative's
// constants in the order it uses them, 1, and log1pCoefficients.
var bceVectors = func() (v [21][8]float32) {
	c := [21]float32{
		math.Float32frombits(1 << 31),
		expLog2e, 0.5, expLn2Hi, expLn2Lo, expCutoff,
		1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2, 1,
	}
	copy(c[12:], log1pCoefficients[:])
	for i := range c {
		for j := range v[i] {
			v[i][j] = c[i]
		}
	}
	return v
}()

// gaussianKLOp is the backward pass of GaussianKL.
type gaussianKLOp struct{}

// GaussianKL returns, for each row i of mean and logVar ([n, d]), the
// Kullback-Leibler divergence KL(N(μ_i, diag e^logVar_i) ‖ N(0, I)) =
// ½ Σ_j (μ_ij² + e^logVar_ij − 1 − logVar_ij), as an [n] tensor. It panics
// if the shapes differ or are not matrices.
func (tp *Tape) GaussianKL(mean, logVar *Var) *Var {
	tensor.MustSameShape("GaussianKL", mean.Value.Shape(), logVar.Value.Shape())
	if mean.Value.Rank() != 2 {
		panic(fmt.Sprintf("autodiff: GaussianKL needs [n, d] inputs, got shape %v", mean.Value.Shape()))
	}
	n, d := mean.Value.Dim(0), mean.Value.Dim(1)
	out := tp.alloc(n)
	ms, ls := mean.Value.Data(), logVar.Value.Data()
	for i := range n {
		var s float64
		for j := i * d; j < (i+1)*d; j++ {
			m, l := float64(ms[j]), float64(ls[j])
			s += m*m + math.Exp(l) - 1 - l
		}
		out.Data()[i] = float32(s / 2)
	}
	return tp.record(out, gaussianKLOp{}, mean, logVar)
}

func (gaussianKLOp) backward(tp *Tape, v *Var) {
	mean, logVar := v.in[0], v.in[1]
	d := mean.Value.Dim(1)
	dy := v.grad.Data()
	if mean.needGrad {
		g, add := tp.gradDst(mean)
		for j, m := range mean.Value.Data() {
			val := dy[j/d] * m
			if add {
				g.Data()[j] += val
			} else {
				g.Data()[j] = val
			}
		}
	}
	if logVar.needGrad {
		g, add := tp.gradDst(logVar)
		for j, l := range logVar.Value.Data() {
			val := dy[j/d] * 0.5 * (float32(math.Exp(float64(l))) - 1)
			if add {
				g.Data()[j] += val
			} else {
				g.Data()[j] = val
			}
		}
	}
}
