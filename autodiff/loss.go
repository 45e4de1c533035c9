package autodiff

import (
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
	parallelFor(len(xs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x := float64(xs[i])
			// e = e^−|x| is in (0, 1], so log(1 + e) loses nothing that
			// matters at float32 precision and the assembly math.Log is
			// faster than math.Log1p.
			e := math.Exp(-math.Abs(x))
			ys[i] = float32(max(x, 0) - x*float64(zs[i]) + math.Log(1+e))
			if x >= 0 {
				ss[i] = float32(1 / (1 + e))
			} else {
				ss[i] = float32(e / (1 + e))
			}
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
	parallelFor(len(dst), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d := dy[i] * (ss[i] - zs[i])
			if add {
				dst[i] += d
			} else {
				dst[i] = d
			}
		}
	})
}

// gaussianKLOp is the backward pass of GaussianKL.
type gaussianKLOp struct{}

// GaussianKL returns, for each row i of mean and logVar ([n, d]), the
// Kullback-Leibler divergence KL(N(μ_i, diag e^logVar_i) ‖ N(0, I)) =
// ½ Σ_j (μ_ij² + e^logVar_ij − 1 − logVar_ij), as an [n] tensor. It panics
// if the shapes differ or are not matrices.
func (tp *Tape) GaussianKL(mean, logVar *Var) *Var {
	tensor.MustSameShape("GaussianKL", mean.Value.Shape(), logVar.Value.Shape())
	if mean.Value.Rank() != 2 {
		panic("autodiff: GaussianKL needs [n, d] inputs, got shape " + mean.Value.String())
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
