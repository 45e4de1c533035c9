package metrics

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/gromov-monge/gmg/data"
	"github.com/gromov-monge/gmg/internal/learn"
)

// Metric names one score family. The zero value is BetaVAEMetric.
type Metric int

// The metrics, in the order Evaluate computes them.
const (
	BetaVAEMetric Metric = iota
	FactorVAEMetric
	MIGMetric
	SAPMetric
	DCIMetric
	ModularityMetric
	UnsupervisedMetric
	IRSMetric
	numMetrics
)

var metricNames = [numMetrics]string{"beta_vae", "factor_vae", "mig", "sap", "dci", "modularity", "unsupervised", "irs"}

// String returns the metric's name as ParseMetric and the CLI spell it.
func (m Metric) String() string {
	if m < 0 || m >= numMetrics {
		return fmt.Sprintf("Metric(%d)", int(m))
	}
	return metricNames[m]
}

// AllMetrics returns every metric in evaluation order.
func AllMetrics() []Metric {
	out := make([]Metric, numMetrics)
	for i := range out {
		out[i] = Metric(i)
	}
	return out
}

// CodeMetrics returns the metrics that score precomputed codes and factors,
// every metric except BetaVAE and FactorVAE, which draw their own batches
// from a dataset.
func CodeMetrics() []Metric {
	return []Metric{MIGMetric, SAPMetric, DCIMetric, ModularityMetric, UnsupervisedMetric, IRSMetric}
}

// ParseMetric returns the metric called name.
func ParseMetric(name string) (Metric, error) {
	for i, n := range metricNames {
		if n == name {
			return Metric(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown metric %q (valid: %s)", ErrInvalidConfig, name, strings.Join(metricNames[:], ", "))
}

// Config sets up Evaluate and ScoreCodes. Zero fields take the values of
// disentanglement_lib's metric configurations.
type Config struct {
	// NumTrain and NumTest are the sizes of the training and test splits;
	// 0 means 10,000 and 5,000. MIG, the unsupervised scores and IRS use the
	// training split only.
	NumTrain, NumTest int
	// BatchSize is the number of observations encoded at a time when
	// sampling splits from a dataset; 0 means 16.
	BatchSize int
	// NumBins is the number of histogram bins per code; 0 means 20.
	NumBins int
	// Seed seeds every random draw. Each metric starts its own stream from
	// it, as each disentanglement_lib evaluation starts from random_seed.
	Seed uint64
	// GBT sets up DCI's classifiers; its Seed is the trees' random_state.
	GBT learn.GBTConfig
	// SAP, BetaVAE and FactorVAE set up those metrics.
	SAP       SAPConfig
	BetaVAE   BetaVAEConfig
	FactorVAE FactorVAEConfig
	// IRSQuantile is IRS's deviation quantile; 0 means 0.99.
	IRSQuantile float64
}

func (c Config) withDefaults() Config {
	if c.NumTrain == 0 {
		c.NumTrain = 10000
	}
	if c.NumTest == 0 {
		c.NumTest = 5000
	}
	if c.BatchSize == 0 {
		c.BatchSize = 16
	}
	if c.NumBins == 0 {
		c.NumBins = DefaultNumBins
	}
	return c
}

// Scores holds the results of the metrics that were computed; the others are
// nil.
type Scores struct {
	BetaVAE      *BetaVAEResult      `json:"beta_vae,omitempty"`
	FactorVAE    *FactorVAEResult    `json:"factor_vae,omitempty"`
	MIG          *MIGResult          `json:"mig,omitempty"`
	SAP          *SAPResult          `json:"sap,omitempty"`
	DCI          *DCIResult          `json:"dci,omitempty"`
	Modularity   *ModularityResult   `json:"modularity,omitempty"`
	Unsupervised *UnsupervisedResult `json:"unsupervised,omitempty"`
	IRS          *IRSResult          `json:"irs,omitempty"`
}

// Progress reports which metric Evaluate or ScoreCodes is computing.
type Progress struct {
	// Metric is the metric being computed; Done counts the metrics finished
	// and Total the metrics requested.
	Metric      Metric
	Done, Total int
}

// ScoreCodes scores precomputed codes: the first cfg.NumTrain rows of all are
// the training split and the next cfg.NumTest rows the test split. Rows past
// them are ignored. progress, if not nil, is called before each metric.
//
// It returns an error wrapping ErrInvalidInput, naming the sizes, when all has
// fewer than NumTrain+NumTest rows or NumTrain is smaller than NumBins, and
// rejects BetaVAE and FactorVAE, which need a dataset.
func ScoreCodes(ctx context.Context, all *Sample, metrics []Metric, cfg Config, progress func(Progress)) (*Scores, error) {
	cfg = cfg.withDefaults()
	if cfg.NumTrain < 1 || cfg.NumTest < 1 || cfg.NumBins < 1 {
		return nil, fmt.Errorf("%w: %d training rows, %d test rows and %d bins; all must be >= 1",
			ErrInvalidConfig, cfg.NumTrain, cfg.NumTest, cfg.NumBins)
	}
	if need := cfg.NumTrain + cfg.NumTest; all.n < need {
		return nil, fmt.Errorf("%w: %d rows of codes and factors, but %d training + %d test rows = %d are needed",
			ErrInvalidInput, all.n, cfg.NumTrain, cfg.NumTest, need)
	}
	if cfg.NumTrain < cfg.NumBins {
		return nil, fmt.Errorf("%w: %d training rows for %d histogram bins; use at least as many rows as bins",
			ErrInvalidInput, cfg.NumTrain, cfg.NumBins)
	}
	for _, m := range metrics {
		if m == BetaVAEMetric || m == FactorVAEMetric {
			return nil, fmt.Errorf("%w: %v draws its own batches from a dataset and cannot score precomputed codes", ErrInvalidConfig, m)
		}
	}
	train := all.Slice(0, cfg.NumTrain)
	test := all.Slice(cfg.NumTrain, cfg.NumTrain+cfg.NumTest)
	return scoreSplits(ctx, nil, Representation{}, train, test, metrics, cfg, progress)
}

// Evaluate scores a representation on a dataset with the sampling protocol of
// disentanglement_lib: every metric starts a random stream from cfg.Seed and
// draws its own splits (NumTrain, then NumTest observations with uniformly
// drawn factors, in batches of BatchSize); BetaVAE and FactorVAE draw their
// pairs and batches as their configurations set. progress, if not nil, is
// called before each metric.
func Evaluate(ctx context.Context, d data.Dataset, rep Representation, metrics []Metric, cfg Config, progress func(Progress)) (*Scores, error) {
	cfg = cfg.withDefaults()
	if rep.NumCodes < 1 || rep.Encode == nil {
		return nil, fmt.Errorf("%w: the representation needs NumCodes >= 1 and an Encode function (NumCodes %d, Encode set %v)",
			ErrInvalidConfig, rep.NumCodes, rep.Encode != nil)
	}
	if cfg.NumTrain < cfg.NumBins || cfg.NumTest < 1 || cfg.BatchSize < 1 {
		return nil, fmt.Errorf("%w: NumTrain %d must be at least NumBins %d, and NumTest %d and BatchSize %d at least 1",
			ErrInvalidConfig, cfg.NumTrain, cfg.NumBins, cfg.NumTest, cfg.BatchSize)
	}
	return scoreSplits(ctx, d, rep, nil, nil, metrics, cfg, progress)
}

// scoreSplits computes metrics either on the given splits (d nil) or on splits
// sampled from d per metric.
func scoreSplits(ctx context.Context, d data.Dataset, rep Representation, train, test *Sample,
	metrics []Metric, cfg Config, progress func(Progress)) (*Scores, error) {
	scores := &Scores{}
	for done, m := range metrics {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if progress != nil {
			progress(Progress{Metric: m, Done: done, Total: len(metrics)})
		}
		rng := rand.New(rand.NewPCG(cfg.Seed, 0))
		if d != nil && m != BetaVAEMetric && m != FactorVAEMetric {
			var err error
			if train, err = sampleCodes(ctx, d, rep, cfg.NumTrain, cfg.BatchSize, rng); err != nil {
				return nil, fmt.Errorf("metrics: %v: %w", m, err)
			}
			if test, err = sampleCodes(ctx, d, rep, cfg.NumTest, cfg.BatchSize, rng); err != nil {
				return nil, fmt.Errorf("metrics: %v: %w", m, err)
			}
		}
		var err error
		switch m {
		case BetaVAEMetric:
			scores.BetaVAE, err = BetaVAE(ctx, d, rep, cfg.BetaVAE, rng)
		case FactorVAEMetric:
			scores.FactorVAE, err = FactorVAE(ctx, d, rep, cfg.FactorVAE, rng)
		case MIGMetric:
			scores.MIG, err = MIG(train, cfg.NumBins)
		case SAPMetric:
			scores.SAP, err = SAP(ctx, train, test, cfg.SAP)
		case DCIMetric:
			scores.DCI, err = DCI(ctx, train, test, cfg.GBT)
		case ModularityMetric:
			scores.Modularity, err = ModularityExplicitness(train, test, cfg.NumBins)
		case UnsupervisedMetric:
			scores.Unsupervised, err = Unsupervised(train, cfg.NumBins)
		case IRSMetric:
			scores.IRS, err = IRS(train, cfg.NumBins, cfg.IRSQuantile)
		default:
			err = fmt.Errorf("%w: unknown metric %v", ErrInvalidConfig, m)
		}
		if err != nil {
			return nil, fmt.Errorf("metrics: %v: %w", m, err)
		}
	}
	return scores, nil
}
