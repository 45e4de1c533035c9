package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromov-monge/gmg/experiment"
)

func runCommand(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &errOut}
	status = run(e, args)
	return status, out.String(), errOut.String()
}

// tinyTrain are flags of a run that takes a few seconds: 6 steps of 4
// images with 3 latents, and evaluation counts just above the metrics'
// minimums.
var tinyTrain = []string{
	"--steps", "6", "--batch-size", "4", "--latent", "3", "--log-every", "2", "--checkpoint-every", "3",
	"--num-train", "40", "--num-test", "20", "--beta-vae-train", "4", "--beta-vae-eval", "4",
	"--factor-vae-train", "4", "--factor-vae-eval", "4", "--factor-vae-variance", "40",
}

func TestTrainRejectsInvalidFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--model", "vae"}, "valid values are beta-vae, beta-tcvae, annealed-vae, factor-vae, dip-vae-i, dip-vae-ii"},
		{[]string{"--reg", "l2"}, "valid values are none, dst, gmg"},
		{[]string{"--on", "latent"}, "valid values are decoder, encoder"},
		{[]string{"--cost", "euclidean"}, "valid values are sqeuclidean, inner, cosine, scaled-sqeuclidean"},
		{[]string{"--dataset", "mnist"}, "valid values are cars3d, dsprites, shapes3d, smallnorb"},
		{[]string{"--epsilon-mode", "auto"}, "valid values are relative, absolute"},
		{[]string{"--beta", "-1"}, "beta -1: must be a finite number ≥ 0"},
		{[]string{"--steps", "0"}, "steps 0: must be at least 1"},
		{[]string{"--batch-size", "1"}, "batch size 1: must be at least 2"},
		{[]string{"--num-train", "10"}, "num-train 10: must be at least the 20 histogram bins"},
		{[]string{"--metrics", "mig,accuracy"}, `invalid --metrics entry "accuracy"`},
		{[]string{"--resume", "somewhere", "--beta", "2"}, "--beta cannot change with --resume"},
	}
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "run")
		args := append([]string{"train", "--out", out}, c.args...)
		if c.args[0] == "--resume" {
			args = append([]string{"train"}, c.args...)
		}
		status, _, stderr := runCommand(t, args...)
		if status != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: status %d, stderr %q; want status 2 and %q", c.args, status, stderr, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: the rejected run created its directory", c.args)
		}
	}
}

func TestTrainEvalTraverse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	args := append([]string{"train", "--out", dir, "--model", "beta-tcvae", "--beta", "4", "--eval-every", "3"}, tinyTrain...)
	status, stdout, stderr := runCommand(t, args...)
	if status != 0 {
		t.Fatalf("train: status %d, stderr %s", status, stderr)
	}
	for _, want := range []string{"step 6 of 6", "reduced sample counts", "dci           disentanglement", "mig           discrete_mig"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("train output lacks %q:\n%s", want, stdout)
		}
	}
	// Without a terminal, standard error carries the log's JSON lines.
	if !strings.Contains(stderr, `{"step":6,"time_s":`) {
		t.Errorf("stderr lacks the JSON log line of step 6:\n%s", stderr)
	}
	for _, f := range []string{experiment.ConfigFile, experiment.LogFile, experiment.MetricsFile, experiment.SummaryFile,
		experiment.LossFigure, experiment.ReconstructionsFigure, experiment.TraversalFigure,
		filepath.Join(experiment.EvalDir, "step-000000003.json")} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run directory: %v", err)
		}
	}

	status, _, stderr = runCommand(t, args...)
	if status != 1 || !strings.Contains(stderr, "gmg train --resume "+dir) {
		t.Errorf("training into the same directory: status %d, stderr %q; want status 1 and how to resume", status, stderr)
	}

	status, stdout, stderr = runCommand(t, "train", "--resume", dir, "--steps", "8")
	if status != 0 || !strings.Contains(stdout, "step 8 of 8") {
		t.Fatalf("resume: status %d, stdout %s, stderr %s", status, stdout, stderr)
	}

	status, stdout, stderr = runCommand(t, "eval", "--run", dir, "--metrics", "mig,dci", "--num-train", "30", "--json")
	if status != 0 {
		t.Fatalf("eval --run: status %d, stderr %s", status, stderr)
	}
	var ev experiment.Evaluation
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatalf("eval --run --json: %v\n%s", err, stdout)
	}
	if ev.Step != 8 || ev.Eval.NumTrain != 30 || ev.Eval.NumTest != 20 || ev.Scores.MIG == nil || ev.Scores.DCI == nil || ev.Scores.SAP != nil {
		t.Errorf("eval --run: step %d, counts %d/%d, scores %+v", ev.Step, ev.Eval.NumTrain, ev.Eval.NumTest, ev.Scores)
	}
	// Two of the run's metrics go to a file of their own; metrics.json keeps
	// the scores of the final evaluation of training, SAP included.
	if _, err := os.Stat(filepath.Join(dir, experiment.EvalDir, "step-000000008-mig-dci.json")); err != nil {
		t.Errorf("eval --run with two metrics: %v", err)
	}
	if full, err := experiment.ReadEvaluation(dir); err != nil || full.Scores.SAP == nil || full.Eval.NumTrain == 30 {
		t.Errorf("metrics.json after eval --run with two metrics: %+v, %v", full, err)
	}

	status, stdout, stderr = runCommand(t, "train", "--resume", dir)
	if status != 0 || !strings.Contains(stderr, "already finished its 8 steps") || !strings.Contains(stdout, "mig           discrete_mig") {
		t.Errorf("resuming a finished run: status %d, stdout %s, stderr %s", status, stdout, stderr)
	}
	status, _, stderr = runCommand(t, "train", "--resume", dir, "--steps", "5")
	if status != 2 || !strings.Contains(stderr, "invalid --steps 5: the run in "+dir+" has already taken 8 steps") {
		t.Errorf("resuming with fewer steps: status %d, stderr %s", status, stderr)
	}

	png := filepath.Join(t.TempDir(), "traversal.png")
	status, stdout, stderr = runCommand(t, "traverse", "--run", dir, "--out", png, "--scale", "2")
	if status != 0 || !strings.Contains(stdout, "traversals of 3 latents at step 8") {
		t.Fatalf("traverse: status %d, stdout %s, stderr %s", status, stdout, stderr)
	}
	if _, err := os.Stat(png); err != nil {
		t.Error(err)
	}
}

func TestEvalRunNeedsRunDirectory(t *testing.T) {
	status, _, stderr := runCommand(t, "eval", "--run", t.TempDir())
	if status != 1 || !strings.Contains(stderr, "not a run directory") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
	status, _, stderr = runCommand(t, "traverse")
	if status != 2 || !strings.Contains(stderr, "missing --run") {
		t.Errorf("traverse without --run: status %d, stderr %q", status, stderr)
	}
}
