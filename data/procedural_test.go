package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// proceduralNames lists the datasets whose generators this file tests.
var proceduralNames = []string{"cars3d", "dsprites", "shapes3d", "smallnorb"}

func openProcedural(t testing.TB, name string) Dataset {
	t.Helper()
	d, err := Open(name, "")
	if err != nil {
		t.Fatalf("Open(%q, \"\"): %v", name, err)
	}
	if d.Source() != "procedural" {
		t.Fatalf("%s: Source() = %q, want procedural", name, d.Source())
	}
	return d
}

// observeOne renders the image of one factor row with a nuisance source
// seeded by seed.
func observeOne(t testing.TB, d Dataset, row []int, seed uint64) []float32 {
	t.Helper()
	img := make([]float32, d.ImageShape().Len())
	if err := d.Observe(row, rand.New(rand.NewPCG(seed, 0)), img); err != nil {
		t.Fatalf("%s: Observe(%v): %v", d.Name(), row, err)
	}
	return img
}

func TestProceduralRegistered(t *testing.T) {
	for _, name := range proceduralNames {
		if !slices.Contains(Names(), name) {
			t.Errorf("Names() = %v lacks %q", Names(), name)
		}
		d := openProcedural(t, name)
		if d.Name() != name {
			t.Errorf("Open(%q).Name() = %q", name, d.Name())
		}
	}
}

func TestProceduralFactorGrids(t *testing.T) {
	want := map[string]struct {
		factors string
		shape   ImageShape
	}{
		"dsprites":  {"shape:3 scale:6 orientation:40 pos_x:32 pos_y:32", ImageShape{64, 64, 1}},
		"shapes3d":  {"floor_hue:10 wall_hue:10 object_hue:10 scale:8 shape:4 orientation:15", ImageShape{64, 64, 3}},
		"smallnorb": {"category:5 elevation:9 azimuth:18 lighting:6", ImageShape{64, 64, 1}},
		"cars3d":    {"elevation:4 azimuth:24 object:183", ImageShape{64, 64, 3}},
	}
	for _, name := range proceduralNames {
		d := openProcedural(t, name)
		var parts []string
		for _, f := range d.Factors() {
			parts = append(parts, fmt.Sprintf("%s:%d", f.Name, f.Size))
		}
		if got := strings.Join(parts, " "); got != want[name].factors {
			t.Errorf("%s factors = %s, want %s", name, got, want[name].factors)
		}
		if got := d.ImageShape(); got != want[name].shape {
			t.Errorf("%s image shape = %v, want %v", name, got, want[name].shape)
		}
	}
}

func TestProceduralIndexRoundTrip(t *testing.T) {
	// Every grid point of every dataset: FactorsAt then Index must return the
	// same position, and the rows must come in the published order (the last
	// factor fastest), so that consecutive positions differ in the last factor.
	for _, name := range proceduralNames {
		sizes := Sizes(openProcedural(t, name))
		row := make([]int, len(sizes))
		prev := make([]int, len(sizes))
		for i := range NumPoints(sizes) {
			FactorsAt(sizes, i, row)
			if got := Index(sizes, row); got != i {
				t.Fatalf("%s: Index(FactorsAt(%d)) = %d (row %v)", name, i, got, row)
			}
			if i > 0 && row[len(row)-1] != (prev[len(row)-1]+1)%sizes[len(sizes)-1] {
				t.Fatalf("%s: position %d has row %v after %v; the last factor must vary fastest", name, i, row, prev)
			}
			copy(prev, row)
		}
	}
}

func TestEveryFactorChangesImage(t *testing.T) {
	// From a few random base points, every other value of every factor must
	// change the image. The one exception is dSprites' orientation, whose
	// first and last values are the same angle (0 and 2π), as published.
	bases := map[string]int{"dsprites": 6, "shapes3d": 3, "smallnorb": 3, "cars3d": 2}
	if testing.Short() {
		bases = map[string]int{"dsprites": 2, "shapes3d": 1, "smallnorb": 1, "cars3d": 1}
	}
	for _, name := range proceduralNames {
		d := openProcedural(t, name)
		sizes := Sizes(d)
		rng := rand.New(rand.NewPCG(7, 7))
		for range bases[name] {
			base := SampleFactors(sizes, 1, rng)
			baseImage := observeOne(t, d, base, 1)
			row := make([]int, len(sizes))
			for k, f := range d.Factors() {
				for v := range f.Size {
					if v == base[k] {
						continue
					}
					if name == "dsprites" && f.Name == "orientation" && v+base[k] == f.Size-1 && (v == 0 || base[k] == 0) {
						continue
					}
					copy(row, base)
					row[k] = v
					if slices.Equal(observeOne(t, d, row, 1), baseImage) {
						t.Errorf("%s: %s %d → %d leaves the image of %v unchanged", name, f.Name, base[k], v, base)
					}
				}
			}
		}
	}
}

func TestDSpritesFullTurnRepeatsImage(t *testing.T) {
	// Orientation 0 and 39 are 0 and 2π: the same picture.
	d := openProcedural(t, "dsprites")
	for shape := range 3 {
		a := observeOne(t, d, []int{shape, 5, 0, 10, 20}, 0)
		b := observeOne(t, d, []int{shape, 5, 39, 10, 20}, 0)
		if !slices.Equal(a, b) {
			t.Errorf("shape %d: orientation 0 and 2π give different images", shape)
		}
	}
}

func TestSameSeedSameBatch(t *testing.T) {
	for _, name := range proceduralNames {
		d := openProcedural(t, name)
		imagesA, factorsA, errA := Batch(d, 16, rand.New(rand.NewPCG(3, 4)))
		imagesB, factorsB, errB := Batch(d, 16, rand.New(rand.NewPCG(3, 4)))
		imagesC, _, errC := Batch(d, 16, rand.New(rand.NewPCG(5, 6)))
		if err := errors.Join(errA, errB, errC); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(factorsA, factorsB) || !slices.Equal(imagesA, imagesB) {
			t.Errorf("%s: two batches from one seed differ", name)
		}
		if slices.Equal(imagesA, imagesC) {
			t.Errorf("%s: batches from different seeds are equal", name)
		}
	}
}

func TestSmallNORBInstanceIsNuisance(t *testing.T) {
	// The instance comes from the rng passed to Observe: a fixed seed fixes
	// it, and some seeds give another instance of the same grid point.
	d := openProcedural(t, "smallnorb")
	row := []int{0, 4, 3, 2}
	first := observeOne(t, d, row, 0)
	if !slices.Equal(observeOne(t, d, row, 0), first) {
		t.Fatal("one seed gave two different instances")
	}
	distinct := 0
	for seed := uint64(1); seed < 20; seed++ {
		if !slices.Equal(observeOne(t, d, row, seed), first) {
			distinct++
		}
	}
	if distinct == 0 {
		t.Error("20 seeds all drew the same instance")
	}
}

func TestCars3DModelsDistinct(t *testing.T) {
	// All 183 cars must look different from one view.
	d := openProcedural(t, "cars3d")
	seen := map[[32]byte]int{}
	for obj := range 183 {
		sum := imageSHA256(observeOne(t, d, []int{2, 5, obj}, 0))
		if prev, dup := seen[sum]; dup {
			t.Errorf("cars %d and %d render the same image", prev, obj)
		}
		seen[sum] = obj
	}
}

func TestObserveValueRange(t *testing.T) {
	for _, name := range proceduralNames {
		d := openProcedural(t, name)
		images, _, err := Batch(d, 32, rand.New(rand.NewPCG(11, 12)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, v := range images {
			if v < 0 || v > 1 {
				t.Fatalf("%s: value %d = %v outside [0, 1]", name, i, v)
			}
			// dSprites is binary; the rendered datasets use the 8-bit levels
			// of the published uint8 images.
			if name == "dsprites" && v != 0 && v != 1 {
				t.Fatalf("dsprites: value %d = %v, want 0 or 1", i, v)
			}
			if k := math.Round(float64(v) * 255); v != float32(k)/255 {
				t.Fatalf("%s: value %d = %v is not k/255", name, i, v)
			}
		}
	}
}

func TestObserveRejectsOutOfRange(t *testing.T) {
	for _, name := range proceduralNames {
		d := openProcedural(t, name)
		sizes := Sizes(d)
		for k := range sizes {
			for _, bad := range []int{-1, sizes[k]} {
				row := make([]int, len(sizes))
				row[k] = bad
				err := d.Observe(row, rand.New(rand.NewPCG(1, 1)), make([]float32, d.ImageShape().Len()))
				if err == nil {
					t.Errorf("%s: Observe accepted factor %d = %d", name, k, bad)
					continue
				}
				if !strings.Contains(err.Error(), fmt.Sprint(bad)) {
					t.Errorf("%s: error %q does not name the value %d", name, err, bad)
				}
			}
		}
	}
}

func TestObservePanicsOnWrongDst(t *testing.T) {
	for _, name := range proceduralNames {
		d := openProcedural(t, name)
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Observe with a short dst did not panic", name)
				}
			}()
			_ = d.Observe(make([]int, len(d.Factors())), rand.New(rand.NewPCG(1, 1)), make([]float32, 10))
		}()
	}
}

func TestDescribe(t *testing.T) {
	for _, name := range proceduralNames {
		d := openProcedural(t, name)
		dr, ok := d.(Describer)
		if !ok {
			t.Fatalf("%s does not implement Describer", name)
		}
		desc := dr.Describe()
		if len(desc.FactorValues) != len(d.Factors()) {
			t.Errorf("%s: %d factor value texts for %d factors", name, len(desc.FactorValues), len(d.Factors()))
		}
		wantImages := NumPoints(Sizes(d))
		if name == "smallnorb" {
			wantImages *= 10 // instances
		}
		if desc.NumImages != wantImages {
			t.Errorf("%s: NumImages = %d, want %d", name, desc.NumImages, wantImages)
		}
		standIn := strings.Contains(desc.Summary, "stand-in")
		if wantStandIn := name == "smallnorb" || name == "cars3d"; standIn != wantStandIn {
			t.Errorf("%s: summary %q says stand-in: %v, want %v", name, desc.Summary, standIn, wantStandIn)
		}
	}
}

// imageSHA256 hashes the little-endian IEEE bytes of img.
func imageSHA256(img []float32) [32]byte {
	buf := make([]byte, 4*len(img))
	for i, v := range img {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	return sha256.Sum256(buf)
}

// goldenRows are the factor rows whose images are pinned by hash.
var goldenRows = map[string][][]int{
	"dsprites":  {{0, 0, 0, 0, 0}, {1, 5, 7, 31, 3}, {2, 3, 20, 15, 16}, {2, 5, 33, 4, 30}},
	"shapes3d":  {{0, 0, 0, 0, 0, 0}, {3, 7, 5, 7, 1, 14}, {9, 2, 6, 4, 2, 7}, {5, 5, 1, 2, 3, 3}},
	"smallnorb": {{0, 0, 0, 0}, {1, 8, 17, 5}, {2, 3, 5, 1}, {3, 5, 9, 2}, {4, 6, 12, 3}},
	"cars3d":    {{0, 0, 0}, {3, 23, 182}, {1, 6, 57}, {2, 13, 100}},
}

const goldenPath = "testdata/procedural_sha256.json"

func TestGoldenImageHashes(t *testing.T) {
	// The hashes pin the generators' output bit for bit. A deliberate change
	// of a generator regenerates them with go test ./data -run Golden -update;
	// look at gmg data show before and after.
	// NOTE: they were made on amd64. Where the compiler fuses multiply-adds
	// (arm64 among others) a ray-cast pixel may differ by one 8-bit level.
	got := map[string]string{}
	for name, rows := range goldenRows {
		d := openProcedural(t, name)
		for _, row := range rows {
			sum := imageSHA256(observeOne(t, d, row, 0))
			got[fmt.Sprintf("%s %v", name, row)] = hex.EncodeToString(sum[:])
		}
	}

	if *update {
		buf, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, append(buf, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	buf, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	var want map[string]string
	if err := json.Unmarshal(buf, &want); err != nil {
		t.Fatalf("%s: %v", goldenPath, err)
	}

	for key, w := range want {
		if got[key] != w {
			t.Errorf("%s: SHA-256 %s, want %s", key, got[key], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d golden hashes in %s, want %d", len(want), goldenPath, len(got))
	}
}
