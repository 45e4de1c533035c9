package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/bench/internal/benchutil"
	"github.com/gromov-monge/gmg/gmg"
	"github.com/gromov-monge/gmg/nn"
	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
	"github.com/gromov-monge/gmg/vae"
)

const (
	batch  = 64
	latent = 10
	side   = 64
)

func main() {
	channelsFlag := flag.String("channels", "1,3", "comma-separated channel counts of the 64×64 images")
	rounds := flag.Int("rounds", 5, "number of alternating rounds")
	steps := flag.Int("steps", 10, "timed VAE steps and regulariser evaluations per round")
	flag.Parse()
	if err := run(*channelsFlag, *rounds, *steps); err != nil {
		fmt.Fprintln(os.Stderr, "gmgstep:", err)
		os.Exit(1)
	}
}

// setting is one regulariser configuration to time.
type setting struct {
	name    string
	reg     gmg.Regularizer
	est     gmg.Estimator
	encoder bool // images to codes, instead of codes to images
}

var settings = []setting{
	{"gmg/cosine", gmg.GMGRegularizer, gmg.Estimator{CostX: ot.Cosine, CostY: ot.Cosine}, false},
	{"gmg/cosine/accelerated", gmg.GMGRegularizer, gmg.Estimator{CostX: ot.Cosine, CostY: ot.Cosine, Accelerate: true}, false},
	{"gmg/sqeuclidean", gmg.GMGRegularizer, gmg.Estimator{}, false},
	{"dst/cosine", gmg.DSTRegularizer, gmg.Estimator{CostX: ot.Cosine, CostY: ot.Cosine}, false},
	{"gmg/cosine/encoder", gmg.GMGRegularizer, gmg.Estimator{CostX: ot.Cosine, CostY: ot.Cosine}, true},
}

func run(channelsFlag string, rounds, steps int) error {
	if rounds < 1 || steps < 1 {
		return fmt.Errorf("-rounds %d and -steps %d must be at least 1", rounds, steps)
	}
	var channels []int
	for _, f := range strings.Split(channelsFlag, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 1 {
			return fmt.Errorf("invalid channel count %q in -channels", f)
		}
		channels = append(channels, c)
	}
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		return err
	}
	fmt.Printf("BLAS %s (%s), workers %d, GOMAXPROCS %d, load average %s\n",
		blas.Name(), blas.Core(), tensor.Workers(), runtime.GOMAXPROCS(0), benchutil.LoadAverage())
	defer func() { fmt.Printf("load average at the end %s\n", benchutil.LoadAverage()) }()

	for _, c := range channels {
		if err := runShape(blas, c, rounds, steps); err != nil {
			return err
		}
	}
	return nil
}

// runShape runs the rounds for 64×64 images of c channels.
func runShape(blas tensor.BLAS, c, rounds, steps int) error {
	step, err := newVAEStep(blas, c)
	if err != nil {
		return err
	}
	reg := newRegularizerStep(blas, c)
	// Warm-up: the first steps allocate the tapes' and workspaces' buffers.
	for range 2 {
		if err := step.run(); err != nil {
			return err
		}
		for k := range settings {
			if err := reg.run(k); err != nil {
				return err
			}
		}
	}

	fmt.Printf("images 64×64×%d (q = %d)\n", c, side*side*c)
	shares := make([][]float64, len(settings))
	allocs := make([]float64, len(settings))
	var vaeTimes []float64
	for r := range rounds {
		vaeTime, _, err := benchutil.TimeCalls(steps, step.run)
		if err != nil {
			return err
		}
		vaeTimes = append(vaeTimes, vaeTime)
		line := []string{fmt.Sprintf("round %d: VAE step %.1f ms", r+1, 1e3*vaeTime)}
		for k, s := range settings {
			t, a, err := benchutil.TimeCalls(steps, func() error { return reg.run(k) })
			if err != nil {
				return err
			}
			shares[k] = append(shares[k], t/vaeTime)
			allocs[k] = a
			line = append(line, fmt.Sprintf("%s %.2f ms (%.1f%%)", s.name, 1e3*t, 100*t/vaeTime))
		}
		fmt.Println(strings.Join(line, ", "))
	}
	fmt.Printf("median VAE step %.1f ms\n", 1e3*benchutil.Median(vaeTimes))
	for k, s := range settings {
		fmt.Printf("%s: median share of a VAE step %.1f%%, %.0f heap allocations per call\n", s.name, 100*benchutil.Median(shares[k]), allocs[k])
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

func newVAEStep(blas tensor.BLAS, channels int) (*vaeStep, error) {
	rng := rand.New(rand.NewPCG(0, 0))
	m, err := vae.NewModel(vae.Benchmark(channels), rng)
	if err != nil {
		return nil, err
	}
	x := tensor.New(batch, side, side, channels)
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

// regularizerStep evaluates a regulariser's loss node and its gradient, the
// work a regulariser adds to a training step: into the images on the
// decoder, into the codes on the encoder.
type regularizerStep struct {
	tape              *autodiff.Tape
	codes, codeGrad   *tensor.Tensor
	images, imageGrad *tensor.Tensor
	workspaces        []gmg.Workspace
}

func newRegularizerStep(blas tensor.BLAS, channels int) *regularizerStep {
	rng := rand.New(rand.NewPCG(1, 1))
	pixels := side * side * channels
	codes := tensor.New(batch, latent)
	for k := range codes.Data() {
		codes.Data()[k] = float32(rng.NormFloat64())
	}
	w := make([]float64, latent*pixels)
	for k := range w {
		w[k] = rng.NormFloat64() / math.Sqrt(latent)
	}
	images := tensor.New(batch, side, side, channels)
	for i := 0; i < batch; i++ {
		for j := 0; j < pixels; j++ {
			var s float64
			for k := 0; k < latent; k++ {
				s += float64(codes.Data()[i*latent+k]) * w[k*pixels+j]
			}
			images.Data()[i*pixels+j] = float32(1 / (1 + math.Exp(-s)))
		}
	}
	return &regularizerStep{
		tape:       autodiff.NewTape(blas),
		codes:      codes,
		codeGrad:   tensor.New(batch, latent),
		images:     images,
		imageGrad:  tensor.New(batch, side, side, channels),
		workspaces: make([]gmg.Workspace, len(settings)),
	}
}

// run evaluates settings[k] with its own kept workspace.
func (s *regularizerStep) run(k int) error {
	set := settings[k]
	tp := s.tape
	tp.Reset()
	x, y := tp.Const(s.codes), tp.Param(s.images, s.imageGrad)
	if set.encoder {
		x, y = tp.Const(s.images), tp.Param(s.codes, s.codeGrad)
	}
	loss, _, err := set.est.LossWith(&s.workspaces[k], tp, set.reg, x, y)
	if err != nil {
		return err
	}
	return tp.Backward(loss)
}
