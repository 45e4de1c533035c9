package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromov-monge/gmg/internal/npy"
)

// smallNORBTestLayout is a reduced grid with the published factor names and
// order: 2·2·2·1 grid points, 2 instances, 16 examples.
var smallNORBTestLayout = smallNORBLayout{
	factors: []Factor{
		{Name: "category", Size: 2},
		{Name: "elevation", Size: 2},
		{Name: "azimuth", Size: 2},
		{Name: "lighting", Size: 1},
	},
	instances: 2,
}

// norbExample is one example of a test file set.
type norbExample struct {
	category, instance, elevation, azimuth, lighting int // azimuth as stored: 0, 2, …
	cameras                                          []uint8
}

// norbMatrix encodes a NORB binary matrix.
func norbMatrix(magic uint32, dims []int32, data any) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, magic)
	binary.Write(&b, binary.LittleEndian, int32(len(dims)))
	padded := append([]int32(nil), dims...)
	for len(padded) < 3 {
		padded = append(padded, 1)
	}
	binary.Write(&b, binary.LittleEndian, padded)
	binary.Write(&b, binary.LittleEndian, data)
	return b.Bytes()
}

// norbSplitFiles encodes the -dat, -cat and -info files of a split.
func norbSplitFiles(examples []norbExample) (dat, cat, info []byte) {
	n := int32(len(examples))
	var pixels []uint8
	var cats, infos []int32
	for _, e := range examples {
		pixels = append(pixels, e.cameras...)
		cats = append(cats, int32(e.category))
		infos = append(infos, int32(e.instance), int32(e.elevation), int32(e.azimuth), int32(e.lighting))
	}
	dat = norbMatrix(norbMagicByte, []int32{n, 2, 96, 96}, pixels)
	cat = norbMatrix(norbMagicInt32, []int32{n}, cats)
	info = norbMatrix(norbMagicInt32, []int32{n, 4}, infos)
	return dat, cat, info
}

// norbTestExamples returns the 16 examples of smallNORBTestLayout: instance 1
// in the training split, instance 0 in the testing split. Camera 0 of each is
// a distinct pattern; camera 1 is constant, so using it would show.
func norbTestExamples(seed uint64) [2][]norbExample {
	rng := rand.New(rand.NewPCG(seed, 0))
	var splits [2][]norbExample
	for split, instance := range []int{1, 0} {
		for c := range 2 {
			for el := range 2 {
				for az := range 2 {
					e := norbExample{category: c, instance: instance, elevation: el, azimuth: 2 * az}
					e.cameras = make([]uint8, 2*96*96)
					for p := range 96 * 96 {
						e.cameras[p] = uint8(rng.IntN(256))
						e.cameras[96*96+p] = 77
					}
					splits[split] = append(splits[split], e)
				}
			}
		}
		// Shuffle so that file order is not grid order.
		rng.Shuffle(len(splits[split]), func(i, j int) { splits[split][i], splits[split][j] = splits[split][j], splits[split][i] })
	}
	return splits
}

// writeNORB writes a file set into dir, the testing split gzipped when gz.
func writeNORB(t *testing.T, dir string, splits [2][]norbExample, gz bool) {
	t.Helper()
	for s, stem := range smallNORBSplits {
		dat, cat, info := norbSplitFiles(splits[s])
		for suffix, data := range map[string][]byte{"-dat.mat": dat, "-cat.mat": cat, "-info.mat": info} {
			path := filepath.Join(dir, stem+suffix)
			if gz && s == 1 {
				var b bytes.Buffer
				zw := gzip.NewWriter(&b)
				zw.Write(data)
				zw.Close()
				data, path = b.Bytes(), path+".gz"
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestSmallNORBFileImages(t *testing.T) {
	splits := norbTestExamples(1)
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		writeNORB(t, dir, splits, gz)
		d, err := readSmallNORB(dir, smallNORBTestLayout)
		if err != nil {
			t.Fatal(err)
		}
		if d.Name() != "smallnorb" || d.ImageShape() != (ImageShape{64, 64, 1}) || d.Source() != dir {
			t.Errorf("Name %q, ImageShape %v, Source %q", d.Name(), d.ImageShape(), d.Source())
		}

		// Each grid point 8 times; a twin generator predicts the instances.
		sizes := Sizes(d)
		var factors []int
		row := make([]int, 4)
		for rep := range 8 {
			for g := range NumPoints(sizes) {
				FactorsAt(sizes, (g+rep)%NumPoints(sizes), row)
				factors = append(factors, row...)
			}
		}
		n := len(factors) / 4
		dst := make([]float32, n*4096)
		if err := d.Observe(factors, rand.New(rand.NewPCG(9, 9)), dst); err != nil {
			t.Fatal(err)
		}
		twin := rand.New(rand.NewPCG(9, 9))
		resizer := newLanczosResizer(96, 96, 64, 64, 1)
		seen := map[int]bool{}
		for i := range n {
			f := factors[i*4 : (i+1)*4]
			instance := twin.IntN(2)
			seen[instance] = true
			var e *norbExample
			for _, ex := range splits[1-instance] {
				if ex.category == f[0] && ex.elevation == f[1] && ex.azimuth == 2*f[2] && ex.lighting == f[3] {
					e = &ex
				}
			}
			want := make([]uint8, 4096)
			resizeNORB(resizer, e.cameras[:96*96], want)
			for p, w := range want {
				if dst[i*4096+p] != pixelScale[w] {
					t.Fatalf("gz=%v: row %d (factors %v, instance %d) pixel %d = %v, want %v", gz, i, f, instance, p, dst[i*4096+p], pixelScale[w])
				}
			}
		}
		if len(seen) != 2 {
			t.Errorf("instances drawn: %v, want both", seen)
		}
	}
}

// TestResizeNORBMatchesPillow checks the SmallNORB resize against Pillow's
// mode "I" result (testdata/lanczos_int96.npy), clipped to [0, 255].
func TestResizeNORBMatchesPillow(t *testing.T) {
	ref, err := npy.ReadFile("testdata/lanczos_int96.npy")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ref.Int64()
	if err != nil {
		t.Fatal(err)
	}
	got := make([]uint8, 4096)
	resizeNORB(newLanczosResizer(96, 96, 64, 64, 1), lanczosTestImage(96, 96, 1), got)
	clipped := 0
	for i, w := range want {
		if w < 0 || w > 255 {
			clipped++
		}
		if int64(got[i]) != min(max(w, 0), 255) {
			t.Fatalf("pixel %d = %d, Pillow %d", i, got[i], w)
		}
	}
	// The stripes of the test image overshoot, so clipping is exercised.
	if clipped == 0 {
		t.Error("no Pillow value left [0, 255]; the test does not exercise clipping")
	}
}

func TestSmallNORBFileBadInput(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(splits *[2][]norbExample) // before the files are written
		damage func(dir string)               // after
		err    error
		want   string
	}{
		{name: "missing file", damage: func(dir string) {
			os.Remove(filepath.Join(dir, smallNORBSplits[1]+"-info.mat"))
		}, err: ErrMissingFile, want: smallNORBDownload},
		{name: "odd azimuth", edit: func(s *[2][]norbExample) {
			s[0][3].azimuth = 3
		}, err: ErrInvalidFile, want: "azimuth 3"},
		{name: "instance out of range", edit: func(s *[2][]norbExample) {
			s[1][0].instance = 5
		}, err: ErrInvalidFile, want: "instance 5"},
		{name: "repeated example", edit: func(s *[2][]norbExample) {
			s[1][1] = s[1][0]
		}, err: ErrInvalidFile, want: "repeats category"},
		{name: "wrong magic", damage: func(dir string) {
			path := filepath.Join(dir, smallNORBSplits[0]+"-dat.mat")
			data, _ := os.ReadFile(path)
			binary.LittleEndian.PutUint32(data, norbMagicInt32)
			os.WriteFile(path, data, 0o644)
		}, err: ErrInvalidFile, want: "magic number 0x1e3d4c54, expected 0x1e3d4c55"},
		{name: "truncated images", damage: func(dir string) {
			path := filepath.Join(dir, smallNORBSplits[0]+"-dat.mat")
			data, _ := os.ReadFile(path)
			os.WriteFile(path, data[:len(data)-1000], 0o644)
		}, err: ErrInvalidFile, want: "truncated"},
		{name: "trailing data", damage: func(dir string) {
			path := filepath.Join(dir, smallNORBSplits[1]+"-cat.mat")
			data, _ := os.ReadFile(path)
			os.WriteFile(path, append(data, 0, 0, 0, 0), 0o644)
		}, err: ErrInvalidFile, want: "longer than its header"},
	}
	for _, tt := range tests {
		splits := norbTestExamples(2)
		if tt.edit != nil {
			tt.edit(&splits)
		}
		dir := t.TempDir()
		writeNORB(t, dir, splits, false)
		if tt.damage != nil {
			tt.damage(dir)
		}
		_, err := readSmallNORB(dir, smallNORBTestLayout)
		if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want %v containing %q", tt.name, err, tt.err, tt.want)
		}
	}
}

// TestSmallNORBFilePublishedGrid checks that the registered reader expects
// the published 48,600 examples.
func TestSmallNORBFilePublishedGrid(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "small_norb") // disentanglement_lib's layout
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	writeNORB(t, sub, norbTestExamples(3), true)
	_, err := Open("smallnorb", dir)
	if !errors.Is(err, ErrInvalidFile) || !strings.Contains(err.Error(), "16 examples, expected 48600") {
		t.Errorf("error = %v, want ErrInvalidFile expecting 48600 examples", err)
	}
}

func FuzzNORBHeader(f *testing.F) {
	dat, cat, info := norbSplitFiles(norbTestExamples(4)[0][:1])
	f.Add(dat[:32])
	f.Add(cat)
	f.Add(info)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := readNORBHeader(bytes.NewReader(data))
		if err == nil && (len(h.dims) < 1 || len(h.dims) > 8) {
			t.Errorf("header accepted with %d dimensions", len(h.dims))
		}
	})
}

// TestSmallNORBFileHugeCount checks that a header claiming more examples
// than the grid holds is rejected before anything is allocated for them.
func TestSmallNORBFileHugeCount(t *testing.T) {
	dir := t.TempDir()
	writeNORB(t, dir, norbTestExamples(5), false)
	path := filepath.Join(dir, smallNORBSplits[0]+"-cat.mat")
	data, _ := os.ReadFile(path)
	binary.LittleEndian.PutUint32(data[8:], 1<<30)
	os.WriteFile(path, data, 0o644)
	_, err := readSmallNORB(dir, smallNORBTestLayout)
	if !errors.Is(err, ErrInvalidFile) || !strings.Contains(err.Error(), "1073741824 examples") {
		t.Errorf("error = %v, want ErrInvalidFile naming 1073741824 examples", err)
	}
}
