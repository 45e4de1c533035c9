package tensor

import "fmt"

// BroadcastShapes returns the NumPy broadcast of shapes a and b: the shapes
// are aligned at their last axes and each pair of sizes must be equal or
// contain a 1. It panics, naming both shapes, when they are incompatible.
func BroadcastShapes(a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			panic(fmt.Sprintf("tensor: shapes %v and %v cannot be broadcast", a, b))
		}
	}
	return out
}

// broadcastStrides returns the strides of a tensor of shape in over the axes
// of the larger shape out: 0 on broadcast axes, the row-major stride otherwise.
func broadcastStrides(in, out []int) []int {
	strides := make([]int, len(out))
	s := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := len(in) - len(out) + i
		if j < 0 {
			continue
		}
		if in[j] != 1 {
			strides[i] = s
		}
		s *= in[j]
	}
	return strides
}

// BinaryOp is an element-wise arithmetic operation.
type BinaryOp int

// The element-wise operations of Binary. Add is the zero value.
const (
	Add BinaryOp = iota
	Sub
	Mul
	Div
)

// String returns the operation's name, e.g. "Add".
func (op BinaryOp) String() string {
	switch op {
	case Add:
		return "Add"
	case Sub:
		return "Sub"
	case Mul:
		return "Mul"
	case Div:
		return "Div"
	}
	return fmt.Sprintf("BinaryOp(%d)", int(op))
}

// Binary stores op(a, b) into dst with NumPy broadcasting. dst must have the
// broadcast shape of a and b; it may alias a or b when that input has the
// full shape. It panics on incompatible shapes.
func Binary(op BinaryOp, dst, a, b *Tensor) {
	shape := BroadcastShapes(a.shape, b.shape)
	MustSameShape(op.String(), dst.shape, shape)
	if SameShape(a.shape, b.shape) {
		binaryFlat(op, dst.data, a.data, 1, b.data, 1)
		return
	}
	sa := broadcastStrides(a.shape, shape)
	sb := broadcastStrides(b.shape, shape)
	forEachRow(shape, sa, sb, func(out, offA, offB int) {
		last := len(shape) - 1
		n := shape[last]
		binaryStrided(op, dst.data[out:out+n], a.data[offA:], sa[last], b.data[offB:], sb[last])
	})
}

func binaryFlat(op BinaryOp, dst, a []float32, _ int, b []float32, _ int) {
	a = a[:len(dst)]
	b = b[:len(dst)]
	switch op {
	case Add:
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
	case Sub:
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
	case Mul:
		for i := range dst {
			dst[i] = a[i] * b[i]
		}
	case Div:
		for i := range dst {
			dst[i] = a[i] / b[i]
		}
	}
}

func binaryStrided(op BinaryOp, dst, a []float32, sa int, b []float32, sb int) {
	ia, ib := 0, 0
	for i := range dst {
		x, y := a[ia], b[ib]
		switch op {
		case Add:
			dst[i] = x + y
		case Sub:
			dst[i] = x - y
		case Mul:
			dst[i] = x * y
		case Div:
			dst[i] = x / y
		}
		ia += sa
		ib += sb
	}
}

// forEachRow calls fn for every row (all axes but the last) of shape, with the
// row's offset in a contiguous tensor of that shape and the matching offsets
// for two operands with the given broadcast strides.
func forEachRow(shape, sa, sb []int, fn func(out, offA, offB int)) {
	rank := len(shape)
	if rank == 0 {
		fn(0, 0, 0)
		return
	}
	if ShapeLen(shape) == 0 {
		return
	}
	idx := make([]int, rank)
	n := shape[rank-1]
	out, offA, offB := 0, 0, 0
	for {
		fn(out, offA, offB)
		out += n
		ax := rank - 2
		for ; ax >= 0; ax-- {
			idx[ax]++
			offA += sa[ax]
			offB += sb[ax]
			if idx[ax] < shape[ax] {
				break
			}
			offA -= sa[ax] * shape[ax]
			offB -= sb[ax] * shape[ax]
			idx[ax] = 0
		}
		if ax < 0 {
			return
		}
	}
}

// ReduceTo sums src, whose shape is a broadcast of dst's shape, over the
// broadcast axes and stores (add false) or adds (add true) the result into
// dst. It is the adjoint of broadcasting dst to src's shape and panics when
// dst's shape does not broadcast to src's.
func ReduceTo(dst, src *Tensor, add bool) {
	if !SameShape(BroadcastShapes(dst.shape, src.shape), src.shape) {
		panic(fmt.Sprintf("tensor: ReduceTo: shape %v does not broadcast to %v", dst.shape, src.shape))
	}
	if !add {
		clear(dst.data)
	}
	if SameShape(dst.shape, src.shape) {
		for i, v := range src.data {
			dst.data[i] += v
		}
		return
	}
	if len(dst.data) == 1 {
		// A full reduction, such as a loss: float64 partial sums keep the
		// rounding error of long sums small.
		var s float64
		for _, v := range src.data {
			s += float64(v)
		}
		dst.data[0] += float32(s)
		return
	}
	sd := broadcastStrides(dst.shape, src.shape)
	last := len(src.shape) - 1
	forEachRow(src.shape, sd, sd, func(out, off, _ int) {
		if last < 0 {
			dst.data[0] += src.data[0]
			return
		}
		row := src.data[out : out+src.shape[last]]
		if sd[last] == 0 {
			var s float32
			for _, v := range row {
				s += v
			}
			dst.data[off] += s
			return
		}
		d := dst.data[off : off+len(row)]
		for i, v := range row {
			d[i] += v
		}
	})
}

// Permute returns a new tensor with the axes of t reordered: axis i of the
// result is axis perm[i] of t. It panics if perm is not a permutation of the
// axes.
func Permute(t *Tensor, perm ...int) *Tensor {
	rank := len(t.shape)
	if len(perm) != rank {
		panic(fmt.Sprintf("tensor: Permute: %v is not a permutation of the axes of shape %v", perm, t.shape))
	}
	seen := make([]bool, rank)
	shape := make([]int, rank)
	for i, p := range perm {
		if p < 0 || p >= rank || seen[p] {
			panic(fmt.Sprintf("tensor: Permute: %v is not a permutation of the axes of shape %v", perm, t.shape))
		}
		seen[p] = true
		shape[i] = t.shape[p]
	}
	out := New(shape...)
	PermuteInto(out, t, perm)
	return out
}

// PermuteInto stores t with its axes reordered by perm into dst, whose shape
// must be the permuted shape. dst must not alias t.
func PermuteInto(dst, t *Tensor, perm []int) {
	rank := len(t.shape)
	srcStrides := make([]int, rank)
	s := 1
	for i := rank - 1; i >= 0; i-- {
		srcStrides[i] = s
		s *= t.shape[i]
	}
	strides := make([]int, rank)
	for i, p := range perm {
		strides[i] = srcStrides[p]
		if dst.shape[i] != t.shape[p] {
			panic(fmt.Sprintf("tensor: PermuteInto: shape %v is not %v permuted by %v", dst.shape, t.shape, perm))
		}
	}
	if rank == 0 {
		dst.data[0] = t.data[0]
		return
	}
	last := rank - 1
	forEachRow(dst.shape, strides, strides, func(out, off, _ int) {
		row := dst.data[out : out+dst.shape[last]]
		st := strides[last]
		for i := range row {
			row[i] = t.data[off]
			off += st
		}
	})
}

// BroadcastTo stores (add false) or adds (add true) src broadcast to dst's
// shape into dst. It is the adjoint of ReduceTo and panics when src's shape
// does not broadcast to dst's.
func BroadcastTo(dst, src *Tensor, add bool) {
	if !SameShape(BroadcastShapes(dst.shape, src.shape), dst.shape) {
		panic(fmt.Sprintf("tensor: BroadcastTo: shape %v does not broadcast to %v", src.shape, dst.shape))
	}
	if SameShape(dst.shape, src.shape) {
		if add {
			for i, v := range src.data {
				dst.data[i] += v
			}
		} else {
			copy(dst.data, src.data)
		}
		return
	}
	if len(src.data) == 1 {
		v := src.data[0]
		for i := range dst.data {
			if add {
				dst.data[i] += v
			} else {
				dst.data[i] = v
			}
		}
		return
	}
	ss := broadcastStrides(src.shape, dst.shape)
	last := len(dst.shape) - 1
	forEachRow(dst.shape, ss, ss, func(out, off, _ int) {
		row := dst.data[out : out+dst.shape[last]]
		st := ss[last]
		for i := range row {
			if add {
				row[i] += src.data[off]
			} else {
				row[i] = src.data[off]
			}
			off += st
		}
	})
}
