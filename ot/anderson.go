package ot

import "math"

// anderson accelerates the fixed-point iteration x ← f(x) of entropic GW, in
// which x is the plan that the linearised cost is built from and f(x) is the
// Sinkhorn plan of that cost. Anderson mixing (type II, Walker and Ni 2011,
// "Anderson acceleration for fixed-point iterations", eq. 2.1) takes the next
// input as the combination of the last few outputs whose residuals
// f(x) − x best cancel. The mixed input can have negative entries, which is
// harmless because it only enters the affine linearisation G(x). Its
// marginals stay a and b, since the differences it adds have zero marginals.
// The plan returned to the caller is always a Sinkhorn output.
type anderson struct {
	depth        int
	dx, dr       [][]float64 // differences of inputs and of residuals, newest last
	lastX, lastR []float64
	residual     []float64
	lastNorm     float64
	started      bool
}

// andersonDepth is the number of past differences used.
const andersonDepth = 5

// andersonStart is the plan change below which the mixing starts, so that
// the plain iteration first settles near one fixed point.
const andersonStart = 1e-2

// andersonSizeLimit bounds n·m for acceleration: its buffers take
// 2·(depth+1) plans.
const andersonSizeLimit = 1 << 18

func newAnderson(size int) *anderson {
	return &anderson{
		depth: andersonDepth, lastX: make([]float64, size), lastR: make([]float64, size),
		residual: make([]float64, size),
	}
}

// step replaces x, the input of the last evaluation, with the next input,
// given y = f(x).
func (a *anderson) step(x, y []float64) {
	r := a.residual
	for k := range r {
		r[k] = y[k] - x[k]
	}
	norm := l1(r)

	// A residual that grew means the mixing misled: restart from a plain
	// step.
	if a.started && norm > a.lastNorm {
		a.dx, a.dr = a.dx[:0], a.dr[:0]
		a.started = false
	}
	if a.started {
		var dx, dr []float64
		if len(a.dx) == a.depth {
			dx, dr = a.dx[0], a.dr[0]
			a.dx, a.dr = append(a.dx[:0], a.dx[1:]...), append(a.dr[:0], a.dr[1:]...)
		} else {
			dx, dr = make([]float64, len(x)), make([]float64, len(x))
		}
		for k := range dx {
			dx[k] = x[k] - a.lastX[k]
			dr[k] = r[k] - a.lastR[k]
		}
		a.dx, a.dr = append(a.dx, dx), append(a.dr, dr)
	}
	copy(a.lastX, x)
	copy(a.lastR, r)
	a.lastNorm = norm
	a.started = true

	gamma := a.weights(r)
	copy(x, y)
	for i, g := range gamma {
		if g == 0 {
			continue
		}
		axpy(-g, a.dx[i], x)
		axpy(-g, a.dr[i], x)
	}
}

// weights returns γ minimising ||r − ΔR·γ||₂, by the normal equations with a
// relative Tikhonov term of 1e-10 for nearly dependent differences, or nil
// when there are none or the system is singular.
func (a *anderson) weights(r []float64) []float64 {
	k := len(a.dr)
	if k == 0 {
		return nil
	}
	gram := make([]float64, k*(k+1))
	var trace float64
	for i := 0; i < k; i++ {
		for j := 0; j <= i; j++ {
			v := frobenius(a.dr[i], a.dr[j])
			gram[i*(k+1)+j], gram[j*(k+1)+i] = v, v
		}
		trace += gram[i*(k+1)+i]
		gram[i*(k+1)+k] = frobenius(a.dr[i], r)
	}
	if !(trace > 0) {
		return nil
	}
	for i := 0; i < k; i++ {
		gram[i*(k+1)+i] += 1e-10 * trace
	}
	return solveAugmented(gram, k)
}

// solveAugmented solves the k×k system stored with its right-hand side as
// the last column of each row, by Gaussian elimination with partial
// pivoting. It returns nil when a pivot vanishes.
func solveAugmented(a []float64, k int) []float64 {
	w := k + 1
	for c := 0; c < k; c++ {
		p := c
		for r := c + 1; r < k; r++ {
			if math.Abs(a[r*w+c]) > math.Abs(a[p*w+c]) {
				p = r
			}
		}
		if a[p*w+c] == 0 {
			return nil
		}
		for j := 0; j < w; j++ {
			a[c*w+j], a[p*w+j] = a[p*w+j], a[c*w+j]
		}
		for r := c + 1; r < k; r++ {
			f := a[r*w+c] / a[c*w+c]
			for j := c; j < w; j++ {
				a[r*w+j] -= f * a[c*w+j]
			}
		}
	}
	x := make([]float64, k)
	for r := k - 1; r >= 0; r-- {
		s := a[r*w+k]
		for j := r + 1; j < k; j++ {
			s -= a[r*w+j] * x[j]
		}
		x[r] = s / a[r*w+r]
	}
	return x
}
