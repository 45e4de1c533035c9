package tensor

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func randTensor(rng *rand.Rand, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.data {
		t.data[i] = float32(rng.NormFloat64())
	}
	return t
}

// naiveGemm is the triple loop in float64, the reference for both backends.
func naiveGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float32 {
	out := append([]float32(nil), c...)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			old := float64(0)
			if beta != 0 {
				old = float64(beta) * float64(c[i*ldc+j])
			}
			out[i*ldc+j] = float32(float64(alpha)*s + old)
		}
	}
	return out
}

func backends(t *testing.T) []BLAS {
	list := []BLAS{GoBLAS()}
	if b, err := LoadOpenBLAS(); err == nil {
		list = append(list, b)
	} else {
		t.Logf("OpenBLAS comparison skipped: %v", err)
	}
	return list
}

func TestSgemmMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		m, n, k        int
		transA, transB bool
		alpha, beta    float32
	}{
		{1, 1, 1, false, false, 1, 0},
		{7, 5, 3, false, false, 1, 0},
		{17, 29, 13, true, false, 0.5, 1},
		{33, 3, 65, false, true, 1, -2},
		{9, 31, 7, true, true, 2, 0.25},
		{64, 32, 512, false, false, 1, 0},
	}
	for _, be := range backends(t) {
		for _, c := range cases {
			lda := c.k + 2
			if c.transA {
				lda = c.m + 1
			}
			ldb := c.n + 3
			if c.transB {
				ldb = c.k
			}
			ldc := c.n + 1
			ra := c.m
			if c.transA {
				ra = c.k
			}
			rb := c.k
			if c.transB {
				rb = c.n
			}
			a := randTensor(rng, ra*lda).data
			b := randTensor(rng, rb*ldb).data
			cm := randTensor(rng, c.m*ldc).data
			want := naiveGemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, cm, ldc)
			got := append([]float32(nil), cm...)
			be.Sgemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, got, ldc)
			for i := range want {
				// float32 accumulation of k products of unit normals: the
				// rounding error grows like sqrt(k)·2⁻²⁴ times the magnitudes.
				tol := 1e-5 * float64(c.k+1) * (1 + math.Abs(float64(want[i])))
				if d := math.Abs(float64(got[i] - want[i])); d > tol {
					t.Fatalf("%s %+v: C[%d] = %g, want %g", be.Name(), c, i, got[i], want[i])
				}
			}
		}
	}
}

func TestSgemmBetaZeroOverwritesNaN(t *testing.T) {
	for _, be := range backends(t) {
		a := []float32{1, 2}
		b := []float32{3, 4}
		c := []float32{float32(math.NaN())}
		be.Sgemm(false, false, 1, 1, 2, 1, a, 2, b, 1, 0, c, 1)
		if c[0] != 11 {
			t.Errorf("%s: C = %g, want 11", be.Name(), c[0])
		}
	}
}

func TestSgemmShortSlicePanics(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "A has 3 values") {
			t.Fatalf("panic = %v, want a message naming A", r)
		}
	}()
	GoBLAS().Sgemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
}

func TestParallelGemmMatchesGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, be := range backends(t) {
		a := randTensor(rng, 301, 67)
		b := randTensor(rng, 67, 129)
		c1 := New(301, 129)
		c2 := New(301, 129)
		c3 := New(301, 129)
		Gemm(be, false, false, 1, a, b, 0, c1)
		ParallelGemm(be, false, false, 1, a, b, 0, c2)
		ParallelGemm(be, false, false, 1, a, b, 0, c3)
		for i := range c1.data {
			// A block may use another kernel with another summation order
			// over the 67 products.
			if d := math.Abs(float64(c1.data[i] - c2.data[i])); d > 1e-4*(1+math.Abs(float64(c1.data[i]))) {
				t.Fatalf("%s: element %d differs: %g vs %g", be.Name(), i, c1.data[i], c2.data[i])
			}
			if c2.data[i] != c3.data[i] {
				t.Fatalf("%s: element %d not reproducible: %g vs %g", be.Name(), i, c2.data[i], c3.data[i])
			}
		}
	}
}

func TestBackendsAgree(t *testing.T) {
	bs := backends(t)
	if len(bs) < 2 {
		t.Skipf("OpenBLAS (%s) not loadable", OpenBLASLibrary)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	a := randTensor(rng, 123, 77)
	b := randTensor(rng, 77, 45)
	c0, c1 := New(123, 45), New(123, 45)
	Gemm(bs[0], false, false, 1, a, b, 0, c0)
	Gemm(bs[1], false, false, 1, a, b, 0, c1)
	for i := range c0.data {
		// Both sum 77 float32 products, in different orders.
		if d := math.Abs(float64(c0.data[i] - c1.data[i])); d > 1e-4*(1+math.Abs(float64(c0.data[i]))) {
			t.Fatalf("element %d: go %g, openblas %g", i, c0.data[i], c1.data[i])
		}
	}
}

func TestSelectBLAS(t *testing.T) {
	b, err := SelectBLAS("go")
	if err != nil || b.Name() != GoName {
		t.Fatalf("SelectBLAS(go) = %v, %v", b, err)
	}
	if _, err := SelectBLAS("mkl"); err == nil || !strings.Contains(err.Error(), `"mkl"`) {
		t.Fatalf("SelectBLAS(mkl) error = %v, want one naming the value", err)
	}
	b, err = SelectBLAS("")
	if err != nil || b == nil {
		t.Fatalf("SelectBLAS(\"\") = %v, %v", b, err)
	}
	if o, err := LoadOpenBLAS(); err == nil {
		if o.Core() == "" {
			t.Error("OpenBLAS core name is empty")
		}
		if o.Threads() != 1 {
			t.Errorf("OpenBLAS threads = %d after loading, want 1", o.Threads())
		}
	}
}

func TestMissingOpenBLASNamesLibrary(t *testing.T) {
	_, err := loadOpenBLAS("libopenblas-missing.so.0")
	if !errors.Is(err, ErrBLASUnavailable) || !strings.Contains(err.Error(), "libopenblas-missing.so.0") {
		t.Fatalf("error %v, want ErrBLASUnavailable naming the library", err)
	}
}

func TestBroadcastShapes(t *testing.T) {
	cases := []struct{ a, b, want []int }{
		{[]int{3, 1}, []int{4}, []int{3, 4}},
		{[]int{}, []int{2, 3}, []int{2, 3}},
		{[]int{5, 1, 7}, []int{1, 6, 1}, []int{5, 6, 7}},
	}
	for _, c := range cases {
		if got := BroadcastShapes(c.a, c.b); !SameShape(got, c.want) {
			t.Errorf("BroadcastShapes(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "[2 3]") || !strings.Contains(r.(string), "[4]") {
			t.Fatalf("panic = %v, want both shapes named", r)
		}
	}()
	BroadcastShapes([]int{2, 3}, []int{4})
}

func TestBinaryAndReduceTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a := randTensor(rng, 3, 1, 5)
	b := randTensor(rng, 4, 1)
	out := New(3, 4, 5)
	for _, op := range []BinaryOp{Add, Sub, Mul, Div} {
		Binary(op, out, a, b)
		for i := range 3 {
			for j := range 4 {
				for k := range 5 {
					x, y := a.At(i, 0, k), b.At(j, 0)
					var want float32
					switch op {
					case Add:
						want = x + y
					case Sub:
						want = x - y
					case Mul:
						want = x * y
					case Div:
						want = x / y
					}
					if got := out.At(i, j, k); got != want {
						t.Fatalf("%v at (%d,%d,%d) = %g, want %g", op, i, j, k, got, want)
					}
				}
			}
		}
	}
	red := New(4, 1)
	ReduceTo(red, out, false)
	for j := range 4 {
		var want float32
		for i := range 3 {
			for k := range 5 {
				want += out.At(i, j, k)
			}
		}
		if got := red.At(j, 0); math.Abs(float64(got-want)) > 1e-5*(1+math.Abs(float64(want))) {
			t.Fatalf("ReduceTo[%d] = %g, want %g", j, got, want)
		}
	}
}

func TestPermute(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	x := randTensor(rng, 2, 3, 5)
	y := Permute(x, 2, 0, 1)
	if !SameShape(y.Shape(), []int{5, 2, 3}) {
		t.Fatalf("shape %v", y.Shape())
	}
	for i := range 2 {
		for j := range 3 {
			for k := range 5 {
				if y.At(k, i, j) != x.At(i, j, k) {
					t.Fatalf("mismatch at %d %d %d", i, j, k)
				}
			}
		}
	}
}

func TestReshapeInfersAndPanics(t *testing.T) {
	x := New(4, 6)
	if s := x.Reshape(3, -1).Shape(); !SameShape(s, []int{3, 8}) {
		t.Fatalf("Reshape(3,-1) shape %v", s)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "[4 6]") {
			t.Fatalf("panic = %v, want the shape named", r)
		}
	}()
	x.Reshape(5, 5)
}

func TestChunkCoversRange(t *testing.T) {
	for n := 0; n < 20; n++ {
		for k := 1; k < 6; k++ {
			next := 0
			for w := range k {
				lo, hi := Chunk(n, k, w)
				if lo != next || hi < lo {
					t.Fatalf("Chunk(%d,%d,%d) = [%d,%d), expected start %d", n, k, w, lo, hi, next)
				}
				next = hi
			}
			if next != n {
				t.Fatalf("Chunk(%d,%d) ends at %d", n, k, next)
			}
		}
	}
}

func BenchmarkSgemm(b *testing.B) {
	for _, be := range []string{GoName, OpenBLASName} {
		bl, err := SelectBLAS(be)
		if err != nil {
			continue
		}
		b.Run(be+"/m=2048,n=32,k=512", func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			a, w, c := randTensor(rng, 2048, 512), randTensor(rng, 512, 32), New(2048, 32)
			b.ReportAllocs()
			for b.Loop() {
				bl.Sgemm(false, false, 2048, 32, 512, 1, a.data, 512, w.data, 32, 0, c.data, 32)
			}
			b.ReportMetric(2*2048*32*512*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func TestParallelTasksRunsEachOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 100} {
		counts := make([]int32, n)
		ParallelTasks(n, func(w, task int) {
			if w < 0 || w >= max(1, min(n, Workers())) {
				t.Errorf("worker %d out of range for %d tasks", w, n)
			}
			counts[task]++
		})
		for i, c := range counts {
			if c != 1 {
				t.Fatalf("n=%d: task %d ran %d times", n, i, c)
			}
		}
	}
}

func TestReduceToScalarAndBroadcastBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	src := randTensor(rng, 5, 7, 1)
	dst := New(1, 1, 1)
	ReduceTo(dst, src, false)
	var want float64
	for _, v := range src.data {
		want += float64(v)
	}
	// float64 accumulation rounded once to float32.
	if got := dst.data[0]; got != float32(want) {
		t.Errorf("sum %g, want %g", got, float32(want))
	}
	back := New(5, 7, 1)
	back.Fill(1)
	BroadcastTo(back, FromSlice([]float32{2}, 1, 1, 1), true)
	for i, v := range back.data {
		if v != 3 {
			t.Fatalf("element %d = %g, want 3", i, v)
		}
	}
}
