package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runToyCommand runs "gmg toy" with args and returns its exit status and
// outputs.
func runToyCommand(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &errOut}
	status = run(e, append([]string{"toy"}, args...))
	return status, out.String(), errOut.String()
}

func TestToyWritesFigureAndResults(t *testing.T) {
	dir := t.TempDir()
	status, stdout, stderr := runToyCommand(t, "--steps", "3", "--seed", "2", "--out", dir)
	if status != 0 {
		t.Fatalf("exit status %d, stderr %q", status, stderr)
	}
	for _, want := range []string{"row square (cost sqeuclidean)", "row ring (cost cosine)", "none", "dst", "gmg", "figure.png"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}

	f, err := os.Open(filepath.Join(dir, "figure.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// Five panels of 320 pixels per row, two rows.
	if b := img.Bounds(); b.Dx() != 5*320 || b.Dy() != 2*320 {
		t.Errorf("figure of %d×%d pixels, want 1600×640", b.Dx(), b.Dy())
	}

	raw, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res toyJSON
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	if res.Steps != 3 || res.Seed != 2 || len(res.Rows) != 2 || len(res.Rows[1].Methods) != 3 {
		t.Errorf("results.json: %+v", res)
	}
	if res.Rows[1].Cost != "cosine" || res.Rows[1].Methods[2].Method != "gmg" {
		t.Errorf("results.json rows: %+v", res.Rows)
	}
}

func TestToyJSONOutput(t *testing.T) {
	dir := t.TempDir()
	status, stdout, stderr := runToyCommand(t, "--steps", "2", "--json", "--out", dir)
	if status != 0 {
		t.Fatalf("exit status %d, stderr %q", status, stderr)
	}
	var res toyJSON
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, stdout)
	}
	if res.Lambda != 3 || len(res.Rows) != 2 {
		t.Errorf("--json output: %+v", res)
	}
}

func TestToyUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--steps", "0"},
		{"--lambda", "-1"},
		{"--steps", "x"},
		{"extra"},
	} {
		status, _, stderr := runToyCommand(t, args...)
		if status != 2 {
			t.Errorf("%v: exit status %d, want 2 (stderr %q)", args, status, stderr)
		}
	}
}
