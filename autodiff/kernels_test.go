package autodiff

import (
	"math"
	"math/rand/v2"
	"testing"
)

// specialFloats are values whose handling differs between careless
// implementations: signed zeros, NaN with either sign bit, infinities and a
// subnormal.
var specialFloats = []float32{
	0, float32(math.Copysign(0, -1)), float32(math.NaN()), -float32(math.NaN()),
	float32(math.Inf(1)), float32(math.Inf(-1)), 1e-45, -1e-45,
}

// kernelInput returns n floats, mostly standard normal draws, with every
// seventh one taken from specialFloats.
func kernelInput(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		if i%7 == 3 {
			x[i] = specialFloats[rng.IntN(len(specialFloats))]
		} else {
			x[i] = float32(rng.NormFloat64())
		}
	}
	return x
}

// withGoKernels runs f with the assembly kernels switched off.
func withGoKernels(f func()) {
	saved := haveAVX2
	haveAVX2 = false
	defer func() { haveAVX2 = saved }()
	f()
}

// sameBits fails unless got and want hold the same float32 bit patterns,
// except that any two NaNs match: for NaN + NaN the compiler may pick either
// operand's payload, and the race detector's build picks differently.
func sameBits(t *testing.T, name string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range got {
		if got[i] != got[i] && want[i] != want[i] {
			continue
		}
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s[%d] = %g (bits %08x), Go loop gives %g (bits %08x)", name, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// TestKernelsMatchGo compares each kernel, as dispatched on this machine,
// with its Go loop bit for bit, for lengths around the vector width and
// channel counts that do and do not fill whole vectors.
func TestKernelsMatchGo(t *testing.T) {
	if !haveAVX2 {
		t.Log("no AVX2 on this CPU: both sides run the Go loops")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	clone := func(x []float32) []float32 { return append([]float32(nil), x...) }
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 200} {
		a, b := kernelInput(rng, n), kernelInput(rng, n)

		got, want := clone(a), clone(a)
		addTo(got, b)
		withGoKernels(func() { addTo(want, b) })
		sameBits(t, "addTo", got, want)

		got, want = clone(a), clone(a)
		reluInPlace(got)
		withGoKernels(func() { reluInPlace(want) })
		sameBits(t, "reluInPlace", got, want)

		got, want = clone(a), clone(a)
		maskReLU(got, b)
		withGoKernels(func() { maskReLU(want, b) })
		sameBits(t, "maskReLU", got, want)
	}
	for _, c := range []int{1, 3, 8, 16, 32, 64, 40, 12} {
		for _, rows := range []int{0, 1, 2, 5, 17} {
			y, row := kernelInput(rng, rows*c), kernelInput(rng, c)
			dy := kernelInput(rng, rows*c)

			got, want := clone(y), clone(y)
			fillRows(got, row)
			withGoKernels(func() { fillRows(want, row) })
			sameBits(t, "fillRows", got, want)

			for _, act := range []Activation{NoActivation, ReLUActivation} {
				got, want = clone(y), clone(y)
				biasActivate(got, row, c, act)
				withGoKernels(func() { biasActivate(want, row, c, act) })
				sameBits(t, "biasActivate "+act.String(), got, want)

				got, want = clone(dy), clone(dy)
				gotDB, wantDB := make([]float32, c), make([]float32, c)
				maskAndSum(got, y, act, gotDB, c)
				withGoKernels(func() { maskAndSum(want, y, act, wantDB, c) })
				sameBits(t, "maskAndSum dy "+act.String(), got, want)
				sameBits(t, "maskAndSum db "+act.String(), gotDB, wantDB)
			}

			gotSum, wantSum := clone(row), clone(row)
			addColumnSums(gotSum, dy, c, true)
			withGoKernels(func() { addColumnSums(wantSum, dy, c, true) })
			sameBits(t, "addColumnSums", gotSum, wantSum)
		}
	}
}

// TestRunKernelsMatchGo compares copyRuns and addRuns with their Go loops
// for run lengths with and without fast paths and for overlapping runs, as
// col2im of a stride-2 convolution adds them.
func TestRunKernelsMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	clone := func(x []float32) []float32 { return append([]float32(nil), x...) }
	for _, c := range []struct{ runs, run, dstStride, srcStride int }{
		{1, 4, 4, 4}, {7, 4, 16, 2}, {5, 12, 48, 6}, {9, 8, 3, 8}, {4, 20, 20, 25},
		{3, 128, 512, 64}, {6, 6, 9, 6}, {5, 12, 6, 48}, {8, 4, 2, 16}, {3, 256, 128, 1024},
	} {
		dstLen := (c.runs-1)*c.dstStride + c.run
		srcLen := (c.runs-1)*c.srcStride + c.run
		dst, src := kernelInput(rng, dstLen), kernelInput(rng, srcLen)

		got, want := clone(dst), clone(dst)
		copyRuns(got, src, c.runs, c.run, c.dstStride, c.srcStride)
		withGoKernels(func() { copyRuns(want, src, c.runs, c.run, c.dstStride, c.srcStride) })
		sameBits(t, "copyRuns", got, want)

		got, want = clone(dst), clone(dst)
		addRuns(got, src, c.runs, c.run, c.dstStride, c.srcStride)
		withGoKernels(func() { addRuns(want, src, c.runs, c.run, c.dstStride, c.srcStride) })
		sameBits(t, "addRuns", got, want)
	}
}

// TestKernelsKnownValues checks the Go loops, which the assembly is compared
// with, against values worked out by hand.
func TestKernelsKnownValues(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	x := []float32{-2, negZero, 0, 3, float32(math.Inf(-1)), float32(math.Inf(1)), 1e-45, -1e-45, 5}
	want := []float32{0, 0, 0, 3, 0, float32(math.Inf(1)), 1e-45, 0, 5}
	for _, asm := range []bool{false, true} {
		got := append([]float32(nil), x...)
		if asm {
			reluInPlace(got)
		} else {
			withGoKernels(func() { reluInPlace(got) })
		}
		sameBits(t, "reluInPlace", got, want)

		dy := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
		wantDy := []float32{0, 0, 0, 4, 0, 6, 7, 0, 9}
		if asm {
			maskReLU(dy, got)
		} else {
			withGoKernels(func() { maskReLU(dy, got) })
		}
		sameBits(t, "maskReLU", dy, wantDy)
	}

	// Two rows of eight channels with bias 0.5 and ReLU, and their column
	// sums.
	y := make([]float32, 16)
	bias := make([]float32, 8)
	for i := range y {
		y[i] = float32(i) - 8
	}
	for i := range bias {
		bias[i] = 0.5
	}
	biasActivate(y, bias, 8, ReLUActivation)
	wantY := []float32{0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5}
	sameBits(t, "biasActivate", y, wantY)
	sums := make([]float32, 8)
	addColumnSums(sums, y, 8, false)
	sameBits(t, "addColumnSums", sums, wantY[8:])

	// Three channels, which have loops of their own.
	sums = []float32{0.5, 0.5, 0.5}
	addColumnSums(sums, []float32{1, 2, 3, 4, 5, 6}, 3, true)
	sameBits(t, "addColumnSums three channels", sums, []float32{5.5, 7.5, 9.5})
	filled := make([]float32, 15)
	fillRows(filled, []float32{1, 2, 3})
	sameBits(t, "fillRows three channels", filled, []float32{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3})
}

// TestCrossEntropyKernelMatchesGo compares the sums and sigmoids of
// bceSumChunk, and scaledDifference, with their Go loops bit for bit, for
// finite logits from −200 to 200 including both zeros and values around
// expNegative's cutoff at −87.
func TestCrossEntropyKernelMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	edges := []float32{0, float32(math.Copysign(0, -1)), 87, -87, 87.5, -87.5, 86.99, 200, -200, 1e-30}
	for _, n := range []int{1, 7, 8, 9, 16, 31, 64, 1000} {
		x, z := make([]float32, n), make([]float32, n)
		for i := range x {
			switch i % 5 {
			case 0:
				x[i] = edges[rng.IntN(len(edges))]
			case 1:
				x[i] = float32(rng.NormFloat64() * 30)
			default:
				x[i] = float32(rng.NormFloat64() * 3)
			}
			if rng.IntN(3) == 0 {
				z[i] = 1
			} else {
				z[i] = rng.Float32()
			}
		}
		gotSig, wantSig := make([]float32, n), make([]float32, n)
		got := bceSumChunk(x, z, gotSig)
		var want float64
		withGoKernels(func() { want = bceSumChunk(x, z, wantSig) })
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("n=%d: sum %.17g, Go loop %.17g", n, got, want)
		}
		sameBits(t, "sigmoid", gotSig, wantSig)

		for _, add := range []bool{false, true} {
			gotDiff, wantDiff := append([]float32(nil), x...), append([]float32(nil), x...)
			scaledDifference(gotDiff, gotSig, z, 0.37, add)
			withGoKernels(func() { scaledDifference(wantDiff, wantSig, z, 0.37, add) })
			sameBits(t, "scaledDifference", gotDiff, wantDiff)
		}
	}
}

// TestCrossEntropyKernelNaN checks that NaN logits give a NaN sum on both
// paths, although the NaN's bits may differ.
func TestCrossEntropyKernelNaN(t *testing.T) {
	x := make([]float32, 16)
	z := make([]float32, 16)
	x[5] = float32(math.NaN())
	sig := make([]float32, 16)
	if got := bceSumChunk(x, z, sig); !math.IsNaN(got) {
		t.Errorf("sum with a NaN logit = %g, want NaN", got)
	}
	withGoKernels(func() {
		if got := bceSumChunk(x, z, sig); !math.IsNaN(got) {
			t.Errorf("Go loop: sum with a NaN logit = %g, want NaN", got)
		}
	})
}
