package hdf5

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Class is an HDF5 datatype class. The zero value is ClassFixedPoint.
type Class uint8

// The datatype classes of the HDF5 datatype message. This reader converts
// fixed-point and floating-point data; the others can be read as raw bytes
// only.
const (
	ClassFixedPoint Class = iota
	ClassFloatingPoint
	ClassTime
	ClassString
	ClassBitfield
	ClassOpaque
	ClassCompound
	ClassReference
	ClassEnum
	ClassVariableLength
	ClassArray
)

var classNames = [...]string{"fixed-point", "floating-point", "time", "string", "bitfield", "opaque", "compound", "reference", "enumerated", "variable-length", "array"}

// String returns the class name used by the HDF5 documentation.
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

// Datatype describes the elements of a dataset.
type Datatype struct {
	Class     Class
	Size      int  // bytes per element
	Signed    bool // fixed-point only: two's complement
	BigEndian bool // byte order of fixed-point and floating-point elements
}

// String formats numeric types as NumPy dtype strings ("|u1", "<f8", ">i4")
// and other classes by name and size.
func (t Datatype) String() string {
	var kind byte
	switch t.Class {
	case ClassFixedPoint:
		kind = 'u'
		if t.Signed {
			kind = 'i'
		}
	case ClassFloatingPoint:
		kind = 'f'
	default:
		return fmt.Sprintf("%s (%d bytes)", t.Class, t.Size)
	}
	order := byte('<')
	if t.Size == 1 {
		order = '|'
	} else if t.BigEndian {
		order = '>'
	}
	return fmt.Sprintf("%c%c%d", order, kind, t.Size)
}

// Uint8 is the datatype of unsigned bytes.
var Uint8 = Datatype{Class: ClassFixedPoint, Size: 1}

// Float64 is the datatype of little-endian IEEE double-precision numbers.
var Float64 = Datatype{Class: ClassFloatingPoint, Size: 8}

// decodeDatatype decodes a datatype message.
func (f *File) decodeDatatype(data []byte) (Datatype, error) {
	c := f.cursor(data)
	head := c.u8()
	bits0 := c.u8()
	c.skip(2) // the other class bit fields
	size := c.u32()
	if c.err != nil {
		return Datatype{}, f.errorf(ErrFormat, "datatype message ends early")
	}
	t := Datatype{Class: Class(head & 0x0f), Size: int(size), BigEndian: bits0&0x01 != 0}
	if size == 0 || size > 1<<20 {
		return Datatype{}, f.errorf(ErrFormat, "datatype of %d bytes an element", size)
	}

	switch t.Class {
	case ClassFixedPoint:
		t.Signed = bits0&0x08 != 0
		offset, precision := c.u16(), c.u16()
		if c.err != nil {
			return Datatype{}, f.errorf(ErrFormat, "fixed-point datatype message ends early")
		}
		if offset != 0 || int(precision) != 8*t.Size {
			return Datatype{}, f.errorf(ErrUnsupported, "fixed-point type of %d bytes with %d bits of precision at bit offset %d", t.Size, precision, offset)
		}
	case ClassFloatingPoint:
		if bits0&0x40 != 0 {
			return Datatype{}, f.errorf(ErrUnsupported, "floating-point type in VAX byte order")
		}
		offset, precision := c.u16(), c.u16()
		expLoc, expSize, mantLoc, mantSize := c.u8(), c.u8(), c.u8(), c.u8()
		bias := c.u32()
		if c.err != nil {
			return Datatype{}, f.errorf(ErrFormat, "floating-point datatype message ends early")
		}
		ieee := (t.Size == 4 && expLoc == 23 && expSize == 8 && mantSize == 23 && bias == 127) ||
			(t.Size == 8 && expLoc == 52 && expSize == 11 && mantSize == 52 && bias == 1023)
		if !ieee || offset != 0 || int(precision) != 8*t.Size || mantLoc != 0 {
			return Datatype{}, f.errorf(ErrUnsupported, "floating-point type of %d bytes that is not IEEE 754 binary32 or binary64", t.Size)
		}
	}
	return t, nil
}

// byteOrder returns the byte order of t's elements.
func (t Datatype) byteOrder() binary.ByteOrder {
	if t.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// toFloat64 converts raw elements of type t to float64. 64-bit integers
// beyond 2^53 lose precision.
func (t Datatype) toFloat64(raw []byte, dst []float64) error {
	o := t.byteOrder()
	switch {
	case t.Class == ClassFloatingPoint && t.Size == 8:
		for i := range dst {
			dst[i] = math.Float64frombits(o.Uint64(raw[8*i:]))
		}
	case t.Class == ClassFloatingPoint && t.Size == 4:
		for i := range dst {
			dst[i] = float64(math.Float32frombits(o.Uint32(raw[4*i:])))
		}
	case t.Class == ClassFixedPoint && (t.Size == 1 || t.Size == 2 || t.Size == 4 || t.Size == 8):
		for i := range dst {
			dst[i] = t.integer(raw[i*t.Size:])
		}
	default:
		return fmt.Errorf("%w: cannot convert %s elements to float64", ErrUnsupported, t)
	}
	return nil
}

// integer decodes one fixed-point element of 1, 2, 4 or 8 bytes.
func (t Datatype) integer(b []byte) float64 {
	o := t.byteOrder()
	var u uint64
	switch t.Size {
	case 1:
		u = uint64(b[0])
	case 2:
		u = uint64(o.Uint16(b))
	case 4:
		u = uint64(o.Uint32(b))
	case 8:
		u = o.Uint64(b)
	}
	if t.Signed {
		shift := 64 - 8*uint(t.Size)
		return float64(int64(u<<shift) >> shift)
	}
	return float64(u)
}
