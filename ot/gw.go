package ot

import (
	"fmt"
	"math"
)

// EpsilonMode selects how EntropicGW.Epsilon is read. The zero value is
// RelativeEpsilon.
type EpsilonMode int

const (
	// RelativeEpsilon multiplies Epsilon by mean(|Cx|)·mean(|Cy|), the scale
	// of the linearised cost, so that one value suits costs of any scale.
	// For the non-negative costs this is mean(Cx)·mean(Cy). The absolute
	// values matter for InnerProduct and Cosine: on centred data their mean
	// is near 0, which would make ε vanish.
	RelativeEpsilon EpsilonMode = iota
	// AbsoluteEpsilon uses Epsilon as it is, in the units of Cx·Cy.
	AbsoluteEpsilon
)

// String returns "relative" or "absolute".
func (m EpsilonMode) String() string {
	switch m {
	case RelativeEpsilon:
		return "relative"
	case AbsoluteEpsilon:
		return "absolute"
	}
	return fmt.Sprintf("EpsilonMode(%d)", int(m))
}

// GWProgress reports one outer iteration of a Gromov-Wasserstein solver.
type GWProgress struct {
	// Iteration counts outer iterations from 1.
	Iteration int
	// InnerIterations is the number of Sinkhorn iterations of this step
	// (0 for ExactGW).
	InnerIterations int
	// Error is the value appended to the result's ErrorTrace.
	Error float64
}

// GWResult is the outcome of a Gromov-Wasserstein solve.
type GWResult struct {
	// Plan is the coupling, [n, m].
	Plan *Matrix
	// GW is E(Plan) with Mémoli's ½ and without any entropy term. POT's
	// gw_dist and OTT-JAX's primal cost are 2·GW.
	GW float64
	// EntropicObjective is E(Plan) − ε·H(Plan) with H(P) = −Σ P log P; POT's
	// gw_dist + eps·Σ T log T equals 2·EntropicObjective. Zero for ExactGW.
	EntropicObjective float64
	// Epsilon is the absolute regularisation used (0 for ExactGW).
	Epsilon float64
	// MarginalError is ||P·1 − a||₁ + ||Pᵀ·1 − b||₁ of Plan.
	MarginalError float64
	// OuterIterations counts mirror-descent or conditional-gradient steps.
	OuterIterations int
	// InnerIterations counts Sinkhorn iterations over all steps (0 for
	// ExactGW).
	InnerIterations int
	// Converged is Status == Converged.
	Converged bool
	// Status is Converged, IterationLimit or InnerIterationLimit.
	Status Status
	// ErrorTrace has one entry per outer iteration: for EntropicGW the plan
	// change ||P_{t+1} − X_t||₁, where X_t is P_t or, with Accelerate, its
	// Anderson mixing; for ExactGW the relative decrease of E.
	ErrorTrace []float64
	// Potentials are the dual potentials of the last Sinkhorn step, in the
	// convention of Sinkhorn (nil slices for ExactGW).
	Potentials Potentials
}

// Defaults of EntropicGW.
const (
	DefaultEpsilon            = 0.01
	DefaultEntropicThreshold  = 1e-7
	DefaultGWMaxIterations    = 1000
	defaultInnerMaxIterations = 2000
)

// EntropicGW solves entropic Gromov-Wasserstein by mirror descent (Peyré,
// Cuturi and Solomon 2016, Prop. 2 with step 1/ε): each outer step solves
//
//	P_{t+1} = argmin_{P ∈ Π(a,b)} <G(P_t), P> − ε·H(P)
//
// by Sinkhorn, warm-started from the previous step's potentials, until
// ||P_{t+1} − P_t||₁ < Threshold. A fixed point is a stationary point of
// E(P) − ε·H(P).
//
// Conventions: this ε equals OTT-JAX's epsilon and half of POT's (POT runs
// Sinkhorn on 2·G(P) with its eps), so POT's entropic_gromov_wasserstein
// with eps = 2ε computes the same plan; GW is half of the value both report.
//
// The zero value is ready to use: every zero field means its default.
type EntropicGW struct {
	// Epsilon is ε₀ (RelativeEpsilon) or ε (AbsoluteEpsilon). Zero means
	// DefaultEpsilon; negative values are an error.
	Epsilon float64
	// EpsilonMode selects how Epsilon is read; the zero value is relative:
	// ε = ε₀·mean(|Cx|)·mean(|Cy|), or ε₀ itself when that product is zero.
	EpsilonMode EpsilonMode
	// Threshold stops the outer loop when the L1 change of the plan falls
	// below it. Zero means DefaultEntropicThreshold.
	Threshold float64
	// MaxIterations caps the outer steps. Zero means DefaultGWMaxIterations.
	MaxIterations int
	// Sinkhorn sets the inner solver; its Epsilon is ignored. Its zero
	// MaxIterations means 2000 here, the other zero fields keep the
	// defaults of Sinkhorn. Small problems switch to Newton steps as
	// Stabilized describes. With EpsilonScaling zero, a step that has still
	// not converged after 100 iterations continues with ε-scaling (factor
	// 0.9) from the potentials reached; MaxIterations counts both parts.
	Sinkhorn Sinkhorn
	// Init is the initial plan, [n, m], with marginals a and b to 1e-6 in
	// L1. Nil means the product plan a·bᵀ, from which the solver can stall
	// at a symmetric saddle point. A map's coupling (the identity I/n for a
	// batch and its image) avoids that.
	Init *Matrix
	// Accelerate turns on Anderson mixing of the last five plans once the
	// plan change falls below 1e-2, for problems with n·m ≤ 2^18. Where the
	// plain iteration contracts slowly (small ε) it cut the outer iterations
	// by 2 to 10 times in this package's tests and benchmarks, and the plan
	// returned is always a Sinkhorn output. The zero value, off, follows
	// POT's iteration exactly: when E − εH has several stationary points,
	// the mixing can reach a different one.
	Accelerate bool
	// Progress, when not nil, is called after every outer step.
	Progress func(GWProgress)
}

// AbsoluteEpsilon returns the absolute ε that s uses on the problem q.
func (s EntropicGW) AbsoluteEpsilon(q *QuadraticProblem) (float64, error) {
	eps := s.Epsilon
	if eps == 0 {
		eps = DefaultEpsilon
	}
	if !(eps > 0) || math.IsInf(eps, 0) {
		return 0, fmt.Errorf("%w: epsilon %v: it must be a positive finite number", ErrEpsilon, s.Epsilon)
	}
	switch s.EpsilonMode {
	case AbsoluteEpsilon:
		return eps, nil
	case RelativeEpsilon:
		if scale := q.x.meanAbs * q.y.meanAbs; scale != 0 {
			eps *= scale
		}
		if !(eps > 0) {
			return 0, fmt.Errorf("%w: relative epsilon %v times the cost scales %v·%v underflows", ErrEpsilon, s.Epsilon, q.x.meanAbs, q.y.meanAbs)
		}
		return eps, nil
	}
	return 0, fmt.Errorf("%w: %v", ErrSettings, s.EpsilonMode)
}

// Solve runs the solver on q. Errors wrap ErrEpsilon, ErrSettings, ErrShape
// (Init), ErrWeights (Init's marginals) or ErrNumerical.
func (s EntropicGW) Solve(q *QuadraticProblem) (*GWResult, error) {
	eps, err := s.AbsoluteEpsilon(q)
	if err != nil {
		return nil, err
	}
	if s.Threshold == 0 {
		s.Threshold = DefaultEntropicThreshold
	}
	if s.MaxIterations == 0 {
		s.MaxIterations = DefaultGWMaxIterations
	}
	if !(s.Threshold > 0) || s.MaxIterations < 0 {
		return nil, fmt.Errorf("%w: threshold %v and max iterations %d must be positive", ErrSettings, s.Threshold, s.MaxIterations)
	}
	inner := s.Sinkhorn
	inner.Epsilon = eps
	if inner.MaxIterations == 0 {
		inner.MaxIterations = defaultInnerMaxIterations
	}
	if inner, err = inner.withDefaults(); err != nil {
		return nil, err
	}

	n, m := q.Size()
	var acc *anderson
	if s.Accelerate && n*m <= andersonSizeLimit {
		acc = newAnderson(n * m)
	}
	// prev is X_t, the plan that the next linearised cost is built from. It
	// stays nil for the product plan a·bᵀ, whose G has a closed form, unless
	// Anderson mixing needs the plan itself.
	var prev []float64
	if s.Init != nil || acc != nil || !q.productClosedForm() {
		if prev, err = q.initialPlan(s.Init); err != nil {
			return nil, err
		}
	}
	cost := make([]float64, n*m)
	e := newSinkhornEngine(q.a, q.b)
	lastChange := math.Inf(1)
	res := &GWResult{Epsilon: eps}
	innerCapped := false
	for t := 1; t <= s.MaxIterations; t++ {
		// G(X_t), then P_{t+1} by Sinkhorn on it, where X_t is the last plan
		// or its Anderson mixing. The plan lives in the engine's kernel
		// buffer until the next solve, so the next input is formed first.
		// Without mixing the plan buffer becomes X_t and the old X_t buffer
		// takes the next kernel.
		if t > 1 {
			if acc != nil && lastChange < andersonStart {
				acc.step(prev, e.plan)
			} else {
				prev, e.k = e.plan, prev
			}
		}
		// From the second step on, ε is the target from the start, so the
		// kernel rows are built as soon as their costs are written.
		switch {
		case prev == nil:
			q.productLinearized(cost)
		case e.canPrebuild(inner):
			e.beginPrebuild(cost)
			q.crossLinearized(prev, cost, e.prebuildRows)
		default:
			q.crossLinearized(prev, cost, nil)
		}
		e.refPlan, e.refProduct = prev, prev == nil
		out, err := s.innerSolve(e, cost, inner)
		if err != nil {
			return nil, err
		}
		res.OuterIterations = t
		res.InnerIterations += out.iterations
		// Only the solve that produces the returned plan decides the status:
		// an inexact intermediate step does not move the fixed point.
		innerCapped = out.status != Converged
		change := e.refChange
		lastChange = change
		res.ErrorTrace = append(res.ErrorTrace, change)
		if s.Progress != nil {
			s.Progress(GWProgress{Iteration: t, InnerIterations: out.iterations, Error: change})
		}
		if math.IsNaN(change) {
			return nil, fmt.Errorf("%w: NaN plan at outer iteration %d", ErrNumerical, t)
		}
		if change < s.Threshold {
			res.Status = Converged
			break
		}
	}
	switch {
	case res.Status != Converged:
		res.Status = IterationLimit
	case innerCapped:
		res.Status = InnerIterationLimit
	}
	res.Converged = res.Status == Converged

	// The result: E at the final plan, and −εH(P) = <F, P·1> + <G, Pᵀ·1> −
	// <cost, P> from the full potentials F = f + ε log a, G = g + ε log b of
	// the last step's cost matrix.
	// The engine is not used again, so its plan buffer is returned as it is.
	plan := e.plan
	res.MarginalError = e.marginalError()
	negEntropy := dot(e.alpha, e.rowSum) + dot(e.beta, e.colSum) - e.planCost()
	res.Potentials = e.potentials(eps)
	s2 := cost
	q.cross(plan, s2)
	res.GW = q.objectiveWithMarginals(plan, s2, e.rowSum, e.colSum)
	res.EntropicObjective = res.GW + negEntropy
	res.Plan = &Matrix{Rows: n, Cols: m, Data: plan}
	if math.IsNaN(res.GW) || math.IsInf(res.GW, 0) {
		return nil, fmt.Errorf("%w: GW objective %v", ErrNumerical, res.GW)
	}
	return res, nil
}

// rescueAfter is the number of plain Sinkhorn iterations after which an inner
// solve without EpsilonScaling switches to ε-scaling. At ε far below the gaps
// of the linearised cost, plain Sinkhorn's marginal error decays only like
// 1/iterations, while halving ε from the cost range converges in tens.
const rescueAfter = 100

// rescueScaling is the ε decay factor of that switch. A slow decay keeps the
// potentials near the solution at every ε; 0.5 left a 50×40 problem at
// ε = 1e-5 of the cost range far from convergence after 20000 iterations,
// 0.9 converged in under 200.
const rescueScaling = 0.9

// innerSolve runs the inner Sinkhorn solve, switching to ε-scaling from the
// potentials reached when plain iterations have not converged after
// rescueAfter iterations.
func (s EntropicGW) innerSolve(e *sinkhornEngine, cost []float64, inner Sinkhorn) (sinkhornOutcome, error) {
	if inner.EpsilonScaling != 0 || inner.MaxIterations <= rescueAfter {
		return e.solve(cost, inner)
	}
	first := inner
	first.MaxIterations = rescueAfter
	out, err := e.solve(cost, first)
	if err != nil || out.status == Converged {
		return out, err
	}
	rest := inner
	rest.MaxIterations -= rescueAfter
	rest.EpsilonScaling = rescueScaling
	more, err := e.solve(cost, rest)
	more.iterations += out.iterations
	more.trace = append(out.trace, more.trace...)
	return more, err
}

// initialPlan returns a copy of init after checking it, or the product plan.
func (q *QuadraticProblem) initialPlan(init *Matrix) ([]float64, error) {
	n, m := q.Size()
	if init == nil {
		p := make([]float64, n*m)
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				p[i*m+j] = q.a[i] * q.b[j]
			}
		}
		return p, nil
	}
	if err := q.checkPlan(init, "initial plan"); err != nil {
		return nil, err
	}
	rows, cols := make([]float64, n), make([]float64, m)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			v := init.Data[i*m+j]
			if v < 0 {
				return nil, fmt.Errorf("%w: initial plan entry (%d, %d) = %v is negative", ErrWeights, i, j, v)
			}
			rows[i] += v
			cols[j] += v
		}
	}
	var dev float64
	for i := range rows {
		dev += math.Abs(rows[i] - q.a[i])
	}
	for j := range cols {
		dev += math.Abs(cols[j] - q.b[j])
	}
	if dev > 1e-6 {
		return nil, fmt.Errorf("%w: the initial plan's marginals differ from a and b by %g in L1 (at most 1e-6)", ErrWeights, dev)
	}
	return append([]float64(nil), init.Data...), nil
}
