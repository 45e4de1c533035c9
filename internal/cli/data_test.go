package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runDataCommand runs gmg with args and returns its exit status and outputs.
func runDataCommand(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &errOut}
	status = run(e, args)
	return status, out.String(), errOut.String()
}

func TestDataInfoText(t *testing.T) {
	t.Setenv(dataDirEnv, "")
	status, out, errOut := runDataCommand(t, "data", "info")
	if status != 0 {
		t.Fatalf("exit status %d, stderr %q", status, errOut)
	}
	for _, want := range []string{
		"dsprites\n", "shapes3d\n", "smallnorb\n", "cars3d\n",
		"source:  procedural",
		"737280 (737280 factor grid points)",
		"48600 (4860 factor grid points)",
		"SmallNORB stand-in, not the published photographs",
		"Cars3D stand-in, not the published renders",
		"orientation   40  0 to 2π rad",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDataInfoJSON(t *testing.T) {
	t.Setenv(dataDirEnv, "")
	status, out, errOut := runDataCommand(t, "data", "info", "--dataset", "shapes3d", "--json")
	if status != 0 {
		t.Fatalf("exit status %d, stderr %q", status, errOut)
	}
	var got struct {
		Datasets []datasetInfo `json:"datasets"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(got.Datasets) != 1 {
		t.Fatalf("%d datasets, want 1", len(got.Datasets))
	}
	d := got.Datasets[0]
	if d.Name != "shapes3d" || d.Source != "procedural" || d.NumImages != 480000 || d.ImageShape != [3]int{64, 64, 3} {
		t.Errorf("got %+v", d)
	}
	var names []string
	for _, f := range d.Factors {
		names = append(names, f.Name)
		if f.Values == "" {
			t.Errorf("factor %s has no values text", f.Name)
		}
	}
	if want := []string{"floor_hue", "wall_hue", "object_hue", "scale", "shape", "orientation"}; !slices.Equal(names, want) {
		t.Errorf("factors %v, want %v", names, want)
	}
}

func TestDataUsageErrors(t *testing.T) {
	t.Setenv(dataDirEnv, "")
	out := filepath.Join(t.TempDir(), "grid.png")
	cases := []struct {
		name     string
		args     []string
		inStderr string
	}{
		{"no subcommand", []string{"data"}, "missing subcommand"},
		{"unknown subcommand", []string{"data", "plot"}, `unknown subcommand "plot"`},
		{"unknown dataset", []string{"data", "info", "--dataset", "mnist"}, "valid values are cars3d, dsprites, shapes3d, smallnorb"},
		{"show without dataset", []string{"data", "show", "--out", out}, "missing --dataset"},
		{"show without out", []string{"data", "show", "--dataset", "dsprites"}, "missing --out"},
		{"one column", []string{"data", "show", "--dataset", "dsprites", "--out", out, "--columns", "1"}, "invalid --columns 1"},
		{"scale too large", []string{"data", "show", "--dataset", "dsprites", "--out", out, "--scale", "17"}, "invalid --scale 17"},
		{"not a PNG path", []string{"data", "show", "--dataset", "dsprites", "--out", "grid.jpg"}, "gmg writes PNG images; give a path ending in .png"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, errOut := runDataCommand(t, c.args...)
			if status != 2 {
				t.Errorf("exit status %d, want 2", status)
			}
			if !strings.Contains(errOut, c.inStderr) {
				t.Errorf("stderr %q lacks %q", errOut, c.inStderr)
			}
		})
	}
}

func TestDataHelp(t *testing.T) {
	for _, args := range [][]string{{"help", "data"}, {"data", "show", "--help"}, {"data", "info", "-h"}} {
		status, _, errOut := runDataCommand(t, args...)
		if status != 0 {
			t.Errorf("%v: exit status %d, want 0", args, status)
		}
		if !strings.Contains(errOut, "Usage:") {
			t.Errorf("%v: no usage text in %q", args, errOut)
		}
	}
}

func TestDataShowWritesGrid(t *testing.T) {
	t.Setenv(dataDirEnv, "")
	cases := []struct {
		dataset string
		factors int
		label   string // the factor name with the most characters
	}{
		{"dsprites", 5, "orientation"},
		{"shapes3d", 6, "orientation"},
		{"smallnorb", 4, "elevation"},
		{"cars3d", 3, "elevation"},
	}
	for _, c := range cases {
		t.Run(c.dataset, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.dataset+".png")
			status, out, errOut := runDataCommand(t, "data", "show", "--dataset", c.dataset, "--out", path, "--columns", "4", "--scale", "2", "--seed", "3")
			if status != 0 {
				t.Fatalf("exit status %d, stderr %q", status, errOut)
			}
			if !strings.Contains(out, "wrote "+path) {
				t.Errorf("stdout %q does not name the file", out)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			// The label column is 2 + 2·(7·len(label) + 6) pixels, because
			// scale 2 doubles the font. Then come 4 cells of 128 pixels with
			// 2-pixel gaps, and one row of 128 pixels per factor.
			wantW := 2 + 2*(7*len(c.label)+6) + 4*(128+2) + 2
			wantH := c.factors*(128+2) + 2
			if b := img.Bounds(); b.Dx() != wantW || b.Dy() != wantH {
				t.Errorf("PNG is %d×%d, want %d×%d", b.Dx(), b.Dy(), wantW, wantH)
			}
		})
	}
}

func TestDataShowSameSeedSameFile(t *testing.T) {
	t.Setenv(dataDirEnv, "")
	dir := t.TempDir()
	var files [][]byte
	for _, name := range []string{"a.png", "b.png"} {
		path := filepath.Join(dir, name)
		if status, _, errOut := runDataCommand(t, "data", "show", "--dataset", "smallnorb", "--out", path, "--seed", "9"); status != 0 {
			t.Fatalf("exit status %d, stderr %q", status, errOut)
		}
		buf, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, buf)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("two runs with one seed wrote different files")
	}
}

func TestEvenlySpaced(t *testing.T) {
	cases := []struct {
		size, k int
		want    []int
	}{
		{3, 10, []int{0, 1, 2}},
		{10, 10, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{40, 10, []int{0, 4, 9, 13, 17, 22, 26, 30, 35, 39}},
		{32, 2, []int{0, 31}},
		{183, 4, []int{0, 61, 121, 182}},
	}
	for _, c := range cases {
		if got := evenlySpaced(c.size, c.k); !slices.Equal(got, c.want) {
			t.Errorf("evenlySpaced(%d, %d) = %v, want %v", c.size, c.k, got, c.want)
		}
	}
}

func TestDataInfoMissingFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(dataDirEnv, dir)

	// Listing all datasets: each missing file is reported and the generator
	// is described instead.
	status, out, errOut := runDataCommand(t, "data", "info")
	if status != 0 {
		t.Fatalf("exit status %d, stderr %q", status, errOut)
	}
	if got := strings.Count(out, "  missing: "); got != 4 {
		t.Errorf("%d missing-file lines, want 4:\n%s", got, out)
	}
	if !strings.Contains(out, dir) {
		t.Errorf("output does not name the directory %s:\n%s", dir, out)
	}

	// Naming one dataset: its missing file is an error.
	status, _, errOut = runDataCommand(t, "data", "info", "--dataset", "dsprites")
	if status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	if !strings.Contains(errOut, dir) || !strings.Contains(errOut, "procedural") {
		t.Errorf("stderr %q should name %s and the procedural alternative", errOut, dir)
	}
}
