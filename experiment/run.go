package experiment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gromov-monge/gmg/data"
	"github.com/gromov-monge/gmg/internal/atomicfile"
	"github.com/gromov-monge/gmg/tensor"
	"github.com/gromov-monge/gmg/vae"
)

// Files of a run directory.
const (
	ConfigFile  = "config.json"  // the run's Config
	LogFile     = "log.jsonl"    // one JSON object per logged step
	MetricsFile = "metrics.json" // the latest final Evaluation
	SummaryFile = "summary.md"   // a short Markdown report
	// CheckpointDir holds the latest checkpoint's files and latest.json,
	// which names them.
	CheckpointDir = "checkpoints"
	// EvalDir holds the evaluations taken during training, one JSON file
	// per step.
	EvalDir    = "evals"
	latestFile = "latest.json"
)

var (
	// ErrRunExists is returned, wrapped, by Create for a directory that
	// exists and is not empty.
	ErrRunExists = errors.New("experiment: run directory is not empty")
	// ErrNotRun is returned, wrapped, by Open for a directory without a
	// config.json.
	ErrNotRun = errors.New("experiment: not a run directory")
)

// Options are the resources of an opened run.
type Options struct {
	// BLAS is the backend of the model's matrix products; nil means
	// tensor.DefaultBLAS.
	BLAS tensor.BLAS
	// Logger receives the run's events (checkpoints, evaluations, errors
	// caught during training); nil discards them.
	Logger *slog.Logger
}

// Run is a training run stored in a directory: its Config, its log, its
// checkpoints and its evaluations. Create starts one, Open continues one.
type Run struct {
	// Dir is the run directory.
	Dir string
	// Config is the run's configuration, as config.json stores it.
	Config Config
	// Trainer holds the model and the training state.
	Trainer *vae.Trainer

	logger *slog.Logger
	blas   tensor.BLAS
	// checkpoint is the state of the latest checkpoint, zero-valued with
	// Step −1 when there is none.
	checkpoint latest
}

// latest is the JSON form of checkpoints/latest.json, which commits a
// checkpoint: its files are complete once latest.json names them.
type latest struct {
	// Step is the training step of the checkpoint.
	Step int64 `json:"step"`
	// Prefix is the checkpoint's file prefix inside CheckpointDir.
	Prefix string `json:"prefix"`
	// BLAS is the backend that trained it; a run resumed on another
	// backend is not bit-identical to an uninterrupted one.
	BLAS string `json:"blas"`
	// TrainSeconds is the wall-clock time spent in training steps up to
	// the checkpoint, over all sessions.
	TrainSeconds float64 `json:"train_seconds"`
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Create validates cfg, opens its dataset, builds a new model and writes
// config.json into dir, which is created if needed. It returns an error
// wrapping ErrRunExists when dir exists and is not empty, so that a run is
// never overwritten; Open continues such a run.
func Create(dir string, cfg Config, opts Options) (*Run, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	switch {
	case err == nil && len(entries) > 0:
		return nil, fmt.Errorf("%w: %s contains %d entries", ErrRunExists, dir, len(entries))
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("experiment: %w", err)
	}
	r, err := newRun(dir, cfg, opts)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	if err := r.writeConfig(); err != nil {
		return nil, err
	}
	return r, nil
}

// Open reads the run in dir and restores its latest checkpoint, if any, so
// that training continues exactly where the checkpoint left it. Lines of
// log.jsonl past the checkpoint (written before a crash) are removed. It
// returns an error wrapping ErrNotRun when dir has no config.json.
func Open(dir string, opts Options) (*Run, error) {
	raw, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s has no %s", ErrNotRun, dir, ConfigFile)
	}
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	var cfg Config
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("experiment: %s: %w", filepath.Join(dir, ConfigFile), err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ConfigFile), err)
	}
	r, err := newRun(dir, cfg, opts)
	if err != nil {
		return nil, err
	}

	raw, err = os.ReadFile(filepath.Join(dir, CheckpointDir, latestFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Stopped before its first checkpoint: training restarts at step 0.
	case err != nil:
		return nil, fmt.Errorf("experiment: %w", err)
	default:
		var l latest
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, fmt.Errorf("experiment: %s: %w", filepath.Join(dir, CheckpointDir, latestFile), err)
		}
		if err := r.Trainer.Load(filepath.Join(dir, CheckpointDir, l.Prefix)); err != nil {
			return nil, fmt.Errorf("experiment: %w", err)
		}
		if l.BLAS != r.blas.Name() {
			r.logger.Warn("resuming on another BLAS backend; the result will differ from an uninterrupted run in the last bits",
				"run", dir, "saved_with", l.BLAS, "now", r.blas.Name())
		}
		r.checkpoint = l
	}
	if err := r.truncateLog(max(r.checkpoint.Step, 0)); err != nil {
		return nil, err
	}
	return r, nil
}

func newRun(dir string, cfg Config, opts Options) (*Run, error) {
	d, err := data.Open(cfg.Dataset, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	blas := opts.BLAS
	if blas == nil {
		if blas, err = tensor.DefaultBLAS(); err != nil {
			return nil, fmt.Errorf("experiment: %w", err)
		}
	}
	tr, err := vae.NewTrainer(cfg.VAE, d, blas)
	if err != nil {
		return nil, err
	}
	return &Run{Dir: dir, Config: cfg, Trainer: tr, logger: opts.logger(), blas: blas, checkpoint: latest{Step: -1}}, nil
}

// SetSteps changes the run's step budget, for example to train a finished
// run further, and rewrites config.json. It returns an error wrapping
// ErrInvalidConfig when steps is below the steps already taken or below 1.
func (r *Run) SetSteps(steps int64) error {
	if steps < 1 || steps < r.Trainer.Steps() {
		return fmt.Errorf("%w: steps %d: the run has taken %d steps; the budget must be at least that and at least 1",
			ErrInvalidConfig, steps, r.Trainer.Steps())
	}
	r.Config.Steps = steps
	return r.writeConfig()
}

func (r *Run) writeConfig() error {
	b, err := json.MarshalIndent(r.Config, "", "  ")
	if err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	return writeFileAtomic(filepath.Join(r.Dir, ConfigFile), append(b, '\n'))
}

// LastCheckpoint returns the step of the latest checkpoint, or −1 when the
// run has none.
func (r *Run) LastCheckpoint() int64 { return r.checkpoint.Step }

// TrainSeconds returns the wall-clock seconds spent in training steps up to
// the latest checkpoint, over all sessions of the run.
func (r *Run) TrainSeconds() float64 { return r.checkpoint.TrainSeconds }

// Checkpoint saves the trainer's state as the run's latest checkpoint,
// unless one exists at the current step already. The new checkpoint's files
// are written first and committed by rewriting latest.json. The previous
// checkpoint's files are removed only then, so a crash at any point leaves
// a complete checkpoint. trainSeconds is the total training time to record.
func (r *Run) Checkpoint(trainSeconds float64) error {
	step := r.Trainer.Steps()
	if step == r.checkpoint.Step {
		return nil
	}
	dir := filepath.Join(r.Dir, CheckpointDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	next := latest{Step: step, Prefix: fmt.Sprintf("step-%09d", step), BLAS: r.blas.Name(), TrainSeconds: trainSeconds}
	if err := r.Trainer.Save(filepath.Join(dir, next.Prefix)); err != nil {
		return err
	}
	b, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, latestFile), append(b, '\n')); err != nil {
		return err
	}
	previous := r.checkpoint
	r.checkpoint = next
	if previous.Prefix != "" && previous.Prefix != next.Prefix {
		for _, suffix := range []string{"", vae.DiscriminatorSuffix} {
			for _, ext := range []string{".safetensors", ".json"} {
				path := filepath.Join(dir, previous.Prefix+suffix+ext)
				if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
					r.logger.Warn("could not remove an old checkpoint file", "path", path, "error", err)
				}
			}
		}
	}
	r.logger.Info("checkpoint saved", "run", r.Dir, "step", step)
	return nil
}

// truncateLog removes the lines of log.jsonl whose step is above step.
func (r *Run) truncateLog(step int64) error {
	path := filepath.Join(r.Dir, LogFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	var kept []byte
	for line := range bytes.Lines(raw) {
		var head struct {
			Step *int64 `json:"step"`
		}
		if json.Unmarshal(line, &head) != nil || head.Step == nil {
			// A line cut short by a crash.
			continue
		}
		if *head.Step <= step {
			kept = append(kept, line...)
		}
	}
	if len(kept) == len(raw) {
		return nil
	}
	return writeFileAtomic(path, kept)
}

// formatFloat writes v in the shortest form that reads back to the same
// float64.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// writeFileAtomic writes b to path with atomicfile.WriteFile and prefixes
// its errors with the package name.
func writeFileAtomic(path string, b []byte) error {
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	return nil
}
