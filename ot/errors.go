package ot

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error that the package returns wraps one of them, so
// callers can test the cause with errors.Is; the message names the bad value.
var (
	// ErrShape reports inconsistent or empty dimensions.
	ErrShape = errors.New("ot: invalid shape")
	// ErrNotFinite reports a NaN or ±Inf in the input.
	ErrNotFinite = errors.New("ot: value is not finite")
	// ErrWeights reports marginal weights that are not positive or whose sums
	// differ.
	ErrWeights = errors.New("ot: invalid weights")
	// ErrEpsilon reports an entropic regularisation that is not a positive
	// finite number.
	ErrEpsilon = errors.New("ot: invalid epsilon")
	// ErrSettings reports an invalid solver setting other than epsilon.
	ErrSettings = errors.New("ot: invalid setting")
	// ErrNumerical reports a NaN or ±Inf produced during a solve. The
	// log-domain fallbacks should prevent it, so it signals a bug or input at
	// the edge of the float64 range.
	ErrNumerical = errors.New("ot: numerical breakdown")
)

// Status is the reason a solver stopped. The zero value, NotRun, means that no solve
// took place.
type Status int

const (
	// NotRun is the zero value: the result does not come from a solve.
	NotRun Status = iota
	// Converged means that the stopping threshold was met.
	Converged
	// IterationLimit means that MaxIterations was reached first; the result is
	// the last iterate and is usable but less accurate than asked.
	IterationLimit
	// InnerIterationLimit means that the outer loop of a Gromov-Wasserstein
	// solver met its threshold but the last inner Sinkhorn solve, which
	// produced the plan, stopped at its own iteration cap. The plan's
	// marginals may then be off by more than the inner threshold (see
	// MarginalError).
	InnerIterationLimit
)

// String returns the status as a lower-case word, e.g. "converged".
func (s Status) String() string {
	switch s {
	case NotRun:
		return "not-run"
	case Converged:
		return "converged"
	case IterationLimit:
		return "iteration-limit"
	case InnerIterationLimit:
		return "inner-iteration-limit"
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}
