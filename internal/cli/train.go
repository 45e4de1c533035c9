package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/gromov-monge/gmg/data"
	"github.com/gromov-monge/gmg/experiment"
	"github.com/gromov-monge/gmg/metrics"
	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/report"
	"github.com/gromov-monge/gmg/tensor"
	"github.com/gromov-monge/gmg/vae"
)

func init() {
	register(&command{name: "train", summary: "train a VAE with a GMG or DST regulariser and score it", run: runTrain})
}

// defaultSteps is the step budget of gmg train without --steps, sized to
// finish in about ten minutes on two cores. With the default model (β-VAE +
// GMG on the decoder, batch 64, dSprites) and the quick evaluation, the whole
// command took 8 min 13 s on a 2-core AMD EPYC with OpenBLAS at load average
// below 1: 464 s of training at 21.6 steps/s and 28 s of evaluation. The
// pure-Go BLAS runs the training steps about five times slower.
const defaultSteps = 10000

const trainDescription = `
Train the convolutional VAE of disentanglement_lib (Locatello et al. 2019) on a
ground-truth-factor dataset, with the Gromov-Monge gap (GMG) or the distortion
(DST) as an extra loss term lambda*R, then score the encoder means with every
disentanglement metric and draw its figures.

The objective is one of beta-vae (reconstruction + beta*KL), beta-tcvae
(reconstruction + KL + (beta-1)*TC, minibatch-weighted sampling with N the
number of grid points), annealed-vae (reconstruction + gamma*|KL - C|, C raised
linearly to C_max), factor-vae (reconstruction + KL + gamma*TC from a
discriminator) and dip-vae-i / dip-vae-ii (KL plus covariance penalties). The
reconstruction loss is Bernoulli (sigmoid cross-entropy summed over pixels);
every term is averaged over the batch.

With --on decoder, R acts on z -> sigmoid(decoder(z)) with the batch of latent
samples as reference points; with --on encoder, on x -> encoder mean with the
flattened images as reference points. The reference points take no gradient.

The run directory (--out) receives config.json, log.jsonl (one JSON object
per logged step), checkpoints/ (the latest checkpoint, saved every
--checkpoint-every steps, at the end and on SIGINT or SIGTERM), metrics.json,
summary.md, loss.png, reconstructions.png and traversal.png. A run stopped in
any way, SIGKILL included, continues with --resume DIR to the same parameters,
bit for bit, as an uninterrupted run on the same BLAS backend.

Standard error shows a progress bar on a terminal and the log's JSON lines
otherwise. The scores are printed at the end. Without --full-eval the metrics
use reduced sample counts (see the count flags), which the output says.`

// trainFlags holds the parsed flags of gmg train.
type trainFlags struct {
	cfg    experiment.Config
	out    string
	resume string
	steps  int64
	set    map[string]bool // flags given on the command line
	json   bool
}

// resumeFlags are the flags that may accompany --resume; the others are
// fixed by the run's config.json.
var resumeFlags = map[string]bool{"resume": true, "steps": true, "json": true}

// evalCountFlags registers the sample-count flags shared by gmg train and
// gmg eval --run, showing the defaults of def, and returns a function that
// applies the flags given on the command line to a base configuration.
func evalCountFlags(fs *flag.FlagSet, def experiment.EvalConfig) func(base experiment.EvalConfig) (experiment.EvalConfig, error) {
	full := fs.Bool("full-eval", false, "use disentanglement_lib's sample counts (10,000 and 5,000 for every metric) for the counts not given")
	names := make([]string, 0)
	for _, m := range metrics.AllMetrics() {
		names = append(names, m.String())
	}
	list := fs.String("metrics", strings.Join(names, ","), "comma-separated metrics to compute")
	counts := []struct {
		name  string
		value *int
		field func(*experiment.EvalConfig) *int
	}{
		{"num-train", fs.Int("num-train", def.NumTrain, "training points of MIG, SAP, DCI, modularity, unsupervised and IRS"),
			func(c *experiment.EvalConfig) *int { return &c.NumTrain }},
		{"num-test", fs.Int("num-test", def.NumTest, "test points of SAP, DCI and modularity"),
			func(c *experiment.EvalConfig) *int { return &c.NumTest }},
		{"beta-vae-train", fs.Int("beta-vae-train", def.BetaVAETrain, "training points of the BetaVAE score, each from 64 image pairs"),
			func(c *experiment.EvalConfig) *int { return &c.BetaVAETrain }},
		{"beta-vae-eval", fs.Int("beta-vae-eval", def.BetaVAEEval, "evaluation points of the BetaVAE score"),
			func(c *experiment.EvalConfig) *int { return &c.BetaVAEEval }},
		{"factor-vae-train", fs.Int("factor-vae-train", def.FactorVAETrain, "training votes of the FactorVAE score, each from 64 images"),
			func(c *experiment.EvalConfig) *int { return &c.FactorVAETrain }},
		{"factor-vae-eval", fs.Int("factor-vae-eval", def.FactorVAEEval, "evaluation votes of the FactorVAE score"),
			func(c *experiment.EvalConfig) *int { return &c.FactorVAEEval }},
		{"factor-vae-variance", fs.Int("factor-vae-variance", def.FactorVAEVariance, "images behind the FactorVAE score's code variances"),
			func(c *experiment.EvalConfig) *int { return &c.FactorVAEVariance }},
	}
	seed := fs.Uint64("eval-seed", def.Seed, "seed, below 2^32, of the evaluation's draws and of the figures' images")
	return func(base experiment.EvalConfig) (experiment.EvalConfig, error) {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		c := base
		fullCounts := experiment.FullEval()
		for _, n := range counts {
			switch {
			case set[n.name]:
				*n.field(&c) = *n.value
			case *full:
				*n.field(&c) = *n.field(&fullCounts)
			}
		}
		if set["eval-seed"] {
			c.Seed = *seed
		}
		if c.Seed > 1<<32-1 {
			return c, usagef("invalid --eval-seed %d: must be below 2^32", c.Seed)
		}
		if set["metrics"] || len(c.Metrics) == 0 {
			c.Metrics = nil
			for _, name := range strings.Split(*list, ",") {
				m, err := metrics.ParseMetric(strings.TrimSpace(name))
				if err != nil {
					return c, usagef("invalid --metrics entry %q: valid values are %s", name, strings.Join(names, ", "))
				}
				c.Metrics = append(c.Metrics, m)
			}
		}
		if err := c.Validate(); err != nil {
			return c, usagef("%v", err)
		}
		return c, nil
	}
}

func parseTrainFlags(e *env, args []string) (*trainFlags, error) {
	fs := newFlagSet(e, "train", "gmg train [flags]\n  gmg train --resume DIR [--steps N]", trainDescription)
	def := vae.DefaultConfig()

	dataset := fs.String("dataset", "dsprites", "dataset: "+strings.Join(data.Names(), ", "))
	dataDir := dataDirFlag(fs)
	model := fs.String("model", def.Objective.String(), "objective: "+strings.Join(vae.ObjectiveNames(), ", "))
	beta := fs.Float64("beta", def.Beta, "β: weight of the KL term (beta-vae) or of (β-1)·TC (beta-tcvae), ≥ 0")
	reg := fs.String("reg", def.Regularizer.String(), "regularizer R added as lambda·R: "+strings.Join(vae.RegularizerNames(), ", "))
	cost := fs.String("cost", def.Cost.String(), "cost on both sides of the regularized map: sqeuclidean, inner, cosine, scaled-sqeuclidean")
	on := fs.String("on", def.Placement.String(), "map the regularizer acts on: "+strings.Join(vae.PlacementNames(), ", "))
	lambda := fs.Float64("lambda", def.Lambda, "λ: weight of the regularizer, ≥ 0")
	epsilon := fs.Float64("epsilon", def.Epsilon, "entropic regularization of GMG's GW solve, > 0: ε0 (relative) or ε (absolute)")
	epsMode := fs.String("epsilon-mode", def.EpsilonMode.String(), "how --epsilon is read: relative (ε = ε0·mean|Cx|·mean|Cy|) or absolute")
	steps := fs.Int64("steps", defaultSteps, "number of training steps (batches)")
	batch := fs.Int("batch-size", def.BatchSize, "images per training step")
	lr := fs.Float64("lr", def.LR, "Adam learning rate of the encoder and decoder")
	seed := fs.Uint64("seed", def.Seed, "seed of the weights, the data sampling and the reparameterization noise")
	latent := fs.Int("latent", def.Latent, "number of latent dimensions")
	smallKernels := fs.Bool("small-kernels", false, "use 2×2 kernels in the encoder's last two convolutions, as disentanglement_lib's code does")
	capGamma := fs.Float64("capacity-gamma", def.CapacityGamma, "annealed-vae: γ, weight of |KL - C|")
	capMax := fs.Float64("capacity-max", def.CapacityMax, "annealed-vae: final capacity C_max in nats")
	capSteps := fs.Int("capacity-steps", def.CapacitySteps, "annealed-vae: step at which C reaches C_max")
	factorGamma := fs.Float64("factor-gamma", def.FactorGamma, "factor-vae: γ, weight of the discriminator's TC estimate")
	discLR := fs.Float64("discriminator-lr", def.DiscriminatorLR, "factor-vae: Adam learning rate of the discriminator (β = 0.5, 0.9)")
	discUnits := fs.Int("discriminator-units", def.DiscriminatorUnits, "factor-vae: width of the discriminator's six hidden layers")
	lambdaOD := fs.Float64("lambda-od", def.LambdaOD, "dip-vae: λ_od, weight of the off-diagonal covariance penalty")
	lambdaD := fs.Float64("lambda-d", 0, "dip-vae: λ_d, weight of the diagonal penalty; unset means 10·λ_od for dip-vae-i and λ_od for dip-vae-ii")
	out := fs.String("out", "", "run directory; empty means runs/DATASET-MODEL-REG-SEED. It must not exist or be empty")
	resume := fs.String("resume", "", "continue the run in this directory from its latest checkpoint; only --steps may change")
	logEvery := fs.Int64("log-every", 10, "steps between log lines")
	ckptEvery := fs.Int64("checkpoint-every", 500, "steps between checkpoints; 0 saves only at the end and on SIGINT/SIGTERM")
	evalEvery := fs.Int64("eval-every", 0, "steps between evaluations (metrics and figures) during training; 0 evaluates only at the end")
	asJSON := fs.Bool("json", false, "print the final evaluation as JSON on standard output")
	evalCounts := evalCountFlags(fs, experiment.QuickEval())
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}

	f := &trainFlags{resume: *resume, steps: *steps, set: map[string]bool{}, json: *asJSON}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	if f.resume != "" {
		var fixed []string
		for name := range f.set {
			if !resumeFlags[name] {
				fixed = append(fixed, "--"+name)
			}
		}
		if len(fixed) > 0 {
			sort.Strings(fixed)
			return nil, usagef("%s cannot change with --resume: the run's config.json fixes every setting except --steps", strings.Join(fixed, ", "))
		}
		if *steps < 1 {
			return nil, usagef("invalid --steps %d: must be at least 1", *steps)
		}
		return f, nil
	}

	if err := choice("dataset", *dataset, data.Names()...); err != nil {
		return nil, err
	}
	cfg := def
	var err error
	if cfg.Objective, err = vae.ParseObjective(*model); err != nil {
		return nil, choice("model", *model, vae.ObjectiveNames()...)
	}
	if cfg.Regularizer, err = vae.ParseRegularizer(*reg); err != nil {
		return nil, choice("reg", *reg, vae.RegularizerNames()...)
	}
	if cfg.Placement, err = vae.ParsePlacement(*on); err != nil {
		return nil, choice("on", *on, vae.PlacementNames()...)
	}
	if cfg.Cost, err = ot.ParseCost(*cost); err != nil {
		return nil, choice("cost", *cost, "sqeuclidean", "inner", "cosine", "scaled-sqeuclidean")
	}
	if cfg.EpsilonMode, err = vae.ParseEpsilonMode(*epsMode); err != nil {
		return nil, choice("epsilon-mode", *epsMode, "relative", "absolute")
	}
	cfg.Beta, cfg.Lambda, cfg.Epsilon = *beta, *lambda, *epsilon
	cfg.BatchSize, cfg.LR, cfg.Seed, cfg.Latent, cfg.SmallKernels = *batch, *lr, *seed, *latent, *smallKernels
	cfg.CapacityGamma, cfg.CapacityMax, cfg.CapacitySteps = *capGamma, *capMax, *capSteps
	cfg.FactorGamma, cfg.DiscriminatorLR, cfg.DiscriminatorUnits = *factorGamma, *discLR, *discUnits
	cfg.LambdaOD = *lambdaOD
	cfg.LambdaD = vae.DefaultLambdaD(cfg.Objective, cfg.LambdaOD)
	if f.set["lambda-d"] {
		cfg.LambdaD = *lambdaD
	}

	dir := *dataDir
	if dir == "" {
		dir = os.Getenv(dataDirEnv)
	}
	if dir != "" {
		// An absolute path keeps a resumed run independent of the working
		// directory and of $GMG_DATA_DIR.
		if dir, err = filepath.Abs(dir); err != nil {
			return nil, err
		}
	}
	f.cfg = experiment.Config{
		Dataset: *dataset, DataDir: dir, VAE: cfg,
		Steps: *steps, LogEvery: *logEvery, CheckpointEvery: *ckptEvery, EvalEvery: *evalEvery,
	}
	if f.cfg.Eval, err = evalCounts(experiment.QuickEval()); err != nil {
		return nil, err
	}
	if err := f.cfg.Validate(); err != nil {
		return nil, usagef("%v", err)
	}

	f.out = *out
	if f.out == "" {
		f.out = filepath.Join("runs", fmt.Sprintf("%s-%v-%v-%d", *dataset, cfg.Objective, cfg.Regularizer, cfg.Seed))
	}
	return f, nil
}

// runLogger returns the logger of a run's library events: warnings and
// errors as text on a terminal, where a progress bar is drawn, and every
// event as JSON lines otherwise.
func runLogger(e *env) *slog.Logger {
	if e.terminal {
		return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewJSONHandler(e.stderr, nil))
}

func runTrain(e *env, args []string) error {
	f, err := parseTrainFlags(e, args)
	if err != nil {
		return err
	}
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		return err
	}
	opts := experiment.Options{BLAS: blas, Logger: runLogger(e)}

	var run *experiment.Run
	if f.resume != "" {
		if run, err = experiment.Open(f.resume, opts); err != nil {
			return err
		}
		if f.set["steps"] {
			if done := run.Trainer.Steps(); f.steps < done {
				return usagef("invalid --steps %d: the run in %s has already taken %d steps; give at least %d", f.steps, run.Dir, done, done)
			}
			if err := run.SetSteps(f.steps); err != nil {
				return err
			}
		}
		if run.Trainer.Steps() >= run.Config.Steps {
			if ev, err := experiment.ReadEvaluation(run.Dir); err == nil && ev.Step == run.Trainer.Steps() {
				fmt.Fprintf(e.stderr, "%s already finished its %d steps and was scored; train further with --steps N, or re-score with gmg eval --run %s\n",
					run.Dir, run.Config.Steps, run.Dir)
				return printRunResult(e, run, ev, nil, f.json)
			}
		}
		fmt.Fprintf(e.stderr, "resuming %s at step %d of %d\n", run.Dir, run.Trainer.Steps(), run.Config.Steps)
	} else {
		run, err = experiment.Create(f.out, f.cfg, opts)
		if errors.Is(err, experiment.ErrRunExists) {
			return fmt.Errorf("%s exists and is not empty: continue it with 'gmg train --resume %s' or choose another --out", f.out, f.out)
		}
		if err != nil {
			return err
		}
	}
	cfg := run.Config
	fmt.Fprintf(e.stderr, "run %s: %s, %v with %s, %d steps of %d images, BLAS %s\n",
		run.Dir, cfg.Dataset, cfg.VAE.Objective, regularizerText(cfg.VAE), cfg.Steps, cfg.VAE.BatchSize, blas.Name())

	bar := newProgressBar(e, "train", int(cfg.Steps-run.Trainer.Steps()))
	err = run.Train(e.ctx, experiment.TrainOptions{
		Progress: func(p experiment.Progress) {
			if e.terminal {
				bar.update(int(p.Stats.Step-p.StartStep), fmt.Sprintf("step %d %s", p.Stats.Step, termsText(p.Stats.Terms)))
			} else if p.Line != nil {
				e.stderr.Write(p.Line)
				io.WriteString(e.stderr, "\n")
			}
		},
		Evaluate: func(ctx context.Context, step int64) error {
			bar.finish()
			_, _, err := evaluateRun(ctx, e, run, cfg.Eval, savePeriodic)
			return err
		},
	})
	bar.finish()
	if errors.Is(err, experiment.ErrInterrupted) {
		if step := run.Trainer.Steps(); run.LastCheckpoint() == step {
			return fmt.Errorf("interrupted at step %d; checkpoint saved in %s\ncontinue with: gmg train --resume %s", step, run.Dir, run.Dir)
		}
		return fmt.Errorf("%w\ncontinue with: gmg train --resume %s", err, run.Dir)
	}
	if err != nil {
		return err
	}

	ev, _, err := evaluateRun(e.ctx, e, run, cfg.Eval, saveFinal)
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted during the final evaluation; the trained model is saved\n"+
			"score it with: gmg train --resume %s (or gmg eval --run %s)", run.Dir, run.Dir)
	}
	if err != nil {
		return err
	}
	return printRunResult(e, run, ev, []string{}, f.json)
}

// regularizerText describes the regularizer of c in a few words.
func regularizerText(c vae.Config) string {
	if c.Regularizer == vae.NoRegularizer {
		return "no regularizer"
	}
	return fmt.Sprintf("%v on the %v (%v cost, λ = %g)", c.Regularizer, c.Placement, c.Cost, c.Lambda)
}

// termsText formats loss terms for the progress bar, e.g. "loss 61.2 kl 3.1".
func termsText(terms []vae.Term) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s %.4g", shortTermName(t.Name), t.Value)
	}
	return b.String()
}

func shortTermName(name string) string {
	switch name {
	case "reconstruction":
		return "rec"
	case "discriminator":
		return "disc"
	}
	return name
}

// evaluateRun scores the run's current model, saves the evaluation (as
// metrics.json when final) and redraws the figures and the summary.
// evalSave selects where evaluateRun stores an evaluation.
type evalSave int

const (
	// savePeriodic writes evals/step-N.json, the figures and summary.md.
	savePeriodic evalSave = iota
	// saveFinal writes metrics.json, the figures and summary.md.
	saveFinal
	// savePartial writes only evals/step-N-METRICS.json, for a re-scoring
	// with some of the run's metrics that must not replace the full scores.
	savePartial
)

// evaluateRun scores the run's current model with cfg, stores the result
// where save selects and returns it with the path of its JSON file.
func evaluateRun(ctx context.Context, e *env, run *experiment.Run, cfg experiment.EvalConfig, save evalSave) (*experiment.Evaluation, string, error) {
	step := run.Trainer.Steps()
	if cfg.Reduced() {
		fmt.Fprintf(e.stderr, "evaluating step %d with reduced sample counts (use --full-eval for disentanglement_lib's)\n", step)
	} else {
		fmt.Fprintf(e.stderr, "evaluating step %d with disentanglement_lib's sample counts\n", step)
	}
	bar := newProgressBar(e, "eval", len(cfg.Metrics))
	ev, err := run.Evaluate(ctx, cfg, func(p metrics.Progress) {
		if e.terminal {
			bar.update(p.Done, p.Metric.String())
		} else {
			fmt.Fprintf(e.stderr, "{\"step\":%d,\"evaluating\":%q,\"done\":%d,\"total\":%d}\n", step, p.Metric, p.Done, p.Total)
		}
	})
	bar.update(len(cfg.Metrics), "")
	bar.finish()
	if err != nil {
		return nil, "", err
	}
	if save == savePartial {
		path, err := run.SavePartialEvaluation(ev)
		return ev, path, err
	}
	path, err := run.SaveEvaluation(ev, save == saveFinal)
	if err != nil {
		return nil, "", err
	}
	if err := drawRunFigures(run, cfg.Seed); err != nil {
		return nil, "", err
	}
	if err := run.WriteSummary(ev); err != nil {
		return nil, "", err
	}
	return ev, path, nil
}

// drawRunFigures writes the loss curves, the reconstructions and the latent
// traversal of the run's current model into its directory.
func drawRunFigures(run *experiment.Run, seed uint64) error {
	if err := drawLossCurves(run); err != nil {
		return err
	}
	if err := drawReconstructions(run, seed, filepath.Join(run.Dir, experiment.ReconstructionsFigure)); err != nil {
		return err
	}
	return drawTraversal(run, seed, filepath.Join(run.Dir, experiment.TraversalFigure), 1)
}

// drawLossCurves plots every logged term against the step.
func drawLossCurves(run *experiment.Run) error {
	entries, err := experiment.ReadLog(run.Dir)
	if err != nil || len(entries) == 0 {
		return err
	}
	var series []report.Series
	index := map[string]int{}
	for _, en := range entries {
		for _, t := range en.Terms {
			i, ok := index[t.Name]
			if !ok {
				i = len(series)
				index[t.Name] = i
				series = append(series, report.Series{Name: t.Name})
			}
			series[i].X = append(series[i].X, float64(en.Step))
			series[i].Y = append(series[i].Y, t.Value)
		}
	}
	c := run.Config
	fig := report.LossCurves{
		Title:  fmt.Sprintf("%s, %v, %s: batch means", c.Dataset, c.VAE.Objective, regularizerText(c.VAE)),
		XLabel: "step",
		Series: series,
	}
	return fig.SavePNG(filepath.Join(run.Dir, experiment.LossFigure))
}

// drawReconstructions draws eight images above their reconstructions.
func drawReconstructions(run *experiment.Run, seed uint64, path string) error {
	const n = 8
	inputs, outputs, err := run.Reconstructions(seed, n)
	if err != nil {
		return err
	}
	s := run.Trainer.Dataset().ImageShape()
	grid := report.NewImageGrid(2, n, s.Height, s.Width, s.Channels)
	grid.RowLabels = []string{"input", "output"}
	size := s.Len()
	for i := range n {
		if err := grid.Set(0, i, inputs[i*size:(i+1)*size]); err != nil {
			return err
		}
		if err := grid.Set(1, i, outputs[i*size:(i+1)*size]); err != nil {
			return fmt.Errorf("reconstruction %d: %w", i, err)
		}
	}
	return grid.SavePNG(path)
}

// drawTraversal draws one row per latent dimension, by decreasing KL, each
// row labelled with the dimension and its KL in nats.
func drawTraversal(run *experiment.Run, seed uint64, path string, scale int) error {
	tr, err := run.Traversal(seed)
	if err != nil {
		return err
	}
	s := run.Trainer.Dataset().ImageShape()
	grid := report.NewImageGrid(len(tr.Latents), len(tr.Values), s.Height, s.Width, s.Channels)
	grid.Scale = scale
	for _, v := range tr.Values {
		grid.ColumnLabels = append(grid.ColumnLabels, fmt.Sprintf("%.2f", v))
	}
	size := s.Len()
	for r, k := range tr.Latents {
		grid.RowLabels = append(grid.RowLabels, fmt.Sprintf("z%d KL %.2f", k, tr.KL[k]))
		for c := range tr.Values {
			i := r*len(tr.Values) + c
			if err := grid.Set(r, c, tr.Images[i*size:(i+1)*size]); err != nil {
				return fmt.Errorf("traversal of z%d: %w", k, err)
			}
		}
	}
	return grid.SavePNG(path)
}

// printRunResult prints the run's last loss terms and the scores of ev,
// then the files that the command wrote: wrote, or the run's metrics.json,
// summary and figures when wrote is empty. A nil wrote prints no such line.
func printRunResult(e *env, run *experiment.Run, ev *experiment.Evaluation, wrote []string, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ev)
	}
	w := e.stdout
	entries, err := experiment.ReadLog(run.Dir)
	if err != nil {
		return err
	}
	if n := len(entries); n > 0 {
		last := entries[n-1]
		fmt.Fprintf(w, "run %s: step %d of %d, %.0f s of training (%.2f steps/s)\n",
			run.Dir, run.Trainer.Steps(), run.Config.Steps, last.Seconds, float64(last.Step)/last.Seconds)
		fmt.Fprintf(w, "loss terms at step %d: %s\n", last.Step, termsText(last.Terms))
	}
	fmt.Fprintf(w, "scores of the encoder means at step %d, from %s (%.0f s):\n", ev.Step, ev.Eval.Counts(), ev.Seconds)
	if ev.Reduced {
		fmt.Fprintf(w, "  (reduced sample counts, so noisier estimates; --full-eval uses disentanglement_lib's 10,000 and 5,000)\n")
	}
	for _, s := range ev.Scores.HeadlineValues() {
		fmt.Fprintf(w, "  %-13s %-38s %.4f\n", s.Metric, s.Name, s.Value)
	}
	if wrote == nil {
		return nil
	}
	if len(wrote) == 0 {
		wrote = []string{filepath.Join(run.Dir, experiment.MetricsFile), experiment.SummaryFile, experiment.LossFigure,
			experiment.ReconstructionsFigure, experiment.TraversalFigure}
	}
	fmt.Fprintf(w, "wrote %s\n", strings.Join(wrote, ", "))
	return nil
}

// hasFlag reports whether args set the flag called name, as -name,
// --name or either with =value, before any "--".
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		n := strings.TrimLeft(a, "-")
		if strings.HasPrefix(a, "-") && (n == name || strings.HasPrefix(n, name+"=")) {
			return true
		}
	}
	return false
}

const evalRunDescription = `
Re-score the latest checkpoint of a run that gmg train wrote: every metric of
the run's configuration on the encoder means, including BetaVAE and FactorVAE,
which draw their own batches from the run's dataset. The sample counts and the
evaluation seed are the run's unless flags change them (the defaults shown are
those of gmg train). The run's metrics.json, summary.md and figures are
rewritten, and the scores printed. When --metrics leaves out some of the
run's metrics, the scores go to evals/step-N-METRICS.json instead, and
metrics.json, summary.md and the figures keep the full evaluation.`

// runEvalRun is gmg eval --run DIR.
func runEvalRun(e *env, args []string) error {
	fs := newFlagSet(e, "eval", "gmg eval --run DIR [--full-eval] [--metrics LIST] [count flags] [--json]", evalRunDescription)
	dir := fs.String("run", "", "run directory written by gmg train (required)")
	asJSON := fs.Bool("json", false, "print the evaluation as JSON on standard output")
	evalCounts := evalCountFlags(fs, experiment.QuickEval())
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("missing --run: give the directory of a run written by gmg train")
	}

	run, err := openTrainedRun(e, *dir)
	if err != nil {
		return err
	}

	cfg, err := evalCounts(run.Config.Eval)
	if err != nil {
		return err
	}
	// Scores of only some of the run's metrics go to a file of their own, so
	// that metrics.json and summary.md keep the full evaluation.
	save := saveFinal
	if slices.ContainsFunc(run.Config.Eval.Metrics, func(m metrics.Metric) bool { return !slices.Contains(cfg.Metrics, m) }) {
		save = savePartial
	}
	ev, path, err := evaluateRun(e.ctx, e, run, cfg, save)
	if err != nil {
		return err
	}
	if save == savePartial {
		fmt.Fprintf(e.stderr, "%s and %s keep the scores of every metric\n", experiment.MetricsFile, experiment.SummaryFile)
		return printRunResult(e, run, ev, []string{path}, *asJSON)
	}
	return printRunResult(e, run, ev, []string{}, *asJSON)
}

// openTrainedRun opens the run in dir for reading its latest checkpoint, and
// fails when the run has none yet.
func openTrainedRun(e *env, dir string) (*experiment.Run, error) {
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		return nil, err
	}
	run, err := experiment.Open(dir, experiment.Options{BLAS: blas, Logger: runLogger(e)})
	if err != nil {
		return nil, err
	}
	if run.LastCheckpoint() < 0 {
		return nil, fmt.Errorf("%s has no checkpoint yet: train it first with 'gmg train --resume %s'", dir, dir)
	}
	return run, nil
}
