package nn

import (
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/tensor"
)

// Adam is the optimiser of Kingma and Ba (2015), Algorithm 1, with the bias
// corrections applied as PyTorch 1.13's torch.optim.Adam applies them
// (no weight decay, no AMSGrad): with t the step count after increment,
//
//	m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
//	p ← p − (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + ε)
//
// evaluated in float32 with PyTorch's operation order, so that the same
// gradients give the same bits as its CPU kernels.
type Adam struct {
	// LR is the learning rate.
	LR float64
	// Beta1 and Beta2 are the decay rates of the first and second moments.
	Beta1, Beta2 float64
	// Epsilon is added to the denominator.
	Epsilon float64

	params []*Param
	m, v   []*tensor.Tensor
	step   int64
}

// NewAdam returns an Adam optimiser over params with learning rate lr and
// PyTorch's defaults β = (0.9, 0.999), ε = 1e-8. It panics on duplicate
// parameter names, which checkpoints could not tell apart.
func NewAdam(params []*Param, lr float64) *Adam {
	a := &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, params: params}
	seen := map[string]bool{}
	for _, p := range params {
		if seen[p.Name] {
			panic(fmt.Sprintf("nn: NewAdam: duplicate parameter name %q", p.Name))
		}
		seen[p.Name] = true
		a.m = append(a.m, tensor.New(p.Value.Shape()...))
		a.v = append(a.v, tensor.New(p.Value.Shape()...))
	}
	return a
}

// Steps returns the number of steps taken.
func (a *Adam) Steps() int64 { return a.step }

// Params returns the parameters the optimiser updates.
func (a *Adam) Params() []*Param { return a.params }

// Step updates every parameter from its Grad. Parameters are handed to the
// workers one at a time; each element's update does not depend on the others.
func (a *Adam) Step() {
	a.step++
	t := float64(a.step)
	stepSize := float32(a.LR / (1 - math.Pow(a.Beta1, t)))
	bc2Sqrt := float32(math.Sqrt(1 - math.Pow(a.Beta2, t)))
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	c1, c2 := float32(1-a.Beta1), float32(1-a.Beta2)
	h := adamScalars{b1: b1, b2: b2, c1: c1, c2: c2, negStepSize: -stepSize, bc2Sqrt: bc2Sqrt, eps: float32(a.Epsilon)}
	tensor.ParallelTasks(len(a.params), func(_, i int) {
		p := a.params[i].Value.Data()
		adamUpdate(p, a.params[i].Grad.Data()[:len(p)], a.m[i].Data()[:len(p)], a.v[i].Data()[:len(p)], &h)
	})
}

// adamScalars are the float32 constants of one Adam step: the decay rates
// b1, b2, their complements c1 = 1−β1 and c2 = 1−β2, the negated
// bias-corrected step size, √(1−β2^t) and ε. The assembly kernel reads the
// fields at fixed offsets, so their order and types must not change.
type adamScalars struct {
	b1, b2, c1, c2, negStepSize, bc2Sqrt, eps float32
}

// adamUpdate applies one Adam step to the parameters p with gradients g and
// moments m and v, all of the same length. On amd64 CPUs with AVX2 and FMA
// the multiples of 8 elements run in assembly with the same operations as
// the loop below, so the bits do not depend on the CPU.
func adamUpdate(p, g, m, v []float32, h *adamScalars) {
	j := 0
	if haveAdamAsm && len(p) >= 8 {
		j = len(p) &^ 7
		adamAVX2(&p[0], &g[0], &m[0], &v[0], j, h)
	}
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for ; j < len(p); j++ {
		gj := g[j]
		// Fused multiply-adds reproduce PyTorch 1.13's CPU bits, which
		// plain float32 arithmetic misses by one ulp.
		m[j] = fma32(h.c1, gj, m[j]*h.b1)
		v[j] = fma32(h.c2*gj, gj, v[j]*h.b2)
		denom := float32(math.Sqrt(float64(v[j])))/h.bc2Sqrt + h.eps
		p[j] += h.negStepSize * m[j] / denom
	}
}

// ClipGradNorm scales every gradient by maxNorm/(norm + 1e-6) when the
// global L2 norm of all gradients together exceeds maxNorm, as PyTorch's
// clip_grad_norm_ does, and returns the norm before clipping. The norm is
// accumulated in float64 in parameter order. A NaN or infinite norm is
// returned without scaling. It panics if maxNorm is not positive.
func ClipGradNorm(params []*Param, maxNorm float64) float64 {
	if !(maxNorm > 0) {
		panic(fmt.Sprintf("nn: ClipGradNorm with maxNorm %g, must be positive", maxNorm))
	}
	var sum float64
	for _, p := range params {
		for _, g := range p.Grad.Data() {
			sum += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sum)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm
	}
	coef := maxNorm / (norm + 1e-6)
	if coef < 1 {
		c := float32(coef)
		for _, p := range params {
			for j := range p.Grad.Data() {
				p.Grad.Data()[j] *= c
			}
		}
	}
	return norm
}

// fma32 returns x·y + z with the product exact. The sum is rounded to float64
// and then to float32, which differs from a float32 fused multiply-add only
// when the double rounding hits a halfway case.
func fma32(x, y, z float32) float32 {
	return float32(math.FMA(float64(x), float64(y), float64(z)))
}
