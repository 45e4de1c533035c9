package autodiff

import (
	"math"

	"github.com/gromov-monge/gmg/tensor"
)

// bceOp is the backward pass of SigmoidCrossEntropy; v.aux holds the labels.
type bceOp struct{}

// SigmoidCrossEntropy returns, element-wise, the cross-entropy between
// Bernoulli labels z in [0, 1] and the sigmoid of logits x:
// max(x, 0) − x·z + log(1 + e^−|x|), which does not overflow. Labels are data
// and get no gradient; the tape keeps them until Backward. It panics if the
// shapes differ.
func (tp *Tape) SigmoidCrossEntropy(logits *Var, labels *tensor.Tensor) *Var {
	tensor.MustSameShape("SigmoidCrossEntropy", logits.Value.Shape(), labels.Shape())
	out := tp.alloc(logits.Value.Shape()...)
	xs, zs, ys := logits.Value.Data(), labels.Data(), out.Data()
	for i, x := range xs {
		ax := x
		if ax < 0 {
			ax = -ax
		}
		ys[i] = max(x, 0) - x*zs[i] + float32(math.Log1p(math.Exp(-float64(ax))))
	}
	v := tp.record(out, bceOp{}, logits)
	v.aux = labels
	return v
}

func (bceOp) backward(tp *Tape, v *Var) {
	x := v.in[0]
	if !x.needGrad {
		return
	}
	gx, add := tp.gradDst(x)
	dst, xs, zs, dy := gx.Data(), x.Value.Data(), v.aux.Data(), v.grad.Data()
	for i := range dst {
		d := dy[i] * (sigmoid(xs[i]) - zs[i])
		if add {
			dst[i] += d
		} else {
			dst[i] = d
		}
	}
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
