package experiment

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gromov-monge/gmg/metrics"
	"github.com/gromov-monge/gmg/vae"
)

// ErrInvalidConfig is returned, wrapped, for a Config or EvalConfig field
// outside its valid range; the message names the field and the valid range.
var ErrInvalidConfig = errors.New("experiment: invalid config")

// Config holds every setting of a training run: the dataset, the model and
// its objective, the step budget and the cadence of logs, checkpoints and
// evaluations. A run directory stores it as config.json.
type Config struct {
	// Dataset is the dataset's name, one of data.Names().
	Dataset string `json:"dataset"`
	// DataDir is the directory of the published dataset files; empty uses
	// the procedural generator.
	DataDir string `json:"data_dir"`
	// VAE holds the model, objective, regulariser and optimiser settings.
	VAE vae.Config `json:"vae"`
	// Steps is the number of training steps of the run.
	Steps int64 `json:"steps"`
	// LogEvery is the number of steps between lines of log.jsonl; the last
	// step is always logged. Must be at least 1.
	LogEvery int64 `json:"log_every"`
	// CheckpointEvery is the number of steps between checkpoints. Zero
	// saves only at the end and when training is interrupted.
	CheckpointEvery int64 `json:"checkpoint_every"`
	// EvalEvery is the number of steps between evaluations during training.
	// Zero evaluates only at the end.
	EvalEvery int64 `json:"eval_every"`
	// Eval sets the evaluation's sample counts.
	Eval EvalConfig `json:"eval"`
}

// EvalConfig sets the sample counts of an evaluation. FullEval returns
// disentanglement_lib's counts; QuickEval returns smaller ones.
type EvalConfig struct {
	// Metrics are the metrics to compute, in metrics.AllMetrics order.
	Metrics []metrics.Metric `json:"-"`
	// NumTrain and NumTest are the sizes of the training and test splits of
	// MIG, SAP, DCI, modularity, the unsupervised scores and IRS.
	NumTrain int `json:"num_train"`
	NumTest  int `json:"num_test"`
	// BetaVAETrain and BetaVAEEval are the numbers of training and
	// evaluation points of the BetaVAE score, each from 64 image pairs.
	BetaVAETrain int `json:"beta_vae_train"`
	BetaVAEEval  int `json:"beta_vae_eval"`
	// FactorVAETrain and FactorVAEEval are the numbers of training and
	// evaluation votes of the FactorVAE score, each from 64 images, and
	// FactorVAEVariance the number of images behind the codes' variances.
	FactorVAETrain    int `json:"factor_vae_train"`
	FactorVAEEval     int `json:"factor_vae_eval"`
	FactorVAEVariance int `json:"factor_vae_variance"`
	// Seed seeds every draw of the evaluation and of the figures.
	Seed uint64 `json:"seed"`
}

// FullEval returns disentanglement_lib's sample counts for all metrics:
// 10,000 training and 5,000 test points for the code metrics, the BetaVAE
// and FactorVAE scores, and 10,000 images for FactorVAE's variances.
func FullEval() EvalConfig {
	return EvalConfig{
		Metrics:  metrics.AllMetrics(),
		NumTrain: 10000, NumTest: 5000,
		BetaVAETrain: 10000, BetaVAEEval: 5000,
		FactorVAETrain: 10000, FactorVAEEval: 5000, FactorVAEVariance: 10000,
	}
}

// QuickEval returns reduced sample counts for all metrics, about 15 times
// fewer encoded images than FullEval: 5,000 training and 2,500 test points
// for the code metrics, 500 and 250 points for BetaVAE and FactorVAE, and
// 5,000 images for FactorVAE's variances. Scores from it are noisier
// estimates of the same quantities, and the DCI, SAP and modularity
// classifiers see half the training data.
func QuickEval() EvalConfig {
	return EvalConfig{
		Metrics:  metrics.AllMetrics(),
		NumTrain: 5000, NumTest: 2500,
		BetaVAETrain: 500, BetaVAEEval: 250,
		FactorVAETrain: 500, FactorVAEEval: 250, FactorVAEVariance: 5000,
	}
}

// Counts describes the sample counts of the metrics in e.Metrics, e.g.
// "5000 training and 2500 test points for the code metrics, 500 training
// and 250 evaluation points for BetaVAE".
func (e EvalConfig) Counts() string {
	var code, betaVAE, factorVAE bool
	for _, m := range e.Metrics {
		switch m {
		case metrics.BetaVAEMetric:
			betaVAE = true
		case metrics.FactorVAEMetric:
			factorVAE = true
		default:
			code = true
		}
	}
	var parts []string
	if code {
		parts = append(parts, fmt.Sprintf("%d training and %d test points for the code metrics", e.NumTrain, e.NumTest))
	}
	if betaVAE {
		parts = append(parts, fmt.Sprintf("%d training and %d evaluation points for BetaVAE", e.BetaVAETrain, e.BetaVAEEval))
	}
	if factorVAE {
		parts = append(parts, fmt.Sprintf("%d training and %d evaluation votes and %d variance images for FactorVAE",
			e.FactorVAETrain, e.FactorVAEEval, e.FactorVAEVariance))
	}
	return strings.Join(parts, ", ")
}

// Reduced reports whether any count is below FullEval's.
func (e EvalConfig) Reduced() bool {
	f := FullEval()
	return e.NumTrain < f.NumTrain || e.NumTest < f.NumTest ||
		e.BetaVAETrain < f.BetaVAETrain || e.BetaVAEEval < f.BetaVAEEval ||
		e.FactorVAETrain < f.FactorVAETrain || e.FactorVAEEval < f.FactorVAEEval ||
		e.FactorVAEVariance < f.FactorVAEVariance
}

// Validate returns an error wrapping ErrInvalidConfig naming every count
// below 1, a training split smaller than the 20 histogram bins, or an
// empty metric list.
func (e EvalConfig) Validate() error {
	var problems []string
	for _, c := range []struct {
		name  string
		value int
	}{
		{"num-train", e.NumTrain}, {"num-test", e.NumTest},
		{"beta-vae-train", e.BetaVAETrain}, {"beta-vae-eval", e.BetaVAEEval},
		{"factor-vae-train", e.FactorVAETrain}, {"factor-vae-eval", e.FactorVAEEval},
		{"factor-vae-variance", e.FactorVAEVariance},
	} {
		if c.value < 1 {
			problems = append(problems, fmt.Sprintf("%s %d: must be at least 1", c.name, c.value))
		}
	}
	if e.NumTrain >= 1 && e.NumTrain < metrics.DefaultNumBins {
		problems = append(problems, fmt.Sprintf("num-train %d: must be at least the %d histogram bins", e.NumTrain, metrics.DefaultNumBins))
	}
	if len(e.Metrics) == 0 {
		problems = append(problems, "metrics: the list is empty")
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: evaluation %s", ErrInvalidConfig, strings.Join(problems, "; "))
}

// metricsConfig returns the metrics package's configuration for e. Images
// are sampled and encoded 64 at a time, not 16 as in disentanglement_lib,
// which makes the encoder's matrix products faster. For a dataset whose
// Observe draws nuisance variables (SmallNORB's instance), the batch size
// changes which images are drawn but not their distribution.
func (e EvalConfig) metricsConfig() metrics.Config {
	c := metrics.Config{
		NumTrain: e.NumTrain, NumTest: e.NumTest,
		BatchSize: 64,
		Seed:      e.Seed,
		BetaVAE:   metrics.BetaVAEConfig{NumTrain: e.BetaVAETrain, NumEval: e.BetaVAEEval},
		FactorVAE: metrics.FactorVAEConfig{NumTrain: e.FactorVAETrain, NumEval: e.FactorVAEEval, NumVarianceEstimate: e.FactorVAEVariance},
		SAP:       metrics.SAPConfig{Seed: e.Seed},
	}
	c.GBT.Seed = uint32(e.Seed)
	return c
}

// evalConfigJSON adds the metric names to EvalConfig's JSON form.
type evalConfigJSON struct {
	Metrics []string `json:"metrics"`
	evalCounts
}

// evalCounts is EvalConfig without its methods, so that embedding it does
// not recurse into EvalConfig's MarshalJSON.
type evalCounts EvalConfig

// MarshalJSON writes the metrics by name.
func (e EvalConfig) MarshalJSON() ([]byte, error) {
	names := make([]string, len(e.Metrics))
	for i, m := range e.Metrics {
		names[i] = m.String()
	}
	return json.Marshal(evalConfigJSON{Metrics: names, evalCounts: evalCounts(e)})
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (e *EvalConfig) UnmarshalJSON(b []byte) error {
	var j evalConfigJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*e = EvalConfig(j.evalCounts)
	e.Metrics = nil
	for _, name := range j.Metrics {
		m, err := metrics.ParseMetric(name)
		if err != nil {
			return err
		}
		e.Metrics = append(e.Metrics, m)
	}
	return nil
}

// Validate returns an error wrapping ErrInvalidConfig (or vae's) naming
// every invalid field. It does not open the dataset.
func (c Config) Validate() error {
	var problems []string
	if c.Dataset == "" {
		problems = append(problems, "dataset: missing")
	}
	if c.Steps < 1 {
		problems = append(problems, fmt.Sprintf("steps %d: must be at least 1", c.Steps))
	}
	if c.LogEvery < 1 {
		problems = append(problems, fmt.Sprintf("log-every %d: must be at least 1", c.LogEvery))
	}
	if c.CheckpointEvery < 0 {
		problems = append(problems, fmt.Sprintf("checkpoint-every %d: must be ≥ 0 (0 saves at the end and on interrupt only)", c.CheckpointEvery))
	}
	if c.EvalEvery < 0 {
		problems = append(problems, fmt.Sprintf("eval-every %d: must be ≥ 0 (0 evaluates at the end only)", c.EvalEvery))
	}
	var errs []error
	if len(problems) > 0 {
		errs = append(errs, fmt.Errorf("%w: %s", ErrInvalidConfig, strings.Join(problems, "; ")))
	}
	if err := c.VAE.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Eval.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
