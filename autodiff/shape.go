package autodiff

import (
	"fmt"

	"github.com/gromov-monge/gmg/tensor"
)

// copyOp is the backward pass of Reshape: the gradient is copied back.
type copyOp struct{}

// Reshape returns x with a new shape and the same elements in row-major
// order. One dimension may be -1 and is inferred. It panics, naming both
// shapes, when the element counts differ.
func (tp *Tape) Reshape(x *Var, shape ...int) *Var {
	resolved := tensor.ResolveShape(x.Value.Len(), x.Value.Shape(), shape)
	out := tp.alloc(resolved...)
	copy(out.Data(), x.Value.Data())
	return tp.record(out, copyOp{}, x)
}

func (copyOp) backward(tp *Tape, v *Var) {
	x := v.in[0]
	if !x.needGrad {
		return
	}
	gx, add := tp.gradDst(x)
	if add {
		for i, g := range v.grad.Data() {
			gx.Data()[i] += g
		}
	} else {
		copy(gx.Data(), v.grad.Data())
	}
}

// transposeOp is the backward pass of Transpose; ints holds the permutation.
type transposeOp struct{}

// Transpose returns x with its axes permuted: axis i of the result is axis
// perm[i] of x. With no perm it reverses the axes (a matrix transpose for a
// rank-2 x). It supports rank up to 4 and panics on an invalid permutation.
func (tp *Tape) Transpose(x *Var, perm ...int) *Var {
	shape := x.Value.Shape()
	rank := len(shape)
	if rank > 4 {
		panic(fmt.Sprintf("autodiff: Transpose of rank %d (shape %v), at most 4 supported", rank, shape))
	}
	var p [4]int
	if len(perm) == 0 {
		for i := range rank {
			p[i] = rank - 1 - i
		}
	} else {
		if len(perm) != rank {
			panic(fmt.Sprintf("autodiff: Transpose permutation %v for shape %v", perm, shape))
		}
		copy(p[:], perm)
	}
	outShape := make([]int, rank)
	seen := [4]bool{}
	for i := range rank {
		if p[i] < 0 || p[i] >= rank || seen[p[i]] {
			panic(fmt.Sprintf("autodiff: Transpose permutation %v for shape %v", perm, shape))
		}
		seen[p[i]] = true
		outShape[i] = shape[p[i]]
	}
	out := tp.alloc(outShape...)
	tensor.PermuteInto(out, x.Value, p[:rank])
	v := tp.record(out, transposeOp{}, x)
	v.ints = p
	return v
}

func (transposeOp) backward(tp *Tape, v *Var) {
	x := v.in[0]
	if !x.needGrad {
		return
	}
	rank := x.Value.Rank()
	var inv [4]int
	for i := range rank {
		inv[v.ints[i]] = i
	}
	gx, add := tp.gradDst(x)
	if !add {
		tensor.PermuteInto(gx, v.grad, inv[:rank])
		return
	}
	tmp := tp.alloc(x.Value.Shape()...)
	tensor.PermuteInto(tmp, v.grad, inv[:rank])
	for i, g := range tmp.Data() {
		gx.Data()[i] += g
	}
}

// concatOp is the backward pass of Concat; ints[0] is the axis.
type concatOp struct{}

// Concat joins xs along axis. All shapes must agree except along axis; it
// panics, naming the shapes, otherwise.
func (tp *Tape) Concat(axis int, xs ...*Var) *Var {
	if len(xs) == 0 {
		panic("autodiff: Concat of no tensors")
	}
	first := xs[0].Value.Shape()
	_, _, _, ax := axisSplit(first, axis)
	total := 0
	for _, x := range xs {
		s := x.Value.Shape()
		if len(s) != len(first) {
			panic(fmt.Sprintf("autodiff: Concat along axis %d: shapes %v and %v", axis, first, s))
		}
		for i := range s {
			if i != ax && s[i] != first[i] {
				panic(fmt.Sprintf("autodiff: Concat along axis %d: shapes %v and %v", axis, first, s))
			}
		}
		total += s[ax]
	}
	outShape := append([]int(nil), first...)
	outShape[ax] = total
	out := tp.alloc(outShape...)
	outer, _, inner, _ := axisSplit(outShape, ax)
	offset := 0
	for _, x := range xs {
		w := x.Value.Dim(ax) * inner
		src := x.Value.Data()
		for o := range outer {
			copy(out.Data()[o*total*inner+offset:], src[o*w:(o+1)*w])
		}
		offset += w
	}
	v := tp.record(out, concatOp{})
	v.ints[0] = ax
	for _, x := range xs {
		v.ins = append(v.ins, x)
		v.needGrad = v.needGrad || x.needGrad
	}
	return v
}

func (concatOp) backward(tp *Tape, v *Var) {
	ax := v.ints[0]
	outShape := v.Value.Shape()
	outer, total, inner, _ := axisSplit(outShape, ax)
	offset := 0
	for _, x := range v.ins {
		w := x.Value.Dim(ax) * inner
		if x.needGrad {
			gx, add := tp.gradDst(x)
			for o := range outer {
				src := v.grad.Data()[o*total*inner+offset : o*total*inner+offset+w]
				dst := gx.Data()[o*w : (o+1)*w]
				if add {
					for i, g := range src {
						dst[i] += g
					}
				} else {
					copy(dst, src)
				}
			}
		}
		offset += w
	}
}

// sliceOp is the backward pass of Slice; ints holds axis, start, end.
type sliceOp struct{}

// Slice returns the elements of x with index in [start, end) along axis. It
// panics when the range is outside 0 ≤ start ≤ end ≤ size of the axis.
func (tp *Tape) Slice(x *Var, axis, start, end int) *Var {
	shape := x.Value.Shape()
	outer, n, inner, ax := axisSplit(shape, axis)
	if start < 0 || start > end || end > n {
		panic(fmt.Sprintf("autodiff: Slice [%d, %d) of axis %d with size %d (shape %v)", start, end, axis, n, shape))
	}
	outShape := append([]int(nil), shape...)
	outShape[ax] = end - start
	out := tp.alloc(outShape...)
	w := (end - start) * inner
	for o := range outer {
		copy(out.Data()[o*w:(o+1)*w], x.Value.Data()[(o*n+start)*inner:])
	}
	v := tp.record(out, sliceOp{}, x)
	v.ints = [4]int{ax, start, end}
	return v
}

func (sliceOp) backward(tp *Tape, v *Var) {
	x := v.in[0]
	if !x.needGrad {
		return
	}
	outer, n, inner, _ := axisSplit(x.Value.Shape(), v.ints[0])
	start, end := v.ints[1], v.ints[2]
	gx := tp.gradZeroed(x)
	w := (end - start) * inner
	for o := range outer {
		dst := gx.Data()[(o*n+start)*inner : (o*n+start)*inner+w]
		for i, g := range v.grad.Data()[o*w : (o+1)*w] {
			dst[i] += g
		}
	}
}

// gatherOp is the backward pass of GatherRows; v.idx holds the indices.
type gatherOp struct{}

// GatherRows returns the rows x[idx[0]], x[idx[1]], … along the first axis;
// an index may repeat. The tape keeps idx until Backward, so the caller must
// not change it before then. It panics on an index out of range.
func (tp *Tape) GatherRows(x *Var, idx []int) *Var {
	shape := x.Value.Shape()
	if len(shape) == 0 {
		panic("autodiff: GatherRows of a scalar")
	}
	row := x.Value.Len() / max(shape[0], 1)
	outShape := append([]int{len(idx)}, shape[1:]...)
	out := tp.alloc(outShape...)
	for i, r := range idx {
		if r < 0 || r >= shape[0] {
			panic(fmt.Sprintf("autodiff: GatherRows index %d out of range [0, %d) for shape %v", r, shape[0], shape))
		}
		copy(out.Data()[i*row:(i+1)*row], x.Value.Data()[r*row:])
	}
	v := tp.record(out, gatherOp{}, x)
	v.idx = idx
	v.ints[0] = row
	return v
}

func (gatherOp) backward(tp *Tape, v *Var) {
	x := v.in[0]
	if !x.needGrad {
		return
	}
	row := v.ints[0]
	gx := tp.gradZeroed(x)
	for i, r := range v.idx {
		dst := gx.Data()[r*row : (r+1)*row]
		for j, g := range v.grad.Data()[i*row : (i+1)*row] {
			dst[j] += g
		}
	}
}
