package matfile

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"strings"
)

// Sentinel errors. Every error the package returns wraps one of them or an
// error from the file system.
var (
	// ErrFormat is wrapped by errors about a file that is not a valid
	// MAT-file: a bad header, an element that overruns its parent, a
	// truncated file, a corrupt compressed element.
	ErrFormat = errors.New("matfile: invalid MAT-file")

	// ErrVersion is wrapped by errors about MAT-files of a version other
	// than 5 (MATLAB 4, or MATLAB 7.3, which is HDF5-based).
	ErrVersion = errors.New("matfile: unsupported MAT-file version")

	// ErrNotFound is wrapped by errors about a variable the file lacks.
	ErrNotFound = errors.New("matfile: variable not found")

	// ErrType is wrapped by errors about a variable whose class does not
	// allow the requested conversion.
	ErrType = errors.New("matfile: wrong variable class")
)

// headerSize is the size of the descriptive header of a Level 5 MAT-file.
const headerSize = 128

// maxInflateRatio bounds how far inflating can expand a zlib stream. A
// longest deflate match (258 bytes) costs at least 2 bits, about 1032 to 1;
// a larger ratio means a corrupt element.
const maxInflateRatio = 1040

// maxDepth bounds the nesting of compressed elements.
const maxDepth = 4

// File is a decoded MAT-file.
type File struct {
	Name      string      // the path or name the file was read from
	Header    string      // the descriptive text of the header, trailing blanks removed
	BigEndian bool        // byte order of the file
	Variables []*Variable // in file order
}

// Variable is one array of a MAT-file.
type Variable struct {
	Name    string
	Class   Class
	Dims    []int // at least two, column-major order
	Complex bool  // has an imaginary part (numeric classes)
	Logical bool  // a logical array (stored with class uint8)

	file *File
	real element // numeric classes: the stored real part
}

// element is the stored data of one data element.
type element struct {
	typ   dataType
	order binary.ByteOrder
	data  []byte
}

// ReadFile reads the MAT-file at path.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("matfile: %w", err)
	}
	return Parse(data, path)
}

// Read reads a whole MAT-file from r; name is used in error messages.
func Read(r io.Reader, name string) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("matfile: reading %s: %w", name, err)
	}
	return Parse(data, name)
}

// Parse decodes the MAT-file held in data; name is used in error messages.
// The variables keep references into data.
func Parse(data []byte, name string) (*File, error) {
	f := &File{Name: name}
	order, err := f.checkHeader(data)
	if err != nil {
		return nil, err
	}
	f.BigEndian = order == binary.ByteOrder(binary.BigEndian)
	f.Header = strings.TrimRight(string(data[:116]), " \x00")
	if err := f.parseElements(data[headerSize:], order, 0); err != nil {
		return nil, err
	}
	return f, nil
}

// Variable returns the variable called name.
func (f *File) Variable(name string) (*Variable, error) {
	var names []string
	for _, v := range f.Variables {
		if v.Name == name {
			return v, nil
		}
		names = append(names, v.Name)
	}
	return nil, fmt.Errorf("%w: %s has no variable %q (found: %s)", ErrNotFound, f.Name, name, strings.Join(names, ", "))
}

func (f *File) errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", sentinel, f.Name, fmt.Sprintf(format, args...))
}

// checkHeader identifies the file's version and returns its byte order.
func (f *File) checkHeader(data []byte) (binary.ByteOrder, error) {
	if len(data) >= headerSize {
		var order binary.ByteOrder
		switch string(data[126:128]) {
		case "IM":
			order = binary.LittleEndian
		case "MI":
			order = binary.BigEndian
		}
		if order != nil {
			switch version := order.Uint16(data[124:126]); version {
			case 0x0100:
				return order, nil
			case 0x0200:
				return nil, f.errorf(ErrVersion, "version 7.3 MAT-file (HDF5-based); save it again in MATLAB with save(..., '-v7')")
			default:
				return nil, f.errorf(ErrVersion, "MAT-file header version %#04x (supported: 0x0100, Level 5)", version)
			}
		}
	}
	if isVersion4(data) {
		return nil, f.errorf(ErrVersion, "version 4 MAT-file (no 128-byte header); save it again in MATLAB with save(..., '-v7')")
	}
	if len(data) < headerSize {
		return nil, f.errorf(ErrFormat, "file of %d bytes is shorter than the %d-byte MAT-file header", len(data), headerSize)
	}
	return nil, f.errorf(ErrFormat, "no endian indicator (IM or MI) at bytes 126-127; not a Level 5 MAT-file")
}

// isVersion4 reports whether data starts like a MATLAB 4 matrix: a type
// code MOPT (machine 0-4, O 0, precision 0-5, type 0-2) in either byte
// order, an imaginary flag of 0 or 1 and a name length of 1 to 63 bytes.
func isVersion4(data []byte) bool {
	if len(data) < 20 {
		return false
	}
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		mopt := order.Uint32(data)
		m, o, p, t := mopt/1000, mopt/100%10, mopt/10%10, mopt%10
		imag := order.Uint32(data[12:])
		nameLen := order.Uint32(data[16:])
		if mopt < 5000 && m <= 4 && o == 0 && p <= 5 && t <= 2 && imag <= 1 && nameLen > 0 && nameLen < 64 {
			return true
		}
	}
	return false
}

// tag is a decoded data element tag.
type tag struct {
	typ   dataType
	size  int // bytes of data
	data  int // offset of the data
	small bool
}

// readTag decodes the element tag at b[off:], in either the normal (8-byte)
// or the small data element format (type and size in 4 bytes, data in the
// next 4).
func (f *File) readTag(b []byte, off int, order binary.ByteOrder) (tag, error) {
	if len(b)-off < 8 {
		return tag{}, f.errorf(ErrFormat, "data element tag at byte %d is cut short; the file is truncated", off)
	}
	w := order.Uint32(b[off:])
	if w>>16 != 0 {
		t := tag{typ: dataType(w & 0xffff), size: int(w >> 16), data: off + 4, small: true}
		if t.size > 4 {
			return tag{}, f.errorf(ErrFormat, "small data element at byte %d claims %d bytes (at most 4)", off, t.size)
		}
		return t, nil
	}
	n := order.Uint32(b[off+4:])
	if uint64(n) > uint64(len(b)-off-8) {
		return tag{}, f.errorf(ErrFormat, "data element at byte %d claims %d bytes but %d remain; the file is truncated", off, n, len(b)-off-8)
	}
	return tag{typ: dataType(w), size: int(n), data: off + 8}, nil
}

// end returns the offset after an element inside a matrix, whose elements
// are padded to multiples of 8 bytes.
func (t tag) end() int {
	if t.small {
		return t.data + 4
	}
	return t.data + (t.size+7)&^7
}

// parseElements decodes the top-level elements in b. Top-level elements
// follow each other without padding, as scipy.io reads them.
func (f *File) parseElements(b []byte, order binary.ByteOrder, depth int) error {
	for off := 0; off < len(b); {
		// Trailing bytes shorter than a tag are padding.
		if len(b)-off < 8 {
			break
		}
		t, err := f.readTag(b, off, order)
		if err != nil {
			return err
		}
		body := b[t.data : t.data+t.size]
		switch t.typ {
		case miCOMPRESSED:
			if depth >= maxDepth {
				return f.errorf(ErrFormat, "compressed elements nested more than %d deep", maxDepth)
			}
			inner, err := f.inflate(body, off)
			if err != nil {
				return err
			}
			if err := f.parseElements(inner, order, depth+1); err != nil {
				return err
			}
		case miMATRIX:
			v, err := f.parseMatrix(body, order)
			if err != nil {
				return err
			}
			if v != nil {
				f.Variables = append(f.Variables, v)
			}
		}
		off = t.data + t.size
		if t.small {
			off = t.data + 4
		}
	}
	return nil
}

// inflate decompresses the zlib stream of a compressed element at byte off.
func (f *File) inflate(body []byte, off int) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, f.errorf(ErrFormat, "compressed element at byte %d: %v", off, err)
	}
	defer zr.Close()
	limit := int64(len(body))*maxInflateRatio + 1024
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, f.errorf(ErrFormat, "compressed element at byte %d: %v; the file is truncated or corrupt", off, err)
	}
	if int64(len(out)) > limit {
		return nil, f.errorf(ErrFormat, "compressed element at byte %d inflates beyond %d bytes; the file is corrupt", off, limit)
	}
	return out, nil
}

// parseMatrix decodes a miMATRIX element body. It returns nil for an empty
// body, which holds no array.
func (f *File) parseMatrix(b []byte, order binary.ByteOrder) (*Variable, error) {
	if len(b) == 0 {
		return nil, nil
	}
	v := &Variable{file: f}

	// Array flags: class in the low byte, then the complex (0x08), global
	// (0x04) and logical (0x02) bits.
	t, err := f.readTag(b, 0, order)
	if err != nil {
		return nil, err
	}
	if t.typ != miUINT32 || t.size != 8 {
		return nil, f.errorf(ErrFormat, "array flags element has type %v and %d bytes, expected miUINT32 and 8", t.typ, t.size)
	}
	flags := order.Uint32(b[t.data:])
	v.Class = Class(flags & 0xff)
	v.Complex = flags&0x0800 != 0
	v.Logical = flags&0x0200 != 0
	off := t.end()

	if v.Class == ClassFunction || v.Class == ClassOpaque {
		// Function handles and opaque objects have no dimensions element.
		return v, nil
	}

	// Dimensions.
	t, err = f.readTag(b, off, order)
	if err != nil {
		return nil, err
	}
	if t.typ != miINT32 || t.size%4 != 0 || t.size < 8 {
		return nil, f.errorf(ErrFormat, "dimensions element has type %v and %d bytes, expected miINT32 with at least two values", t.typ, t.size)
	}
	for i := 0; i < t.size; i += 4 {
		d := int32(order.Uint32(b[t.data+i:]))
		if d < 0 {
			return nil, f.errorf(ErrFormat, "negative dimension %d", d)
		}
		v.Dims = append(v.Dims, int(d))
	}
	off = t.end()

	// Name.
	t, err = f.readTag(b, off, order)
	if err != nil {
		return nil, err
	}
	if t.typ != miINT8 && t.typ != miUTF8 {
		return nil, f.errorf(ErrFormat, "array name element has type %v, expected miINT8", t.typ)
	}
	v.Name = string(b[t.data : t.data+t.size])
	off = t.end()

	if !v.Class.numeric() {
		return v, nil
	}

	// Real part, possibly stored in a narrower type than the class.
	n, err := v.count()
	if err != nil {
		return nil, err
	}
	if v.real, err = f.numericElement(b, off, order, n, v.Name); err != nil {
		return nil, err
	}
	return v, nil
}

// numericElement decodes the element at b[off:] that stores n numbers.
func (f *File) numericElement(b []byte, off int, order binary.ByteOrder, n int, name string) (element, error) {
	t, err := f.readTag(b, off, order)
	if err != nil {
		return element{}, err
	}
	size := t.typ.size()
	if size == 0 || t.typ == miUTF8 || t.typ == miUTF16 || t.typ == miUTF32 {
		return element{}, f.errorf(ErrFormat, "variable %q stores its data as %v, not a numeric type", name, t.typ)
	}
	if t.size != n*size {
		return element{}, f.errorf(ErrFormat, "variable %q stores %d bytes of %v for %d elements (expected %d bytes)", name, t.size, t.typ, n, n*size)
	}
	return element{typ: t.typ, order: order, data: b[t.data : t.data+t.size]}, nil
}

// count returns the number of elements, the product of the dimensions.
func (v *Variable) count() (int, error) {
	n := uint64(1)
	for _, d := range v.Dims {
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > 1<<40 {
			return 0, v.file.errorf(ErrFormat, "variable %q has dimensions %v, too many elements", v.Name, v.Dims)
		}
		n = lo
	}
	return int(n), nil
}

// Len returns the number of elements, the product of Dims.
func (v *Variable) Len() int {
	n, _ := v.count()
	return n
}

// Uint8 returns the elements of a uint8 variable (or a logical one) in
// column-major order. The slice may share memory with the parsed file.
func (v *Variable) Uint8() ([]uint8, error) {
	if v.Class != ClassUint8 {
		return nil, fmt.Errorf("%w: %s: variable %q has class %v, expected uint8", ErrType, v.file.Name, v.Name, v.Class)
	}
	if v.real.typ == miUINT8 {
		return v.real.data, nil
	}
	vals, err := v.Float64()
	if err != nil {
		return nil, err
	}
	out := make([]uint8, len(vals))
	for i, x := range vals {
		if x < 0 || x > 255 || x != math.Trunc(x) {
			return nil, v.file.errorf(ErrFormat, "uint8 variable %q stores the value %v at element %d", v.Name, x, i)
		}
		out[i] = uint8(x)
	}
	return out, nil
}

// Float64 returns the elements of a numeric variable in column-major order,
// converted to float64; for a complex variable, the real parts. 64-bit
// integers beyond 2^53 lose precision.
func (v *Variable) Float64() ([]float64, error) {
	if !v.Class.numeric() {
		return nil, fmt.Errorf("%w: %s: variable %q has class %v, expected a numeric class", ErrType, v.file.Name, v.Name, v.Class)
	}
	e := v.real
	size := e.typ.size()
	out := make([]float64, len(e.data)/size)
	for i := range out {
		out[i] = e.typ.value(e.data[i*size:], e.order)
	}
	return out, nil
}
