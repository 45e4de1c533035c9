package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gromov-monge/gmg/data"
	"github.com/gromov-monge/gmg/metrics"
	"github.com/gromov-monge/gmg/vae"
)

// figureStream is the PCG stream, next to EvalConfig.Seed, of the images
// behind the figures.
const figureStream = 7

// Evaluation is the result of scoring a run's encoder means with the
// disentanglement metrics.
type Evaluation struct {
	// Step is the training step of the scored model.
	Step int64 `json:"step"`
	// Dataset and Source name the dataset and where its images came from.
	Dataset string `json:"dataset"`
	Source  string `json:"source"`
	// Eval holds the sample counts; Reduced is true when any is below
	// disentanglement_lib's.
	Eval    EvalConfig `json:"eval"`
	Reduced bool       `json:"reduced_counts"`
	// Seconds is the wall-clock time of the evaluation.
	Seconds float64 `json:"seconds"`
	// Scores holds every computed metric.
	Scores *metrics.Scores `json:"scores"`
}

// Evaluate scores the trainer's current encoder means on the run's dataset
// with the metrics and counts of cfg, as metrics.Evaluate does.
// progress, if not nil, is called before each metric.
func (r *Run) Evaluate(ctx context.Context, cfg EvalConfig, progress func(metrics.Progress)) (*Evaluation, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	d := r.Trainer.Dataset()
	scores, err := metrics.Evaluate(ctx, d, r.Trainer.Representation(), cfg.Metrics, cfg.metricsConfig(), progress)
	if err != nil {
		return nil, err
	}
	ev := &Evaluation{
		Step: r.Trainer.Steps(), Dataset: d.Name(), Source: d.Source(),
		Eval: cfg, Reduced: cfg.Reduced(),
		Seconds: time.Since(start).Seconds(), Scores: scores,
	}
	r.logger.Info("evaluated", "run", r.Dir, "step", ev.Step, "seconds", ev.Seconds)
	return ev, nil
}

// SaveEvaluation writes ev as JSON to metrics.json when final is true, else
// to evals/step-NNNNNNNNN.json, and returns the path.
func (r *Run) SaveEvaluation(ev *Evaluation, final bool) (string, error) {
	path := filepath.Join(r.Dir, MetricsFile)
	if !final {
		dir := filepath.Join(r.Dir, EvalDir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("experiment: %w", err)
		}
		path = filepath.Join(dir, fmt.Sprintf("step-%09d.json", ev.Step))
	}
	b, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		return "", fmt.Errorf("experiment: %w", err)
	}
	return path, writeFileAtomic(path, append(b, '\n'))
}

// SavePartialEvaluation writes ev, which scores only some of the run's
// metrics, as JSON to evals/step-NNNNNNNNN-METRICS.json (METRICS: the
// computed metrics joined by '-') and returns the path. It leaves
// metrics.json and the evaluations of the training loop unchanged.
func (r *Run) SavePartialEvaluation(ev *Evaluation) (string, error) {
	dir := filepath.Join(r.Dir, EvalDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("experiment: %w", err)
	}
	names := make([]string, len(ev.Eval.Metrics))
	for i, m := range ev.Eval.Metrics {
		names[i] = m.String()
	}
	path := filepath.Join(dir, fmt.Sprintf("step-%09d-%s.json", ev.Step, strings.Join(names, "-")))
	b, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		return "", fmt.Errorf("experiment: %w", err)
	}
	return path, writeFileAtomic(path, append(b, '\n'))
}

// ReadEvaluation reads the run's metrics.json.
func ReadEvaluation(dir string) (*Evaluation, error) {
	raw, err := os.ReadFile(filepath.Join(dir, MetricsFile))
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	var ev Evaluation
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, fmt.Errorf("experiment: %s: %w", filepath.Join(dir, MetricsFile), err)
	}
	return &ev, nil
}

// TraversalValues are the latent values of the traversal figure: ten
// points from −2 to 2, two standard deviations of the prior either side.
var TraversalValues = []float32{-2, -1.5555556, -1.1111112, -0.6666667, -0.22222222, 0.22222222, 0.6666667, 1.1111112, 1.5555556, 2}

// Traversal returns the latent traversal of the trained decoder around the
// encoder mean of one image drawn with the evaluation seed, rows ordered by
// the dimensions' mean KL over 256 drawn images.
func (r *Run) Traversal(seed uint64) (*vae.Traversal, error) {
	const klImages = 256
	images, err := r.drawImages(seed, klImages+1)
	if err != nil {
		return nil, err
	}
	size := r.Trainer.Dataset().ImageShape().Len()
	return r.Trainer.Traverse(images[:size], images[size:], klImages, TraversalValues), nil
}

// Reconstructions draws n images with the evaluation seed and returns them
// with their reconstructions, the decoded encoder means; both are
// [n, h, w, c].
func (r *Run) Reconstructions(seed uint64, n int) (inputs, outputs []float32, err error) {
	inputs, err = r.drawImages(seed, n)
	if err != nil {
		return nil, nil, err
	}
	outputs = make([]float32, len(inputs))
	r.Trainer.Reconstruct(inputs, n, outputs)
	return inputs, outputs, nil
}

func (r *Run) drawImages(seed uint64, n int) ([]float32, error) {
	rng := rand.New(rand.NewPCG(seed, figureStream))
	images, _, err := data.Batch(r.Trainer.Dataset(), n, rng)
	if err != nil {
		return nil, fmt.Errorf("experiment: drawing figure images: %w", err)
	}
	return images, nil
}
