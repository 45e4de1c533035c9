package gmg

import (
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
)

// setGap computes GMG from the solver's plan P, with marginals a' = P·1 and
// b' = Pᵀ·1, and stores ∂GMG/∂Cy. With the ½ convention
//
//	DST_n = ½⟨Cx∘Cx, J/n²⟩ + ½⟨Cy∘Cy, J/n²⟩ − ⟨Cx, Cy⟩/n²
//	E(P)  = ½ a'ᵀ(Cx∘Cx)a' + ½ b'ᵀ(Cy∘Cy)b' − ⟨PᵀCxP, Cy⟩
//
// (J the all-ones matrix), so that, holding P fixed,
//
//	GMG = ⟨PᵀCxP − Cx/n², Cy⟩ + ½⟨Cx∘Cx, J/n² − a'a'ᵀ⟩ + ½⟨Cy∘Cy, J/n² − b'b'ᵀ⟩
//	∂GMG/∂Cy = PᵀCxP − Cx/n² + Cy∘(J/n² − b'b'ᵀ).
//
// The marginal terms vanish for an exact coupling of the uniform weights; they
// make the value and the gradient exact for the plan as returned.
func (r *Result) setGap() error {
	n := r.x.n
	plan := r.Solve.Plan
	push, err := ot.Pushforward(r.x.geom, plan) // PᵀCxP
	if err != nil {
		return fmt.Errorf("gmg: %w", err)
	}
	rows, cols := marginals(plan)
	uniform := 1 / (float64(n) * float64(n))

	r.gradCy = make([]float64, n*n)
	var gap float64
	for j := 0; j < n; j++ {
		var line float64
		for l := 0; l < n; l++ {
			cx, cy := r.x.geom.At(j, l), r.y.geom.At(j, l)
			m := push.Data[j*n+l] - cx*uniform
			line += m*cy + 0.5*cx*cx*(uniform-rows[j]*rows[l]) + 0.5*cy*cy*(uniform-cols[j]*cols[l])
			r.gradCy[j*n+l] = m + cy*(uniform-cols[j]*cols[l])
		}
		gap += line
	}
	r.GMG = gap
	return nil
}

// referenceCostGradient returns ∂GMG/∂Cx = P·Cy·Pᵀ − Cy/n² + Cx∘(J/n² − a'a'ᵀ),
// the counterpart of ∂GMG/∂Cy with the roles of X and Y exchanged.
func (r *Result) referenceCostGradient() ([]float64, error) {
	n := r.x.n
	plan := r.Solve.Plan
	planT := &ot.Matrix{Rows: n, Cols: n, Data: make([]float64, n*n)}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			planT.Data[j*n+i] = plan.Data[i*n+j]
		}
	}
	push, err := ot.Pushforward(r.y.geom, planT) // P·Cy·Pᵀ
	if err != nil {
		return nil, fmt.Errorf("gmg: %w", err)
	}
	rows, _ := marginals(plan)
	uniform := 1 / (float64(n) * float64(n))
	grad := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for k := 0; k < n; k++ {
			cx := r.x.geom.At(i, k)
			grad[i*n+k] = push.Data[i*n+k] - r.y.geom.At(i, k)*uniform + cx*(uniform-rows[i]*rows[k])
		}
	}
	return grad, nil
}

// marginals returns P·1 and Pᵀ·1.
func marginals(p *ot.Matrix) (rows, cols []float64) {
	rows, cols = make([]float64, p.Rows), make([]float64, p.Cols)
	for i := 0; i < p.Rows; i++ {
		for j, v := range p.Row(i) {
			rows[i] += v
			cols[j] += v
		}
	}
	return rows, cols
}

// GradientY returns ∂Value/∂Y, [n, q], with the solver's plan held fixed by
// the envelope theorem. For the exact solver it is exact where the optimal
// plan is unique and stays optimal under small moves of Y. For the entropic
// solver it is the exact gradient of DST_n − min_P (E(P) − ε·H(P)) at fixed
// ε. It is computed in float64 in O(n²·q), also for a Result of Loss, whose
// float32 images it reads.
func (r *Result) GradientY() *ot.Matrix {
	return costGradient(r.y, r.gradCy)
}

// GradientX returns ∂Value/∂X, [n, p], with the plan held fixed, as
// GradientY. For GMG it first computes P·Cy·Pᵀ, O(n³) for images of
// dimension q ≥ n/2. Errors wrap ot.ErrNumerical.
func (r *Result) GradientX() (*ot.Matrix, error) {
	if r.gradCx == nil {
		grad, err := r.referenceCostGradient()
		if err != nil {
			return nil, err
		}
		r.gradCx = grad
	}
	return costGradient(r.x, r.gradCx), nil
}

// costGradient returns ∂/∂Z of L = Σ_{j,l} W[j,l]·C[j,l] for the cloud g
// (points Z [n, d], costs C) and a symmetric W = ∂L/∂C ([n, n]), in float64:
//
//	squared-Euclidean, C = ||z_j − z_l||²/s: ∂L/∂z_j = (4/s)((W·1)_j z_j − (W·Z)_j)
//	inner product,     C = ⟨z_j, z_l⟩:       ∂L/∂z_j = 2(W·Z)_j
//	cosine,            C = ⟨u_j, u_l⟩, u = z/||z||: with g_j = 2(W·U)_j,
//	                   ∂L/∂z_j = (g_j − ⟨g_j, u_j⟩u_j)/||z_j||, and 0 at z_j = 0
//
// where s (ScaledSqEuclidean's mean) is held constant. It costs O(n²·d) and
// never forms the n² difference vectors.
func costGradient(g *cloud, w []float64) *ot.Matrix {
	z := g.points()
	n, d := z.Rows, z.Cols
	src := z.Data
	var norms []float64
	if g.cost == ot.Cosine {
		src, norms = unitRows(z)
	}
	out := &ot.Matrix{Rows: n, Cols: d, Data: make([]float64, n*d)}
	scale := g.scale
	tensor.Parallel(n, func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			gj := out.Data[j*d : (j+1)*d]
			wj := w[j*n : (j+1)*n]
			// gj = (W·Z)_j, a row of W times the points.
			var rowSum float64
			for l, wjl := range wj {
				rowSum += wjl
				if wjl != 0 {
					axpy(wjl, src[l*d:(l+1)*d], gj)
				}
			}
			switch g.cost {
			case ot.SqEuclidean, ot.ScaledSqEuclidean:
				f := 4 / scale
				zj := src[j*d : (j+1)*d]
				for k := range gj {
					gj[k] = f * (rowSum*zj[k] - gj[k])
				}
			case ot.InnerProduct:
				for k := range gj {
					gj[k] *= 2
				}
			case ot.Cosine:
				if norms[j] == 0 {
					clear(gj)
					continue
				}
				uj := src[j*d : (j+1)*d]
				along := 2 * dot(gj, uj)
				f := 2 / norms[j]
				for k := range gj {
					gj[k] = f*gj[k] - along/norms[j]*uj[k]
				}
			}
		}
	})
	return out
}

// unitRows returns the rows of z divided by their norms (zero rows stay zero)
// and the norms.
func unitRows(z *ot.Matrix) ([]float64, []float64) {
	n, d := z.Rows, z.Cols
	unit, norms := make([]float64, n*d), make([]float64, n)
	for i := 0; i < n; i++ {
		row := z.Row(i)
		norms[i] = math.Sqrt(dot(row, row))
		if norms[i] == 0 {
			continue
		}
		for k, v := range row {
			unit[i*d+k] = v / norms[i]
		}
	}
	return unit, norms
}

// axpy sets y += alpha·x.
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	k := 0
	for ; k+4 <= len(x); k += 4 {
		y[k] += alpha * x[k]
		y[k+1] += alpha * x[k+1]
		y[k+2] += alpha * x[k+2]
		y[k+3] += alpha * x[k+3]
	}
	for ; k < len(x); k++ {
		y[k] += alpha * x[k]
	}
}

// dot returns Σ x[k]·y[k].
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(x); k += 4 {
		s0 += x[k] * y[k]
		s1 += x[k+1] * y[k+1]
		s2 += x[k+2] * y[k+2]
		s3 += x[k+3] * y[k+3]
	}
	for ; k < len(x); k++ {
		s0 += x[k] * y[k]
	}
	return (s0 + s1) + (s2 + s3)
}
