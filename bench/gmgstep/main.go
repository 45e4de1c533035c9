// Command gmgstep measures what a GMG or DST regulariser adds to one VAE
// training step: the value and gradient of the loss node on a batch of 64
// latent codes (p = 10) and their 64×64 grey images (q = 4096), against one
// β-VAE step (forward, backward, Adam) at batch 64 on 64×64×1 images.
//
// Each round times -steps VAE steps and then -steps regulariser evaluations
// per setting, alternating (VAE, regularisers, VAE, regularisers, ...), and
// prints the median time of each and the regulariser's share of a VAE step.
// The summary gives the median share over rounds.
//
// The images are sigmoid(z·W) for a fixed random W with entries of variance
// 1/p: a stand-in for a trained decoder's output that varies smoothly with the
// code. An untrained decoder's images are nearly equal, which makes every cost
// matrix nearly constant and the GW solve unrepresentatively easy.
//
// Usage:
//
//	go run ./bench/gmgstep [-rounds 5] [-steps 10]
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/gmg"
	"github.com/gromov-monge/gmg/nn"
	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
	"github.com/gromov-monge/gmg/vae"
)

const (
	batch  = 64
	latent = 10
	pixels = 64 * 64
)

func main() {
	rounds := flag.Int("rounds", 5, "number of alternating rounds")
	steps := flag.Int("steps", 10, "timed VAE steps and regulariser evaluations per round")
	flag.Parse()
	if err := run(*rounds, *steps); err != nil {
		fmt.Fprintln(os.Stderr, "gmgstep:", err)
		os.Exit(1)
	}
}

// setting is one regulariser configuration to time.
type setting struct {
	name string
	reg  gmg.Regularizer
	est  gmg.Estimator
}

func run(rounds, steps int) error {
	if rounds < 1 || steps < 1 {
		return fmt.Errorf("-rounds %d and -steps %d must be at least 1", rounds, steps)
	}
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		return err
	}
	fmt.Printf("BLAS %s (%s), workers %d, GOMAXPROCS %d, load average %s\n",
		blas.Name(), blas.Core(), tensor.Workers(), runtime.GOMAXPROCS(0), loadAverage())
	defer func() { fmt.Printf("load average at the end %s\n", loadAverage()) }()

	step, err := newVAEStep(blas)
	if err != nil {
		return err
	}
	settings := []setting{
		{"gmg/cosine", gmg.GMGRegularizer, gmg.Estimator{CostX: ot.Cosine, CostY: ot.Cosine}},
		{"gmg/sqeuclidean", gmg.GMGRegularizer, gmg.Estimator{}},
		{"dst/cosine", gmg.DSTRegularizer, gmg.Estimator{CostX: ot.Cosine, CostY: ot.Cosine}},
	}
	reg := newRegularizerStep(blas)

	// Warm-up: the first steps allocate the tapes' buffers.
	for range 2 {
		if err := step.run(); err != nil {
			return err
		}
		for _, s := range settings {
			if err := reg.run(s); err != nil {
				return err
			}
		}
	}

	shares := make([][]float64, len(settings))
	var vaeTimes []float64
	for r := range rounds {
		vaeTime, err := medianTime(steps, step.run)
		if err != nil {
			return err
		}
		vaeTimes = append(vaeTimes, vaeTime)
		line := []string{fmt.Sprintf("round %d: VAE step %.1f ms", r+1, 1e3*vaeTime)}
		for k, s := range settings {
			t, err := medianTime(steps, func() error { return reg.run(s) })
			if err != nil {
				return err
			}
			shares[k] = append(shares[k], t/vaeTime)
			line = append(line, fmt.Sprintf("%s %.1f ms (%.1f%%)", s.name, 1e3*t, 100*t/vaeTime))
		}
		fmt.Println(strings.Join(line, ", "))
	}
	fmt.Printf("median VAE step %.1f ms\n", 1e3*median(vaeTimes))
	for k, s := range settings {
		fmt.Printf("%s: median share of a VAE step %.1f%%\n", s.name, 100*median(shares[k]))
	}
	return nil
}

// vaeStep runs β-VAE steps on one random binary batch, as bench/vaestep does.
type vaeStep struct {
	model *vae.Model
	opt   *nn.Adam
	tape  *autodiff.Tape
	x     *tensor.Tensor
	noise *tensor.Tensor
	rng   *rand.Rand
}

func newVAEStep(blas tensor.BLAS) (*vaeStep, error) {
	rng := rand.New(rand.NewPCG(0, 0))
	m, err := vae.NewModel(vae.Benchmark(1), rng)
	if err != nil {
		return nil, err
	}
	x := tensor.New(batch, 64, 64, 1)
	for i := range x.Data() {
		if rng.Float64() < 0.3 {
			x.Data()[i] = 1
		}
	}
	return &vaeStep{model: m, opt: nn.NewAdam(m.Params(), 1e-4), tape: autodiff.NewTape(blas), x: x,
		noise: tensor.New(batch, latent), rng: rng}, nil
}

func (s *vaeStep) run() error {
	vae.FillNormal(s.noise, s.rng)
	s.tape.Reset()
	l := s.model.BetaVAE(s.tape, s.x, s.noise, 1)
	if err := s.tape.Backward(l.Total); err != nil {
		return err
	}
	s.opt.Step()
	return nil
}

// regularizerStep evaluates a regulariser's loss node and its gradient with
// respect to the images, the work a regulariser on the decoder adds to a
// training step.
type regularizerStep struct {
	tape      *autodiff.Tape
	codes     *tensor.Tensor
	images    *tensor.Tensor
	imageGrad *tensor.Tensor
}

func newRegularizerStep(blas tensor.BLAS) *regularizerStep {
	rng := rand.New(rand.NewPCG(1, 1))
	codes := tensor.New(batch, latent)
	for k := range codes.Data() {
		codes.Data()[k] = float32(rng.NormFloat64())
	}
	w := make([]float64, latent*pixels)
	for k := range w {
		w[k] = rng.NormFloat64() / math.Sqrt(latent)
	}
	images := tensor.New(batch, 64, 64, 1)
	for i := 0; i < batch; i++ {
		for j := 0; j < pixels; j++ {
			var s float64
			for k := 0; k < latent; k++ {
				s += float64(codes.Data()[i*latent+k]) * w[k*pixels+j]
			}
			images.Data()[i*pixels+j] = float32(1 / (1 + math.Exp(-s)))
		}
	}
	return &regularizerStep{tape: autodiff.NewTape(blas), codes: codes, images: images, imageGrad: tensor.New(batch, 64, 64, 1)}
}

func (s *regularizerStep) run(set setting) error {
	s.tape.Reset()
	loss, _, err := set.est.Loss(s.tape, set.reg, s.tape.Const(s.codes), s.tape.Param(s.images, s.imageGrad))
	if err != nil {
		return err
	}
	return s.tape.Backward(loss)
}

// medianTime runs f n times and returns the median duration in seconds.
func medianTime(n int, f func() error) (float64, error) {
	times := make([]float64, n)
	for i := range times {
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		times[i] = time.Since(start).Seconds()
	}
	return median(times), nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return 0.5 * (s[len(s)/2-1] + s[len(s)/2])
}

// loadAverage returns the first three fields of /proc/loadavg.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
