package data

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromov-monge/gmg/internal/npy"
)

// smallDSpritesFactors is a reduced dSprites grid that keeps the published
// factor names and order: 3·2·2·2·2 = 48 images.
var smallDSpritesFactors = []Factor{
	{Name: "shape", Size: 3},
	{Name: "scale", Size: 2},
	{Name: "orientation", Size: 2},
	{Name: "pos_x", Size: 2},
	{Name: "pos_y", Size: 2},
}

// dspritesFixture is a small dSprites file in the published layout: its
// images in file order, the grid index of each, and the arrays to write.
type dspritesFixture struct {
	images []uint8 // [n, 64, 64] in file order
	grid   []int   // grid index of file row i
	arrays []npy.NamedArray
}

// newDSpritesFixture makes random binary images whose rows are in a shuffled
// order, with the published keys, dtypes and shapes for a grid of factors.
func newDSpritesFixture(factors []Factor, seed uint64) dspritesFixture {
	rng := rand.New(rand.NewPCG(seed, 0))
	sizes := make([]int, len(factors))
	for i, f := range factors {
		sizes[i] = f.Size
	}
	n := NumPoints(sizes)
	k := len(sizes)
	fx := dspritesFixture{images: make([]uint8, n*dspritesPixels), grid: rng.Perm(n)}
	for i := range fx.images {
		fx.images[i] = uint8(rng.IntN(2))
	}
	classes := make([]int64, n*(k+1))
	values := make([]float64, n*(k+1))
	row := make([]int, k)
	for i, g := range fx.grid {
		FactorsAt(sizes, g, row)
		values[i*(k+1)] = 1 // the constant colour
		for j, v := range row {
			classes[i*(k+1)+j+1] = int64(v)
			values[i*(k+1)+j+1] = float64(j) + 0.25*float64(v)
		}
	}
	fx.arrays = []npy.NamedArray{
		{Name: "imgs", Shape: []int{n, 64, 64}, Data: fx.images},
		{Name: "latents_classes", Shape: []int{n, k + 1}, Data: classes},
		{Name: "latents_values", Shape: []int{n, k + 1}, Data: values},
	}
	return fx
}

func writeNPZ(t *testing.T, arrays []npy.NamedArray, compress bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), dspritesFileName)
	if err := npy.WriteNPZ(path, arrays, compress); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDSpritesFileImages(t *testing.T) {
	fx := newDSpritesFixture(smallDSpritesFactors, 1)
	for _, compress := range []bool{false, true} {
		d, err := readDSpritesFile(writeNPZ(t, fx.arrays, compress), smallDSpritesFactors)
		if err != nil {
			t.Fatal(err)
		}
		if d.Name() != "dsprites" || d.ImageShape() != (ImageShape{64, 64, 1}) {
			t.Errorf("Name %q, ImageShape %v", d.Name(), d.ImageShape())
		}
		if got := Sizes(d); len(got) != 5 || got[0] != 3 || got[1] != 2 {
			t.Errorf("Sizes = %v, want [3 2 2 2 2]", got)
		}

		// Ask for every grid point in grid order; file row i must come back
		// at grid index fx.grid[i].
		sizes := Sizes(d)
		n := NumPoints(sizes)
		factors := make([]int, 0, n*5)
		row := make([]int, 5)
		for g := range n {
			FactorsAt(sizes, g, row)
			factors = append(factors, row...)
		}
		dst := make([]float32, n*dspritesPixels)
		if err := d.Observe(factors, nil, dst); err != nil {
			t.Fatal(err)
		}
		for i, g := range fx.grid {
			want := fx.images[i*dspritesPixels:][:dspritesPixels]
			got := dst[g*dspritesPixels:][:dspritesPixels]
			for p := range want {
				if got[p] != float32(want[p]) {
					t.Fatalf("compress=%v: file image %d (grid %d) pixel %d = %v, want %d", compress, i, g, p, got[p], want[p])
				}
			}
		}
	}
}

func TestDSpritesFileDescribe(t *testing.T) {
	fx := newDSpritesFixture(smallDSpritesFactors, 2)
	d, err := readDSpritesFile(writeNPZ(t, fx.arrays, false), smallDSpritesFactors)
	if err != nil {
		t.Fatal(err)
	}
	desc := d.Describe()
	// The fixture's value of factor j at index v is j + v/4.
	if len(desc.FactorValues) != 5 || desc.FactorValues[1] != "1, 1.25 (2 values)" {
		t.Errorf("FactorValues = %q, want entry 1 to be \"1, 1.25 (2 values)\"", desc.FactorValues)
	}
	if desc.NumImages != 48 {
		t.Errorf("NumImages = %d, want 48", desc.NumImages)
	}
}

func TestDSpritesFileBadInput(t *testing.T) {
	good := newDSpritesFixture(smallDSpritesFactors, 3)
	tests := []struct {
		name   string
		change func(a []npy.NamedArray) []npy.NamedArray
		want   string
	}{
		{"missing key", func(a []npy.NamedArray) []npy.NamedArray { return a[:2] }, `no array "latents_values"`},
		{"wrong image shape", func(a []npy.NamedArray) []npy.NamedArray {
			a[0].Shape = []int{48, 32, 128}
			return a
		}, "expected uint8 of shape (48, 64, 64)"},
		{"wrong image dtype", func(a []npy.NamedArray) []npy.NamedArray {
			a[0].Data = make([]float32, 48*4096)
			return a
		}, "dtype <f4"},
		{"non-binary pixel", func(a []npy.NamedArray) []npy.NamedArray {
			img := append([]uint8(nil), a[0].Data.([]uint8)...)
			img[4096*5+17] = 255
			a[0].Data = img
			return a
		}, "image 5 has a pixel value other than 0 and 1"},
		{"repeated grid point", func(a []npy.NamedArray) []npy.NamedArray {
			c := append([]int64(nil), a[1].Data.([]int64)...)
			copy(c[6:12], c[0:6])
			a[1].Data = c
			return a
		}, "repeats the factor values"},
		{"class out of range", func(a []npy.NamedArray) []npy.NamedArray {
			c := append([]int64(nil), a[1].Data.([]int64)...)
			c[2] = 7
			a[1].Data = c
			return a
		}, "scale class 7"},
		{"wrong row count", func(a []npy.NamedArray) []npy.NamedArray {
			a[1].Shape = []int{24, 12}
			return a
		}, "expected integers of shape (48, 6)"},
	}
	for _, tt := range tests {
		arrays := tt.change(append([]npy.NamedArray(nil), good.arrays...))
		_, err := readDSpritesFile(writeNPZ(t, arrays, false), smallDSpritesFactors)
		if !errors.Is(err, ErrInvalidFile) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want ErrInvalidFile containing %q", tt.name, err, tt.want)
		}
	}
}

// TestDSpritesFileTruncated cuts a deflated file short at several lengths.
func TestDSpritesFileTruncated(t *testing.T) {
	fx := newDSpritesFixture(smallDSpritesFactors, 4)
	path := writeNPZ(t, fx.arrays, true)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 100, len(data) / 2, len(data) - 10} {
		cut := filepath.Join(t.TempDir(), "cut.npz")
		if err := os.WriteFile(cut, data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readDSpritesFile(cut, smallDSpritesFactors); !errors.Is(err, ErrInvalidFile) {
			t.Errorf("cut to %d of %d bytes: error = %v, want ErrInvalidFile", n, len(data), err)
		}
	}
}

// TestDSpritesFilePublishedGrid checks that the registered reader expects
// the published grid: the small file is rejected with the published shape.
func TestDSpritesFilePublishedGrid(t *testing.T) {
	fx := newDSpritesFixture(smallDSpritesFactors, 5)
	dir := filepath.Dir(writeNPZ(t, fx.arrays, false))
	_, err := Open("dsprites", dir)
	if !errors.Is(err, ErrInvalidFile) || !strings.Contains(err.Error(), "(737280, 6)") {
		t.Errorf("Open on a 48-image file: error = %v, want one expecting shape (737280, 6)", err)
	}
}

func TestDSpritesFileMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := Open("dsprites", dir)
	if !errors.Is(err, ErrMissingFile) {
		t.Fatalf("error = %v, want ErrMissingFile", err)
	}
	for _, want := range []string{filepath.Join(dir, dspritesFileName), filepath.Join(dir, "dsprites", dspritesFileName), dspritesDownload, "procedural"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestPackBits(t *testing.T) {
	pixels := []byte{1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0}
	out := make([]byte, 2)
	if !packBits(pixels, out) || out[0] != 0x81 || out[1] != 0x06 {
		t.Errorf("packBits = %#x, want [0x81 0x06]", out)
	}
	pixels[3] = 2
	if packBits(pixels, out) {
		t.Error("packBits accepted the pixel value 2")
	}
}
