package experiment

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromov-monge/gmg/metrics"
	"github.com/gromov-monge/gmg/tensor"
	"github.com/gromov-monge/gmg/vae"
)

// tinyConfig returns a run of 30 steps of β-TCVAE + GMG on the decoder,
// batch 4 on procedural dSprites, checkpointed every 10 steps.
func tinyConfig() Config {
	v := vae.DefaultConfig()
	v.Objective = vae.BetaTCVAE
	v.Beta = 4
	v.BatchSize = 4
	v.Latent = 4
	v.LR = 1e-3
	e := QuickEval()
	e.NumTrain, e.NumTest = 40, 20
	e.BetaVAETrain, e.BetaVAEEval = 4, 4
	e.FactorVAETrain, e.FactorVAEEval, e.FactorVAEVariance = 4, 4, 40
	return Config{Dataset: "dsprites", VAE: v, Steps: 30, LogEvery: 5, CheckpointEvery: 10, Eval: e}
}

func options() Options { return Options{BLAS: tensor.GoBLAS()} }

func create(t *testing.T, dir string, cfg Config) *Run {
	t.Helper()
	r, err := Create(dir, cfg, options())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// params returns a copy of every parameter value of r's model.
func params(r *Run) [][]float32 {
	var out [][]float32
	for _, p := range r.Trainer.Model().Params() {
		out = append(out, append([]float32(nil), p.Value.Data()...))
	}
	return out
}

func sameBits(t *testing.T, what string, a, b [][]float32) {
	t.Helper()
	for i := range a {
		for j := range a[i] {
			if math.Float32bits(a[i][j]) != math.Float32bits(b[i][j]) {
				t.Fatalf("%s: parameter %d[%d] = %g, want %g", what, i, j, b[i][j], a[i][j])
			}
		}
	}
}

// copyDir copies the regular files of src (one level of subdirectories) to
// dst, as a snapshot of what is on disk at that moment.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestResumeAfterInterruptAndCrash(t *testing.T) {
	base := t.TempDir()
	cfg := tinyConfig()

	straight := create(t, filepath.Join(base, "straight"), cfg)
	if err := straight.Train(context.Background(), TrainOptions{}); err != nil {
		t.Fatal(err)
	}
	want := params(straight)
	wantLog, err := ReadLog(straight.Dir)
	if err != nil {
		t.Fatal(err)
	}

	// The interrupted run is cancelled after step 17 and snapshotted after
	// step 25, which stands for a SIGKILL: its newest checkpoint is at 20
	// and its log runs to 25.
	ctx, cancel := context.WithCancel(context.Background())
	broken := create(t, filepath.Join(base, "broken"), cfg)
	crashed := filepath.Join(base, "crashed")
	err = broken.Train(ctx, TrainOptions{Progress: func(p Progress) {
		if p.Stats.Step == 17 {
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want ErrInterrupted and context.Canceled", err)
	}
	if broken.LastCheckpoint() != 17 {
		t.Fatalf("checkpoint at step %d after the interrupt, want 17", broken.LastCheckpoint())
	}
	resumed, err := Open(broken.Dir, options())
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Trainer.Steps() != 17 {
		t.Fatalf("resumed at step %d, want 17", resumed.Trainer.Steps())
	}
	err = resumed.Train(context.Background(), TrainOptions{Progress: func(p Progress) {
		if p.Stats.Step == 25 {
			copyDir(t, broken.Dir, crashed)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	sameBits(t, "after an interrupt", want, params(resumed))

	afterCrash, err := Open(crashed, options())
	if err != nil {
		t.Fatal(err)
	}
	if afterCrash.Trainer.Steps() != 20 {
		t.Fatalf("resumed after the crash at step %d, want 20", afterCrash.Trainer.Steps())
	}
	if err := afterCrash.Train(context.Background(), TrainOptions{}); err != nil {
		t.Fatal(err)
	}
	sameBits(t, "after a crash", want, params(afterCrash))

	for _, dir := range []string{broken.Dir, crashed} {
		got, err := ReadLog(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(wantLog) {
			t.Fatalf("%s: %d log lines, want %d", dir, len(got), len(wantLog))
		}
		for i := range got {
			if got[i].Step != wantLog[i].Step || len(got[i].Terms) != len(wantLog[i].Terms) {
				t.Fatalf("%s line %d: step %d with %d terms, want step %d with %d", dir, i, got[i].Step, len(got[i].Terms), wantLog[i].Step, len(wantLog[i].Terms))
			}
			for k, term := range got[i].Terms {
				if term != wantLog[i].Terms[k] {
					t.Fatalf("%s step %d: %v, want %v", dir, got[i].Step, term, wantLog[i].Terms[k])
				}
			}
		}
	}
	entries, err := os.ReadDir(filepath.Join(crashed, CheckpointDir))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Errorf("%d files in %s, want latest.json and one checkpoint's two files", len(entries), CheckpointDir)
	}
}

func TestCreateRejectsNonEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir, tinyConfig(), options()); !errors.Is(err, ErrRunExists) {
		t.Fatalf("error %v, want ErrRunExists", err)
	}
	if _, err := Open(t.TempDir(), options()); !errors.Is(err, ErrNotRun) {
		t.Fatalf("Open of an empty directory: error %v, want ErrNotRun", err)
	}
}

func TestCreateValidatesConfig(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Config)
		want   error
	}{
		{"steps", func(c *Config) { c.Steps = 0 }, ErrInvalidConfig},
		{"log", func(c *Config) { c.LogEvery = 0 }, ErrInvalidConfig},
		{"eval counts", func(c *Config) { c.Eval.NumTrain = 5 }, ErrInvalidConfig},
		{"no metrics", func(c *Config) { c.Eval.Metrics = nil }, ErrInvalidConfig},
		{"vae", func(c *Config) { c.VAE.LR = -1 }, vae.ErrInvalidConfig},
	}
	for _, c := range cases {
		cfg := tinyConfig()
		c.change(&cfg)
		dir := filepath.Join(t.TempDir(), "run")
		if _, err := Create(dir, cfg, options()); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%s: the invalid run created its directory", c.name)
		}
	}
	cfg := tinyConfig()
	cfg.Dataset = "mnist"
	if _, err := Create(filepath.Join(t.TempDir(), "run"), cfg, options()); err == nil || !strings.Contains(err.Error(), "dsprites") {
		t.Errorf("unknown dataset: error %v, want one that lists the valid names", err)
	}
}

func TestNonFiniteStepKeepsLastCheckpoint(t *testing.T) {
	cfg := tinyConfig()
	// Adam moves every weight by about the learning rate in its first
	// step, so 1e30 makes the second step's loss overflow.
	cfg.VAE.LR = 1e30
	cfg.CheckpointEvery = 1
	r := create(t, filepath.Join(t.TempDir(), "run"), cfg)
	err := r.Train(context.Background(), TrainOptions{})
	if !errors.Is(err, vae.ErrNonFinite) {
		t.Fatalf("error %v, want vae.ErrNonFinite", err)
	}
	if !strings.Contains(err.Error(), "step 2") || !strings.Contains(err.Error(), "last good checkpoint is step 1") {
		t.Errorf("message %q does not name the failed step and the checkpoint", err)
	}
	back, err := Open(r.Dir, options())
	if err != nil {
		t.Fatal(err)
	}
	if back.Trainer.Steps() != 1 {
		t.Errorf("reopened at step %d, want the last good checkpoint, 1", back.Trainer.Steps())
	}
}

func TestEvaluateWritesResults(t *testing.T) {
	cfg := tinyConfig()
	cfg.Steps = 5
	r := create(t, filepath.Join(t.TempDir(), "run"), cfg)
	if err := r.Train(context.Background(), TrainOptions{}); err != nil {
		t.Fatal(err)
	}
	var seen []metrics.Metric
	ev, err := r.Evaluate(context.Background(), cfg.Eval, func(p metrics.Progress) { seen = append(seen, p.Metric) })
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(metrics.AllMetrics()) || !ev.Reduced || ev.Step != 5 {
		t.Errorf("progress for %v, reduced %v, step %d", seen, ev.Reduced, ev.Step)
	}
	if got := len(ev.Scores.HeadlineValues()); got != 13 {
		t.Errorf("%d headline scores, want 13", got)
	}
	if _, err := r.SaveEvaluation(ev, true); err != nil {
		t.Fatal(err)
	}
	back, err := ReadEvaluation(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.Scores.MIG == nil || back.Scores.MIG.Score != ev.Scores.MIG.Score || len(back.Eval.Metrics) != len(metrics.AllMetrics()) {
		t.Errorf("metrics.json does not read back: %+v", back)
	}
	if err := r.WriteSummary(ev); err != nil {
		t.Fatal(err)
	}
	summary, err := os.ReadFile(filepath.Join(r.Dir, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"beta-tcvae, β = 4", "gmg on the decoder", "discrete_mig", "noisier estimates", "| tc |", "| BLAS | " + r.blas.Name() + " |"} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, summary)
		}
	}

	tr, err := r.Traversal(0)
	if err != nil {
		t.Fatal(err)
	}
	size := 64 * 64
	if len(tr.Latents) != 4 || len(tr.Images) != 4*len(TraversalValues)*size {
		t.Errorf("traversal of %d latents with %d values", len(tr.Latents), len(tr.Images)/size)
	}
	in, out, err := r.Reconstructions(0, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != 3*size || len(out) != 3*size {
		t.Errorf("reconstructions of %d and %d values", len(in), len(out))
	}
}

func TestSetSteps(t *testing.T) {
	cfg := tinyConfig()
	cfg.Steps = 3
	r := create(t, filepath.Join(t.TempDir(), "run"), cfg)
	if err := r.Train(context.Background(), TrainOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := r.SetSteps(2); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("shrinking below the steps taken: error %v", err)
	}
	if err := r.SetSteps(6); err != nil {
		t.Fatal(err)
	}
	back, err := Open(r.Dir, options())
	if err != nil {
		t.Fatal(err)
	}
	if back.Config.Steps != 6 || back.Trainer.Steps() != 3 {
		t.Errorf("reopened with budget %d at step %d, want 6 at 3", back.Config.Steps, back.Trainer.Steps())
	}
	if err := back.Train(context.Background(), TrainOptions{}); err != nil {
		t.Fatal(err)
	}
	if back.Trainer.Steps() != 6 {
		t.Errorf("trained to step %d, want 6", back.Trainer.Steps())
	}
}

func TestReadLogRejectsMalformedLine(t *testing.T) {
	dir := t.TempDir()
	log := "{\"step\":1,\"time_s\":0.5,\"steps_per_s\":2,\"loss\":3,\"kl\":1}\n{\"step\":\"two\"}\n"
	if err := os.WriteFile(filepath.Join(dir, LogFile), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadLog(dir)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("error %v, want one naming line 2", err)
	}
	if err := os.WriteFile(filepath.Join(dir, LogFile), []byte(log[:strings.Index(log, "\n")+1]), 0o644); err != nil {
		t.Fatal(err)
	}
	entries, err := ReadLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := entries[0]
	if e.Step != 1 || e.Seconds != 0.5 || e.StepsPerSecond != 2 || len(e.Terms) != 2 || e.Terms[0].Name != "loss" || e.Terms[1].Name != "kl" {
		t.Errorf("entry %+v", e)
	}
}
