package npy

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// numpyF8 is np.save of np.arange(6, dtype='<f8').reshape(2, 3) by NumPy 1.24:
// the header dict padded to 128 bytes in all, then 48 bytes of data.
func numpyF8() []byte {
	dict := "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	hl := 128 - 10
	b.Write([]byte{byte(hl), 0})
	b.WriteString(dict)
	b.Write(bytes.Repeat([]byte(" "), hl-len(dict)-1))
	b.WriteByte('\n')
	for _, v := range []uint64{0, 0x3ff0000000000000, 0x4000000000000000, 0x4008000000000000, 0x4010000000000000, 0x4014000000000000} {
		var w [8]byte
		for i := range 8 {
			w[i] = byte(v >> (8 * i))
		}
		b.Write(w[:])
	}
	return b.Bytes()
}

func TestReadNumpyLayout(t *testing.T) {
	a, err := Read(bytes.NewReader(numpyF8()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Shape, []int{2, 3}) || a.DType != "<f8" || a.FortranOrder {
		t.Fatalf("header = %+v", a.Header)
	}
	if got := a.Float64(); !reflect.DeepEqual(got, []float64{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("data = %v", got)
	}
}

func TestRoundTripTypes(t *testing.T) {
	cases := []struct {
		shape []int
		data  any
	}{
		{[]int{2, 2}, []float64{1.5, -2, 3e300, 0}},
		{[]int{3}, []float32{1, 2.5, -3}},
		{[]int{2, 1}, []int64{-7, 1 << 40}},
		{[]int{1, 2}, []int32{-1, 5}},
		{[]int{4}, []uint8{0, 1, 255, 7}},
		{[]int{2}, []bool{true, false}},
		{[]int{}, []float64{42}},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		if err := Write(&buf, c.shape, c.data); err != nil {
			t.Fatal(err)
		}
		if (buf.Len()-dataBytes(c.data))%64 != 0 {
			t.Errorf("%T: data not 64-byte aligned", c.data)
		}
		a, err := Read(&buf)
		if err != nil {
			t.Fatalf("%T: %v", c.data, err)
		}
		if !reflect.DeepEqual(a.Shape, c.shape) {
			t.Errorf("%T: shape %v, want %v", c.data, a.Shape, c.shape)
		}
		got := a.Float64()
		want := toFloat(c.data)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%T: data %v, want %v", c.data, got, want)
		}
	}
}

func dataBytes(data any) int {
	_, n, _ := dtypeOf(data)
	switch data.(type) {
	case []float64, []int64:
		return 8 * n
	case []float32, []int32:
		return 4 * n
	}
	return n
}

func toFloat(data any) []float64 {
	var out []float64
	switch d := data.(type) {
	case []float64:
		out = append(out, d...)
	case []float32:
		for _, v := range d {
			out = append(out, float64(v))
		}
	case []int64:
		for _, v := range d {
			out = append(out, float64(v))
		}
	case []int32:
		for _, v := range d {
			out = append(out, float64(v))
		}
	case []uint8:
		for _, v := range d {
			out = append(out, float64(v))
		}
	case []bool:
		for _, v := range d {
			if v {
				out = append(out, 1)
			} else {
				out = append(out, 0)
			}
		}
	}
	return out
}

func TestFortranOrder(t *testing.T) {
	// np.asfortranarray(np.arange(6).reshape(2, 3)) stores the columns first:
	// 0 3 1 4 2 5.
	var buf bytes.Buffer
	if err := Write(&buf, []int{2, 3}, []int64{0, 3, 1, 4, 2, 5}); err != nil {
		t.Fatal(err)
	}
	raw := bytes.Replace(buf.Bytes(), []byte("'fortran_order': False"), []byte("'fortran_order': True "), 1)
	a, err := Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Int64()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []int64{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("C-order data = %v", got)
	}
}

func TestBadInput(t *testing.T) {
	good := numpyF8()
	cases := map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("\x93NUMPZ"), good[6:]...),
		"truncated": good[:len(good)-5],
		"object":    bytes.Replace(good, []byte("'<f8'"), []byte("'|O8'"), 1),
		"version":   append(append([]byte{}, good[:6]...), append([]byte{9, 0}, good[8:]...)...),
	}
	for name, raw := range cases {
		if _, err := Read(bytes.NewReader(raw)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", name, err)
		}
	}
}

func TestInt64RejectsFractions(t *testing.T) {
	var buf bytes.Buffer
	Write(&buf, []int{2}, []float64{1, 1.5})
	a, _ := Read(&buf)
	if _, err := a.Int64(); err == nil {
		t.Fatal("Int64 accepted 1.5")
	}
}

func TestNPZRoundTrip(t *testing.T) {
	for _, compress := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "a.npz")
		err := WriteNPZ(path, []NamedArray{
			{"imgs", []int{2, 2, 2}, []uint8{1, 0, 0, 1, 1, 1, 0, 0}},
			{"latents_values", []int{2, 1}, []float64{0.5, 1}},
		}, compress)
		if err != nil {
			t.Fatal(err)
		}
		z, err := OpenNPZ(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := z.Keys(); !reflect.DeepEqual(got, []string{"imgs", "latents_values"}) {
			t.Errorf("keys = %v", got)
		}
		a, err := z.Read("imgs")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := a.Uint8()
		if !reflect.DeepEqual(u, []uint8{1, 0, 0, 1, 1, 1, 0, 0}) {
			t.Errorf("imgs = %v", u)
		}
		if _, _, err := z.Open("missing"); err == nil {
			t.Error("Open of a missing key succeeded")
		}
		z.Close()
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.npy")
	if err := WriteFile(path, []int{3}, []float64{1, 2}); err == nil {
		t.Fatal("WriteFile accepted 2 elements for shape (3,)")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a failed write left %s behind", path)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("a failed write left %d files behind", len(entries))
	}
}

// TestNumpyFiles reads files written by NumPy 1.24.2 (Debian bookworm):
//
//	np.save('c_f8.npy', np.arange(6.).reshape(2, 3))
//	np.save('fortran_i8.npy', np.asfortranarray(np.arange(6, dtype='<i8').reshape(2, 3)))
//	np.save('be_f4.npy', np.arange(6, dtype='>f4').reshape(3, 2))
//	np.savez_compressed('compressed.npz', a=np.arange(4, dtype=np.uint8), b=np.eye(2))
func TestNumpyFiles(t *testing.T) {
	want := []float64{0, 1, 2, 3, 4, 5}
	for _, name := range []string{"c_f8.npy", "fortran_i8.npy", "be_f4.npy"} {
		a, err := ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Float64(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	z, err := OpenNPZ(filepath.Join("testdata", "compressed.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	b, err := z.Read("b")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Float64(); !reflect.DeepEqual(got, []float64{1, 0, 0, 1}) {
		t.Errorf("b = %v", got)
	}
}

func TestHugeShapeTruncated(t *testing.T) {
	// A header that claims 2^40 float64 values followed by 8 bytes of data must
	// fail as truncated without trying to allocate 8 TiB.
	dict := "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }"
	var raw bytes.Buffer
	raw.WriteString("\x93NUMPY\x01\x00")
	raw.Write([]byte{byte(len(dict) + 1), 0})
	raw.WriteString(dict + "\n")
	raw.Write(make([]byte, 8))
	_, err := Read(&raw)
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v, want a truncation ErrFormat", err)
	}
}
