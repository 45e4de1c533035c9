package tensor

import (
	"fmt"
	"math"
	"strings"
)

// Tensor is a dense float32 array stored contiguously in row-major order.
// The zero value is not usable; make tensors with New, FromSlice or Wrap.
type Tensor struct {
	shape []int
	data  []float32
}

// New returns a zero-filled tensor of the given shape. It panics if a
// dimension is negative.
func New(shape ...int) *Tensor {
	n := ShapeLen(shape)
	return &Tensor{shape: append([]int(nil), shape...), data: make([]float32, n)}
}

// FromSlice returns a tensor of the given shape holding a copy of data. It
// panics if len(data) differs from the product of shape.
func FromSlice(data []float32, shape ...int) *Tensor {
	t := New(shape...)
	if len(data) != len(t.data) {
		panic(fmt.Sprintf("tensor: FromSlice got %d values for shape %v (%d values)", len(data), shape, len(t.data)))
	}
	copy(t.data, data)
	return t
}

// Wrap returns a tensor of the given shape that uses data as its storage
// without copying. It panics if len(data) differs from the product of shape.
func Wrap(data []float32, shape ...int) *Tensor {
	if n := ShapeLen(shape); n != len(data) {
		panic(fmt.Sprintf("tensor: Wrap got %d values for shape %v (%d values)", len(data), shape, n))
	}
	return &Tensor{shape: append([]int(nil), shape...), data: data}
}

// Scalar returns a tensor of shape [] holding v.
func Scalar(v float32) *Tensor {
	return &Tensor{shape: []int{}, data: []float32{v}}
}

// ShapeLen returns the number of elements of a tensor of the given shape (1
// for the empty shape of a scalar). It panics on a negative dimension.
func ShapeLen(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}

// Shape returns the tensor's shape. The slice is the tensor's own and must
// not be modified.
func (t *Tensor) Shape() []int { return t.shape }

// Data returns the tensor's storage in row-major order. Writes to the slice
// change the tensor.
func (t *Tensor) Data() []float32 { return t.data }

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.data) }

// Rank returns the number of axes.
func (t *Tensor) Rank() int { return len(t.shape) }

// Dim returns the size of axis i; a negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.shape)
	}
	return t.shape[i]
}

// Item returns the single value of a tensor with one element. It panics
// otherwise.
func (t *Tensor) Item() float32 {
	if len(t.data) != 1 {
		panic(fmt.Sprintf("tensor: Item of a tensor of shape %v", t.shape))
	}
	return t.data[0]
}

// Reshape returns a tensor that shares t's storage with a new shape. One
// dimension may be -1 and is then inferred. It panics if the element counts
// differ.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	return &Tensor{shape: ResolveShape(len(t.data), t.shape, shape), data: t.data}
}

// ResolveShape returns shape with a -1 entry replaced so that the product is
// n. It panics, naming both shapes, if that is impossible. from is the
// original shape and is used only in the message.
func ResolveShape(n int, from, shape []int) []int {
	out := append([]int(nil), shape...)
	infer := -1
	known := 1
	for i, d := range out {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(fmt.Sprintf("tensor: cannot reshape %v to %v", from, shape))
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			panic(fmt.Sprintf("tensor: cannot reshape %v to %v", from, shape))
		}
		out[infer] = n / known
		known = n
	}
	if known != n {
		panic(fmt.Sprintf("tensor: cannot reshape %v (%d elements) to %v", from, n, shape))
	}
	return out
}

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{shape: append([]int(nil), t.shape...), data: append([]float32(nil), t.data...)}
}

// CopyFrom copies src's values into t. It panics if the shapes differ.
func (t *Tensor) CopyFrom(src *Tensor) {
	MustSameShape("CopyFrom", t.shape, src.shape)
	copy(t.data, src.data)
}

// Zero sets every element to 0.
func (t *Tensor) Zero() { clear(t.data) }

// Fill sets every element to v.
func (t *Tensor) Fill(v float32) {
	for i := range t.data {
		t.data[i] = v
	}
}

// offset returns the storage index of idx. It panics on a wrong rank or an
// index out of range.
func (t *Tensor) offset(idx []int) int {
	if len(idx) != len(t.shape) {
		panic(fmt.Sprintf("tensor: index %v for shape %v", idx, t.shape))
	}
	off := 0
	for i, v := range idx {
		if v < 0 || v >= t.shape[i] {
			panic(fmt.Sprintf("tensor: index %v out of range for shape %v", idx, t.shape))
		}
		off = off*t.shape[i] + v
	}
	return off
}

// At returns the element at idx.
func (t *Tensor) At(idx ...int) float32 { return t.data[t.offset(idx)] }

// Set stores v at idx.
func (t *Tensor) Set(v float32, idx ...int) { t.data[t.offset(idx)] = v }

// HasNaN reports whether any element is NaN or ±Inf.
func (t *Tensor) HasNaN() bool {
	for _, v := range t.data {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return true
		}
	}
	return false
}

// String formats the shape and, for up to 16 elements, the values.
func (t *Tensor) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor%v", t.shape)
	if len(t.data) <= 16 {
		fmt.Fprintf(&b, "%v", t.data)
	}
	return b.String()
}

// SameShape reports whether a and b are equal shapes.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// MustSameShape panics with a message naming op and both shapes when a and b
// differ. Shape mismatches are programmer errors.
func MustSameShape(op string, a, b []int) {
	if !SameShape(a, b) {
		panic(fmt.Sprintf("tensor: %s: shape mismatch %v vs %v", op, a, b))
	}
}

// Resize gives t the new shape, keeping its storage when it has the capacity
// and allocating a larger one otherwise. Element values are unspecified
// afterwards. Buffers that are reused across training steps use it.
func (t *Tensor) Resize(shape ...int) {
	n := ShapeLen(shape)
	if cap(t.data) >= n {
		t.data = t.data[:n]
	} else {
		t.data = make([]float32, n)
	}
	if cap(t.shape) >= len(shape) {
		t.shape = t.shape[:len(shape)]
	} else {
		t.shape = make([]int, len(shape))
	}
	copy(t.shape, shape)
}
