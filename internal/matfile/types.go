package matfile

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Class is a MATLAB array class (mxCLASS). The zero value is not a class.
type Class uint8

// The array classes of the Level 5 MAT-file format.
const (
	ClassCell     Class = 1
	ClassStruct   Class = 2
	ClassObject   Class = 3
	ClassChar     Class = 4
	ClassSparse   Class = 5
	ClassDouble   Class = 6
	ClassSingle   Class = 7
	ClassInt8     Class = 8
	ClassUint8    Class = 9
	ClassInt16    Class = 10
	ClassUint16   Class = 11
	ClassInt32    Class = 12
	ClassUint32   Class = 13
	ClassInt64    Class = 14
	ClassUint64   Class = 15
	ClassFunction Class = 16
	ClassOpaque   Class = 17
)

var classNames = map[Class]string{
	ClassCell: "cell", ClassStruct: "struct", ClassObject: "object", ClassChar: "char",
	ClassSparse: "sparse", ClassDouble: "double", ClassSingle: "single", ClassInt8: "int8",
	ClassUint8: "uint8", ClassInt16: "int16", ClassUint16: "uint16", ClassInt32: "int32",
	ClassUint32: "uint32", ClassInt64: "int64", ClassUint64: "uint64",
	ClassFunction: "function_handle", ClassOpaque: "opaque",
}

// String returns the class name as MATLAB's class() function prints it.
func (c Class) String() string {
	if s, ok := classNames[c]; ok {
		return s
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

// numeric reports whether c holds numbers that Float64 converts.
func (c Class) numeric() bool { return c >= ClassDouble && c <= ClassUint64 }

// dataType is the type of a data element (miINT8 and so on).
type dataType uint32

const (
	miINT8       dataType = 1
	miUINT8      dataType = 2
	miINT16      dataType = 3
	miUINT16     dataType = 4
	miINT32      dataType = 5
	miUINT32     dataType = 6
	miSINGLE     dataType = 7
	miDOUBLE     dataType = 9
	miINT64      dataType = 12
	miUINT64     dataType = 13
	miMATRIX     dataType = 14
	miCOMPRESSED dataType = 15
	miUTF8       dataType = 16
	miUTF16      dataType = 17
	miUTF32      dataType = 18
)

var dataTypeNames = map[dataType]string{
	miINT8: "miINT8", miUINT8: "miUINT8", miINT16: "miINT16", miUINT16: "miUINT16",
	miINT32: "miINT32", miUINT32: "miUINT32", miSINGLE: "miSINGLE", miDOUBLE: "miDOUBLE",
	miINT64: "miINT64", miUINT64: "miUINT64", miMATRIX: "miMATRIX", miCOMPRESSED: "miCOMPRESSED",
	miUTF8: "miUTF8", miUTF16: "miUTF16", miUTF32: "miUTF32",
}

func (t dataType) String() string {
	if s, ok := dataTypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("data type %d", uint32(t))
}

// size returns the bytes of one value of t, or 0 for a non-numeric type.
func (t dataType) size() int {
	switch t {
	case miINT8, miUINT8, miUTF8:
		return 1
	case miINT16, miUINT16, miUTF16:
		return 2
	case miINT32, miUINT32, miSINGLE, miUTF32:
		return 4
	case miDOUBLE, miINT64, miUINT64:
		return 8
	}
	return 0
}

// value decodes the value of type t at the start of b.
func (t dataType) value(b []byte, order binary.ByteOrder) float64 {
	switch t {
	case miINT8:
		return float64(int8(b[0]))
	case miUINT8:
		return float64(b[0])
	case miINT16:
		return float64(int16(order.Uint16(b)))
	case miUINT16:
		return float64(order.Uint16(b))
	case miINT32:
		return float64(int32(order.Uint32(b)))
	case miUINT32:
		return float64(order.Uint32(b))
	case miSINGLE:
		return float64(math.Float32frombits(order.Uint32(b)))
	case miDOUBLE:
		return math.Float64frombits(order.Uint64(b))
	case miINT64:
		return float64(int64(order.Uint64(b)))
	case miUINT64:
		return float64(order.Uint64(b))
	}
	panic(fmt.Sprintf("matfile: value of non-numeric %v", t))
}
