package gmg

import (
	"errors"
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/ot"
)

// Sentinel errors. Every error of the package wraps one of them or an error of
// package ot (ot.ErrNotFinite for NaN or ±Inf points, ot.ErrNumerical for a
// solver breakdown), so callers can test the cause with errors.Is.
var (
	// ErrShape reports a batch whose reference points and images differ in
	// number, or that is empty.
	ErrShape = errors.New("gmg: invalid batch shape")
	// ErrSettings reports an invalid field of Estimator or an undefined
	// Regularizer or Solver value.
	ErrSettings = errors.New("gmg: invalid setting")
)

// Regularizer selects the quantity that Evaluate and Loss compute. The zero
// value is GMGRegularizer.
type Regularizer int

const (
	// GMGRegularizer is the Gromov-Monge gap GMG_n = DST_n − GW.
	GMGRegularizer Regularizer = iota
	// DSTRegularizer is the distortion DST_n = E(I/n).
	DSTRegularizer
)

// String returns "gmg" or "dst".
func (r Regularizer) String() string {
	switch r {
	case GMGRegularizer:
		return "gmg"
	case DSTRegularizer:
		return "dst"
	}
	return fmt.Sprintf("Regularizer(%d)", int(r))
}

// ParseRegularizer returns the Regularizer named s ("gmg" or "dst").
func ParseRegularizer(s string) (Regularizer, error) {
	switch s {
	case "gmg":
		return GMGRegularizer, nil
	case "dst":
		return DSTRegularizer, nil
	}
	return 0, fmt.Errorf("%w: regularizer %q: valid values are gmg, dst", ErrSettings, s)
}

// Solver selects the Gromov-Wasserstein solver behind GW and GMG. The zero
// value is Entropic.
type Solver int

const (
	// Entropic is mirror descent on E − ε·H (ot.EntropicGW), started from the
	// identity plan I/n. Its GMG estimate DST_n − E(P_ε) can be slightly
	// negative, because the entropy blurs P_ε while I/n is sharp.
	Entropic Solver = iota
	// Exact is conditional gradient with exact linear steps (ot.ExactGW),
	// started from I/n. It returns a local minimum with E ≤ E(I/n), so its GMG
	// is never negative; each step solves an O(n³) assignment, which suits
	// small batches and tests.
	Exact
)

// String returns "entropic" or "exact".
func (s Solver) String() string {
	switch s {
	case Entropic:
		return "entropic"
	case Exact:
		return "exact"
	}
	return fmt.Sprintf("Solver(%d)", int(s))
}

// ParseSolver returns the Solver named s ("entropic" or "exact").
func ParseSolver(s string) (Solver, error) {
	switch s {
	case "entropic":
		return Entropic, nil
	case "exact":
		return Exact, nil
	}
	return 0, fmt.Errorf("%w: solver %q: valid values are entropic, exact", ErrSettings, s)
}

// Estimator computes DST, GW and GMG on a batch of reference points X [n, p]
// and their images Y [n, q] under a map, with uniform weights 1/n. The zero
// value is ready to use: squared-Euclidean costs on both sides, the entropic
// solver with relative ε₀ = 0.01, and no gradient into the reference points.
// An Estimator is a value with no state, safe for concurrent use.
type Estimator struct {
	// CostX is the cost c_X between reference points. The zero value is
	// ot.SqEuclidean.
	CostX ot.Cost
	// CostY is the cost c_Y between images. The zero value is ot.SqEuclidean.
	CostY ot.Cost
	// Solver selects the GW solver. The zero value is Entropic.
	Solver Solver
	// Epsilon is the entropic regularisation of the Entropic solver: ε₀ when
	// EpsilonMode is relative, ε itself when absolute. Zero means
	// ot.DefaultEpsilon (0.01); a negative value is an error. Exact ignores it.
	Epsilon float64
	// EpsilonMode says how Epsilon is read. The zero value, relative, uses
	// ε = ε₀·mean|Cx|·mean|Cy| (ε₀ itself when that product is zero). For the
	// non-negative squared-Euclidean costs this is ot's relative ε. The
	// absolute values keep ε away from zero for Cosine and InnerProduct,
	// whose mean can vanish: points spread evenly on a circle have mean
	// cosine 0. Gradients hold ε constant.
	EpsilonMode ot.EpsilonMode
	// Threshold is the stopping tolerance of the solver: the L1 change of the
	// plan between outer steps for Entropic, the relative decrease of E for
	// Exact. Zero means the solver's default (ot.DefaultEntropicThreshold or
	// ot.DefaultExactThreshold).
	Threshold float64
	// MaxIterations caps the outer steps of the solver. Zero means
	// ot.DefaultGWMaxIterations.
	MaxIterations int
	// Sinkhorn sets the inner solves of the Entropic solver, as
	// ot.EntropicGW.Sinkhorn does; its Epsilon is ignored. The zero value
	// keeps ot's defaults.
	Sinkhorn ot.Sinkhorn
	// Accelerate turns on the Anderson mixing of ot.EntropicGW for the
	// Entropic solver; Exact ignores it. The zero value, off, runs plain
	// mirror descent, as POT does. On this package's benchmark batch (64
	// decoded images, cosine costs) it cut the outer steps from 11 to 7.
	// Where E − ε·H has several stationary points near I/n, the mixing can
	// reach another one than the plain iteration.
	Accelerate bool
	// ReferenceGradient, when true, makes Loss propagate gradients into the
	// reference points X as well as into Y. The zero value, false, treats X
	// as a constant (stop-gradient), which is what a regulariser on an
	// encoder or a decoder usually wants.
	ReferenceGradient bool
	// Progress, when not nil, is called after every outer step of the solver.
	Progress func(ot.GWProgress)
}

// Result is the outcome of Evaluate on one batch.
type Result struct {
	// Regularizer is the quantity Value holds.
	Regularizer Regularizer
	// Value is DST or GMG, as Regularizer says.
	Value float64
	// DST is DST_n = (1/(2n²)) Σ_{i,k} (Cx[i,k] − Cy[i,k])² = E(I/n).
	DST float64
	// GW is E(P) at the solver's plan P, without any entropy term. It is NaN
	// for DSTRegularizer, which runs no solver.
	GW float64
	// GMG is DST_n − E(P). It is computed as ⟨PᵀCxP − Cx/n², Cy⟩ plus the
	// terms from P's marginal error, which stays accurate when DST and E(P)
	// are both large and is exactly 0 when P = I/n; it agrees with DST − GW up
	// to rounding. NaN for DSTRegularizer.
	GMG float64
	// Solve is the solver's result, with its plan, status and iterations. It
	// is nil for DSTRegularizer.
	Solve *ot.GWResult

	x, y   *cloud
	gradCy []float64 // ∂Value/∂Cy, [n, n], symmetric
	gradCx []float64 // ∂Value/∂Cx, [n, n], symmetric
}

// DST returns the distortion DST_n of the map x_i ↦ y_i: the GW objective of
// the identity coupling I/n. It is zero exactly when Cx = Cy.
func (e Estimator) DST(x, y *ot.Matrix) (float64, error) {
	r, err := e.Evaluate(DSTRegularizer, x, y)
	if err != nil {
		return 0, err
	}
	return r.Value, nil
}

// GMG returns the Gromov-Monge gap of the map x_i ↦ y_i with its parts and
// the solver's result.
func (e Estimator) GMG(x, y *ot.Matrix) (*Result, error) {
	return e.Evaluate(GMGRegularizer, x, y)
}

// GW solves the Gromov-Wasserstein problem between the batches x and y with
// the estimator's solver, started from the identity plan I/n.
func (e Estimator) GW(x, y *ot.Matrix) (*ot.GWResult, error) {
	gx, gy, err := e.geometries(x, y)
	if err != nil {
		return nil, err
	}
	return e.solve(gx.geom, gy.geom, identityPlan(gx.n))
}

// Evaluate computes the regulariser r on the batch of reference points x
// [n, p] and images y [n, q], one point per row. Result.GradientX and
// Result.GradientY then return its gradients with respect to the points.
// Errors wrap ErrShape (row counts differ), ErrSettings, ot.ErrNotFinite
// (naming the row of a NaN or ±Inf) or ot.ErrNumerical. A solver that stops
// at its iteration cap is reported in Result.Solve.Status, not as an error.
// The costs take O(n²(p+q)) to compute; a GMG solve adds O(n²·r) per outer
// step, with r the smaller of n and the rank of the costs.
func (e Estimator) Evaluate(r Regularizer, x, y *ot.Matrix) (*Result, error) {
	if r != GMGRegularizer && r != DSTRegularizer {
		return nil, fmt.Errorf("%w: %v", ErrSettings, r)
	}
	gx, gy, err := e.geometries(x, y)
	if err != nil {
		return nil, err
	}
	return e.evaluate(r, gx, gy, identityPlan(gx.n))
}

// evaluate computes the regulariser r on the checked clouds gx and gy,
// starting the solver from init (I/n).
func (e Estimator) evaluate(r Regularizer, gx, gy *cloud, init *ot.Matrix) (*Result, error) {
	res := &Result{
		Regularizer: r,
		DST:         distortion(gx.geom, gy.geom),
		GW:          math.NaN(),
		GMG:         math.NaN(),
		x:           gx,
		y:           gy,
	}
	if r == DSTRegularizer {
		res.Value = res.DST
		res.gradCy, res.gradCx = dstCostGradients(gx.geom, gy.geom)
		return res, nil
	}

	sol, err := e.solve(gx.geom, gy.geom, init)
	if err != nil {
		return nil, err
	}
	res.Solve = sol
	res.GW = sol.GW
	if err := res.setGap(); err != nil {
		return nil, err
	}
	res.Value = res.GMG
	return res, nil
}

// checkSettings returns an error wrapping ErrSettings for an invalid field.
func (e Estimator) checkSettings() error {
	if e.Solver != Entropic && e.Solver != Exact {
		return fmt.Errorf("%w: %v", ErrSettings, e.Solver)
	}
	if e.Epsilon < 0 || math.IsNaN(e.Epsilon) || math.IsInf(e.Epsilon, 0) {
		return fmt.Errorf("%w: epsilon %v: it must be a finite number ≥ 0 (0 means %v)", ErrSettings, e.Epsilon, ot.DefaultEpsilon)
	}
	if e.Threshold < 0 || math.IsNaN(e.Threshold) || e.MaxIterations < 0 {
		return fmt.Errorf("%w: threshold %v and max iterations %d must not be negative (0 means the default)", ErrSettings, e.Threshold, e.MaxIterations)
	}
	return nil
}

// geometries checks the settings and the batch and returns its two clouds.
func (e Estimator) geometries(x, y *ot.Matrix) (*cloud, *cloud, error) {
	if err := e.checkSettings(); err != nil {
		return nil, nil, err
	}
	if x == nil || y == nil || x.Rows < 1 || y.Rows < 1 {
		return nil, nil, fmt.Errorf("%w: the batch needs at least one reference point and one image", ErrShape)
	}
	if x.Rows != y.Rows {
		return nil, nil, fmt.Errorf("%w: %d reference points and %d images: a map has one image per point", ErrShape, x.Rows, y.Rows)
	}
	gx, err := newCloud(x, e.CostX)
	if err != nil {
		return nil, nil, fmt.Errorf("gmg: reference points: %w", err)
	}
	gy, err := newCloud(y, e.CostY)
	if err != nil {
		return nil, nil, fmt.Errorf("gmg: images: %w", err)
	}
	return gx, gy, nil
}

// AbsoluteEpsilon returns the absolute ε that the Entropic solver uses on the
// batch x, y, as EpsilonMode describes.
func (e Estimator) AbsoluteEpsilon(x, y *ot.Matrix) (float64, error) {
	gx, gy, err := e.geometries(x, y)
	if err != nil {
		return 0, err
	}
	return e.absoluteEpsilon(gx.geom, gy.geom)
}

func (e Estimator) absoluteEpsilon(gx, gy ot.Geometry) (float64, error) {
	eps := e.Epsilon
	if eps == 0 {
		eps = ot.DefaultEpsilon
	}
	switch e.EpsilonMode {
	case ot.AbsoluteEpsilon:
		return eps, nil
	case ot.RelativeEpsilon:
		if scale := meanAbs(gx) * meanAbs(gy); scale > 0 {
			eps *= scale
		}
		if !(eps > 0) {
			return 0, fmt.Errorf("%w: relative epsilon %v times the mean absolute costs underflows to 0; use an absolute epsilon", ErrSettings, e.Epsilon)
		}
		return eps, nil
	}
	return 0, fmt.Errorf("%w: epsilon mode %v", ErrSettings, e.EpsilonMode)
}

// solve runs the chosen solver from init, the identity plan I/n. Each call
// starts afresh: the potentials of an earlier batch belong to other points.
func (e Estimator) solve(gx, gy ot.Geometry, init *ot.Matrix) (*ot.GWResult, error) {
	q, err := ot.NewQuadraticProblem(gx, gy, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("gmg: %w", err)
	}
	var sol *ot.GWResult
	switch e.Solver {
	case Exact:
		sol, err = ot.ExactGW{
			Threshold:     e.Threshold,
			MaxIterations: e.MaxIterations,
			Init:          init,
			Progress:      e.Progress,
		}.Solve(q)
	default:
		eps, epsErr := e.absoluteEpsilon(gx, gy)
		if epsErr != nil {
			return nil, epsErr
		}
		sol, err = ot.EntropicGW{
			Epsilon:       eps,
			EpsilonMode:   ot.AbsoluteEpsilon,
			Threshold:     e.Threshold,
			MaxIterations: e.MaxIterations,
			Sinkhorn:      e.Sinkhorn,
			Accelerate:    e.Accelerate,
			Init:          init,
			Progress:      e.Progress,
		}.Solve(q)
	}
	if err != nil {
		return nil, fmt.Errorf("gmg: %v solver: %w", e.Solver, err)
	}
	return sol, nil
}

// identityPlan returns I/n, the coupling of the map x_i ↦ y_i.
func identityPlan(n int) *ot.Matrix {
	p := &ot.Matrix{Rows: n, Cols: n, Data: make([]float64, n*n)}
	for i := 0; i < n; i++ {
		p.Data[i*n+i] = 1 / float64(n)
	}
	return p
}

// meanAbs returns the mean of |C[i, k]| over the n² entries.
func meanAbs(g ot.Geometry) float64 {
	n := g.Len()
	var total float64
	for i := 0; i < n; i++ {
		var row float64
		for k := 0; k < n; k++ {
			row += math.Abs(g.At(i, k))
		}
		total += row
	}
	return total / float64(n*n)
}

// distortion returns DST_n = (1/(2n²)) Σ (Cx − Cy)².
func distortion(gx, gy ot.Geometry) float64 {
	n := gx.Len()
	var total float64
	for i := 0; i < n; i++ {
		var row float64
		for k := 0; k < n; k++ {
			d := gx.At(i, k) - gy.At(i, k)
			row += d * d
		}
		total += row
	}
	return total / (2 * float64(n) * float64(n))
}

// dstCostGradients returns ∂DST/∂Cy = (Cy − Cx)/n² and ∂DST/∂Cx = −∂DST/∂Cy.
func dstCostGradients(gx, gy ot.Geometry) (gradCy, gradCx []float64) {
	n := gx.Len()
	inv := 1 / (float64(n) * float64(n))
	gradCy, gradCx = make([]float64, n*n), make([]float64, n*n)
	for i := 0; i < n; i++ {
		for k := 0; k < n; k++ {
			d := (gy.At(i, k) - gx.At(i, k)) * inv
			gradCy[i*n+k] = d
			gradCx[i*n+k] = -d
		}
	}
	return gradCy, gradCx
}
