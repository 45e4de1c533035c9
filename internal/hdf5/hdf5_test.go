package hdf5

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// The files under testdata were written by testdata/gen.py with Debian's
// python3-h5py 3.7.0 (HDF5 1.10.8). Their contents are functions of the
// element index, recomputed here.

// imagePixel is gen.py's images(): (7i + 3y + 5x + 11k) mod 256.
func imagePixel(i, y, x, k int) byte { return byte((7*i + 3*y + 5*x + 11*k) % 256) }

// imageBytes returns gen.py's images(n, h, w, c) in row-major order.
func imageBytes(n, h, w, c int) []byte {
	var out []byte
	for i := range n {
		for y := range h {
			for x := range w {
				for k := range c {
					out = append(out, imagePixel(i, y, x, k))
				}
			}
		}
	}
	return out
}

// labelValues returns gen.py's labels(n, m): i + j/8 - 0.5.
func labelValues(n, m int) []float64 {
	var out []float64
	for i := range n {
		for j := range m {
			out = append(out, float64(i)+float64(j)/8-0.5)
		}
	}
	return out
}

func openTestFile(t *testing.T, name string) *File {
	t.Helper()
	f, err := Open("testdata/" + name)
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestDatasetMetadata(t *testing.T) {
	tests := []struct {
		file, path string
		shape      []int
		dtype      string
		layout     Layout
		chunk      []int
		filters    []Filter
	}{
		{"contiguous.h5", "images", []int{5, 8, 8, 3}, "|u1", LayoutContiguous, nil, nil},
		{"contiguous.h5", "/labels", []int{5, 6}, "<f8", LayoutContiguous, nil, nil},
		{"chunked_gzip.h5", "images", []int{5, 8, 8, 3}, "|u1", LayoutChunked, []int{2, 3, 8, 2}, []Filter{FilterDeflate}},
		{"shuffle_fletcher.h5", "images", []int{5, 8, 8, 3}, "|u1", LayoutChunked, []int{2, 8, 8, 3}, []Filter{FilterShuffle, FilterDeflate, FilterFletcher32}},
		{"latest.h5", "contiguous", []int{5, 8, 8, 3}, "|u1", LayoutContiguous, nil, nil},
		{"latest.h5", "chunked", []int{5, 8, 8, 3}, "|u1", LayoutChunked, []int{2, 3, 8, 2}, []Filter{FilterDeflate}},
		{"latest.h5", "paged", []int{1100}, "<f8", LayoutChunked, []int{1}, nil},
		{"latest.h5", "group/inner", []int{3, 2}, "<f8", LayoutContiguous, nil, nil},
		{"many.h5", "rows", []int{200, 4}, "|u1", LayoutChunked, []int{1, 4}, nil},
		{"many.h5", "/group/d07", []int{2}, "|u1", LayoutContiguous, nil, nil},
		{"many.h5", "filled", []int{6, 2}, "<f8", LayoutChunked, []int{2, 2}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file+":"+tt.path, func(t *testing.T) {
			d, err := openTestFile(t, tt.file).Dataset(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d.Shape(), tt.shape) {
				t.Errorf("Shape() = %v, want %v", d.Shape(), tt.shape)
			}
			if got := d.Datatype().String(); got != tt.dtype {
				t.Errorf("Datatype() = %s, want %s", got, tt.dtype)
			}
			if d.Layout() != tt.layout {
				t.Errorf("Layout() = %v, want %v", d.Layout(), tt.layout)
			}
			if len(tt.chunk) > 0 && !reflect.DeepEqual(d.ChunkShape(), tt.chunk) {
				t.Errorf("ChunkShape() = %v, want %v", d.ChunkShape(), tt.chunk)
			}
			if len(tt.filters) > 0 && !reflect.DeepEqual(d.Filters(), tt.filters) {
				t.Errorf("Filters() = %v, want %v", d.Filters(), tt.filters)
			}
		})
	}
}

func TestSuperblockVersions(t *testing.T) {
	for file, want := range map[string]int{"contiguous.h5": 0, "many.h5": 0, "latest.h5": 3} {
		if got := openTestFile(t, file).SuperblockVersion(); got != want {
			t.Errorf("%s: SuperblockVersion() = %d, want %d", file, got, want)
		}
	}
}

// TestImagesAllRowRanges reads every row range of the 5-image dataset in
// each layout, with a cache of one chunk so that chunks are decoded again.
func TestImagesAllRowRanges(t *testing.T) {
	want := imageBytes(5, 8, 8, 3)
	row := 8 * 8 * 3
	for _, c := range []struct{ file, path string }{
		{"contiguous.h5", "images"},
		{"chunked_gzip.h5", "images"},
		{"shuffle_fletcher.h5", "images"},
		{"chunked_plain.h5", "images"},
		{"latest.h5", "contiguous"},
		{"latest.h5", "chunked"},
	} {
		d, err := openTestFile(t, c.file).Dataset(c.path)
		if err != nil {
			t.Fatal(err)
		}
		for _, cache := range []int{DefaultCacheBytes, 1} {
			d.SetCacheBytes(cache)
			for start := range 5 {
				for count := 0; start+count <= 5; count++ {
					got := make([]byte, count*row)
					if err := d.ReadUint8(start, count, got); err != nil {
						t.Fatalf("%s:%s rows [%d,%d): %v", c.file, c.path, start, start+count, err)
					}
					if !bytes.Equal(got, want[start*row:(start+count)*row]) {
						t.Errorf("%s:%s rows [%d,%d) (cache %d bytes) differ from gen.py's images()", c.file, c.path, start, start+count, cache)
					}
				}
			}
		}
	}
}

func TestReadFloat64(t *testing.T) {
	filled := []float64{-1.5, -1.5, -1.5, -1.5}
	filled = append(filled, labelValues(2, 2)...)
	filled = append(filled, -1.5, -1.5, -1.5, -1.5)
	paged := make([]float64, 1100)
	for i := range paged {
		paged[i] = float64(i)
	}
	tests := []struct {
		file, path string
		want       []float64
	}{
		{"contiguous.h5", "labels", labelValues(5, 6)},
		{"chunked_gzip.h5", "labels", labelValues(5, 6)},
		{"shuffle_fletcher.h5", "labels", labelValues(5, 6)},
		{"latest.h5", "labels", labelValues(5, 6)},
		{"latest.h5", "group/inner", labelValues(3, 2)},
		// 1100 chunks indexed by a fixed array of two pages.
		{"latest.h5", "paged", paged},
		// Rows 0-1 and 4-5 were never written and read the fill value -1.5.
		{"many.h5", "filled", filled},
	}
	for _, tt := range tests {
		d, err := openTestFile(t, tt.file).Dataset(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, len(tt.want))
		if err := d.ReadFloat64(0, d.Rows(), got); err != nil {
			t.Fatalf("%s:%s: %v", tt.file, tt.path, err)
		}
		// Exact: the values are binary fractions and no arithmetic is done.
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:%s = %v, want %v", tt.file, tt.path, got, tt.want)
		}
	}
}

// TestTwoLevelChunkTree reads 200 one-row chunks, more than one version 1
// B-tree node holds, so the index has an internal level.
func TestTwoLevelChunkTree(t *testing.T) {
	d, err := openTestFile(t, "many.h5").Dataset("rows")
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 200*4)
	if err := d.ReadUint8(0, 200, got); err != nil {
		t.Fatal(err)
	}
	if want := imageBytes(200, 1, 1, 4); !bytes.Equal(got, want) {
		t.Errorf("rows differ from gen.py's images(200, 1, 1, 4)")
	}
}

func TestGroupMembers(t *testing.T) {
	f := openTestFile(t, "many.h5")
	names, err := f.Members("/group")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 20 || names[0] != "d00" || names[19] != "d19" {
		t.Fatalf("Members(/group) = %v, want d00 … d19", names)
	}
	// Each of the 20 datasets, spread over several symbol table nodes,
	// holds its own index.
	for i, name := range names {
		d, err := f.Dataset("group/" + name)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 2)
		if err := d.ReadUint8(0, 2, got); err != nil {
			t.Fatal(err)
		}
		if got[0] != byte(i) || got[1] != byte(i) {
			t.Errorf("%s = %v, want [%d %d]", name, got, i, i)
		}
	}

	root, err := openTestFile(t, "latest.h5").Members("/")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"chunked", "contiguous", "group", "labels", "paged"}; !reflect.DeepEqual(root, want) {
		t.Errorf("latest.h5 Members(/) = %v, want %v", root, want)
	}
}

func TestLookupErrors(t *testing.T) {
	f := openTestFile(t, "contiguous.h5")
	_, err := f.Dataset("missing")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "images, labels") {
		t.Errorf("Dataset(missing) error = %v, want ErrNotFound listing the members", err)
	}
	_, err = openTestFile(t, "many.h5").Dataset("group")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "group") {
		t.Errorf("Dataset(group) error = %v, want ErrNotFound naming a group", err)
	}
	d, err := f.Dataset("labels")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadUint8(0, 1, make([]byte, 48)); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "<f8") {
		t.Errorf("ReadUint8 on float64 data error = %v, want ErrUnsupported naming <f8", err)
	}
	if err := d.ReadRows(4, 2, make([]byte, 96)); err == nil || !strings.Contains(err.Error(), "[4, 6)") {
		t.Errorf("ReadRows past the end error = %v, want one naming rows [4, 6)", err)
	}
}

func TestReadRowsPanicsOnWrongBuffer(t *testing.T) {
	d, err := openTestFile(t, "contiguous.h5").Dataset("labels")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("ReadRows with a short buffer did not panic")
		}
	}()
	d.ReadRows(0, 1, make([]byte, 47))
}

// TestCorruptFiles checks that damaged copies of the test files are errors
// that wrap ErrFormat.
func TestCorruptFiles(t *testing.T) {
	for _, name := range []string{"contiguous.h5", "latest.h5"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		// Truncation shortens the file below the end that the superblock
		// records.
		for _, n := range []int{0, 7, 100, len(data) / 2, len(data) - 1} {
			_, err := NewFile(bytes.NewReader(data[:n]), int64(n), name)
			if !errors.Is(err, ErrFormat) {
				t.Errorf("%s cut to %d bytes: error = %v, want ErrFormat", name, n, err)
			}
		}
	}

	// A flipped bit in a version 3 superblock fails its checksum.
	data, _ := os.ReadFile("testdata/latest.h5")
	data[20] ^= 0x10
	_, err := NewFile(bytes.NewReader(data), int64(len(data)), "latest.h5")
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("flipped superblock bit: error = %v, want a checksum error", err)
	}

	// A flipped bit in a deflated chunk fails the fletcher32 check or
	// inflation.
	data, _ = os.ReadFile("testdata/shuffle_fletcher.h5")
	f, err := NewFile(bytes.NewReader(data), int64(len(data)), "shuffle_fletcher.h5")
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Dataset("images")
	if err != nil {
		t.Fatal(err)
	}
	index, err := d.indexer()
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := index.lookup(0)
	data[ref.addr+ref.size/2] ^= 0x01
	if err := d.ReadUint8(0, 1, make([]byte, 192)); !errors.Is(err, ErrFormat) {
		t.Errorf("flipped chunk bit: error = %v, want ErrFormat", err)
	}
}

func TestNotHDF5(t *testing.T) {
	data := []byte("MATLAB 5.0 MAT-file, written by a test, not an HDF5 file at all")
	_, err := NewFile(bytes.NewReader(data), int64(len(data)), "x.mat")
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "not an HDF5 file") {
		t.Errorf("error = %v, want ErrFormat saying it is not HDF5", err)
	}
}

// TestLookup3 checks the checksum against reference values of Jenkins'
// hashlittle; the other tests check it on every version 2 structure of the
// h5py files as well.
func TestLookup3(t *testing.T) {
	tests := []struct {
		in   string
		init uint32
		want uint32
	}{
		{"", 0, 0xdeadbeef},
		{"", 0xdeadbeef, 0xbd5b7dde},
		{"Four score and seven years ago", 0, 0x17770551},
		{"Four score and seven years ago", 1, 0xcd628161},
	}
	for _, tt := range tests {
		if got := lookup3([]byte(tt.in), tt.init); got != tt.want {
			t.Errorf("lookup3(%q, %#x) = %#08x, want %#08x", tt.in, tt.init, got, tt.want)
		}
	}
}

func TestUnshuffle(t *testing.T) {
	// Three 4-byte elements shuffled into byte planes, plus one trailing
	// byte that the filter leaves in place.
	shuffled := []byte{1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12, 99}
	want := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99}
	if got := unshuffle(shuffled, 4); !bytes.Equal(got, want) {
		t.Errorf("unshuffle = %v, want %v", got, want)
	}
}

func TestDatatypeConversion(t *testing.T) {
	tests := []struct {
		t    Datatype
		raw  []byte
		want float64
	}{
		{Datatype{Class: ClassFixedPoint, Size: 1, Signed: true}, []byte{0xfe}, -2},
		{Datatype{Class: ClassFixedPoint, Size: 2, BigEndian: true}, []byte{0x01, 0x02}, 258},
		{Datatype{Class: ClassFixedPoint, Size: 4, Signed: true}, []byte{0xff, 0xff, 0xff, 0xff}, -1},
		{Datatype{Class: ClassFloatingPoint, Size: 4}, []byte{0, 0, 0xc0, 0x3f}, 1.5},
		{Datatype{Class: ClassFloatingPoint, Size: 8, BigEndian: true}, []byte{0x40, 0x04, 0, 0, 0, 0, 0, 0}, 2.5},
	}
	for _, tt := range tests {
		got := make([]float64, 1)
		if err := tt.t.toFloat64(tt.raw, got); err != nil {
			t.Fatal(err)
		}
		if got[0] != tt.want {
			t.Errorf("%s %v = %v, want %v", tt.t, tt.raw, got[0], tt.want)
		}
	}
}

func ExampleFile_Dataset() {
	f, err := Open("testdata/chunked_gzip.h5")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	d, err := f.Dataset("labels")
	if err != nil {
		fmt.Println(err)
		return
	}
	row := make([]float64, 6)
	if err := d.ReadFloat64(1, 1, row); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Shape(), d.Datatype(), row)
	// Output: [5 6] <f8 [0.5 0.625 0.75 0.875 1 1.125]
}
