package ot

import (
	"fmt"
	"math"
)

// SinkhornMode selects how Sinkhorn updates are computed. The zero value is
// Stabilized.
type SinkhornMode int

const (
	// Stabilized iterates with the kernel K = exp((α⊕β − C)/ε), in which the
	// potentials α, β absorb the large part of the scalings (Schmitzer 2019,
	// "absorption"). One iteration is one pass over K with a dot product and
	// an axpy per row. Rows or columns whose kernel sum underflows or
	// overflows are updated with a log-sum-exp instead, and the scalings are
	// absorbed into the potentials whenever one leaves [e^-100, e^100].
	// A problem with n·m² + m³ ≤ 2^28 that has not converged 10 + min(n, m)/4
	// iterations after ε reached its target continues with Newton steps on
	// the dual potentials. They converge quadratically where Sinkhorn
	// crawls, and each counts as one iteration.
	Stabilized SinkhornMode = iota
	// LogDomain computes every update as a log-sum-exp over the cost matrix:
	// 2·n·m exponentials per iteration, several times slower than Stabilized
	// and kept as the reference.
	LogDomain
)

// String returns "stabilized" or "log-domain".
func (m SinkhornMode) String() string {
	switch m {
	case Stabilized:
		return "stabilized"
	case LogDomain:
		return "log-domain"
	}
	return fmt.Sprintf("SinkhornMode(%d)", int(m))
}

// Default settings of Sinkhorn.
const (
	DefaultSinkhornThreshold     = 1e-9
	DefaultSinkhornMaxIterations = 10000
)

// Sinkhorn solves entropic optimal transport between weights a (n) and b (m)
// for a cost matrix C ([n, m]):
//
//	min_P <C, P> + ε·KL(P | a⊗b)  over P ≥ 0 with P·1 = a, Pᵀ·1 = b,
//
// by alternating scaling of the rows and columns (Cuturi 2013). The optimal
// plan is P[i,j] = a_i·b_j·exp((f_i + g_j − C[i,j])/ε) with dual potentials f
// and g, and the optimal value equals <f, a> + <g, b> (Feydy et al. 2019,
// Prop. 1). ε is in the units of C; POT's sinkhorn uses the same ε with the
// entropy −H(P) in place of the KL term, which shifts the value by a constant
// and leaves the plan unchanged.
//
// The zero value is not usable: Epsilon must be set. Other zero fields take
// the documented defaults.
type Sinkhorn struct {
	// Epsilon is the regularisation ε > 0, in the units of the cost.
	Epsilon float64
	// Threshold is the stopping tolerance on the marginal error
	// ||P·1 − a||₁ + ||Pᵀ·1 − b||₁. Zero means DefaultSinkhornThreshold.
	Threshold float64
	// MaxIterations caps the iterations (one row and one column update
	// each). Zero means DefaultSinkhornMaxIterations.
	MaxIterations int
	// CheckEvery is the interval, in iterations, at which the marginal error
	// is compared with Threshold and appended to ErrorTrace. Zero means 1,
	// because each iteration's pass over the kernel yields the error at no
	// extra cost.
	CheckEvery int
	// Mode selects stabilised-kernel or log-domain updates.
	Mode SinkhornMode
	// EpsilonScaling, when in (0, 1), starts from ε₀ = max(ε, max C − min C)
	// and multiplies the regularisation by this factor after each iteration
	// until it reaches Epsilon; the threshold is tested only at Epsilon.
	// Zero means no scaling. It helps when ε is much smaller than the costs.
	EpsilonScaling float64
}

// Potentials are dual potentials f ([n]) and g ([m]) in the convention of
// Sinkhorn: P[i,j] = a_i·b_j·exp((f_i + g_j − C[i,j])/ε).
type Potentials struct {
	F, G []float64
}

// SinkhornResult is the outcome of Sinkhorn.Solve.
type SinkhornResult struct {
	// Plan is the transport plan, [n, m].
	Plan *Matrix
	// Potentials are the dual potentials of Plan; pass them to a later Solve
	// as a warm start.
	Potentials Potentials
	// Cost is <C, Plan>, the transport cost without the entropy term.
	Cost float64
	// Value is <C, P> + ε·KL(P | a⊗b), with KL(P|Q) = Σ P log(P/Q) − Σ P + Σ Q;
	// at convergence it equals <f, a> + <g, b>.
	Value float64
	// MarginalError is ||P·1 − a||₁ + ||Pᵀ·1 − b||₁ of Plan.
	MarginalError float64
	// Iterations is the number of iterations run.
	Iterations int
	// Converged is Status == Converged.
	Converged bool
	// Status is Converged or IterationLimit.
	Status Status
	// ErrorTrace is the marginal error every CheckEvery iterations.
	ErrorTrace []float64
}

func (s Sinkhorn) withDefaults() (Sinkhorn, error) {
	if !(s.Epsilon > 0) || math.IsInf(s.Epsilon, 0) {
		return s, fmt.Errorf("%w: epsilon %v: it must be a positive finite number", ErrEpsilon, s.Epsilon)
	}
	if s.Threshold == 0 {
		s.Threshold = DefaultSinkhornThreshold
	}
	if !(s.Threshold > 0) {
		return s, fmt.Errorf("%w: Sinkhorn threshold %v: it must be positive", ErrSettings, s.Threshold)
	}
	if s.MaxIterations == 0 {
		s.MaxIterations = DefaultSinkhornMaxIterations
	}
	if s.MaxIterations < 0 {
		return s, fmt.Errorf("%w: Sinkhorn MaxIterations %d: it must be positive", ErrSettings, s.MaxIterations)
	}
	if s.CheckEvery == 0 {
		s.CheckEvery = 1
	}
	if s.CheckEvery < 0 {
		return s, fmt.Errorf("%w: Sinkhorn CheckEvery %d: it must be positive", ErrSettings, s.CheckEvery)
	}
	if s.Mode != Stabilized && s.Mode != LogDomain {
		return s, fmt.Errorf("%w: %v", ErrSettings, s.Mode)
	}
	if s.EpsilonScaling != 0 && !(s.EpsilonScaling > 0 && s.EpsilonScaling < 1) {
		return s, fmt.Errorf("%w: EpsilonScaling %v: it must be in (0, 1), or 0 for none", ErrSettings, s.EpsilonScaling)
	}
	return s, nil
}

// Solve runs Sinkhorn on the cost matrix c ([n, m]) between weights a and b.
// Nil weights mean uniform ones; weights must be positive and finite, and
// their sums may differ by at most 1e-9 relative. init, when not nil, gives
// warm-start potentials (for instance those of a previous result). Errors
// wrap ErrShape, ErrNotFinite, ErrWeights, ErrEpsilon, ErrSettings or
// ErrNumerical.
func (s Sinkhorn) Solve(c *Matrix, a, b []float64, init *Potentials) (*SinkhornResult, error) {
	s, err := s.withDefaults()
	if err != nil {
		return nil, err
	}
	if c == nil || c.Rows < 1 || c.Cols < 1 || len(c.Data) != c.Rows*c.Cols {
		return nil, fmt.Errorf("%w: the cost matrix must have at least one row and one column", ErrShape)
	}
	if err := checkFinite("cost matrix", c.Data, c.Cols); err != nil {
		return nil, err
	}
	n, m := c.Rows, c.Cols
	a, b, err = checkWeights(a, b, n, m)
	if err != nil {
		return nil, err
	}
	e := newSinkhornEngine(a, b)
	if init != nil {
		if len(init.F) != n || len(init.G) != m {
			return nil, fmt.Errorf("%w: warm-start potentials of lengths %d and %d for a %d×%d problem", ErrShape, len(init.F), len(init.G), n, m)
		}
		if err := checkFinite("potential f", init.F, n); err != nil {
			return nil, err
		}
		if err := checkFinite("potential g", init.G, m); err != nil {
			return nil, err
		}
		for i := range init.F {
			e.alpha[i] = init.F[i] + s.Epsilon*e.loga[i]
		}
		for j := range init.G {
			e.beta[j] = init.G[j] + s.Epsilon*e.logb[j]
		}
	}
	out, err := e.solve(c.Data, s)
	if err != nil {
		return nil, err
	}
	res := &SinkhornResult{
		Plan:          &Matrix{Rows: n, Cols: m, Data: e.plan},
		Potentials:    e.potentials(s.Epsilon),
		Cost:          e.planCost(),
		MarginalError: out.marginalError,
		Iterations:    out.iterations,
		Status:        out.status,
		Converged:     out.status == Converged,
		ErrorTrace:    out.trace,
	}
	// Value = <f, P·1> + <g, Pᵀ·1> − ε(Σ P − 1), the primal objective of the
	// plan written with its potentials.
	f, g := res.Potentials.F, res.Potentials.G
	res.Value = dot(f, e.rowSum) + dot(g, e.colSum) - s.Epsilon*(sum(e.rowSum)-1)
	e.plan = nil
	return res, nil
}

// checkWeights validates a and b (nil means uniform) and returns them.
func checkWeights(a, b []float64, n, m int) ([]float64, []float64, error) {
	var err error
	if a, err = weights("a", a, n); err != nil {
		return nil, nil, err
	}
	if b, err = weights("b", b, m); err != nil {
		return nil, nil, err
	}
	sa, sb := sum(a), sum(b)
	if math.Abs(sa-sb) > 1e-9*max(sa, sb) {
		return nil, nil, fmt.Errorf("%w: a sums to %v and b to %v: the total masses must match (balanced transport)", ErrWeights, sa, sb)
	}
	return a, b, nil
}

func weights(name string, w []float64, n int) ([]float64, error) {
	if w == nil {
		u := make([]float64, n)
		for i := range u {
			u[i] = 1 / float64(n)
		}
		return u, nil
	}
	if len(w) != n {
		return nil, fmt.Errorf("%w: weights %s have %d entries for %d points", ErrShape, name, len(w), n)
	}
	for i, v := range w {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: %s[%d] = %v: weights must be positive and finite (drop points of zero weight)", ErrWeights, name, i, v)
		}
	}
	return append([]float64(nil), w...), nil
}

// absorbLimit bounds |log u| and |log v| of the stabilised scalings before
// they are absorbed into the potentials: e^100 ≈ 2.7e43 keeps every product of
// a kernel entry (at most about 1) with a scaling far from float64 overflow.
const absorbLimit = 100

// tinySum is the smallest kernel row or column sum that the stabilised mode
// divides by; below it the update falls back to a log-sum-exp.
const tinySum = 1e-280

// sinkhornEngine holds the state of one Sinkhorn problem size and is reused
// across solves with different costs (the inner steps of entropic GW) so that
// potentials carry over as warm starts.
type sinkhornEngine struct {
	n, m       int
	a, b       []float64
	loga, logb []float64
	c          []float64 // cost [n, m], borrowed from the caller
	eps        float64
	// alpha and beta are the absorbed potentials, P = diag(u)·K·diag(v) with
	// K[i,j] = exp((alpha_i + beta_j − C[i,j])/ε).
	alpha, beta []float64
	u, v        []float64
	k           []float64 // kernel, and the plan after finish
	plan        []float64 // the plan (aliases k after finish)
	w           []float64
	rowSum      []float64
	colSum      []float64
	parts       partials
	errParts    []float64
	costParts   []float64
	fallback    []bool
	// blockFallback marks the reduction blocks with a fallback row.
	blockFallback []bool
	// newton and laplace are the buffers of newtonSolve and solveLaplacian,
	// saved holds the potentials from before a Newton phase.
	newton, laplace, saved []float64
	// kernelValid reports that k holds the kernel for the current alpha,
	// beta, eps and cost. fresh reports that no iteration has run on it
	// since solve began, so the plan before the next iteration does not have
	// exact column sums and its row error is no convergence measure.
	kernelValid bool
	fresh       bool
	// prebuilt reports that prebuildRows filled k for the cost of the next
	// solve.
	prebuilt bool
	// refPlan, when not nil, is a plan ([n, m]) that finish compares with
	// the plan it writes; refProduct compares with the product plan a·bᵀ
	// instead. finish stores ||P − ref||₁ in refChange, so that entropic GW
	// gets the change of its plan without another pass over both plans.
	refPlan     []float64
	refProduct  bool
	refChange   float64
	changeParts []float64
}

func newSinkhornEngine(a, b []float64) *sinkhornEngine {
	n, m := len(a), len(b)
	e := &sinkhornEngine{
		n: n, m: m, a: a, b: b,
		loga: make([]float64, n), logb: make([]float64, m),
		alpha: make([]float64, n), beta: make([]float64, m),
		u: make([]float64, n), v: make([]float64, m),
		w: make([]float64, m), rowSum: make([]float64, n), colSum: make([]float64, m),
		fallback: make([]bool, n),
	}
	for i, x := range a {
		e.loga[i] = math.Log(x)
	}
	for j, x := range b {
		e.logb[j] = math.Log(x)
	}
	return e
}

// potentials returns f, g in the a⊗b-weighted convention.
func (e *sinkhornEngine) potentials(eps float64) Potentials {
	f, g := make([]float64, e.n), make([]float64, e.m)
	for i := range f {
		f[i] = e.alpha[i] + eps*math.Log(e.u[i]) - eps*e.loga[i]
	}
	for j := range g {
		g[j] = e.beta[j] + eps*math.Log(e.v[j]) - eps*e.logb[j]
	}
	return Potentials{F: f, G: g}
}

type sinkhornOutcome struct {
	iterations    int
	status        Status
	marginalError float64
	trace         []float64
}

// solve runs Sinkhorn on cost c ([n, m]) from the engine's current potentials
// and leaves the plan in e.plan, its marginals in e.rowSum and e.colSum.
func (e *sinkhornEngine) solve(c []float64, s Sinkhorn) (sinkhornOutcome, error) {
	e.kernelValid = e.prebuilt && e.canPrebuild(s) && len(c) > 0 && &c[0] == &e.c[0]
	e.prebuilt = false
	e.fresh = true
	e.c = c
	for i := range e.u {
		e.u[i] = 1
	}
	for j := range e.v {
		e.v[j] = 1
	}

	// ε starts at the cost range under EpsilonScaling. The Newton switch
	// comes newtonAfter iterations after ε reaches its target.
	eps := startEpsilon(c, s)
	newtonAt := e.newtonAfter()
	if eps > s.Epsilon {
		newtonAt += int(math.Ceil(math.Log(s.Epsilon/eps)/math.Log(s.EpsilonScaling))) + 1
	}

	var out sinkhornOutcome
	for it := 1; it <= s.MaxIterations; it++ {
		if eps != e.eps {
			e.absorb()
			e.eps = eps
			e.kernelValid = false
		}
		var rowErr float64
		var valid bool
		var err error
		if s.Mode == LogDomain {
			rowErr, valid, err = e.logIteration()
		} else {
			rowErr, valid, err = e.kernelIteration()
		}
		if err != nil {
			return out, err
		}
		out.iterations = it
		if eps > s.Epsilon {
			eps = max(s.Epsilon, eps*s.EpsilonScaling)
			continue
		}

		if it == newtonAt && s.Mode == Stabilized && e.newtonUsable() {
			steps, converged, progressed, err := e.newtonPhase(s, it, rowErr, &out)
			if err != nil {
				return out, err
			}
			it += steps
			out.iterations = it
			if converged {
				out.status = Converged
				break
			}
			// Another phase follows after as many Sinkhorn iterations, unless
			// this one ended no better than it started.
			newtonAt = -1
			if progressed {
				newtonAt = it + e.newtonAfter()
			}
			continue
		}

		if it%s.CheckEvery != 0 || !valid {
			continue
		}
		out.trace = append(out.trace, rowErr)
		if rowErr <= s.Threshold {
			converged, err := e.confirm(s)
			if err != nil {
				return out, err
			}
			if converged {
				out.status = Converged
				break
			}
		}
	}

	if out.status != Converged {
		out.status = IterationLimit
		if err := e.finish(s.Mode); err != nil {
			return out, err
		}
	}
	out.marginalError = e.marginalError()
	return out, nil
}

// startEpsilon returns the first ε: Epsilon, or under EpsilonScaling the
// larger of Epsilon and the range of the costs.
func startEpsilon(c []float64, s Sinkhorn) float64 {
	if s.EpsilonScaling == 0 {
		return s.Epsilon
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range c {
		lo, hi = min(lo, x), max(hi, x)
	}
	return max(s.Epsilon, hi-lo)
}

// confirm writes the plan, which the last update improved, and reports
// whether its marginal error meets the threshold. When it does not, the
// iterations go on from the absorbed potentials.
func (e *sinkhornEngine) confirm(s Sinkhorn) (bool, error) {
	if err := e.finish(s.Mode); err != nil {
		return false, err
	}
	if e.marginalError() <= s.Threshold {
		return true, nil
	}
	e.kernelValid = false
	if s.Mode == Stabilized {
		e.absorb()
	}
	return false, nil
}

// newtonPhase runs Newton steps after iteration it and appends their errors
// to out.trace. It returns the number of steps, whether the plan converged
// and whether the phase ended with a smaller marginal error than the
// Sinkhorn iterate it started from (rowErr). When it did not, the potentials
// go back to that iterate and Sinkhorn resumes from there.
func (e *sinkhornEngine) newtonPhase(s Sinkhorn, it int, rowErr float64, out *sinkhornOutcome) (int, bool, bool, error) {
	e.absorb()
	e.saved = append(append(e.saved[:0], e.alpha...), e.beta...)
	alpha0, beta0 := e.saved[:e.n], e.saved[e.n:]
	steps, trace, ok := e.newtonSolve(s.Threshold, min(s.MaxIterations-it, newtonMaxSteps))
	out.trace = append(out.trace, trace...)
	e.kernelValid = false
	progressed := ok || (len(trace) > 0 && trace[len(trace)-1] < rowErr)
	if !progressed {
		copy(e.alpha, alpha0)
		copy(e.beta, beta0)
	}
	if !ok {
		return steps, false, progressed, nil
	}
	if err := e.finish(s.Mode); err != nil {
		return steps, false, progressed, err
	}
	return steps, e.marginalError() <= s.Threshold, progressed, nil
}

// absorb moves the scalings into the potentials: alpha += ε log u, beta +=
// ε log v, u = v = 1. It invalidates the kernel.
func (e *sinkhornEngine) absorb() {
	if e.eps == 0 {
		return
	}
	for i, x := range e.u {
		if x != 1 {
			e.alpha[i] += e.eps * math.Log(x)
			e.u[i] = 1
		}
	}
	for j, x := range e.v {
		if x != 1 {
			e.beta[j] += e.eps * math.Log(x)
			e.v[j] = 1
		}
	}
	e.kernelValid = false
}

// canPrebuild reports whether the kernel of the next solve with settings s
// can be built before it, at the current ε: s keeps ε fixed from the start
// and iterates on the kernel.
func (e *sinkhornEngine) canPrebuild(s Sinkhorn) bool {
	return s.Mode == Stabilized && s.EpsilonScaling == 0 && e.eps == s.Epsilon
}

// beginPrebuild prepares k for prebuildRows with the cost c of the next
// solve. The caller checks canPrebuild first, and the scalings must be 1, as
// finish leaves them.
func (e *sinkhornEngine) beginPrebuild(c []float64) {
	if len(e.k) != e.n*e.m {
		e.k = make([]float64, e.n*e.m)
	}
	e.c = c
	e.prebuilt = true
}

// prebuildRows computes rows lo to hi of the kernel of the cost given to
// beginPrebuild, as buildKernel would at the start of the next solve. A
// caller that has just written those cost rows builds their kernel rows
// while the costs are still in cache. Calls on disjoint rows may run
// concurrently.
func (e *sinkhornEngine) prebuildRows(lo, hi int) { e.kernelRows(lo, hi) }

// buildKernel computes K from alpha, beta (u = v = 1 on entry). Each row is
// shifted so that its largest entry is 1: the shift moves into alpha_i, which
// leaves the next row update, u_i = a_i/(K·v)_i, unchanged.
func (e *sinkhornEngine) buildKernel() {
	n, m := e.n, e.m
	if len(e.k) != n*m {
		e.k = make([]float64, n*m)
	}
	if serial(n, n*m*8) {
		e.kernelRows(0, n)
	} else {
		forRows(n, n*m*8, e.kernelRows)
	}
	e.kernelValid = true
}

// kernelRows computes rows lo to hi of the shifted kernel for buildKernel.
func (e *sinkhornEngine) kernelRows(lo, hi int) {
	m, inv := e.m, 1/e.eps
	for i := lo; i < hi; i++ {
		ki := e.k[i*m : (i+1)*m]
		ci := e.c[i*m : (i+1)*m]
		ai := e.alpha[i]
		top := exponents(ki, e.beta, ci, ai, inv)
		expShift(ki, ki, top)
		e.alpha[i] = ai - e.eps*top
		e.u[i] = 1
	}
}

// kernelIteration runs one stabilised iteration: u = a/(K·v), then
// v = b/(Kᵀ·u), in one pass over K. It returns the row-marginal error of the
// plan before the iteration (whose column marginals are exact) and whether
// that error is meaningful (false right after the kernel was rebuilt).
func (e *sinkhornEngine) kernelIteration() (float64, bool, error) {
	valid := e.kernelValid && !e.fresh
	if !e.kernelValid {
		e.buildKernel()
	}
	e.fresh = false
	n, m := e.n, e.m
	nb := numBlocks(n)
	e.parts.reset(nb, m)
	if len(e.errParts) != nb {
		e.errParts = make([]float64, nb)
	}
	if len(e.blockFallback) != nb {
		e.blockFallback = make([]bool, nb)
	}
	if serial(nb, 2*n*m) {
		eachBlock(n, nb, e.rowUpdate)
	} else {
		forBlocks(n, nb, 2*n*m, e.rowUpdate)
	}
	rowErr := sum(e.errParts)
	for blk, any := range e.blockFallback {
		if !any {
			continue
		}
		lo, hi := blockRange(n, nb, blk)
		for i := lo; i < hi; i++ {
			if e.fallback[i] {
				e.fallback[i] = false
				e.rowFallback(i)
				axpy(e.u[i], e.k[i*m:(i+1)*m], e.parts.block(blk))
			}
		}
	}
	e.parts.sumInto(e.w)
	for j, wj := range e.w {
		if !(wj >= tinySum) || math.IsInf(wj, 1) {
			e.colFallback(j)
			continue
		}
		e.v[j] = e.b[j] / wj
	}

	if e.scalingsOutOfRange() {
		e.absorb()
	}
	if math.IsNaN(rowErr) {
		return 0, false, fmt.Errorf("%w: NaN in the Sinkhorn row sums at ε = %v", ErrNumerical, e.eps)
	}
	return rowErr, valid, nil
}

// rowUpdate sets u_i = a_i/(K·v)_i for the rows lo to hi of block blk and
// adds u_i·K_i to the block's partial column sums. It marks the rows whose
// kernel sum is out of range for a log-sum-exp fallback. Rows go four at a
// time through dot4 and axpy4, which read v and the partial sums once for
// four rows.
func (e *sinkhornEngine) rowUpdate(blk, lo, hi int) {
	m := e.m
	e.blockFallback[blk] = false
	w := e.parts.block(blk)
	var errSum float64
	i := lo
	for ; i+4 <= hi; i += 4 {
		var s [4]float64
		k4 := e.k[i*m:]
		dot4(k4, m, e.v, &s)
		inRange := true
		for r, sr := range s {
			errSum += math.Abs(e.u[i+r]*sr - e.a[i+r])
			if !(sr >= tinySum) || math.IsInf(sr, 1) {
				e.fallback[i+r] = true
				inRange = false
				continue
			}
			e.u[i+r] = e.a[i+r] / sr
		}
		if inRange {
			axpy4((*[4]float64)(e.u[i:i+4]), k4, m, w)
			continue
		}
		e.blockFallback[blk] = true
		for r := 0; r < 4; r++ {
			if !e.fallback[i+r] {
				axpy(e.u[i+r], k4[r*m:(r+1)*m], w)
			}
		}
	}
	for ; i < hi; i++ {
		ki := e.k[i*m : (i+1)*m]
		s := dot(ki, e.v)
		errSum += math.Abs(e.u[i]*s - e.a[i])
		if !(s >= tinySum) || math.IsInf(s, 1) {
			e.fallback[i] = true
			e.blockFallback[blk] = true
			continue
		}
		e.u[i] = e.a[i] / s
		axpy(e.u[i], ki, w)
	}
	e.errParts[blk] = errSum
}

func (e *sinkhornEngine) scalingsOutOfRange() bool {
	lo, hi := math.Exp(-absorbLimit), math.Exp(absorbLimit)
	for _, x := range e.u {
		if x < lo || x > hi {
			return true
		}
	}
	for _, x := range e.v {
		if x < lo || x > hi {
			return true
		}
	}
	return false
}

// rowFallback sets row i's potential by a log-sum-exp, alpha_i = ε log a_i −
// ε·LSE_j((beta_j + ε log v_j − C[i,j])/ε), recomputes kernel row i and sets
// u_i = 1.
func (e *sinkhornEngine) rowFallback(i int) {
	m, eps := e.m, e.eps
	ci := e.c[i*m : (i+1)*m]
	ki := e.k[i*m : (i+1)*m]
	top := math.Inf(-1)
	for j, cij := range ci {
		t := (e.beta[j] + eps*math.Log(e.v[j]) - cij) / eps
		ki[j] = t
		top = max(top, t)
	}
	var s float64
	for _, t := range ki {
		s += math.Exp(t - top)
	}
	e.alpha[i] = eps*e.loga[i] - eps*(top+math.Log(s))
	for j, cij := range ci {
		ki[j] = math.Exp((e.alpha[i] + e.beta[j] - cij) / eps)
	}
	e.u[i] = 1
}

// colFallback sets column j's potential by a log-sum-exp over the rows,
// recomputes kernel column j and sets v_j = 1.
func (e *sinkhornEngine) colFallback(j int) {
	n, m, eps := e.n, e.m, e.eps
	top := math.Inf(-1)
	for i := 0; i < n; i++ {
		t := (e.alpha[i] + eps*math.Log(e.u[i]) - e.c[i*m+j]) / eps
		top = max(top, t)
	}
	var s float64
	for i := 0; i < n; i++ {
		t := (e.alpha[i] + eps*math.Log(e.u[i]) - e.c[i*m+j]) / eps
		s += math.Exp(t - top)
	}
	e.beta[j] = eps*e.logb[j] - eps*(top+math.Log(s))
	for i := 0; i < n; i++ {
		e.k[i*m+j] = math.Exp((e.alpha[i] + e.beta[j] - e.c[i*m+j]) / eps)
	}
	e.v[j] = 1
}

// logIteration runs one log-domain iteration on the potentials alpha, beta
// (u = v = 1 throughout). It returns the row-marginal error of the plan
// before the iteration.
func (e *sinkhornEngine) logIteration() (float64, bool, error) {
	n, m, eps, c := e.n, e.m, e.eps, e.c
	inv := 1 / eps
	nb := numBlocks(n)
	if len(e.errParts) != nb {
		e.errParts = make([]float64, nb)
	}

	// Rows: alpha_i = ε log a_i − ε LSE_j((beta_j − C[i,j])/ε). The old
	// row sum exp(alpha_i/ε + LSE) gives the error at no extra cost.
	forBlocks(n, nb, 8*n*m, func(blk, lo, hi int) {
		var errSum float64
		for i := lo; i < hi; i++ {
			ci := c[i*m : (i+1)*m]
			top := math.Inf(-1)
			for j, cij := range ci {
				top = max(top, (e.beta[j]-cij)*inv)
			}
			var s float64
			for j, cij := range ci {
				s += math.Exp((e.beta[j]-cij)*inv - top)
			}
			lse := top + math.Log(s)
			errSum += math.Abs(math.Exp(e.alpha[i]*inv+lse) - e.a[i])
			e.alpha[i] = eps*e.loga[i] - eps*lse
		}
		e.errParts[blk] = errSum
	})
	rowErr := sum(e.errParts)

	// Columns: beta_j = ε log b_j − ε LSE_i((alpha_i − C[i,j])/ε), with a
	// per-column maximum first, then per-block partial sums in block order.
	top := e.w
	for j := range top {
		top[j] = math.Inf(-1)
	}
	for i := 0; i < n; i++ {
		ai := e.alpha[i]
		for j, cij := range c[i*m : (i+1)*m] {
			top[j] = max(top[j], (ai-cij)*inv)
		}
	}
	e.parts.reset(nb, m)
	forBlocks(n, nb, 8*n*m, func(blk, lo, hi int) {
		acc := e.parts.block(blk)
		for i := lo; i < hi; i++ {
			ai := e.alpha[i]
			for j, cij := range c[i*m : (i+1)*m] {
				acc[j] += math.Exp((ai-cij)*inv - top[j])
			}
		}
	})
	e.parts.sumInto(e.colSum)
	for j := range e.beta {
		e.beta[j] = eps*e.logb[j] - eps*(top[j]+math.Log(e.colSum[j]))
	}
	if math.IsNaN(rowErr) {
		return 0, false, fmt.Errorf("%w: NaN in the log-domain row sums at ε = %v", ErrNumerical, e.eps)
	}
	e.kernelValid = false
	return rowErr, true, nil
}

// finish writes the plan P = diag(u)·K·diag(v) over the kernel buffer and
// records its row and column sums. In log-domain mode it first builds the
// kernel of the final potentials.
func (e *sinkhornEngine) finish(mode SinkhornMode) error {
	n, m := e.n, e.m
	if mode == LogDomain || !e.kernelValid {
		e.absorb()
		e.buildKernelExact()
	}
	nb := numBlocks(n)
	e.parts.reset(nb, m)
	if len(e.changeParts) != nb {
		e.changeParts = make([]float64, nb)
	}
	if serial(nb, 2*n*m) {
		eachBlock(n, nb, e.planRows)
	} else {
		forBlocks(n, nb, 2*n*m, e.planRows)
	}
	e.parts.sumInto(e.colSum)
	e.refChange = sum(e.changeParts)
	// The kernel buffer now holds the plan; fold the scalings into the
	// potentials so that alpha, beta describe the plan alone.
	e.absorb()
	e.plan = e.k
	e.kernelValid = false
	for _, x := range e.rowSum {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w: the Sinkhorn plan has a non-finite row sum at ε = %v", ErrNumerical, e.eps)
		}
	}
	return nil
}

// planRows writes rows lo to hi of the plan P = diag(u)·K·diag(v) over the
// kernel, their sums into rowSum, their column sums into block blk's
// partials and their L1 distance from the reference plan, if any, into
// changeParts[blk].
func (e *sinkhornEngine) planRows(blk, lo, hi int) {
	m := e.m
	col := e.parts.block(blk)
	var change float64
	for i := lo; i < hi; i++ {
		ki := e.k[i*m : (i+1)*m]
		e.rowSum[i] = planRow(ki, ki, e.v, col, e.u[i])
		switch {
		case e.refPlan != nil:
			change += absDiffSum(ki, e.refPlan[i*m:(i+1)*m], 1)
		case e.refProduct:
			change += absDiffSum(ki, e.b, e.a[i])
		}
	}
	e.changeParts[blk] = change
}

// buildKernelExact computes K = exp((alpha ⊕ beta − C)/ε) without the row
// shift, so that u = v = 1 describes the plan of the current potentials.
// Entries below e^-708 are set to 0.
func (e *sinkhornEngine) buildKernelExact() {
	n, m := e.n, e.m
	if len(e.k) != n*m {
		e.k = make([]float64, n*m)
	}
	if serial(n, n*m*8) {
		e.exactKernelRows(0, n)
	} else {
		forRows(n, n*m*8, e.exactKernelRows)
	}
}

// exactKernelRows computes rows lo to hi of the kernel for buildKernelExact.
func (e *sinkhornEngine) exactKernelRows(lo, hi int) {
	m, inv := e.m, 1/e.eps
	for i := lo; i < hi; i++ {
		ki := e.k[i*m : (i+1)*m]
		ci := e.c[i*m : (i+1)*m]
		exponents(ki, e.beta, ci, e.alpha[i], inv)
		expShift(ki, ki, 0)
	}
}

func (e *sinkhornEngine) marginalError() float64 {
	var s float64
	for i, x := range e.rowSum {
		s += math.Abs(x - e.a[i])
	}
	for j, x := range e.colSum {
		s += math.Abs(x - e.b[j])
	}
	return s
}

// planCost returns <C, P> for the plan left by finish.
func (e *sinkhornEngine) planCost() float64 {
	n, m := e.n, e.m
	nb := numBlocks(n)
	if len(e.costParts) != nb {
		e.costParts = make([]float64, nb)
	}
	if serial(nb, n*m) {
		eachBlock(n, nb, e.planCostBlock)
	} else {
		forBlocks(n, nb, n*m, e.planCostBlock)
	}
	return sum(e.costParts)
}

// planCostBlock stores <C, P> over the rows lo to hi in costParts[blk].
func (e *sinkhornEngine) planCostBlock(blk, lo, hi int) {
	m := e.m
	e.costParts[blk] = dot(e.plan[lo*m:hi*m], e.c[lo*m:hi*m])
}
