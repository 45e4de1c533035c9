package autodiff

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gromov-monge/gmg/tensor"
)

// naiveConv2D is the textbook nested loop over output pixels, kernel taps and
// channels, in float64, with explicit padding top and left.
func naiveConv2D(x, w *tensor.Tensor, stride, top, left, oh, ow int) *tensor.Tensor {
	n, h, wd, c := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	kh, kw, cout := w.Dim(0), w.Dim(1), w.Dim(3)
	out := tensor.New(n, oh, ow, cout)
	for b := range n {
		for oy := range oh {
			for ox := range ow {
				for co := range cout {
					var s float64
					for ky := range kh {
						for kx := range kw {
							iy, ix := oy*stride-top+ky, ox*stride-left+kx
							if iy < 0 || iy >= h || ix < 0 || ix >= wd {
								continue
							}
							for ci := range c {
								s += float64(x.At(b, iy, ix, ci)) * float64(w.At(ky, kx, ci, co))
							}
						}
					}
					out.Set(float32(s), b, oy, ox, co)
				}
			}
		}
	}
	return out
}

// naiveConvTranspose2D scatters every input pixel times the kernel into the
// output, the definition of a transposed convolution.
func naiveConvTranspose2D(x, w *tensor.Tensor, stride, top, left, oh, ow int) *tensor.Tensor {
	n, h, wd, c := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	kh, kw, cout := w.Dim(0), w.Dim(1), w.Dim(2)
	acc := make([]float64, n*oh*ow*cout)
	for b := range n {
		for iy := range h {
			for ix := range wd {
				for ky := range kh {
					for kx := range kw {
						oy, ox := iy*stride-top+ky, ix*stride-left+kx
						if oy < 0 || oy >= oh || ox < 0 || ox >= ow {
							continue
						}
						for co := range cout {
							for ci := range c {
								acc[((b*oh+oy)*ow+ox)*cout+co] += float64(x.At(b, iy, ix, ci)) * float64(w.At(ky, kx, co, ci))
							}
						}
					}
				}
			}
		}
	}
	out := tensor.New(n, oh, ow, cout)
	for i, v := range acc {
		out.Data()[i] = float32(v)
	}
	return out
}

// closeTo fails when got and want differ by more than tol·(1 + |want|).
func closeTo(t *testing.T, name string, got, want *tensor.Tensor, tol float64) {
	t.Helper()
	if !tensor.SameShape(got.Shape(), want.Shape()) {
		t.Fatalf("%s: shape %v, want %v", name, got.Shape(), want.Shape())
	}
	for i, w := range want.Data() {
		if d := math.Abs(float64(got.Data()[i] - w)); d > tol*(1+math.Abs(float64(w))) {
			t.Fatalf("%s: element %d = %g, want %g", name, i, got.Data()[i], w)
		}
	}
}

// convCase is a convolution geometry with the output sizes and padding
// that the nested-loop references need.
type convCase struct {
	name         string
	n, h, w, c   int
	kh, kw, cout int
	stride       int
	pad          Padding
	top, left    int // the padding Same resolves to, for the reference
	oh, ow       int // conv output
	toh, tow     int // conv-transpose output
	ttop, tleft  int
}

func TestConvMatchesNestedLoops(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	cases := []convCase{
		{"4x4 s2 same", 3, 8, 6, 3, 4, 4, 5, 2, Padding{Same: true}, 1, 1, 4, 3, 16, 12, 1, 1},
		{"3x3 s1 same odd", 2, 7, 5, 2, 3, 3, 4, 1, Padding{Same: true}, 1, 1, 7, 5, 7, 5, 1, 1},
		{"3x2 s3 explicit", 2, 11, 9, 1, 3, 2, 3, 3, Padding{Top: 2, Bottom: 1, Left: 0, Right: 1}, 2, 0, 4, 3, 30, 25, 2, 0},
		{"valid 5x5", 1, 9, 7, 4, 5, 5, 2, 1, Padding{}, 0, 0, 5, 3, 13, 11, 0, 0},
		{"4x4 s2 same one channel", 2, 6, 10, 1, 4, 4, 3, 2, Padding{Same: true}, 1, 1, 3, 5, 12, 20, 1, 1},
		{"4x4 s2 same to one channel", 2, 5, 3, 2, 4, 4, 1, 2, Padding{Same: true}, 1, 1, 3, 2, 10, 6, 1, 1},
		// Padding wider than the kernel: some windows miss the image entirely.
		{"2x2 s1 wide padding", 1, 9, 10, 2, 2, 2, 3, 1, Padding{Top: 3, Bottom: 3, Left: 4, Right: 3}, 3, 4, 14, 16, 4, 4, 3, 4},
	}
	for _, c := range cases {
		x := randn(rng, c.n, c.h, c.w, c.c)
		w := randn(rng, c.kh, c.kw, c.c, c.cout)
		wt := randn(rng, c.kh, c.kw, c.cout, c.c)
		t.Run(c.name, func(t *testing.T) { checkConvAgainstNestedLoops(t, c, x, w, wt) })
		t.Run(c.name+" Go loops", func(t *testing.T) {
			withGoKernels(func() { checkConvAgainstNestedLoops(t, c, x, w, wt) })
		})
	}
}

// checkConvAgainstNestedLoops compares Conv2D of x with kernel w, and
// ConvTranspose2D of x with kernel wt, with the nested-loop references.
func checkConvAgainstNestedLoops(t *testing.T, c convCase, x, w, wt *tensor.Tensor) {
	tp := NewTape(tensor.GoBLAS())
	got := tp.Conv2D(tp.Const(x), tp.Const(w), nil, ConvOptions{Stride: c.stride, Padding: c.pad}).Value
	want := naiveConv2D(x, w, c.stride, c.top, c.left, c.oh, c.ow)
	// float32 sums of up to 100 products of unit normals against a
	// float64 reference.
	closeTo(t, "Conv2D "+c.name, got, want, 1e-5)

	got = tp.ConvTranspose2D(tp.Const(x), tp.Const(wt), nil, ConvOptions{Stride: c.stride, Padding: c.pad}).Value
	want = naiveConvTranspose2D(x, wt, c.stride, c.ttop, c.tleft, c.toh, c.tow)
	closeTo(t, "ConvTranspose2D "+c.name, got, want, 1e-5)
}

// convStep builds conv → convT with fused ReLU and a scalar loss, runs
// Backward and returns the loss and the gradients.
func convStep(t *testing.T, tp *Tape, x, w1, b1, w2, b2 *tensor.Tensor, grads []*tensor.Tensor, fused bool) float32 {
	t.Helper()
	opts := ConvOptions{Stride: 2, Padding: Padding{Same: true}}
	xv := tp.Param(x, grads[0])
	var h, y *Var
	if fused {
		opts.Activation = ReLUActivation
		h = tp.Conv2D(xv, tp.Param(w1, grads[1]), tp.Param(b1, grads[2]), opts)
		y = tp.ConvTranspose2D(h, tp.Param(w2, grads[3]), tp.Param(b2, grads[4]), opts)
	} else {
		h = tp.ReLU(tp.Conv2D(xv, tp.Param(w1, grads[1]), tp.Param(b1, grads[2]), opts))
		y = tp.ReLU(tp.ConvTranspose2D(h, tp.Param(w2, grads[3]), tp.Param(b2, grads[4]), opts))
	}
	loss := tp.Mean(tp.SigmoidCrossEntropy(y, x))
	if err := tp.Backward(loss); err != nil {
		t.Fatal(err)
	}
	return loss.Value.Item()
}

func convFixture(seed uint64) (x, w1, b1, w2, b2 *tensor.Tensor, grads []*tensor.Tensor) {
	rng := rand.New(rand.NewPCG(seed, seed))
	x = randn(rng, 5, 8, 8, 3)
	w1, b1 = randn(rng, 4, 4, 3, 6), randn(rng, 6)
	w2, b2 = randn(rng, 4, 4, 3, 6), randn(rng, 3)
	for _, t := range []*tensor.Tensor{x, w1, b1, w2, b2} {
		grads = append(grads, tensor.New(t.Shape()...))
	}
	return x, w1, b1, w2, b2, grads
}

func TestFusedReLUMatchesSeparateOp(t *testing.T) {
	x, w1, b1, w2, b2, g1 := convFixture(22)
	_, _, _, _, _, g2 := convFixture(22)
	l1 := convStep(t, NewTape(tensor.GoBLAS()), x, w1, b1, w2, b2, g1, true)
	l2 := convStep(t, NewTape(tensor.GoBLAS()), x, w1, b1, w2, b2, g2, false)
	if l1 != l2 {
		t.Fatalf("loss fused %g, separate %g", l1, l2)
	}
	for i := range g1 {
		// Same arithmetic, except that the separate ReLU masks after the
		// bias is added instead of in the GEMM epilogue: bit-identical.
		closeTo(t, "gradient", g1[i], g2[i], 0)
	}
}

func TestBackendsAgree(t *testing.T) {
	ob, err := tensor.LoadOpenBLAS()
	if err != nil {
		t.Skipf("OpenBLAS (%s) not loadable: %v", tensor.OpenBLASLibrary, err)
	}
	x, w1, b1, w2, b2, g1 := convFixture(23)
	_, _, _, _, _, g2 := convFixture(23)
	l1 := convStep(t, NewTape(tensor.GoBLAS()), x, w1, b1, w2, b2, g1, true)
	l2 := convStep(t, NewTape(ob), x, w1, b1, w2, b2, g2, true)
	if math.Abs(float64(l1-l2)) > 1e-5*math.Abs(float64(l1)) {
		t.Fatalf("loss go %g, openblas %g", l1, l2)
	}
	for i := range g1 {
		// Sums of up to 400 float32 products in different orders.
		closeTo(t, "gradient", g1[i], g2[i], 1e-4)
	}
}

func TestTapeReuseIsBitIdentical(t *testing.T) {
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		t.Fatal(err)
	}
	x, w1, b1, w2, b2, g1 := convFixture(24)
	_, _, _, _, _, g2 := convFixture(24)
	tp := NewTape(blas)
	l1 := convStep(t, tp, x, w1, b1, w2, b2, g1, true)
	tp.Reset()
	l2 := convStep(t, tp, x, w1, b1, w2, b2, g2, true)
	if l1 != l2 {
		t.Fatalf("loss %g then %g", l1, l2)
	}
	for i := range g1 {
		closeTo(t, "gradient", g1[i], g2[i], 0)
	}
	bufs := len(tp.bufs)
	tp.Reset()
	convStep(t, tp, x, w1, b1, w2, b2, g2, true)
	if len(tp.bufs) != bufs {
		t.Errorf("reused tape grew from %d to %d buffers", bufs, len(tp.bufs))
	}
}

func TestBackwardNaNLoss(t *testing.T) {
	tp := NewTape(tensor.GoBLAS())
	w := tensor.FromSlice([]float32{-1, 2}, 2)
	g := tensor.FromSlice([]float32{7, 7}, 2)
	loss := tp.Sum(tp.Log(tp.Param(w, g)))
	err := tp.Backward(loss)
	if !errors.Is(err, ErrNonFinite) {
		t.Fatalf("Backward error = %v, want ErrNonFinite", err)
	}
	if g.Data()[0] != 7 || g.Data()[1] != 7 {
		t.Errorf("gradient changed to %v on a NaN loss", g.Data())
	}
}

func TestUnusedParamGetsZeroGradient(t *testing.T) {
	tp := NewTape(tensor.GoBLAS())
	a := tensor.FromSlice([]float32{1, 2}, 2)
	ga := tensor.FromSlice([]float32{9, 9}, 2)
	gu := tensor.FromSlice([]float32{9, 9}, 2)
	used := tp.Param(a, ga)
	tp.Param(a.Clone(), gu)
	if err := tp.Backward(tp.Sum(tp.Square(used))); err != nil {
		t.Fatal(err)
	}
	if ga.Data()[0] != 2 || ga.Data()[1] != 4 {
		t.Errorf("gradient %v, want [2 4]", ga.Data())
	}
	if gu.Data()[0] != 0 || gu.Data()[1] != 0 {
		t.Errorf("unused gradient %v, want zeros", gu.Data())
	}
}

func TestShapeMismatchPanics(t *testing.T) {
	tp := NewTape(tensor.GoBLAS())
	cases := []struct {
		name  string
		shape []string
		f     func()
	}{
		{"Add", []string{"[2 3]", "[4]"}, func() { tp.Add(tp.Const(tensor.New(2, 3)), tp.Const(tensor.New(4))) }},
		{"MatMul", []string{"[2 3]", "[4 5]"}, func() { tp.MatMul(tp.Const(tensor.New(2, 3)), tp.Const(tensor.New(4, 5))) }},
		{"Conv2D", []string{"[1 4 4 3]", "[3 3 2 5]"}, func() {
			tp.Conv2D(tp.Const(tensor.New(1, 4, 4, 3)), tp.Const(tensor.New(3, 3, 2, 5)), nil, ConvOptions{})
		}},
		{"SigmoidCrossEntropy", []string{"[2 3]", "[3 2]"}, func() {
			tp.SigmoidCrossEntropy(tp.Const(tensor.New(2, 3)), tensor.New(3, 2))
		}},
	}
	for _, c := range cases {
		func() {
			defer func() {
				msg, _ := recover().(string)
				for _, s := range c.shape {
					if !strings.Contains(msg, s) {
						t.Errorf("%s: panic %q does not name %s", c.name, msg, s)
					}
				}
			}()
			c.f()
		}()
	}
}

func TestLogSumExpLargeInputs(t *testing.T) {
	tp := NewTape(tensor.GoBLAS())
	x := tensor.FromSlice([]float32{1000, 1000, float32(math.Inf(-1))}, 1, 3)
	got := tp.LogSumExp(tp.Const(x), 1).Value.Item()
	want := 1000 + float32(math.Log(2))
	if got != want {
		t.Errorf("LogSumExp = %g, want %g", got, want)
	}
}

func TestFastExpAndLog1p(t *testing.T) {
	for i := 0; i <= 200000; i++ {
		x := -90 * float64(i) / 200000
		got, want := float64(expNegative(float32(x))), math.Exp(float64(float32(x)))
		// Below 2e-7 relative: the float32 rounding of the result (6e-8)
		// plus the polynomial's truncation (1.2e-7); want is tiny but
		// positive below −87, where expNegative returns 0.
		if x > -87 && math.Abs(got-want) > 2.5e-7*want {
			t.Fatalf("expNegative(%g) = %g, want %g", x, got, want)
		}
		e := float32(math.Exp(x))
		got, want = float64(log1pUnit(e)), math.Log1p(float64(e))
		// Subnormal e (below e^−87.3) have less than float32's relative
		// precision to start with; expNegative never returns them.
		if e >= 0x1p-126 && math.Abs(got-want) > 2.5e-7*want {
			t.Fatalf("log1pUnit(%g) = %g, want %g", e, got, want)
		}
	}
}

func TestSigmoidCrossEntropyValues(t *testing.T) {
	xs := []float32{-120, -30, -3.5, -0.25, 0, 1e-4, 2, 17, 95}
	tp := NewTape(tensor.GoBLAS())
	for _, z := range []float32{0, 0.3, 1} {
		labels := tensor.New(len(xs))
		labels.Fill(z)
		out := tp.SigmoidCrossEntropy(tp.Const(tensor.FromSlice(xs, len(xs))), labels)
		for i, x := range xs {
			xf, zf := float64(x), float64(z)
			want := math.Max(xf, 0) - xf*zf + math.Log1p(math.Exp(-math.Abs(xf)))
			// float32 sum of terms up to |x|: a few ulps of max(|x|, 1).
			if got := float64(out.Value.Data()[i]); math.Abs(got-want) > 4e-7*math.Max(math.Abs(xf), 1) {
				t.Errorf("x=%g z=%g: %g, want %g", x, z, got, want)
			}
		}
	}
}

func TestLinearFusedReLUMatchesSeparateOp(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 25))
	x, w, b := randn(rng, 9, 7), randn(rng, 7, 5), randn(rng, 5)
	var grads [2][3]*tensor.Tensor
	var losses [2]float32
	for i, fused := range []bool{true, false} {
		for j, v := range []*tensor.Tensor{x, w, b} {
			grads[i][j] = tensor.New(v.Shape()...)
		}
		tp := NewTape(tensor.GoBLAS())
		xv, wv, bv := tp.Param(x, grads[i][0]), tp.Param(w, grads[i][1]), tp.Param(b, grads[i][2])
		var y *Var
		if fused {
			y = tp.Linear(xv, wv, bv, ReLUActivation)
		} else {
			y = tp.ReLU(tp.Linear(xv, wv, bv, NoActivation))
		}
		loss := tp.Sum(tp.Square(y))
		if err := tp.Backward(loss); err != nil {
			t.Fatal(err)
		}
		losses[i] = loss.Value.Item()
	}
	if losses[0] != losses[1] {
		t.Fatalf("loss fused %g, separate %g", losses[0], losses[1])
	}
	for j := range 3 {
		// The same arithmetic in the same order: bit-identical.
		closeTo(t, "gradient", grads[0][j], grads[1][j], 0)
	}
}

func TestSigmoidCrossEntropySumMatchesSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 26))
	logits := randn(rng, 3, 40, 40, 3) // 14,400 values: more than one chunk
	labels := tensor.New(logits.Shape()...)
	for i := range labels.Data() {
		if rng.Float64() < 0.3 {
			labels.Data()[i] = 1
		}
	}
	var losses [2]float32
	var grads [2]*tensor.Tensor
	for i := range 2 {
		grads[i] = tensor.New(logits.Shape()...)
		tp := NewTape(tensor.GoBLAS())
		x := tp.Param(logits, grads[i])
		var loss *Var
		if i == 0 {
			loss = tp.SigmoidCrossEntropySum(x, labels)
		} else {
			loss = tp.Sum(tp.SigmoidCrossEntropy(x, labels))
		}
		if err := tp.Backward(loss); err != nil {
			t.Fatal(err)
		}
		losses[i] = loss.Value.Item()
	}
	// Both accumulate in float64; they differ only by the order of the
	// float64 additions and the final rounding to float32.
	if math.Abs(float64(losses[0]-losses[1])) > 1e-6*math.Abs(float64(losses[1])) {
		t.Errorf("fused sum %g, Sum of elements %g", losses[0], losses[1])
	}
	closeTo(t, "gradient", grads[0], grads[1], 0)
}
