package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromov-monge/gmg/internal/npy"
)

func runEvalCommand(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &errOut}
	status = run(e, append([]string{"eval"}, args...))
	return status, out.String(), errOut.String()
}

// writeEvalInputs writes n rows of two codes and two factors: code 0 follows
// factor 0 with a little jitter, code 1 is noise-free factor 1 reversed.
func writeEvalInputs(t *testing.T, n int) (codesPath, factorsPath string) {
	t.Helper()
	dir := t.TempDir()
	codes := make([]float64, 0, 2*n)
	factors := make([]int64, 0, 2*n)
	for i := range n {
		a, b := int64(i%3), int64((i/3)%4)
		codes = append(codes, float64(a)+0.05*float64(i%7), -float64(b))
		factors = append(factors, a, b)
	}
	codesPath, factorsPath = filepath.Join(dir, "codes.npy"), filepath.Join(dir, "factors.npy")
	if err := npy.WriteFile(codesPath, []int{n, 2}, codes); err != nil {
		t.Fatal(err)
	}
	if err := npy.WriteFile(factorsPath, []int{n, 2}, factors); err != nil {
		t.Fatal(err)
	}
	return codesPath, factorsPath
}

func TestEvalJSON(t *testing.T) {
	codes, factors := writeEvalInputs(t, 300)
	status, stdout, stderr := runEvalCommand(t, "--codes", codes, "--factors", factors,
		"--num-train", "200", "--num-test", "100", "--json")
	if status != 0 {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	var got struct {
		MIG struct {
			Score float64 `json:"discrete_mig"`
		} `json:"mig"`
		DCI struct {
			D    float64 `json:"disentanglement"`
			C    float64 `json:"completeness"`
			Test float64 `json:"informativeness_test"`
		} `json:"dci"`
		SAP          map[string]any `json:"sap"`
		Modularity   map[string]any `json:"modularity"`
		Unsupervised map[string]any `json:"unsupervised"`
		IRS          map[string]any `json:"irs"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	// Each code determines one factor exactly, so the scores are near 1.
	for name, v := range map[string]float64{"MIG": got.MIG.Score, "D": got.DCI.D, "C": got.DCI.C, "accuracy": got.DCI.Test} {
		if v < 0.9 {
			t.Errorf("%s = %v, want >= 0.9", name, v)
		}
	}
	if got.SAP == nil || got.Modularity == nil || got.Unsupervised == nil || got.IRS == nil {
		t.Errorf("default metrics missing from the output:\n%s", stdout)
	}
}

func TestEvalText(t *testing.T) {
	codes, factors := writeEvalInputs(t, 300)
	status, stdout, stderr := runEvalCommand(t, "--codes", codes, "--factors", factors,
		"--num-train", "200", "--num-test", "100", "--metrics", "mig,dci")
	if status != 0 {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	for _, want := range []string{"200 training rows, 100 test rows, 2 codes, 2 factors", "discrete_mig", "completeness"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "SAP_score") {
		t.Errorf("output has SAP although --metrics left it out:\n%s", stdout)
	}
}

func TestEvalErrors(t *testing.T) {
	codes, factors := writeEvalInputs(t, 300)
	dir := t.TempDir()
	nanCodes := filepath.Join(dir, "nan.npy")
	values := make([]float64, 600)
	values[2*7+1] = math.NaN()
	if err := npy.WriteFile(nanCodes, []int{300, 2}, values); err != nil {
		t.Fatal(err)
	}
	fractional := filepath.Join(dir, "fractional.npy")
	f := make([]float64, 600)
	f[2*5] = 0.5
	if err := npy.WriteFile(fractional, []int{300, 2}, f); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short.npy")
	if err := npy.WriteFile(short, []int{10, 2}, make([]float64, 20)); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name   string
		args   []string
		status int
		want   string
	}{
		{"missing factors", []string{"--codes", codes}, 2, "both --codes and --factors are required"},
		{"unknown metric", []string{"--codes", codes, "--factors", factors, "--metrics", "mig,nope"}, 2, `invalid --metrics entry "nope"`},
		{"dataset metric", []string{"--codes", codes, "--factors", factors, "--metrics", "beta_vae"}, 2, "needs a dataset and a model"},
		{"too few rows", []string{"--codes", codes, "--factors", factors}, 2, "has 300 rows, but --num-train 10000 and --num-test 5000 need 15000; lower them"},
		{"CSV codes", []string{"--codes", filepath.Join(dir, "codes.csv"), "--factors", factors}, 1, "gmg eval reads .npy files"},
		{"run and codes", []string{"--codes", codes, "--factors", factors, "--run", dir}, 2, "--run re-scores a trained run and takes no --codes"},
		{"NaN code", []string{"--codes", nanCodes, "--factors", factors, "--num-train", "200", "--num-test", "100"}, 1, "row 7 column 1 is NaN"},
		{"fractional factor", []string{"--codes", codes, "--factors", fractional, "--num-train", "200", "--num-test", "100"}, 1, "row 5 column 0 is 0.5, not an integer"},
		{"row mismatch", []string{"--codes", short, "--factors", factors}, 1, "has 10 rows but"},
		{"fewer rows than bins", []string{"--codes", codes, "--factors", factors, "--num-train", "10", "--num-test", "10"}, 1, "10 training rows for 20 histogram bins"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, stderr := runEvalCommand(t, tc.args...)
			if status != tc.status {
				t.Errorf("status = %d, want %d (stderr %s)", status, tc.status, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
		})
	}
}
