package autodiff

import (
	"fmt"

	"github.com/gromov-monge/gmg/tensor"
)

// Padding is the zero padding of a convolution's input. The zero value is no
// padding.
type Padding struct {
	// Same selects TensorFlow's "SAME" padding: a convolution's output has
	// ceil(in/stride) positions, a transposed convolution's in·stride, and the
	// total padding is split with the extra pixel at the bottom and right. The
	// four sizes below are then ignored.
	Same bool
	// Top, Bottom, Left and Right are explicit padding sizes in pixels.
	Top, Bottom, Left, Right int
}

// ConvOptions are the settings of Conv2D and ConvTranspose2D.
type ConvOptions struct {
	// Stride is the step between kernel positions on both axes; 0 means 1.
	Stride int
	// Padding is the zero padding; the zero value pads nothing.
	Padding Padding
	// Activation is fused into the output; the zero value is NoActivation.
	Activation Activation
}

// convSpec is the geometry shared by a convolution and its transpose. The
// image side is the tensor that im2col reads: a convolution's input or a
// transposed convolution's output. The patch grid has one matrix row per
// kernel position, over a convolution's output or a transposed convolution's
// input.
type convSpec struct {
	n               int
	ih, iw, ic      int // image grid and channels
	ph, pw          int // patch grid
	kh, kw          int
	stride          int
	padTop, padLeft int
	mc              int // channels on the matrix side
	act             Activation
}

func (s *convSpec) k() int         { return s.kh * s.kw * s.ic }
func (s *convSpec) patches() int   { return s.ph * s.pw }
func (s *convSpec) imageLen() int  { return s.ih * s.iw * s.ic }
func (s *convSpec) matrixLen() int { return s.ph * s.pw * s.mc }

// samePadding returns TensorFlow's "SAME" padding before and after an axis of
// size in for a kernel of size k, stride s and out positions.
func samePadding(in, out, k, s int) (before, after int) {
	total := max((out-1)*s+k-in, 0)
	return total / 2, total - total/2
}

// colBudget is the number of float32 values one worker's im2col buffer may
// hold: 1 MiB, so that a sub-batch's patch matrix stays in the L2 or L3 cache
// between im2col and the GEMM that reads it.
const colBudget = 1 << 17

// interior returns the range [lo, hi) of patch columns px whose kernel
// window lies horizontally inside the image. There im2col and col2im move
// whole runs of kw·ic values without clipping them.
func (s *convSpec) interior() (lo, hi int) {
	lo = min((s.padLeft+s.stride-1)/s.stride, s.pw)
	last := s.iw - s.kw + s.padLeft // the largest px·stride that fits
	if last < 0 {
		return lo, lo
	}
	return lo, max(lo, min(last/s.stride+1, s.pw))
}

// im2col writes the patch matrix of one image: row py·pw+px holds the kh×kw×ic
// window at that kernel position, with zeros where it leaves the image. It
// walks one image row (py, ky) at a time, so that the windows that need no
// clipping form one loop with fixed strides.
func (s *convSpec) im2col(img, col []float32) {
	k, run, line := s.k(), s.kw*s.ic, s.iw*s.ic
	lo, hi := s.interior()
	step := s.stride * s.ic
	for py := range s.ph {
		for ky := range s.kh {
			first := py*s.pw*k + ky*run // offset of (py, px = 0, ky) in col
			iy := py*s.stride - s.padTop + ky
			if iy < 0 || iy >= s.ih {
				for px := range s.pw {
					clear(col[first+px*k : first+px*k+run])
				}
				continue
			}
			src := img[iy*line : (iy+1)*line]
			for px := range lo {
				s.clippedCopy(col[first+px*k:first+px*k+run], src, px)
			}
			for px := hi; px < s.pw; px++ {
				s.clippedCopy(col[first+px*k:first+px*k+run], src, px)
			}
			if hi > lo {
				copyRuns(col[first+lo*k:], src[(lo*s.stride-s.padLeft)*s.ic:], hi-lo, run, k, step)
			}
		}
	}
}

// clippedCopy writes the kw×ic run of window column px from the image row
// src into dst, with zeros where the window leaves the row.
func (s *convSpec) clippedCopy(dst, src []float32, px int) {
	ix0 := px*s.stride - s.padLeft
	kx0, kx1 := max(0, -ix0), min(s.kw, s.iw-ix0)
	if kx1 <= kx0 {
		clear(dst)
		return
	}
	clear(dst[:kx0*s.ic])
	copyShort(dst[kx0*s.ic:kx1*s.ic], src[(ix0+kx0)*s.ic:(ix0+kx1)*s.ic])
	clear(dst[kx1*s.ic:])
}

// col2im adds a patch matrix back into one image, the adjoint of im2col. For
// each image pixel the contributions arrive in the order of their patch
// rows, as in a loop over the patch matrix row by row.
func (s *convSpec) col2im(col, img []float32) {
	k, run, line := s.k(), s.kw*s.ic, s.iw*s.ic
	lo, hi := s.interior()
	step := s.stride * s.ic
	for py := range s.ph {
		for ky := range s.kh {
			iy := py*s.stride - s.padTop + ky
			if iy < 0 || iy >= s.ih {
				continue
			}
			first := py*s.pw*k + ky*run
			dst := img[iy*line : (iy+1)*line]
			for px := range lo {
				s.clippedAdd(dst, col[first+px*k:first+px*k+run], px)
			}
			if hi > lo {
				addRuns(dst[(lo*s.stride-s.padLeft)*s.ic:], col[first+lo*k:], hi-lo, run, step, k)
			}
			for px := max(hi, lo); px < s.pw; px++ {
				s.clippedAdd(dst, col[first+px*k:first+px*k+run], px)
			}
		}
	}
}

// clippedAdd adds the part of the kw×ic run src of window column px that
// lies inside the image row dst.
func (s *convSpec) clippedAdd(dst, src []float32, px int) {
	ix0 := px*s.stride - s.padLeft
	kx0, kx1 := max(0, -ix0), min(s.kw, s.iw-ix0)
	if kx1 <= kx0 {
		return
	}
	addTo(dst[(ix0+kx0)*s.ic:(ix0+kx1)*s.ic], src[kx0*s.ic:kx1*s.ic])
}

// subBatch returns how many images one im2col buffer holds.
func (s *convSpec) subBatch(chunk int) int {
	return max(1, min(chunk, colBudget/max(1, s.patches()*s.k())))
}

// convGroups is the number of groups a convolution splits its batch into.
// Groups are the unit of parallel work and of the partial weight gradients,
// which are added in group order. The split does not depend on the number of
// cores, so neither do the results. Eight groups keep both cores
// busy when one of them is slowed by another process.
const convGroups = 8

// convScratch holds the buffers of one convolution call: one im2col buffer
// per worker and one partial weight and bias gradient per group.
type convScratch struct {
	groups, sb         int
	col                []float32 // workers × colLen
	dw                 []float32 // groups × wLen
	db                 []float32 // groups × bLen
	colLen, wLen, bLen int
}

func (tp *Tape) convScratch(s *convSpec, wLen, bLen int) convScratch {
	groups := min(s.n, convGroups)
	groupSize := (s.n + groups - 1) / max(groups, 1)
	sb := s.subBatch(groupSize)
	workers := min(groups, tp.Workers())
	sc := convScratch{groups: groups, sb: sb, colLen: sb * s.patches() * s.k(), wLen: wLen, bLen: bLen}
	sc.col = tp.alloc(workers * sc.colLen).Data()
	if wLen > 0 {
		sc.dw = tp.alloc(groups * wLen).Data()
		sc.db = tp.alloc(groups * max(bLen, 1)).Data()
	}
	return sc
}

// run calls body on tp's workers for every group with its image range
// [lo, hi) and the calling worker's im2col buffer.
func (sc *convScratch) run(tp *Tape, n int, body func(g, lo, hi int, col []float32)) {
	tp.tasks(sc.groups, func(worker, g int) {
		lo, hi := tensor.Chunk(n, sc.groups, g)
		body(g, lo, hi, sc.col[worker*sc.colLen:(worker+1)*sc.colLen])
	})
}

// weightPartial returns group g's partial weight gradient.
func (sc *convScratch) weightPartial(g int) []float32 { return sc.dw[g*sc.wLen : (g+1)*sc.wLen] }

// biasPartial returns group g's partial bias gradient, or nil when the bias
// needs no gradient.
func (sc *convScratch) biasPartial(g int, want bool) []float32 {
	if !want {
		return nil
	}
	return sc.db[g*sc.bLen : (g+1)*sc.bLen]
}

// resolveStride returns the stride, treating 0 as 1, and panics if negative.
func resolveStride(s int) int {
	if s < 0 {
		panic(fmt.Sprintf("autodiff: negative convolution stride %d", s))
	}
	return max(s, 1)
}

type conv2DOp struct{}

// Conv2D returns the 2-D convolution (cross-correlation, as in PyTorch and
// TensorFlow) of x [n, h, w, cin] with kernel w [kh, kw, cin, cout], plus
// bias b [cout] (nil for none), then opts.Activation. The output is
// [n, oh, ow, cout] with oh = (h + top + bottom − kh)/stride + 1, or
// ceil(h/stride) with Same padding. It runs as im2col and one SGEMM per
// sub-batch, the batch split into up to eight groups that the tape's
// workers share. It panics, naming the shapes, when they do not fit.
func (tp *Tape) Conv2D(x, w, b *Var, opts ConvOptions) *Var {
	s := newConv2DSpec(x.Value.Shape(), w.Value.Shape(), opts)
	checkBias("Conv2D", b, s.mc)
	out := tp.alloc(s.n, s.ph, s.pw, s.mc)
	sc := tp.convScratch(&s, 0, 0)
	bias := biasData(b)

	xd, wd, od := x.Value.Data(), w.Value.Data(), out.Data()
	k, rowsPer := s.k(), s.patches()
	sc.run(tp, s.n, func(_, lo, hi int, col []float32) {
		for i0 := lo; i0 < hi; i0 += sc.sb {
			i1 := min(hi, i0+sc.sb)
			for i := i0; i < i1; i++ {
				s.im2col(xd[i*s.imageLen():(i+1)*s.imageLen()], col[(i-i0)*rowsPer*k:])
			}
			rows := (i1 - i0) * rowsPer
			y := od[i0*rowsPer*s.mc : i1*rowsPer*s.mc]
			tp.blas.Sgemm(false, false, rows, s.mc, k, 1, col, k, wd, s.mc, 0, y, s.mc)
			biasActivate(y, bias, s.mc, s.act)
		}
	})

	v := tp.record(out, conv2DOp{}, x, w, b)
	v.conv = s
	return v
}

// newConv2DSpec returns the geometry of Conv2D for input shape xs and kernel
// shape ws, and panics, naming both, when they do not fit.
func newConv2DSpec(xs, ws []int, opts ConvOptions) convSpec {
	if len(xs) != 4 || len(ws) != 4 || xs[3] != ws[2] {
		panic(fmt.Sprintf("autodiff: Conv2D shape mismatch: input %v (NHWC), kernel %v ([kh, kw, cin, cout])", xs, ws))
	}
	s := convSpec{n: xs[0], ih: xs[1], iw: xs[2], ic: xs[3], kh: ws[0], kw: ws[1], mc: ws[3], act: opts.Activation}
	s.stride = resolveStride(opts.Stride)
	p := opts.Padding
	if p.Same {
		s.ph = (s.ih + s.stride - 1) / s.stride
		s.pw = (s.iw + s.stride - 1) / s.stride
		s.padTop, _ = samePadding(s.ih, s.ph, s.kh, s.stride)
		s.padLeft, _ = samePadding(s.iw, s.pw, s.kw, s.stride)
	} else {
		s.ph = (s.ih+p.Top+p.Bottom-s.kh)/s.stride + 1
		s.pw = (s.iw+p.Left+p.Right-s.kw)/s.stride + 1
		s.padTop, s.padLeft = p.Top, p.Left
	}
	if s.ph <= 0 || s.pw <= 0 {
		panic(fmt.Sprintf("autodiff: Conv2D kernel %v larger than padded input %v", ws, xs))
	}
	return s
}

// biasData returns b's values, or nil for no bias.
func biasData(b *Var) []float32 {
	if b == nil {
		return nil
	}
	return b.Value.Data()
}

func checkBias(name string, b *Var, c int) {
	if b != nil && (b.Value.Rank() != 1 || b.Value.Dim(0) != c) {
		panic(fmt.Sprintf("autodiff: %s bias shape %v, want [%d]", name, b.Value.Shape(), c))
	}
}

func (conv2DOp) backward(tp *Tape, v *Var) {
	x, w, b := v.in[0], v.in[1], v.in[2]
	s := &v.conv
	k, rowsPer := s.k(), s.patches()
	wantW, wantB := w.needGrad, b != nil && b.needGrad
	wLen := 0
	if wantW || wantB {
		wLen = k * s.mc
	}
	sc := tp.convScratch(s, wLen, s.mc)
	var gx []float32
	addX := false
	if x.needGrad {
		g, add := tp.gradDst(x)
		gx, addX = g.Data(), add
	}
	xd, wd, yd, dyd := x.Value.Data(), w.Value.Data(), v.Value.Data(), v.grad.Data()
	sc.run(tp, s.n, func(g, lo, hi int, col []float32) {
		dy := dyd[lo*rowsPer*s.mc : hi*rowsPer*s.mc]
		maskAndSum(dy, yd[lo*rowsPer*s.mc:hi*rowsPer*s.mc], s.act, sc.biasPartial(g, wantB), s.mc)
		for i0 := lo; i0 < hi; i0 += sc.sb {
			i1 := min(hi, i0+sc.sb)
			rows := (i1 - i0) * rowsPer
			dyRows := dyd[i0*rowsPer*s.mc : i1*rowsPer*s.mc]
			if wantW {
				for i := i0; i < i1; i++ {
					s.im2col(xd[i*s.imageLen():(i+1)*s.imageLen()], col[(i-i0)*rowsPer*k:])
				}
				tp.blas.Sgemm(true, false, k, s.mc, rows, 1, col, k, dyRows, s.mc, beta(i0 > lo), sc.weightPartial(g), s.mc)
			}
			if gx != nil {
				tp.blas.Sgemm(false, true, rows, k, s.mc, 1, dyRows, s.mc, wd, s.mc, 0, col, k)
				for i := i0; i < i1; i++ {
					img := gx[i*s.imageLen() : (i+1)*s.imageLen()]
					if !addX {
						clear(img)
					}
					s.col2im(col[(i-i0)*rowsPer*k:], img)
				}
			}
		}
	})
	tp.reducePartials(w, sc.dw, sc.groups, wantW)
	tp.reducePartials(b, sc.db, sc.groups, wantB)
}

// reducePartials adds the per-group partial gradients (groups consecutive
// blocks of p's length) in group order and stores or adds the sums into p's
// gradient. Elements are split over the workers, and each element's sum
// keeps the group order. The first group's block receives the sums, so the
// partials are overwritten.
func (tp *Tape) reducePartials(p *Var, partials []float32, groups int, want bool) {
	if !want {
		return
	}
	g, add := tp.gradDst(p)
	gd := g.Data()
	n := len(gd)
	tp.parallelFor(n, func(lo, hi int) {
		sum := partials[lo:hi]
		for k := 1; k < groups; k++ {
			addTo(sum, partials[k*n+lo:k*n+hi])
		}
		if add {
			addTo(gd[lo:hi], sum)
		} else {
			copy(gd[lo:hi], sum)
		}
	})
}

type convTranspose2DOp struct{}

// ConvTranspose2D returns the transposed convolution (the gradient of Conv2D
// with respect to its input, as PyTorch's ConvTranspose2d) of x [n, h, w, cin]
// with kernel w [kh, kw, cout, cin], plus bias b [cout] (nil for none), then
// opts.Activation. The output is [n, oh, ow, cout] with
// oh = (h − 1)·stride − top − bottom + kh, or h·stride with Same padding.
// It runs as one SGEMM per sub-batch and col2im, the batch split into up to
// eight groups that the tape's workers share. It panics, naming the
// shapes, when they do not fit.
func (tp *Tape) ConvTranspose2D(x, w, b *Var, opts ConvOptions) *Var {
	s := newConvTranspose2DSpec(x.Value.Shape(), w.Value.Shape(), opts)
	checkBias("ConvTranspose2D", b, s.ic)
	out := tp.alloc(s.n, s.ih, s.iw, s.ic)
	sc := tp.convScratch(&s, 0, 0)
	bias := biasData(b)

	xd, wd, od := x.Value.Data(), w.Value.Data(), out.Data()
	k, rowsPer := s.k(), s.patches()
	sc.run(tp, s.n, func(_, lo, hi int, col []float32) {
		for i0 := lo; i0 < hi; i0 += sc.sb {
			i1 := min(hi, i0+sc.sb)
			rows := (i1 - i0) * rowsPer
			tp.blas.Sgemm(false, true, rows, k, s.mc, 1, xd[i0*rowsPer*s.mc:], s.mc, wd, s.mc, 0, col, k)
			for i := i0; i < i1; i++ {
				img := od[i*s.imageLen() : (i+1)*s.imageLen()]
				fillRows(img, bias)
				s.col2im(col[(i-i0)*rowsPer*k:], img)
				if s.act == ReLUActivation {
					reluInPlace(img)
				}
			}
		}
	})

	v := tp.record(out, convTranspose2DOp{}, x, w, b)
	v.conv = s
	return v
}

// newConvTranspose2DSpec returns the geometry of ConvTranspose2D for input
// shape xs and kernel shape ws, and panics, naming both, when they do not fit.
func newConvTranspose2DSpec(xs, ws []int, opts ConvOptions) convSpec {
	if len(xs) != 4 || len(ws) != 4 || xs[3] != ws[3] {
		panic(fmt.Sprintf("autodiff: ConvTranspose2D shape mismatch: input %v (NHWC), kernel %v ([kh, kw, cout, cin])", xs, ws))
	}
	s := convSpec{n: xs[0], ph: xs[1], pw: xs[2], mc: xs[3], kh: ws[0], kw: ws[1], ic: ws[2], act: opts.Activation}
	s.stride = resolveStride(opts.Stride)
	p := opts.Padding
	if p.Same {
		s.ih, s.iw = s.ph*s.stride, s.pw*s.stride
		s.padTop, _ = samePadding(s.ih, s.ph, s.kh, s.stride)
		s.padLeft, _ = samePadding(s.iw, s.pw, s.kw, s.stride)
	} else {
		s.ih = (s.ph-1)*s.stride - p.Top - p.Bottom + s.kh
		s.iw = (s.pw-1)*s.stride - p.Left - p.Right + s.kw
		s.padTop, s.padLeft = p.Top, p.Left
	}
	if s.ih <= 0 || s.iw <= 0 {
		panic(fmt.Sprintf("autodiff: ConvTranspose2D padding %+v leaves no output for input %v, kernel %v", p, xs, ws))
	}
	return s
}

func (convTranspose2DOp) backward(tp *Tape, v *Var) {
	x, w, b := v.in[0], v.in[1], v.in[2]
	s := &v.conv
	k, rowsPer := s.k(), s.patches()
	wantW, wantB := w.needGrad, b != nil && b.needGrad
	wLen := 0
	if wantW || wantB {
		wLen = k * s.mc
	}
	sc := tp.convScratch(s, wLen, s.ic)
	var gx []float32
	addX := false
	if x.needGrad {
		g, add := tp.gradDst(x)
		gx, addX = g.Data(), add
	}
	xd, wd, yd, dyd := x.Value.Data(), w.Value.Data(), v.Value.Data(), v.grad.Data()
	sc.run(tp, s.n, func(g, lo, hi int, col []float32) {
		dy := dyd[lo*s.imageLen() : hi*s.imageLen()]
		maskAndSum(dy, yd[lo*s.imageLen():hi*s.imageLen()], s.act, sc.biasPartial(g, wantB), s.ic)
		for i0 := lo; i0 < hi; i0 += sc.sb {
			i1 := min(hi, i0+sc.sb)
			rows := (i1 - i0) * rowsPer
			for i := i0; i < i1; i++ {
				s.im2col(dyd[i*s.imageLen():(i+1)*s.imageLen()], col[(i-i0)*rowsPer*k:])
			}
			xRows := xd[i0*rowsPer*s.mc : i1*rowsPer*s.mc]
			if wantW {
				tp.blas.Sgemm(true, false, k, s.mc, rows, 1, col, k, xRows, s.mc, beta(i0 > lo), sc.weightPartial(g), s.mc)
			}
			if gx != nil {
				tp.blas.Sgemm(false, false, rows, s.mc, k, 1, col, k, wd, s.mc, beta(addX), gx[i0*rowsPer*s.mc:i1*rowsPer*s.mc], s.mc)
			}
		}
	})
	tp.reducePartials(w, sc.dw, sc.groups, wantW)
	tp.reducePartials(b, sc.db, sc.groups, wantB)
}
