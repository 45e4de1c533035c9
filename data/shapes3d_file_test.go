package data

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The Shapes3D files under testdata were written by testdata/shapes3d_gen.py
// with Debian's python3-h5py 3.7.0 (HDF5 1.10.8).

// smallShapes3DFactors is shapes3d_gen.py's grid: the published factor names
// and order with sizes 2, 1, 1, 1, 2, 2.
var smallShapes3DFactors = []Factor{
	{Name: "floor_hue", Size: 2},
	{Name: "wall_hue", Size: 1},
	{Name: "object_hue", Size: 1},
	{Name: "scale", Size: 1},
	{Name: "shape", Size: 2},
	{Name: "orientation", Size: 2},
}

// shapes3DTestPixel is shapes3d_gen.py's image(): pixel (y, x, c) of grid
// point g is (37g + 5y + 3x + 80c) mod 256.
func shapes3DTestPixel(g, y, x, c int) uint8 { return uint8((37*g + 5*y + 3*x + 80*c) % 256) }

func TestShapes3DFileImages(t *testing.T) {
	for _, name := range []string{"shapes3d_contiguous.h5", "shapes3d_chunked.h5"} {
		d, err := readShapes3DFile(filepath.Join("testdata", name), smallShapes3DFactors)
		if err != nil {
			t.Fatal(err)
		}
		if d.Name() != "shapes3d" || d.ImageShape() != (ImageShape{64, 64, 3}) {
			t.Errorf("%s: Name %q, ImageShape %v", name, d.Name(), d.ImageShape())
		}
		if got := Sizes(d); len(got) != 6 || NumPoints(got) != 8 {
			t.Errorf("%s: Sizes = %v, want 6 factors and 8 grid points", name, got)
		}

		// Every grid point, in a random order, twice.
		rng := rand.New(rand.NewPCG(1, 2))
		sizes := Sizes(d)
		var order []int
		for range 2 {
			order = append(order, rng.Perm(8)...)
		}
		factors := make([]int, 0, len(order)*6)
		row := make([]int, 6)
		for _, g := range order {
			FactorsAt(sizes, g, row)
			factors = append(factors, row...)
		}
		dst := make([]float32, len(order)*shapes3DImageBytes)
		if err := d.Observe(factors, rng, dst); err != nil {
			t.Fatal(err)
		}
		for i, g := range order {
			img := dst[i*shapes3DImageBytes:]
			for _, p := range [][3]int{{0, 0, 0}, {17, 40, 1}, {63, 63, 2}} {
				y, x, c := p[0], p[1], p[2]
				want := float32(float64(shapes3DTestPixel(g, y, x, c)) / 255)
				// Exact: both sides divide the same byte by 255.
				if got := img[(y*64+x)*3+c]; got != want {
					t.Errorf("%s: grid point %d pixel %v = %v, want %v", name, g, p, got, want)
				}
			}
		}
	}
}

func TestShapes3DFileDescribe(t *testing.T) {
	d, err := readShapes3DFile("testdata/shapes3d_chunked.h5", smallShapes3DFactors)
	if err != nil {
		t.Fatal(err)
	}
	desc := d.Describe()
	want := []string{"0, 0.1 (2 values)", "0.5 (1 values)", "0.9 (1 values)", "1.25 (1 values)", "0, 3 (2 values)", "-30, 30 (2 values)"}
	if strings.Join(desc.FactorValues, "|") != strings.Join(want, "|") {
		t.Errorf("FactorValues = %q, want %q", desc.FactorValues, want)
	}
	if !strings.Contains(desc.Summary, "chunked") {
		t.Errorf("Summary %q does not name the chunked layout", desc.Summary)
	}
}

func TestShapes3DFileBadInput(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"shapes3d_badkey.h5", `no dataset "images"`},
		{"shapes3d_badshape.h5", "shape (8, 32, 32, 3), expected |u1 (uint8) of shape (8, 64, 64, 3)"},
		{"shapes3d_badlabels.h5", "repeats the factor values"},
	}
	for _, tt := range tests {
		_, err := readShapes3DFile(filepath.Join("testdata", tt.file), smallShapes3DFactors)
		if !errors.Is(err, ErrInvalidFile) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want ErrInvalidFile containing %q", tt.file, err, tt.want)
		}
	}

	// A grid with three scale values finds only one in the file.
	three := factorsCopy(smallShapes3DFactors)
	three[3].Size = 3
	_, err := readShapes3DFile("testdata/shapes3d_contiguous.h5", three)
	if !errors.Is(err, ErrInvalidFile) {
		t.Errorf("grid of 24 points: error = %v, want ErrInvalidFile", err)
	}
}

func TestShapes3DFileTruncated(t *testing.T) {
	data, err := os.ReadFile("testdata/shapes3d_contiguous.h5")
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.h5")
	if err := os.WriteFile(cut, data[:len(data)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = readShapes3DFile(cut, smallShapes3DFactors)
	if !errors.Is(err, ErrInvalidFile) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("error = %v, want ErrInvalidFile saying the file is truncated", err)
	}
}

// TestShapes3DFilePublishedGrid checks that the registered reader expects the
// published grid of 480,000 images.
func TestShapes3DFilePublishedGrid(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/shapes3d_chunked.h5")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "3dshapes"), 0o755); err != nil {
		t.Fatal(err)
	}
	// disentanglement_lib's layout: the file in a 3dshapes subdirectory.
	if err := os.WriteFile(filepath.Join(dir, "3dshapes", shapes3DFileName), data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open("shapes3d", dir)
	if !errors.Is(err, ErrInvalidFile) || !strings.Contains(err.Error(), "(480000, 64, 64, 3)") {
		t.Errorf("Open on an 8-image file: error = %v, want one expecting shape (480000, 64, 64, 3)", err)
	}

	_, err = Open("shapes3d", t.TempDir())
	if !errors.Is(err, ErrMissingFile) || !strings.Contains(err.Error(), "storage.googleapis.com/3d-shapes") {
		t.Errorf("Open on an empty directory: error = %v, want ErrMissingFile with the download address", err)
	}
}
