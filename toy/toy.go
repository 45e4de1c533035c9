package toy

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
)

// ErrSettings reports an invalid Config field.
var ErrSettings = errors.New("toy: invalid setting")

// Row is one row of the study: a target distribution and the cost under which
// the map's geometry is compared. The zero value is Square.
type Row int

const (
	// Square maps the source onto the uniform distribution on the square
	// [−1, 1]², with squared-Euclidean costs on both sides.
	Square Row = iota
	// Ring maps the source onto a ring of radius 1 around the origin, with
	// cosine costs on both sides, so that angles are what a map preserves.
	Ring
)

// Rows lists the rows in the order of the figure.
var Rows = []Row{Square, Ring}

// String returns "square" or "ring".
func (r Row) String() string {
	switch r {
	case Square:
		return "square"
	case Ring:
		return "ring"
	}
	return fmt.Sprintf("Row(%d)", int(r))
}

// Cost returns the cost of the row's regularisers.
func (r Row) Cost() ot.Cost {
	if r == Ring {
		return ot.Cosine
	}
	return ot.SqEuclidean
}

// Method is the regulariser a map is fitted with. The zero value is
// Unregularized.
type Method int

const (
	// Unregularized fits the map with the fitting loss alone.
	Unregularized Method = iota
	// WithDST adds λ times the distortion DST.
	WithDST
	// WithGMG adds λ times the Gromov-Monge gap GMG.
	WithGMG
)

// Methods lists the methods in the order of the figure.
var Methods = []Method{Unregularized, WithDST, WithGMG}

// String returns "none", "dst" or "gmg".
func (m Method) String() string {
	switch m {
	case Unregularized:
		return "none"
	case WithDST:
		return "dst"
	case WithGMG:
		return "gmg"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Defaults of Config.
const (
	DefaultSteps           = 400
	DefaultLambda          = 3.0
	DefaultBatch           = 128
	DefaultHidden          = 64
	DefaultLearningRate    = 1e-2
	DefaultSinkhornEpsilon = 0.01
	DefaultEvalPoints      = 512
)

// Config sets up the study. The zero value runs the default study with seed 0.
type Config struct {
	// Steps is the number of Adam steps per fitted map. Zero means
	// DefaultSteps.
	Steps int
	// Seed selects the random draws: initial weights, training batches and
	// evaluation samples. Equal seeds give bit-identical results for a fixed
	// BLAS backend and worker count.
	Seed uint64
	// Lambda weighs the regulariser. The training loss is fit + λ·R/s², with
	// s the standard deviation of the source's cost matrix under the row's
	// cost, so that λ has no unit and one value suits both rows. Zero means DefaultLambda;
	// use a tiny positive value for a nearly unregularised fit.
	Lambda float64
	// Batch is the number of source and target points per step. Zero means
	// DefaultBatch.
	Batch int
	// Hidden is the width of the map's two hidden layers. Zero means
	// DefaultHidden.
	Hidden int
	// LearningRate is Adam's step size. Zero means DefaultLearningRate.
	LearningRate float64
	// SinkhornEpsilon is the entropic regularisation of the fitting loss, in
	// squared units of the plane. Zero means DefaultSinkhornEpsilon.
	SinkhornEpsilon float64
	// EvalPoints is the number of fresh source and target points on which
	// the fitted maps are evaluated and drawn. Zero means DefaultEvalPoints.
	EvalPoints int
	// Rows restricts the study to these rows; nil means all rows.
	Rows []Row
	// Progress, when not nil, is called after every training step.
	Progress func(Progress)
}

// Progress reports one training step.
type Progress struct {
	Row    Row
	Method Method
	// Step counts from 1 to Steps.
	Step, Steps int
	// Fit is the fitting loss and Regularizer the unweighted regulariser on
	// this step's batch; Regularizer is 0 for Unregularized.
	Fit, Regularizer float64
}

// Results is the outcome of Run.
type Results struct {
	// Config is the configuration with its defaults filled in.
	Config Config
	// Rows has one entry per row, in the order of Config.Rows.
	Rows []RowResult
}

// RowResult holds the evaluation sample of one row and the maps fitted on it.
type RowResult struct {
	Row Row
	// Cost is the cost of the row's DST and GMG.
	Cost ot.Cost
	// Source and Target are the fresh evaluation samples, [EvalPoints, 2].
	Source, Target *ot.Matrix
	// CostScale is s, the standard deviation of the source's cost matrix,
	// whose square divides the regulariser in the training loss.
	CostScale float64
	// Methods has one entry per method, in the order of Methods.
	Methods []MethodResult
}

// MethodResult is one fitted map, evaluated on the row's fresh samples.
type MethodResult struct {
	Method Method
	// Mapped is the image of RowResult.Source under the fitted map.
	Mapped *ot.Matrix
	// Fit is the debiased Sinkhorn divergence between Mapped and
	// RowResult.Target, in squared units of the plane.
	Fit float64
	// DST and GMG are the distortion and the Gromov-Monge gap of the map
	// Source → Mapped under the row's cost (entropic solver, ε₀ = 0.01).
	DST, GMG float64
	// GMGStatus is the status of the GW solve behind GMG.
	GMGStatus ot.Status
	// TrainSeconds is the wall time of the training loop.
	TrainSeconds float64
	// FinalLoss is the training loss of the last step.
	FinalLoss float64
}

// withDefaults returns c with zero fields replaced by their defaults, or an
// error naming an invalid field.
func (c Config) withDefaults() (Config, error) {
	if c.Steps == 0 {
		c.Steps = DefaultSteps
	}
	if c.Lambda == 0 {
		c.Lambda = DefaultLambda
	}
	if c.Batch == 0 {
		c.Batch = DefaultBatch
	}
	if c.Hidden == 0 {
		c.Hidden = DefaultHidden
	}
	if c.LearningRate == 0 {
		c.LearningRate = DefaultLearningRate
	}
	if c.SinkhornEpsilon == 0 {
		c.SinkhornEpsilon = DefaultSinkhornEpsilon
	}
	if c.EvalPoints == 0 {
		c.EvalPoints = DefaultEvalPoints
	}
	if c.Rows == nil {
		c.Rows = Rows
	}
	switch {
	case c.Steps < 1:
		return c, fmt.Errorf("%w: steps %d: it must be at least 1", ErrSettings, c.Steps)
	case !(c.Lambda > 0) || math.IsInf(c.Lambda, 0):
		return c, fmt.Errorf("%w: lambda %v: it must be a positive finite number", ErrSettings, c.Lambda)
	case c.Batch < 2:
		return c, fmt.Errorf("%w: batch %d: it must be at least 2", ErrSettings, c.Batch)
	case c.Hidden < 1:
		return c, fmt.Errorf("%w: hidden width %d: it must be at least 1", ErrSettings, c.Hidden)
	case !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0):
		return c, fmt.Errorf("%w: learning rate %v: it must be a positive finite number", ErrSettings, c.LearningRate)
	case !(c.SinkhornEpsilon > 0) || math.IsInf(c.SinkhornEpsilon, 0):
		return c, fmt.Errorf("%w: Sinkhorn epsilon %v: it must be a positive finite number", ErrSettings, c.SinkhornEpsilon)
	case c.EvalPoints < 2:
		return c, fmt.Errorf("%w: evaluation points %d: it must be at least 2", ErrSettings, c.EvalPoints)
	}
	for _, r := range c.Rows {
		if r != Square && r != Ring {
			return c, fmt.Errorf("%w: %v", ErrSettings, r)
		}
	}
	return c, nil
}

// Run fits one map per row and method and evaluates each on fresh samples.
// It returns early with ctx's error when ctx is cancelled. Other errors come
// from the solvers (a NaN in a map's output, for instance, wraps
// ot.ErrNotFinite).
func Run(ctx context.Context, cfg Config) (*Results, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		return nil, fmt.Errorf("toy: %w", err)
	}
	res := &Results{Config: cfg}
	for _, row := range cfg.Rows {
		rr, err := runRow(ctx, cfg, blas, row)
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, *rr)
	}
	return res, nil
}

// Random streams of one row: the same initial weights and batches serve all
// methods, so that the regulariser is the only difference between them.
const (
	streamInit = iota
	streamBatches
	streamEval
	streamScale
)

func rowRNG(cfg Config, row Row, stream int) *rand.Rand {
	return rand.New(rand.NewPCG(cfg.Seed, uint64(row)<<8|uint64(stream)))
}

// scaleSamplePoints is the size of the source sample that sets m.
const scaleSamplePoints = 2048

func runRow(ctx context.Context, cfg Config, blas tensor.BLAS, row Row) (*RowResult, error) {
	cost := row.Cost()
	scaleSample := sampleSource(rowRNG(cfg, row, streamScale), scaleSamplePoints)
	scaleCloud, err := ot.NewPointCloud(scaleSample, cost, ot.NormalizeNone)
	if err != nil {
		return nil, fmt.Errorf("toy: %w", err)
	}
	evalRNG := rowRNG(cfg, row, streamEval)
	rr := &RowResult{
		Row:       row,
		Cost:      cost,
		Source:    sampleSource(evalRNG, cfg.EvalPoints),
		Target:    sampleTarget(row, evalRNG, cfg.EvalPoints),
		CostScale: costSpread(scaleCloud),
	}
	for _, m := range Methods {
		f := &fitter{cfg: cfg, row: row, method: m, blas: blas, costScale: rr.CostScale}
		mr, err := f.run(ctx, rr.Source, rr.Target)
		if err != nil {
			return nil, fmt.Errorf("toy: %v row, %v: %w", row, m, err)
		}
		rr.Methods = append(rr.Methods, *mr)
	}
	return rr, nil
}

// costSpread returns the standard deviation of the n² entries of g's cost
// matrix: the scale over which a map can change the costs, which a constant
// offset (the cosine of nearby directions is close to 1) does not change.
func costSpread(g *ot.PointCloud) float64 {
	n := g.Len()
	mean := g.Mean()
	var total float64
	for i := 0; i < n; i++ {
		var row float64
		for k := 0; k < n; k++ {
			d := g.At(i, k) - mean
			row += d * d
		}
		total += row
	}
	return math.Sqrt(total / float64(n*n))
}
