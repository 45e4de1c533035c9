package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromov-monge/gmg/internal/npy"
)

// The files under testdata/cars3d were written by testdata/cars3d_gen.py with
// Debian's python3-scipy 1.10.1: car_001_mesh.mat uncompressed and
// car_002_mesh.mat compressed, each im 8×8×3×3×2.
var smallCars3DLayout = cars3DLayout{inSize: 8, outSize: 4, azimuths: 3, elevations: 2, objects: 2}

// TestCars3DFileMatchesDisentanglementLib compares every image with the
// output of disentanglement_lib's loading code (scipy.io.loadmat, the einsum
// of the axes, Pillow 9.4's thumbnail), which cars3d_gen.py ran and stored in
// grid order. Exact: the pipeline is the same integer arithmetic.
func TestCars3DFileMatchesDisentanglementLib(t *testing.T) {
	d, err := readCars3D("testdata/cars3d", smallCars3DLayout)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name() != "cars3d" || d.ImageShape() != (ImageShape{4, 4, 3}) {
		t.Errorf("Name %q, ImageShape %v", d.Name(), d.ImageShape())
	}
	names := []string{}
	for _, f := range d.Factors() {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "elevation,azimuth,object" || NumPoints(Sizes(d)) != 12 {
		t.Errorf("factors %s with sizes %v, want elevation,azimuth,object with 2·3·2 points", got, Sizes(d))
	}

	ref, err := npy.ReadFile("testdata/cars3d_expected.npy")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ref.Uint8()
	if err != nil {
		t.Fatal(err)
	}
	sizes := Sizes(d)
	var factors []int
	row := make([]int, 3)
	for g := range NumPoints(sizes) {
		FactorsAt(sizes, g, row)
		factors = append(factors, row...)
	}
	dst := make([]float32, len(want))
	if err := d.Observe(factors, nil, dst); err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if dst[i] != pixelScale[w] {
			g := i / 48
			FactorsAt(sizes, g, row)
			t.Fatalf("grid point %d (elevation, azimuth, object %v) value %d = %v, disentanglement_lib %v", g, row, i%48, dst[i], pixelScale[w])
		}
	}
}

// copyCars copies the test car files into a new data directory's cars
// subdirectory and returns the data directory.
func copyCars(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cars := filepath.Join(dir, "cars")
	if err := os.Mkdir(cars, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"car_001_mesh.mat", "car_002_mesh.mat"} {
		data, err := os.ReadFile(filepath.Join("testdata/cars3d/cars", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cars, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCars3DFileBadInput(t *testing.T) {
	tests := []struct {
		name   string
		damage func(cars string)
		err    error
		want   string
	}{
		{"extra file", func(cars string) {
			data, _ := os.ReadFile(filepath.Join(cars, "car_001_mesh.mat"))
			os.WriteFile(filepath.Join(cars, "car_003_mesh.mat"), data, 0o644)
		}, ErrInvalidFile, "holds 3 .mat files, expected 2"},
		{"missing file", func(cars string) {
			os.Remove(filepath.Join(cars, "car_002_mesh.mat"))
		}, ErrInvalidFile, "holds 1 .mat files, expected 2"},
		{"wrong dimensions", func(cars string) {
			data, _ := os.ReadFile("testdata/cars3d_wrongdims.mat")
			os.WriteFile(filepath.Join(cars, "car_002_mesh.mat"), data, 0o644)
		}, ErrInvalidFile, "car_002_mesh.mat: variable im has class uint8 and dimensions (8, 8, 3, 2, 2), expected uint8 of (8, 8, 3, 3, 2)"},
		{"version 7.3", func(cars string) {
			// The 128-byte header of a MATLAB 7.3 file, which is HDF5.
			header := make([]byte, 128)
			copy(header, "MATLAB 7.3 MAT-file, Platform: GLNXA64")
			header[124], header[125], header[126], header[127] = 0x00, 0x02, 'I', 'M'
			os.WriteFile(filepath.Join(cars, "car_002_mesh.mat"), append(header, make([]byte, 512)...), 0o644)
		}, ErrInvalidFile, "car_002_mesh.mat: version 7.3 MAT-file"},
		{"truncated file", func(cars string) {
			path := filepath.Join(cars, "car_001_mesh.mat")
			data, _ := os.ReadFile(path)
			os.WriteFile(path, data[:len(data)-200], 0o644)
		}, ErrInvalidFile, "car_001_mesh.mat"},
	}
	for _, tt := range tests {
		dir := copyCars(t)
		tt.damage(filepath.Join(dir, "cars"))
		_, err := readCars3D(dir, smallCars3DLayout)
		if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want %v containing %q", tt.name, err, tt.err, tt.want)
		}
	}
}

func TestCars3DFileDirectories(t *testing.T) {
	// The tarball's layout, data/cars, is found as well as cars.
	dir := t.TempDir()
	if err := os.Rename(copyCars(t), filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	if _, err := readCars3D(dir, smallCars3DLayout); err != nil {
		t.Errorf("data/cars layout: %v", err)
	}

	_, err := Open("cars3d", t.TempDir())
	if !errors.Is(err, ErrMissingFile) || !strings.Contains(err.Error(), cars3DDownload) {
		t.Errorf("empty directory: error = %v, want ErrMissingFile naming the download", err)
	}

	// The registered reader expects the published 183 cars.
	_, err = Open("cars3d", copyCars(t))
	if !errors.Is(err, ErrInvalidFile) || !strings.Contains(err.Error(), "expected 183") {
		t.Errorf("two cars: error = %v, want ErrInvalidFile expecting 183 files", err)
	}
}
