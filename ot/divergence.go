package ot

import (
	"fmt"
	"math"
)

// DivergenceResult is the outcome of Sinkhorn.Divergence.
type DivergenceResult struct {
	// Divergence is S_ε(α, β) = OT_ε(α, β) − ½OT_ε(α, α) − ½OT_ε(β, β).
	Divergence float64
	// OTxy, OTxx and OTyy are the three entropic OT values (Value of
	// SinkhornResult), each <C, P> + ε·KL(P | weights⊗weights).
	OTxy, OTxx, OTyy float64
	// Gradient is ∂S/∂x, [n, dim]: row i is Σ_j P[i,j]·∇₁c(x_i, y_j) −
	// Σ_k Q[i,k]·∇₁c(x_i, x_k), with P the plan of (α, β) and Q that of (α, α).
	Gradient *Matrix
	// Plan is the plan of OT_ε(α, β), [n, m].
	Plan *Matrix
	// Iterations is the total over the three Sinkhorn solves.
	Iterations int
	// Converged reports that all three solves converged.
	Converged bool
	// Status is Converged, or IterationLimit when any solve hit its cap.
	Status Status
}

// Divergence computes the debiased Sinkhorn divergence between the point
// clouds x ([n, dim], weights a) and y ([m, dim], weights b), nil weights
// meaning uniform, and its gradient with respect to the points x (Feydy et
// al. 2019, eq. 5 and Prop. 2 for the envelope-theorem gradient). The costs
// are those of the Cost values: SqEuclidean, InnerProduct or Cosine between
// raw points. ScaledSqEuclidean is rejected (ErrSettings) because the three
// terms would use three different scales. For SqEuclidean, S_ε ≥ 0 with
// equality iff α = β (Feydy et al. 2019, Theorem 1); the other costs give no
// such guarantee.
//
// The gradient holds the plans fixed (exact at convergence), so its accuracy
// follows the marginal error of the solves.
func (s Sinkhorn) Divergence(x, y *Matrix, a, b []float64, cost Cost) (*DivergenceResult, error) {
	if cost != SqEuclidean && cost != InnerProduct && cost != Cosine {
		return nil, fmt.Errorf("%w: cost %v: the Sinkhorn divergence takes sqeuclidean, inner or cosine", ErrSettings, cost)
	}
	for _, c := range []*Matrix{x, y} {
		if c == nil || c.Rows < 1 || c.Cols < 1 || len(c.Data) != c.Rows*c.Cols {
			return nil, fmt.Errorf("%w: point clouds need at least one point of dimension at least 1", ErrShape)
		}
		if err := checkFinite("point", c.Data, c.Cols); err != nil {
			return nil, err
		}
	}
	if x.Cols != y.Cols {
		return nil, fmt.Errorf("%w: points of dimension %d and %d: the divergence compares clouds in one space", ErrShape, x.Cols, y.Cols)
	}
	a, b, err := checkWeights(a, b, x.Rows, y.Rows)
	if err != nil {
		return nil, err
	}
	dim := x.Cols
	xs, ys := x.Data, y.Data
	if cost == Cosine {
		xs, ys = unitRows(x.Data, x.Rows, dim), unitRows(y.Data, y.Rows, dim)
	}

	res := &DivergenceResult{Converged: true, Status: Converged}
	solve := func(p, q []float64, u, v []float64) (*SinkhornResult, error) {
		c := crossCosts(p, q, dim, cost)
		r, err := s.Solve(c, u, v, nil)
		if err != nil {
			return nil, err
		}
		res.Iterations += r.Iterations
		if !r.Converged {
			res.Converged, res.Status = false, IterationLimit
		}
		return r, nil
	}
	xy, err := solve(xs, ys, a, b)
	if err != nil {
		return nil, err
	}
	xx, err := solve(xs, xs, a, a)
	if err != nil {
		return nil, err
	}
	yy, err := solve(ys, ys, b, b)
	if err != nil {
		return nil, err
	}
	res.OTxy, res.OTxx, res.OTyy = xy.Value, xx.Value, yy.Value
	res.Divergence = xy.Value - 0.5*xx.Value - 0.5*yy.Value
	res.Plan = xy.Plan

	grad := make([]float64, x.Rows*dim)
	addCostGradient(grad, x.Data, xs, ys, xy.Plan.Data, dim, cost, 1)
	addCostGradient(grad, x.Data, xs, xs, xx.Plan.Data, dim, cost, -1)
	res.Gradient = &Matrix{Rows: x.Rows, Cols: dim, Data: grad}
	return res, nil
}

// crossCosts returns the [n, m] matrix c(p_i, q_j) for points given row-major
// (already normalised for Cosine).
func crossCosts(p, q []float64, dim int, cost Cost) *Matrix {
	n, m := len(p)/dim, len(q)/dim
	c := make([]float64, n*m)
	forRows(n, n*m*dim, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			pi := p[i*dim : (i+1)*dim]
			for j := 0; j < m; j++ {
				qj := q[j*dim : (j+1)*dim]
				if cost == SqEuclidean {
					c[i*m+j] = sqDist(pi, qj)
				} else {
					c[i*m+j] = dot(pi, qj)
				}
			}
		}
	})
	return &Matrix{Rows: n, Cols: m, Data: c}
}

// addCostGradient adds sign·Σ_j P[i,j]·∇₁c(x_i, q_j) to row i of grad. raw
// holds the original points x, xs the normalised ones for Cosine.
func addCostGradient(grad, raw, xs, q, plan []float64, dim int, cost Cost, sign float64) {
	n, m := len(raw)/dim, len(q)/dim
	forRows(n, n*m*dim, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := grad[i*dim : (i+1)*dim]
			xi := raw[i*dim : (i+1)*dim]
			ui := xs[i*dim : (i+1)*dim]
			pi := plan[i*m : (i+1)*m]
			var mass float64
			switch cost {
			case SqEuclidean:
				// ∇₁||x−y||² = 2(x − y): 2(mass·x_i − Σ_j P_ij y_j).
				for j, p := range pi {
					mass += p
					axpy(-2*sign*p, q[j*dim:(j+1)*dim], gi)
				}
				axpy(2*sign*mass, xi, gi)
			case InnerProduct:
				for j, p := range pi {
					axpy(sign*p, q[j*dim:(j+1)*dim], gi)
				}
			case Cosine:
				// ∇₁<x̂, ŷ> = (ŷ − <x̂, ŷ> x̂)/||x||, and 0 at x = 0.
				norm := math.Sqrt(dot(xi, xi))
				if norm == 0 {
					continue
				}
				for j, p := range pi {
					qj := q[j*dim : (j+1)*dim]
					c := dot(ui, qj)
					axpy(sign*p/norm, qj, gi)
					axpy(-sign*p*c/norm, ui, gi)
				}
			}
		}
	})
}
