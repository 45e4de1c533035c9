package matfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// The files under testdata were written by testdata/gen.py with Debian's
// python3-scipy 1.10.1 and python3-h5py 3.7.0. gen.py's ramp(shape, dtype,
// scale) stores scale·k at column-major position k.

func readTestFile(t *testing.T, name string) *File {
	t.Helper()
	f, err := ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", name, err)
	}
	return f
}

func TestReadCarFiles(t *testing.T) {
	for _, name := range []string{"car_plain.mat", "car_zlib.mat"} {
		f := readTestFile(t, name)
		v, err := f.Variable("im")
		if err != nil {
			t.Fatal(err)
		}
		if v.Class != ClassUint8 {
			t.Errorf("%s: class %v, want uint8", name, v.Class)
		}
		if want := []int{4, 4, 3, 3, 2}; !reflect.DeepEqual(v.Dims, want) {
			t.Errorf("%s: dims %v, want %v", name, v.Dims, want)
		}
		got, err := v.Uint8()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 288 {
			t.Fatalf("%s: %d elements, want 288", name, len(got))
		}
		for k, x := range got {
			// numpy's astype(uint8) wraps 256 … 287 to 0 … 31.
			if x != uint8(k%256) {
				t.Fatalf("%s: element %d = %d, want %d", name, k, x, k%256)
			}
		}
	}
}

func TestReadKinds(t *testing.T) {
	f := readTestFile(t, "kinds.mat")
	tests := []struct {
		name  string
		class Class
		dims  []int
		want  []float64
	}{
		{"f64", ClassDouble, []int{2, 3}, []float64{0, 0.5, 1, 1.5, 2, 2.5}},
		{"f32", ClassSingle, []int{3, 1}, []float64{0, 0.25, 0.5}},
		{"i16", ClassInt16, []int{2, 2}, []float64{0, -300, -600, -900}},
		{"u64", ClassUint64, []int{1, 2}, []float64{0, 1 << 40}},
		// The real parts of k·(1+2i).
		{"cplx", ClassDouble, []int{2, 1}, []float64{0, 1}},
		{"empty", ClassDouble, []int{0, 3}, []float64{}},
	}
	for _, tt := range tests {
		v, err := f.Variable(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if v.Class != tt.class || !reflect.DeepEqual(v.Dims, tt.dims) {
			t.Errorf("%s: class %v dims %v, want %v %v", tt.name, v.Class, v.Dims, tt.class, tt.dims)
		}
		got, err := v.Float64()
		if err != nil {
			t.Fatal(err)
		}
		// Exact: every value is representable and only converted.
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, got, tt.want)
		}
	}
	if v, _ := f.Variable("cplx"); !v.Complex {
		t.Error("cplx is not marked complex")
	}

	// Variables of other classes are listed and skipped.
	for name, class := range map[string]Class{"text": ClassChar, "cell": ClassCell, "rec": ClassStruct} {
		v, err := f.Variable(name)
		if err != nil {
			t.Fatal(err)
		}
		if v.Class != class {
			t.Errorf("%s: class %v, want %v", name, v.Class, class)
		}
		if _, err := v.Float64(); !errors.Is(err, ErrType) {
			t.Errorf("%s: Float64 error = %v, want ErrType", name, err)
		}
	}
}

func TestVariableErrors(t *testing.T) {
	f := readTestFile(t, "kinds.mat")
	_, err := f.Variable("im")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "f64, f32") {
		t.Errorf("Variable(im) error = %v, want ErrNotFound listing the variables", err)
	}
	v, _ := f.Variable("f64")
	if _, err := v.Uint8(); !errors.Is(err, ErrType) || !strings.Contains(err.Error(), "double") {
		t.Errorf("Uint8 of a double variable: error = %v, want ErrType naming double", err)
	}
}

func TestOtherVersions(t *testing.T) {
	for name, version := range map[string]string{"v4.mat": "version 4", "v73.mat": "version 7.3"} {
		_, err := ReadFile("testdata/" + name)
		if !errors.Is(err, ErrVersion) {
			t.Errorf("%s: error = %v, want ErrVersion", name, err)
			continue
		}
		if !strings.Contains(err.Error(), version) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %q does not name the file and %q", name, err, version)
		}
	}
	_, err := Parse([]byte("not a MAT-file"), "x.mat")
	if !errors.Is(err, ErrFormat) {
		t.Errorf("short text: error = %v, want ErrFormat", err)
	}
}

// TestTruncatedFiles cuts the test files at every length: each cut is an
// error, or, cut right after the header, a file without the variable.
func TestTruncatedFiles(t *testing.T) {
	for _, name := range []string{"car_plain.mat", "car_zlib.mat"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for n := range len(data) {
			f, err := Parse(data[:n], name)
			if err != nil {
				if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrVersion) {
					t.Errorf("%s cut to %d bytes: error %v wraps neither ErrFormat nor ErrVersion", name, n, err)
				}
				continue
			}
			if _, err := f.Variable("im"); err == nil {
				t.Errorf("%s cut to %d bytes: read without error", name, n)
			}
		}
	}
}

// matWriter builds Level 5 MAT-files by hand, for features scipy does not
// write: big-endian files, classes stored in a narrower type, small data
// elements holding data.
type matWriter struct {
	order binary.ByteOrder
	buf   bytes.Buffer
}

func (w *matWriter) header() {
	text := make([]byte, 116)
	copy(text, "MATLAB 5.0 MAT-file, written by matfile_test.go")
	for i := len("MATLAB 5.0 MAT-file, written by matfile_test.go"); i < 116; i++ {
		text[i] = ' '
	}
	w.buf.Write(text)
	w.buf.Write(make([]byte, 8))
	binary.Write(&w.buf, w.order, uint16(0x0100))
	if w.order == binary.ByteOrder(binary.BigEndian) {
		w.buf.WriteString("MI")
	} else {
		w.buf.WriteString("IM")
	}
}

// element encodes one padded data element; small selects the 4-byte format.
func (w *matWriter) element(typ dataType, data []byte, small bool) []byte {
	var b bytes.Buffer
	if small {
		binary.Write(&b, w.order, uint32(len(data))<<16|uint32(typ))
		b.Write(data)
		b.Write(make([]byte, 4-len(data)))
		return b.Bytes()
	}
	binary.Write(&b, w.order, uint32(typ))
	binary.Write(&b, w.order, uint32(len(data)))
	b.Write(data)
	b.Write(make([]byte, (8-len(data)%8)%8))
	return b.Bytes()
}

func (w *matWriter) matrix(name string, class Class, dims []int32, stored dataType, data []byte, small bool) {
	var body bytes.Buffer
	flags := make([]byte, 8)
	w.order.PutUint32(flags, uint32(class))
	body.Write(w.element(miUINT32, flags, false))
	var d bytes.Buffer
	binary.Write(&d, w.order, dims)
	body.Write(w.element(miINT32, d.Bytes(), false))
	body.Write(w.element(miINT8, []byte(name), len(name) <= 4))
	body.Write(w.element(stored, data, small))
	w.buf.Write(w.element(miMATRIX, body.Bytes(), false))
}

func TestHandWrittenFiles(t *testing.T) {
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		w := &matWriter{order: order}
		w.header()
		// A double array of small integers stored as miUINT8, as MATLAB does.
		w.matrix("dbl", ClassDouble, []int32{1, 3}, miUINT8, []byte{1, 2, 250}, false)
		// A uint8 array stored as miINT16, whose data fits a small element.
		var i16 bytes.Buffer
		binary.Write(&i16, order, []int16{7, 200})
		w.matrix("u8", ClassUint8, []int32{2, 1}, miINT16, i16.Bytes(), true)
		// A uint8 array whose stored int16 value does not fit.
		var bad bytes.Buffer
		binary.Write(&bad, order, []int16{-1, 3})
		w.matrix("bad", ClassUint8, []int32{1, 2}, miINT16, bad.Bytes(), true)

		f, err := Parse(w.buf.Bytes(), fmt.Sprint(order))
		if err != nil {
			t.Fatalf("%v: %v", order, err)
		}
		if f.BigEndian != (order == binary.ByteOrder(binary.BigEndian)) {
			t.Errorf("%v: BigEndian = %v", order, f.BigEndian)
		}
		dbl, _ := f.Variable("dbl")
		if got, _ := dbl.Float64(); !reflect.DeepEqual(got, []float64{1, 2, 250}) {
			t.Errorf("%v: dbl = %v, want [1 2 250]", order, got)
		}
		u8, _ := f.Variable("u8")
		if got, err := u8.Uint8(); err != nil || !bytes.Equal(got, []byte{7, 200}) {
			t.Errorf("%v: u8 = %v (%v), want [7 200]", order, got, err)
		}
		bad2, _ := f.Variable("bad")
		if _, err := bad2.Uint8(); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "-1") {
			t.Errorf("%v: bad uint8 value: error = %v, want ErrFormat naming -1", order, err)
		}
	}
}

func TestSizeMismatch(t *testing.T) {
	w := &matWriter{order: binary.LittleEndian}
	w.header()
	w.matrix("x", ClassUint8, []int32{2, 3}, miUINT8, []byte{1, 2, 3, 4, 5}, false)
	_, err := Parse(w.buf.Bytes(), "mismatch.mat")
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "6 elements") {
		t.Errorf("error = %v, want ErrFormat naming 6 elements", err)
	}
}

func ExampleReadFile() {
	f, err := ReadFile("testdata/car_zlib.mat")
	if err != nil {
		fmt.Println(err)
		return
	}
	im, err := f.Variable("im")
	if err != nil {
		fmt.Println(err)
		return
	}
	pixels, err := im.Uint8()
	if err != nil {
		fmt.Println(err)
		return
	}
	// Column-major: element (1, 0, 0, 0, 0) is next to element (0, 0, 0, 0, 0).
	fmt.Println(im.Class, im.Dims, pixels[:3])
	// Output: uint8 [4 4 3 3 2] [0 1 2]
}
