package ot

import (
	"fmt"
	"math"
	"sort"
)

// Defaults of ExactGW.
const (
	DefaultExactThreshold = 1e-9
)

// ExactGW finds a local minimum of the Gromov-Wasserstein objective E(P) over
// Π(a, b) by conditional gradient (Frank-Wolfe): each step solves the linear
// problem min_Q <G(P), Q> exactly (ExactOT), then moves to P + t(Q − P) with
// the t ∈ [0, 1] that minimises the quadratic E along the segment. On the
// segment E(P + tD) = E(P) + t<G(P), D> − t²<Cx·D·Cy, D>, because D = Q − P
// has zero marginals; G is affine in P, so each step needs one product
// Cx·D·Cy, O(n·m·r), besides the linear solve.
//
// E is not convex, so the result depends on the start. From the product plan
// this follows POT's gromov_wasserstein (conditional gradient with its exact
// quadratic line search), which reports 2·GW. The iteration stops when
// the step no longer decreases E or E decreases by less than Threshold
// relative.
//
// The zero value is ready to use.
type ExactGW struct {
	// Threshold stops when |ΔE| ≤ Threshold·|E|. Zero means
	// DefaultExactThreshold.
	Threshold float64
	// MaxIterations caps the steps. Zero means DefaultGWMaxIterations.
	MaxIterations int
	// Init is the initial plan, as for EntropicGW. Nil means a·bᵀ.
	Init *Matrix
	// Progress, when not nil, is called after every step.
	Progress func(GWProgress)
}

// Solve runs conditional gradient on q. Errors wrap ErrSettings, ErrShape,
// ErrWeights or ErrNumerical.
func (s ExactGW) Solve(q *QuadraticProblem) (*GWResult, error) {
	if s.Threshold == 0 {
		s.Threshold = DefaultExactThreshold
	}
	if s.MaxIterations == 0 {
		s.MaxIterations = DefaultGWMaxIterations
	}
	if !(s.Threshold > 0) || s.MaxIterations < 0 {
		return nil, fmt.Errorf("%w: threshold %v and max iterations %d must be positive", ErrSettings, s.Threshold, s.MaxIterations)
	}
	n, m := q.Size()
	p, err := q.initialPlan(s.Init)
	if err != nil {
		return nil, err
	}

	// cross holds Cx·P·Cy, from which G(P) and E(P) follow.
	cross := make([]float64, n*m)
	q.cross(p, cross)
	grad := make([]float64, n*m)
	target := make([]float64, n*m)
	dir := make([]float64, n*m)
	dcross := make([]float64, n*m)
	lin := newLinearSolver(q.a, q.b)
	value := q.objective(p, cross)

	res := &GWResult{}
	// From the product plan a·bᵀ with symmetric costs, G = f ⊕ g − 2·r·sᵀ with
	// r = Cx·a and s = Cy·b, so the first linear step is solved exactly by the
	// comonotone coupling of r and s in O((n+m) log(n+m)) instead of a
	// degenerate assignment problem.
	productStart := s.Init == nil && q.bwd == nil
	for t := 1; t <= s.MaxIterations; t++ {
		q.linearize(cross, grad)
		if t == 1 && productStart {
			r, c := make([]float64, n), make([]float64, m)
			q.x.mulVec(q.a, r)
			q.y.mulVec(q.b, c)
			rows, cols := comonotone(r, c, q.a, q.b, target)
			if lin.lap != nil {
				lin.lap.warmFromMonge(grad, rows, cols)
			}
		} else {
			lin.solve(grad, target)
		}
		for k := range dir {
			dir[k] = target[k] - p[k]
		}
		q.cross(dir, dcross)
		slope := frobenius(grad, dir)
		curvature := -frobenius(dcross, dir)
		step := lineSearch(slope, curvature)
		res.OuterIterations = t

		next := value + step*slope + step*step*curvature
		if step > 0 {
			for k := range p {
				p[k] += step * dir[k]
				cross[k] += step * dcross[k]
			}
		}
		change := math.Abs(next - value)
		rel := change / max(math.Abs(next), math.SmallestNonzeroFloat64)
		res.ErrorTrace = append(res.ErrorTrace, rel)
		if s.Progress != nil {
			s.Progress(GWProgress{Iteration: t, Error: rel})
		}
		if math.IsNaN(next) {
			return nil, fmt.Errorf("%w: NaN objective at step %d", ErrNumerical, t)
		}
		value = next
		if step == 0 || rel <= s.Threshold || change == 0 {
			res.Status = Converged
			break
		}
	}
	if res.Status != Converged {
		res.Status = IterationLimit
	}
	res.Converged = res.Status == Converged

	// Recompute the product at the final plan rather than trust the sum of
	// updates.
	q.cross(p, cross)
	res.GW = q.objective(p, cross)
	res.Plan = &Matrix{Rows: n, Cols: m, Data: p}
	res.MarginalError = marginalError(p, q.a, q.b)
	if math.IsNaN(res.GW) || math.IsInf(res.GW, 0) {
		return nil, fmt.Errorf("%w: GW objective %v", ErrNumerical, res.GW)
	}
	return res, nil
}

// comonotone writes into plan ([n, m], overwritten) the coupling of a and b
// that pairs rows and columns in increasing order of r and s (the north-west
// corner rule on the sorted orders) and returns the two orders. It maximises
// Σ r_i s_j P[i,j] over Π(a, b), by the rearrangement inequality.
func comonotone(r, s, a, b, plan []float64) (rows, cols []int) {
	n, m := len(a), len(b)
	rows, cols = make([]int, n), make([]int, m)
	for i := range rows {
		rows[i] = i
	}
	for j := range cols {
		cols[j] = j
	}
	sort.SliceStable(rows, func(x, y int) bool { return r[rows[x]] < r[rows[y]] })
	sort.SliceStable(cols, func(x, y int) bool { return s[cols[x]] < s[cols[y]] })
	clear(plan)
	supply, demand := a[rows[0]], b[cols[0]]
	for i, j := 0, 0; i < n && j < m; {
		// The smaller of the two is used up exactly: x − x = 0.
		mass := min(supply, demand)
		plan[rows[i]*m+cols[j]] += mass
		supply -= mass
		demand -= mass
		if supply <= 0 {
			i++
			if i < n {
				supply = a[rows[i]]
			}
		} else {
			j++
			if j < m {
				demand = b[cols[j]]
			}
		}
	}
	return rows, cols
}

// lineSearch returns the t ∈ [0, 1] that minimises slope·t + curvature·t².
func lineSearch(slope, curvature float64) float64 {
	if curvature > 0 {
		return min(max(-slope/(2*curvature), 0), 1)
	}
	if slope+curvature < 0 {
		return 1
	}
	return 0
}

// marginalError returns ||P·1 − a||₁ + ||Pᵀ·1 − b||₁.
func marginalError(p, a, b []float64) float64 {
	n, m := len(a), len(b)
	cols := make([]float64, m)
	var e float64
	for i := 0; i < n; i++ {
		row := p[i*m : (i+1)*m]
		e += math.Abs(sum(row) - a[i])
		axpy(1, row, cols)
	}
	for j := range cols {
		e += math.Abs(cols[j] - b[j])
	}
	return e
}
