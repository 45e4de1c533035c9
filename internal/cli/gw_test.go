package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromov-monge/gmg/internal/npy"
)

// runGWCommand runs "gmg gw" with args and returns its exit status and outputs.
func runGWCommand(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &errOut}
	status = run(e, append([]string{"gw"}, args...))
	return status, out.String(), errOut.String()
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeNPY(t *testing.T, dir, name string, shape []int, data any) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := npy.WriteFile(path, shape, data); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestGWThreePointsJSON solves the worked example x = {0, 1, 3}, y = {0, 1, 2}
// from CSV and .npy files, where exact GW is 34/9.
func TestGWThreePointsJSON(t *testing.T) {
	dir := t.TempDir()
	x := writeFile(t, dir, "x.csv", "0\n1\n3\n")
	y := writeNPY(t, dir, "y.npy", []int{3, 1}, []int64{0, 1, 2})
	plan := filepath.Join(dir, "plan.npy")
	status, out, errOut := runGWCommand(t, "--x", x, "--y", y, "--solver", "exact", "--json", "--plan", plan)
	if status != 0 {
		t.Fatalf("exit status %d: %s", status, errOut)
	}
	var res gwOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	// Exact fractions of small integers.
	if math.Abs(res.GW-34.0/9) > 1e-12 || math.Abs(res.GWPOTConvention-68.0/9) > 1e-12 {
		t.Errorf("gw %v (POT %v), want 34/9", res.GW, res.GWPOTConvention)
	}
	if !res.Converged || res.Status != "converged" || res.N != 3 || res.M != 3 {
		t.Errorf("result %+v", res)
	}
	// The exact solver has no entropic objective, epsilon or inner loop.
	for _, field := range []string{"entropic_objective", "epsilon_absolute", "inner_iterations"} {
		if strings.Contains(out, field) {
			t.Errorf("exact solver's JSON has %q: %s", field, out)
		}
	}
	a, err := npy.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	if a.ShapeString() != "(3, 3)" {
		t.Errorf("plan shape %s", a.ShapeString())
	}
	var total float64
	for _, v := range a.Float64() {
		total += v
	}
	if math.Abs(total-1) > 1e-12 {
		t.Errorf("plan sums to %v", total)
	}
}

func TestGWEntropicText(t *testing.T) {
	dir := t.TempDir()
	x := writeFile(t, dir, "x.csv", "0, 0\n1, 0\n0, 2\n3, 1\n")
	y := writeFile(t, dir, "y.csv", "0,0,1\n1,0,0\n0,2,0\n")
	status, out, errOut := runGWCommand(t, "--x", x, "--y", y, "--normalize", "max", "--epsilon", "0.5")
	if status != 0 {
		t.Fatalf("exit status %d: %s", status, errOut)
	}
	for _, want := range []string{"gw ", "entropic objective", "status              converged", "marginal error"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestGWBadInput(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", "0,1\n2,3\n4,5\n")
	cases := []struct {
		name    string
		args    []string
		status  int
		message string
	}{
		{"missing y", []string{"--x", good}, 2, "both --x and --y are required"},
		{"zero epsilon", []string{"--x", good, "--y", good, "--epsilon", "0"}, 2, "invalid --epsilon 0"},
		{"negative epsilon", []string{"--x", good, "--y", good, "--epsilon", "-1"}, 2, "invalid --epsilon -1"},
		{"bad cost", []string{"--x", good, "--y", good, "--cost", "l1"}, 2, `invalid --cost "l1"`},
		{"bad solver", []string{"--x", good, "--y", good, "--solver", "fast"}, 2, `invalid --solver "fast"`},
		{"empty file", []string{"--x", writeFile(t, dir, "empty.csv", ""), "--y", good}, 1, "the file is empty"},
		{"ragged rows", []string{"--x", writeFile(t, dir, "ragged.csv", "1,2\n3,4,5\n"), "--y", good}, 1, "line 2 has 3 fields, earlier lines have 2"},
		{"non-numeric", []string{"--x", writeFile(t, dir, "word.csv", "1,2\n3,four\n"), "--y", good}, 1, `line 2 column 2: "four" is not a number`},
		{"NaN in CSV", []string{"--x", writeFile(t, dir, "nan.csv", "1,2\nNaN,4\n"), "--y", good}, 1, "line 2 column 1 is NaN"},
		{"Inf in npy", []string{"--x", writeNPY(t, dir, "inf.npy", []int{2, 2}, []float64{1, 2, 3, math.Inf(1)}), "--y", good}, 1, "row 1 (from 0) column 1 is +Inf"},
		{"empty npy", []string{"--x", writeNPY(t, dir, "empty.npy", []int{0, 2}, []float64{}), "--y", good}, 1, "need at least one point"},
		{"missing file", []string{"--x", filepath.Join(dir, "none.csv"), "--y", good}, 1, "no such file"},
		{"plan not .npy", []string{"--x", good, "--y", good, "--plan", filepath.Join(dir, "plan.jpg")}, 2, "give a path ending in .npy"},
		{"semicolons", []string{"--x", writeFile(t, dir, "semi.csv", "1;2\n3;4\n"), "--y", good}, 1, "separate the coordinates with commas"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, errOut := runGWCommand(t, tc.args...)
			if status != tc.status {
				t.Errorf("exit status %d, want %d (stderr %q)", status, tc.status, errOut)
			}
			if !strings.Contains(errOut, tc.message) {
				t.Errorf("stderr %q lacks %q", errOut, tc.message)
			}
		})
	}
}

// TestGWWarnsWhenNotConverged stops the entropic solver after one outer
// iteration, which cannot meet the default threshold on these clouds.
func TestGWWarnsWhenNotConverged(t *testing.T) {
	dir := t.TempDir()
	x := writeFile(t, dir, "x.csv", "0,0\n1,0\n0,2\n3,1\n2,2\n")
	y := writeFile(t, dir, "y.csv", "0\n1\n3\n7\n")
	status, out, errOut := runGWCommand(t, "--x", x, "--y", y, "--max-iterations", "1", "--json")
	if status != 0 {
		t.Fatalf("exit status %d: %s", status, errOut)
	}
	if !strings.Contains(errOut, "warning: the solver stopped with status iteration-limit") {
		t.Errorf("stderr %q lacks the warning", errOut)
	}
	var res gwOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if res.Converged {
		t.Errorf("converged after one iteration: %+v", res)
	}
	if res.InnerIterations == nil || *res.InnerIterations == 0 {
		t.Errorf("inner iterations missing from %s", out)
	}
}

// TestGWEdgeSizes covers one point against five and integer-valued input.
func TestGWEdgeSizes(t *testing.T) {
	dir := t.TempDir()
	one := writeFile(t, dir, "one.csv", "1,2\n")
	five := writeNPY(t, dir, "five.npy", []int{5, 1}, []int64{0, 1, 2, 3, 4})
	for _, solver := range []string{"entropic", "exact"} {
		status, out, errOut := runGWCommand(t, "--x", one, "--y", five, "--solver", solver, "--json")
		if status != 0 {
			t.Fatalf("%s: exit status %d: %s", solver, status, errOut)
		}
		var res gwOutput
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		// One point against y = 0..4: E = ½ Σ_jl (j−l)⁴ / 25 = 940/50.
		if math.Abs(res.GW-940.0/50) > 1e-12 {
			t.Errorf("%s: gw %v, want 18.8", solver, res.GW)
		}
	}
}

func TestGWHelp(t *testing.T) {
	status, out, errOut := runGWCommand(t, "--help")
	if status != 0 {
		t.Fatalf("exit status %d", status)
	}
	help := out + errOut
	for _, want := range []string{"-epsilon-mode", "relative or absolute", "default 0.01", "-plan", "POT's eps is twice"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// FuzzReadPointsCSV checks that the CSV reader returns a matrix or an error,
// never panics, and that every matrix it returns is finite and rectangular.
func FuzzReadPointsCSV(f *testing.F) {
	for _, seed := range []string{"0,1\n2,3\n", "1\n", "", "1,2\n3\n", "a,b\n", "1e308,1e309\n", " 1 , 2 \n\n3,4\n", "NaN\n"} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "fuzz.csv")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := readPoints(path)
		if err != nil {
			return
		}
		if m.Rows < 1 || m.Cols < 1 || len(m.Data) != m.Rows*m.Cols {
			t.Fatalf("matrix %d×%d with %d values", m.Rows, m.Cols, len(m.Data))
		}
		for _, v := range m.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite value %v accepted", v)
			}
		}
	})
}
