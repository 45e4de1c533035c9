package autodiff

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gromov-monge/gmg/tensor"
)

// input describes one argument of a gradient check: its value and whether
// it is a Param (gradient checked) or a Const.
type input struct {
	value *tensor.Tensor
	param bool
}

func randn(rng *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.New(shape...)
	for i := range t.Data() {
		t.Data()[i] = float32(rng.NormFloat64())
	}
	return t
}

// randAway returns values with lo ≤ |v| ≤ hi and random signs (positive only
// when positive is set), to keep finite differences away from kinks and
// domain edges.
func randAway(rng *rand.Rand, lo, hi float64, positive bool, shape ...int) *tensor.Tensor {
	t := tensor.New(shape...)
	for i := range t.Data() {
		v := lo + (hi-lo)*rng.Float64()
		if !positive && rng.IntN(2) == 0 {
			v = -v
		}
		t.Data()[i] = float32(v)
	}
	return t
}

// weightedSum returns Σ out·r in float64.
func weightedSum(out, r *tensor.Tensor) float64 {
	var s float64
	for i, v := range out.Data() {
		s += float64(v) * float64(r.Data()[i])
	}
	return s
}

// gradCheck compares the tape's gradient of Σ build(inputs)·R, with R a
// fixed random tensor, against central finite differences on up to 48
// coordinates of every Param input.
//
// Tolerance: the forward pass runs in float32 with step h = 1e-2 on inputs of
// order 1. The central difference has truncation error h²·f”'/6, which
// reaches 4e-4 relative for Div near 0.5; float32 rounding adds about
// 1e-7·|loss|/h. 1e-3 relative plus 1e-3 absolute covers both, while a
// derivative scaled by 1% or worse fails.
func gradCheck(t *testing.T, name string, inputs []input, build func(tp *Tape, vs []*Var) *Var) {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, uint64(len(name))))
	blas := tensor.GoBLAS()
	forward := func(tp *Tape, grads []*tensor.Tensor) *Var {
		vs := make([]*Var, len(inputs))
		for i, in := range inputs {
			if in.param {
				vs[i] = tp.Param(in.value, grads[i])
			} else {
				vs[i] = tp.Const(in.value)
			}
		}
		return build(tp, vs)
	}
	grads := make([]*tensor.Tensor, len(inputs))
	for i, in := range inputs {
		grads[i] = tensor.New(in.value.Shape()...)
	}
	tp := NewTape(blas)
	out := forward(tp, grads)
	r := randn(rng, out.Value.Shape()...)
	loss := tp.Sum(tp.Mul(out, tp.Const(r)))
	if err := tp.Backward(loss); err != nil {
		t.Fatalf("%s: Backward: %v", name, err)
	}
	const h = 1e-2
	for i, in := range inputs {
		if !in.param {
			continue
		}
		data := in.value.Data()
		coords := rng.Perm(len(data))
		if len(coords) > 48 {
			coords = coords[:48]
		}
		for _, c := range coords {
			orig := data[c]
			data[c] = orig + h
			plus := weightedSum(forward(NewTape(blas), grads).Value, r)
			data[c] = orig - h
			minus := weightedSum(forward(NewTape(blas), grads).Value, r)
			data[c] = orig
			num := (plus - minus) / (2 * h)
			got := float64(grads[i].Data()[c])
			if math.Abs(num-got) > 1e-3+1e-3*math.Abs(num) {
				t.Errorf("%s: input %d element %d: gradient %.6g, finite difference %.6g", name, i, c, got, num)
				return
			}
		}
	}
}

func TestGradUnary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	cases := []struct {
		name     string
		lo, hi   float64
		positive bool
		f        func(tp *Tape, x *Var) *Var
	}{
		{"Exp", 0, 1.5, false, (*Tape).Exp},
		{"Log", 0.3, 2, true, (*Tape).Log},
		{"Softplus", 0, 4, false, (*Tape).Softplus},
		{"Sigmoid", 0, 4, false, (*Tape).Sigmoid},
		{"ReLU", 0.1, 2, false, (*Tape).ReLU},
		{"LeakyReLU", 0.1, 2, false, func(tp *Tape, x *Var) *Var { return tp.LeakyReLU(x, 0.2) }},
		{"Tanh", 0, 2, false, (*Tape).Tanh},
		{"Square", 0, 2, false, (*Tape).Square},
		{"Sqrt", 0.3, 2, true, (*Tape).Sqrt},
		{"Scale", 0, 2, false, func(tp *Tape, x *Var) *Var { return tp.Scale(x, -1.7) }},
		{"Neg", 0, 2, false, (*Tape).Neg},
	}
	for _, c := range cases {
		x := randAway(rng, c.lo, c.hi, c.positive, 3, 7)
		gradCheck(t, c.name, []input{{x, true}}, func(tp *Tape, vs []*Var) *Var { return c.f(tp, vs[0]) })
	}
}

func TestGradBinaryBroadcast(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	shapes := [][2][]int{
		{{5, 3}, {5, 3}},
		{{5, 3}, {3}},
		{{4, 1, 3}, {1, 5, 1}},
		{{}, {2, 3}},
	}
	ops := []struct {
		name string
		f    func(tp *Tape, a, b *Var) *Var
	}{
		{"Add", (*Tape).Add}, {"Sub", (*Tape).Sub}, {"Mul", (*Tape).Mul}, {"Div", (*Tape).Div},
	}
	for _, op := range ops {
		for _, s := range shapes {
			a := randAway(rng, 0.5, 1.5, false, s[0]...)
			b := randAway(rng, 0.5, 1.5, false, s[1]...)
			gradCheck(t, op.name, []input{{a, true}, {b, true}}, func(tp *Tape, vs []*Var) *Var { return op.f(tp, vs[0], vs[1]) })
		}
	}
}

func TestGradReductions(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x := randn(rng, 3, 5, 7)
	gradCheck(t, "Sum all", []input{{x, true}}, func(tp *Tape, vs []*Var) *Var { return tp.Sum(vs[0]) })
	gradCheck(t, "Sum axes", []input{{x, true}}, func(tp *Tape, vs []*Var) *Var { return tp.Sum(vs[0], 0, 2) })
	gradCheck(t, "Mean axis", []input{{x, true}}, func(tp *Tape, vs []*Var) *Var { return tp.Mean(vs[0], -1) })
	gradCheck(t, "LogSumExp axis 1", []input{{x, true}}, func(tp *Tape, vs []*Var) *Var { return tp.LogSumExp(vs[0], 1) })
	gradCheck(t, "LogSumExp axis 2", []input{{x, true}}, func(tp *Tape, vs []*Var) *Var { return tp.LogSumExp(vs[0], 2) })
}

func TestGradShapeOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	x := randn(rng, 3, 5, 7)
	y := randn(rng, 3, 2, 7)
	gradCheck(t, "Reshape", []input{{x, true}}, func(tp *Tape, vs []*Var) *Var { return tp.Reshape(vs[0], 15, -1) })
	gradCheck(t, "Transpose", []input{{x, true}}, func(tp *Tape, vs []*Var) *Var { return tp.Transpose(vs[0], 2, 0, 1) })
	gradCheck(t, "Concat", []input{{x, true}, {y, true}}, func(tp *Tape, vs []*Var) *Var { return tp.Concat(1, vs[0], vs[1], vs[0]) })
	gradCheck(t, "Slice", []input{{x, true}}, func(tp *Tape, vs []*Var) *Var { return tp.Slice(vs[0], 1, 1, 4) })
	idx := []int{2, 0, 2, 1}
	gradCheck(t, "GatherRows", []input{{x, true}}, func(tp *Tape, vs []*Var) *Var { return tp.GatherRows(vs[0], idx) })
}

func TestGradMatMulAndLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	a, b := randn(rng, 7, 5), randn(rng, 5, 3)
	gradCheck(t, "MatMul", []input{{a, true}, {b, true}}, func(tp *Tape, vs []*Var) *Var { return tp.MatMul(vs[0], vs[1]) })
	bias := randn(rng, 3)
	gradCheck(t, "Linear", []input{{a, true}, {b, true}, {bias, true}}, func(tp *Tape, vs []*Var) *Var {
		return tp.Linear(vs[0], vs[1], vs[2], NoActivation)
	})
}

func TestGradLosses(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	logits := randn(rng, 4, 9)
	labels := tensor.New(4, 9)
	for i := range labels.Data() {
		labels.Data()[i] = float32(rng.Float64())
	}
	gradCheck(t, "SigmoidCrossEntropy", []input{{logits, true}}, func(tp *Tape, vs []*Var) *Var {
		return tp.SigmoidCrossEntropy(vs[0], labels)
	})
	gradCheck(t, "SigmoidCrossEntropySum", []input{{logits, true}}, func(tp *Tape, vs []*Var) *Var {
		return tp.SigmoidCrossEntropySum(vs[0], labels)
	})
	mean, logVar := randn(rng, 5, 3), randn(rng, 5, 3)
	gradCheck(t, "GaussianKL", []input{{mean, true}, {logVar, true}}, func(tp *Tape, vs []*Var) *Var {
		return tp.GaussianKL(vs[0], vs[1])
	})
}

// sumSquares is a Function computing Σ x² for the custom-op test.
type sumSquares struct{ out *tensor.Tensor }

func (f *sumSquares) Forward(in []*tensor.Tensor) *tensor.Tensor {
	var s float32
	for _, v := range in[0].Data() {
		s += v * v
	}
	f.out = tensor.Scalar(s)
	return f.out
}

func (f *sumSquares) Backward(in []*tensor.Tensor, _, dy *tensor.Tensor, grads []*tensor.Tensor) {
	if grads[0] == nil {
		return
	}
	for i, v := range in[0].Data() {
		grads[0].Data()[i] += 2 * v * dy.Item()
	}
}

func TestGradFunction(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	x := randn(rng, 6, 3)
	gradCheck(t, "Apply", []input{{x, true}}, func(tp *Tape, vs []*Var) *Var {
		// Used twice, so the tape must add the two contributions.
		return tp.Add(tp.Apply(&sumSquares{}, vs[0]), tp.Sum(vs[0]))
	})
}

func TestGradConv2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	cases := []struct {
		name         string
		n, h, w, c   int
		kh, kw, cout int
		opts         ConvOptions
	}{
		{"same s2", 2, 7, 5, 3, 4, 4, 2, ConvOptions{Stride: 2, Padding: Padding{Same: true}}},
		{"same s2 one channel", 2, 6, 4, 1, 4, 4, 2, ConvOptions{Stride: 2, Padding: Padding{Same: true}}},
		{"valid s1", 3, 5, 6, 2, 3, 2, 3, ConvOptions{}},
		{"explicit s3", 2, 9, 7, 1, 3, 3, 2, ConvOptions{Stride: 3, Padding: Padding{Top: 1, Bottom: 2, Left: 2, Right: 0}}},
		{"valid 5x5 s1", 1, 7, 6, 2, 5, 5, 2, ConvOptions{}},
	}
	for _, c := range cases {
		x := randn(rng, c.n, c.h, c.w, c.c)
		w := randn(rng, c.kh, c.kw, c.c, c.cout)
		b := randn(rng, c.cout)
		gradCheck(t, "Conv2D "+c.name, []input{{x, true}, {w, true}, {b, true}}, func(tp *Tape, vs []*Var) *Var {
			return tp.Conv2D(vs[0], vs[1], vs[2], c.opts)
		})
		wt := randn(rng, c.kh, c.kw, c.cout, c.c)
		gradCheck(t, "ConvTranspose2D "+c.name, []input{{x, true}, {wt, true}, {b, true}}, func(tp *Tape, vs []*Var) *Var {
			return tp.ConvTranspose2D(vs[0], vs[1], vs[2], c.opts)
		})
	}
}
