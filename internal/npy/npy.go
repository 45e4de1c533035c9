package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/gromov-monge/gmg/internal/atomicfile"
)

// magic starts every .npy file.
const magic = "\x93NUMPY"

// ErrFormat is wrapped by every error about a malformed or unsupported file.
var ErrFormat = errors.New("npy: invalid or unsupported file")

// Header describes an array: its NumPy dtype string (e.g. "<f8"), its shape and
// whether the data are stored in Fortran (column-major) order.
type Header struct {
	DType        string
	Shape        []int
	FortranOrder bool
}

// Len returns the number of elements, the product of the shape (1 for a scalar).
func (h Header) Len() int {
	n := 1
	for _, d := range h.Shape {
		n *= d
	}
	return n
}

// ItemSize returns the size of one element in bytes.
func (h Header) ItemSize() int {
	size, _ := strconv.Atoi(h.DType[2:])
	return size
}

// Kind returns the dtype's kind character: 'f' float, 'i' signed integer,
// 'u' unsigned integer or 'b' boolean.
func (h Header) Kind() byte { return h.DType[1] }

// order returns the byte order of the data.
func (h Header) order() binary.ByteOrder {
	if h.DType[0] == '>' {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// ShapeString formats the shape as NumPy prints it, e.g. "(3, 4)" or "(5,)".
func (h Header) ShapeString() string { return shapeString(h.Shape) }

func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// ReadHeader reads the magic string, version and header of an .npy stream and
// leaves r positioned at the first data byte.
func ReadHeader(r io.Reader) (Header, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return Header{}, fmt.Errorf("%w: reading the magic string: %v", ErrFormat, err)
	}
	if string(pre[:6]) != magic {
		return Header{}, fmt.Errorf("%w: magic string %q, expected %q", ErrFormat, pre[:6], magic)
	}
	var headerLen int
	switch major := pre[6]; major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Header{}, fmt.Errorf("%w: reading the header length: %v", ErrFormat, err)
		}
		headerLen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Header{}, fmt.Errorf("%w: reading the header length: %v", ErrFormat, err)
		}
		headerLen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return Header{}, fmt.Errorf("%w: format version %d.%d (supported: 1.0, 2.0, 3.0)", ErrFormat, major, pre[7])
	}
	if headerLen > 1<<20 {
		return Header{}, fmt.Errorf("%w: header length %d bytes is implausibly large", ErrFormat, headerLen)
	}
	text := make([]byte, headerLen)
	if _, err := io.ReadFull(r, text); err != nil {
		return Header{}, fmt.Errorf("%w: reading the %d-byte header: %v", ErrFormat, headerLen, err)
	}
	return parseHeader(string(text))
}

// parseHeader parses the Python dict literal of an .npy header.
func parseHeader(text string) (Header, error) {
	var h Header
	s := strings.TrimSpace(text)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return h, fmt.Errorf("%w: header %q is not a dict literal", ErrFormat, s)
	}
	s = s[1 : len(s)-1]
	seen := map[string]bool{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		key, rest, err := quoted(s)
		if err != nil {
			return h, fmt.Errorf("%w: header key: %v", ErrFormat, err)
		}
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, ":") {
			return h, fmt.Errorf("%w: header: missing ':' after %q", ErrFormat, key)
		}
		rest = strings.TrimSpace(rest[1:])
		switch key {
		case "descr":
			h.DType, rest, err = quoted(rest)
		case "fortran_order":
			switch {
			case strings.HasPrefix(rest, "True"):
				h.FortranOrder, rest = true, rest[4:]
			case strings.HasPrefix(rest, "False"):
				h.FortranOrder, rest = false, rest[5:]
			default:
				err = fmt.Errorf("fortran_order is neither True nor False")
			}
		case "shape":
			h.Shape, rest, err = tuple(rest)
		default:
			return h, fmt.Errorf("%w: unexpected header key %q", ErrFormat, key)
		}
		if err != nil {
			return h, fmt.Errorf("%w: header %s: %v", ErrFormat, key, err)
		}
		seen[key] = true
		rest = strings.TrimSpace(rest)
		rest = strings.TrimPrefix(rest, ",")
		s = rest
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("%w: header lacks the key %q", ErrFormat, k)
		}
	}
	if err := checkDType(h.DType); err != nil {
		return h, err
	}
	return h, nil
}

// quoted reads a single- or double-quoted Python string at the start of s.
func quoted(s string) (string, string, error) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", s, fmt.Errorf("expected a quoted string at %q", s)
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return "", s, fmt.Errorf("unterminated string at %q", s)
	}
	return s[1 : 1+end], s[2+end:], nil
}

// tuple reads a Python tuple of non-negative integers at the start of s.
func tuple(s string) ([]int, string, error) {
	if !strings.HasPrefix(s, "(") {
		return nil, s, fmt.Errorf("expected a tuple at %q", s)
	}
	end := strings.IndexByte(s, ')')
	if end < 0 {
		return nil, s, fmt.Errorf("unterminated tuple at %q", s)
	}
	shape := []int{}
	for _, f := range strings.Split(s[1:end], ",") {
		f = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f), "L"))
		if f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		if err != nil || d < 0 {
			return nil, s, fmt.Errorf("invalid dimension %q", f)
		}
		shape = append(shape, d)
	}
	return shape, s[end+1:], nil
}

// checkDType accepts the numeric dtypes this package converts.
func checkDType(d string) error {
	if len(d) < 3 {
		return fmt.Errorf("%w: dtype %q", ErrFormat, d)
	}
	size, err := strconv.Atoi(d[2:])
	ok := err == nil && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=')
	if ok {
		switch d[1] {
		case 'f':
			ok = size == 4 || size == 8
		case 'i', 'u':
			ok = size == 1 || size == 2 || size == 4 || size == 8
		case 'b':
			ok = size == 1
		default:
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("%w: dtype %q (supported: bool, int8-64, uint8-64, float32, float64)", ErrFormat, d)
	}
	return nil
}

// Array is an array read from a file: its header and its raw data in the file's
// byte order.
type Array struct {
	Header
	raw []byte
}

// Read reads a whole .npy stream.
func Read(r io.Reader) (*Array, error) {
	h, err := ReadHeader(r)
	if err != nil {
		return nil, err
	}
	size := h.Len() * h.ItemSize()
	// The buffer grows as data arrive, so a corrupt header that claims a huge
	// shape fails as a truncated file instead of allocating the claimed size.
	var buf bytes.Buffer
	buf.Grow(min(size, 1<<26))
	n, err := io.Copy(&buf, io.LimitReader(r, int64(size)))
	if err != nil || int(n) != size {
		return nil, fmt.Errorf("%w: data truncated: read %d of %d bytes for shape %s dtype %s",
			ErrFormat, n, size, h.ShapeString(), h.DType)
	}
	return &Array{Header: h, raw: buf.Bytes()}, nil
}

// ReadFile reads the .npy file at path; errors name the path.
func ReadFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := Read(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// Float64 returns the elements converted to float64 in C order.
func (a *Array) Float64() []float64 {
	out := make([]float64, a.Len())
	a.each(func(i int, v float64) { out[i] = v })
	return out
}

// Float32 returns the elements converted to float32 in C order.
func (a *Array) Float32() []float32 {
	out := make([]float32, a.Len())
	a.each(func(i int, v float64) { out[i] = float32(v) })
	return out
}

// Int64 returns the elements as int64 in C order. Float elements must hold
// integer values; the error names the first one that does not.
func (a *Array) Int64() ([]int64, error) {
	out := make([]int64, a.Len())
	if a.Kind() == 'i' || a.Kind() == 'u' || a.Kind() == 'b' {
		a.eachInt(func(i int, v int64) { out[i] = v })
		return out, nil
	}
	var bad error
	a.each(func(i int, v float64) {
		if bad == nil && (v != math.Trunc(v) || math.IsInf(v, 0)) {
			bad = fmt.Errorf("npy: element %d is %v, not an integer", i, v)
		}
		out[i] = int64(v)
	})
	return out, bad
}

// Uint8 returns the elements of a uint8, int8 or bool array in C order; other
// dtypes give an error naming the dtype.
func (a *Array) Uint8() ([]uint8, error) {
	if a.ItemSize() != 1 || a.Kind() == 'f' {
		return nil, fmt.Errorf("npy: dtype %s, expected uint8", a.DType)
	}
	out := make([]uint8, a.Len())
	if !a.FortranOrder {
		copy(out, a.raw)
		return out, nil
	}
	perm := fortranToC(a.Shape)
	for i, j := range perm {
		out[i] = a.raw[j]
	}
	return out, nil
}

// each calls f with the C-order index and float64 value of every element.
func (a *Array) each(f func(i int, v float64)) {
	if a.Kind() != 'f' {
		a.eachInt(func(i int, v int64) {
			if a.Kind() == 'u' && a.ItemSize() == 8 {
				f(i, float64(uint64(v)))
				return
			}
			f(i, float64(v))
		})
		return
	}
	order, size := a.order(), a.ItemSize()
	a.visit(func(i, j int) {
		b := a.raw[j*size:]
		if size == 4 {
			f(i, float64(math.Float32frombits(order.Uint32(b))))
		} else {
			f(i, math.Float64frombits(order.Uint64(b)))
		}
	})
}

// eachInt calls f with the C-order index and value of every integer element.
func (a *Array) eachInt(f func(i int, v int64)) {
	order, size, signed := a.order(), a.ItemSize(), a.Kind() == 'i'
	a.visit(func(i, j int) {
		b := a.raw[j*size:]
		var v int64
		switch size {
		case 1:
			v = int64(b[0])
			if signed {
				v = int64(int8(b[0]))
			}
		case 2:
			v = int64(order.Uint16(b))
			if signed {
				v = int64(int16(order.Uint16(b)))
			}
		case 4:
			v = int64(order.Uint32(b))
			if signed {
				v = int64(int32(order.Uint32(b)))
			}
		case 8:
			v = int64(order.Uint64(b))
		}
		f(i, v)
	})
}

// visit calls f(i, j) for each element with i its C-order index and j its
// position in the stored data.
func (a *Array) visit(f func(i, j int)) {
	if !a.FortranOrder || len(a.Shape) < 2 {
		for i := range a.Len() {
			f(i, i)
		}
		return
	}
	for i, j := range fortranToC(a.Shape) {
		f(i, j)
	}
}

// fortranToC returns, for each C-order index, the position of that element in
// Fortran-order storage.
func fortranToC(shape []int) []int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	strides := make([]int, len(shape))
	s := 1
	for k := range shape {
		strides[k] = s
		s *= shape[k]
	}
	perm := make([]int, n)
	idx := make([]int, len(shape))
	for i := range n {
		j := 0
		for k := range shape {
			j += idx[k] * strides[k]
		}
		perm[i] = j
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return perm
}

// dtypeOf returns the little-endian NumPy dtype string for a supported slice
// type and its length.
func dtypeOf(data any) (string, int, error) {
	switch d := data.(type) {
	case []float64:
		return "<f8", len(d), nil
	case []float32:
		return "<f4", len(d), nil
	case []int64:
		return "<i8", len(d), nil
	case []int32:
		return "<i4", len(d), nil
	case []uint8:
		return "|u1", len(d), nil
	case []bool:
		return "|b1", len(d), nil
	}
	return "", 0, fmt.Errorf("npy: cannot write %T (supported: []float64, []float32, []int64, []int32, []uint8, []bool)", data)
}

// Write writes data with the given shape as a version 1.0 .npy stream in C order.
// data is a []float64, []float32, []int64, []int32, []uint8 or []bool whose
// length is the product of shape.
func Write(w io.Writer, shape []int, data any) error {
	dtype, n, err := dtypeOf(data)
	if err != nil {
		return err
	}
	want := 1
	for _, d := range shape {
		if d < 0 {
			return fmt.Errorf("npy: negative dimension in shape %v", shape)
		}
		want *= d
	}
	if n != want {
		return fmt.Errorf("npy: %d elements do not fill shape %s (%d elements)", n, shapeString(shape), want)
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", dtype, shapeString(shape))
	// The header is padded with spaces and ends in a newline so that the data
	// start at a multiple of 64 bytes, as NumPy writes it.
	total := len(magic) + 2 + 2 + len(dict) + 1
	pad := (64 - total%64) % 64
	var head bytes.Buffer
	head.WriteString(magic)
	head.Write([]byte{1, 0})
	hl := len(dict) + pad + 1
	if hl > math.MaxUint16 {
		return fmt.Errorf("npy: header of %d bytes is too long for format 1.0", hl)
	}
	binary.Write(&head, binary.LittleEndian, uint16(hl))
	head.WriteString(dict)
	head.WriteString(strings.Repeat(" ", pad))
	head.WriteByte('\n')
	if _, err := w.Write(head.Bytes()); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if b, ok := data.([]bool); ok {
		for _, v := range b {
			var x byte
			if v {
				x = 1
			}
			bw.WriteByte(x)
		}
	} else if err := binary.Write(bw, binary.LittleEndian, data); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteFile writes data with the given shape to path atomically: the array is
// written to a temporary file in the same directory, which then replaces path.
func WriteFile(path string, shape []int, data any) error {
	return atomicfile.Write(path, func(w io.Writer) error { return Write(w, shape, data) })
}
