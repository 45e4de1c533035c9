package vae

import (
	"errors"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/nn"
	"github.com/gromov-monge/gmg/tensor"
)

// stepper runs β-VAE training steps on a fixed batch, reusing one tape.
type stepper struct {
	model *Model
	opt   *nn.Adam
	tape  *autodiff.Tape
	x     *tensor.Tensor
	noise *tensor.Tensor
	rng   *rand.Rand
}

func newStepper(t testing.TB, blas tensor.BLAS, arch Architecture, batch int, seed uint64) *stepper {
	rng := rand.New(rand.NewPCG(seed, seed))
	m, err := NewModel(arch, rng)
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.New(batch, arch.Height, arch.Width, arch.Channels)
	for i := range x.Data() {
		if rng.Float64() < 0.3 {
			x.Data()[i] = 1
		}
	}
	return &stepper{model: m, opt: nn.NewAdam(m.Params(), 1e-4), tape: autodiff.NewTape(blas), x: x,
		noise: tensor.New(batch, arch.Latent), rng: rng}
}

func (s *stepper) step(t testing.TB) float32 {
	s.tape.Reset()
	FillNormal(s.noise, s.rng)
	l := s.model.BetaVAE(s.tape, s.x, s.noise, 1)
	if err := s.tape.Backward(l.Total); err != nil {
		t.Fatal(err)
	}
	s.opt.Step()
	return l.Total.Value.Item()
}

func TestParameterCountMatchesPyTorch(t *testing.T) {
	// sum(p.numel()) of the anchor's VAE (torch_vae_step.py, PyTorch 1.13):
	// 1 channel 764,245 and 3 channels 766,295 parameters.
	for _, c := range []struct{ channels, want int }{{1, 764245}, {3, 766295}} {
		m, err := NewModel(Benchmark(c.channels), rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range m.Params() {
			n += p.Value.Len()
		}
		if n != c.want {
			t.Errorf("%d channels: %d parameters, want %d", c.channels, n, c.want)
		}
	}
}

func TestBetaVAEShapesAndDescent(t *testing.T) {
	s := newStepper(t, tensor.GoBLAS(), Architecture{Height: 32, Width: 16, Channels: 3, Latent: 4}, 5, 1)
	s.tape.Reset()
	l := s.model.BetaVAE(s.tape, s.x, s.noise, 1)
	if !tensor.SameShape(l.Logits.Shape(), []int{5, 32, 16, 3}) || !tensor.SameShape(l.Mean.Shape(), []int{5, 4}) {
		t.Fatalf("logits %v, mean %v", l.Logits.Shape(), l.Mean.Shape())
	}
	// At initialisation the logits are near 0, so the reconstruction term is
	// near log 2 per pixel.
	perPixel := float64(l.Reconstruction.Value.Item()) / (32 * 16 * 3)
	if math.Abs(perPixel-math.Ln2) > 0.2 {
		t.Errorf("initial reconstruction %g per pixel, want about ln 2", perPixel)
	}
	first := s.step(t)
	var last float32
	for range 30 {
		last = s.step(t)
	}
	if !(last < first) {
		t.Errorf("loss went from %g to %g in 30 Adam steps", first, last)
	}
}

func TestTrainStepDeterministic(t *testing.T) {
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		t.Fatal(err)
	}
	arch := Architecture{Height: 32, Width: 32, Channels: 1, Latent: 10}
	a := newStepper(t, blas, arch, 12, 3)
	b := newStepper(t, blas, arch, 12, 3)
	workers := tensor.Workers()
	defer tensor.SetWorkers(workers)
	for i := range 3 {
		// The second model runs on a different number of goroutines, which
		// must not change any bit.
		tensor.SetWorkers(workers)
		la := a.step(t)
		tensor.SetWorkers(workers + 1)
		lb := b.step(t)
		if la != lb {
			t.Fatalf("step %d: loss %g vs %g", i, la, lb)
		}
	}
	pa, pb := a.model.Params(), b.model.Params()
	for i := range pa {
		for j, v := range pa[i].Value.Data() {
			if v != pb[i].Value.Data()[j] {
				t.Fatalf("%s[%d] differs after 3 steps: %g vs %g", pa[i].Name, j, v, pb[i].Value.Data()[j])
			}
		}
	}
}

func TestNewModelRejectsBadSizes(t *testing.T) {
	for _, a := range []Architecture{
		{Height: 60, Width: 64, Channels: 1, Latent: 10},
		{Height: 64, Width: 64, Channels: 0, Latent: 10},
		{Height: 64, Width: 64, Channels: 1, Latent: 0},
	} {
		if _, err := NewModel(a, rand.New(rand.NewPCG(1, 1))); !errors.Is(err, ErrInvalidArchitecture) {
			t.Errorf("%+v: error %v, want ErrInvalidArchitecture", a, err)
		}
	}
}

func TestSmallKernelsOption(t *testing.T) {
	a := Benchmark(1)
	a.SmallKernels = true
	m, err := NewModel(a, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if s := m.EncoderConvs[3].W.Value.Shape(); s[0] != 2 || s[1] != 2 {
		t.Errorf("last encoder kernel %v, want 2×2", s)
	}
	tp := autodiff.NewTape(tensor.GoBLAS())
	mean, _ := m.Encode(tp, tp.Const(tensor.New(2, 64, 64, 1)))
	if !tensor.SameShape(mean.Shape(), []int{2, 10}) {
		t.Errorf("mean shape %v", mean.Shape())
	}
}

// shardedStep is one β-VAE step with the batch split over two shards.
func (s *stepper) shardedStep(t testing.TB, dp *nn.DataParallel) float32 {
	FillNormal(s.noise, s.rng)
	n, latent := s.x.Dim(0), s.noise.Dim(1)
	pixels := s.x.Len() / n
	loss, err := dp.Step(n, func(tp *autodiff.Tape, lo, hi int) *autodiff.Var {
		x := tensor.Wrap(s.x.Data()[lo*pixels:hi*pixels], append([]int{hi - lo}, s.x.Shape()[1:]...)...)
		noise := tensor.Wrap(s.noise.Data()[lo*latent:hi*latent], hi-lo, latent)
		l := s.model.BetaVAE(tp, x, noise, 1)
		return tp.Scale(l.Total, float32(hi-lo)/float32(n))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.opt.Step()
	return loss
}

func TestShardedStepMatchesSingleTape(t *testing.T) {
	arch := Architecture{Height: 32, Width: 32, Channels: 3, Latent: 6}
	a := newStepper(t, tensor.GoBLAS(), arch, 10, 5)
	b := newStepper(t, tensor.GoBLAS(), arch, 10, 5)
	dp := nn.NewDataParallel(b.model.Params(), 3, tensor.GoBLAS())
	for i := range 2 {
		la, lb := a.step(t), b.shardedStep(t, dp)
		// The same sums in another grouping: float32 rounding only.
		if math.Abs(float64(la-lb)) > 1e-5*math.Abs(float64(la)) {
			t.Fatalf("step %d: loss %g on one tape, %g on three shards", i, la, lb)
		}
	}
	pa, pb := a.model.Params(), b.model.Params()
	for i := range pa {
		for j, v := range pa[i].Value.Data() {
			// Two Adam steps of lr 1e-4 move a parameter by at most 2e-4, so
			// gradient rounding differences change it far less than 1e-5.
			if d := math.Abs(float64(v - pb[i].Value.Data()[j])); d > 1e-5 {
				t.Fatalf("%s[%d]: %g on one tape, %g on shards", pa[i].Name, j, v, pb[i].Value.Data()[j])
			}
		}
	}
}

// BenchmarkTrainStep times one β-VAE step (forward, backward, Adam) at batch
// 64 on 64×64 images with the default backend; allocs/op is the steady-state
// allocation count of a step.
func BenchmarkTrainStep(b *testing.B) {
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []int{1, 3} {
		b.Run(blas.Name()+"/channels="+string(rune('0'+c)), func(b *testing.B) {
			s := newStepper(b, blas, Benchmark(c), 64, 1)
			s.step(b)
			b.ReportAllocs()
			cpu0 := cpuSeconds()
			for b.Loop() {
				s.step(b)
			}
			b.ReportMetric(64*float64(b.N)/b.Elapsed().Seconds(), "images/s")
			// CPU time per step is less sensitive than wall time to other
			// processes on a shared machine.
			b.ReportMetric((cpuSeconds()-cpu0)*1e3/float64(b.N), "cpu-ms/op")
		})
		b.Run(blas.Name()+"/shards=2/channels="+string(rune('0'+c)), func(b *testing.B) {
			s := newStepper(b, blas, Benchmark(c), 64, 1)
			dp := nn.NewDataParallel(s.model.Params(), 2, blas)
			s.shardedStep(b, dp)
			b.ReportAllocs()
			cpu0 := cpuSeconds()
			for b.Loop() {
				s.shardedStep(b, dp)
			}
			b.ReportMetric(64*float64(b.N)/b.Elapsed().Seconds(), "images/s")
			b.ReportMetric((cpuSeconds()-cpu0)*1e3/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuSeconds returns the user and system CPU time of the process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
