package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/bench/internal/benchutil"
	"github.com/gromov-monge/gmg/nn"
	"github.com/gromov-monge/gmg/tensor"
	"github.com/gromov-monge/gmg/vae"
)

const batch = 64

// warmupSteps is the number of untimed steps before each round's timed
// steps. The anchor runs three before its own.
const warmupSteps = 3

func main() {
	channelsFlag := flag.String("channels", "1,3", "comma-separated channel counts of the 64×64 images")
	rounds := flag.Int("rounds", 5, "number of alternating rounds")
	steps := flag.Int("steps", 10, "timed training steps per round and implementation")
	anchor := flag.String("anchor", "../shared/anchors/torch_vae_step.py", "PyTorch anchor script; empty to time gmg only")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter that has torch")
	mode := flag.String("mode", "split", "parallelism: split (each operation splits the batch over the workers, 1-thread OpenBLAS), shards (two shards of the batch on their own tapes, nn.DataParallel) or blas2 (1 worker, 2-thread OpenBLAS)")
	flag.Parse()

	if err := run(*channelsFlag, *rounds, *steps, *anchor, *python, *mode); err != nil {
		fmt.Fprintln(os.Stderr, "vaestep:", err)
		os.Exit(1)
	}
}

func run(channelsFlag string, rounds, steps int, anchor, python, mode string) error {
	if rounds < 1 || steps < 1 {
		return fmt.Errorf("-rounds %d and -steps %d must be at least 1", rounds, steps)
	}
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		return err
	}
	switch mode {
	case "split", "shards":
	case "blas2":
		tensor.SetWorkers(1)
		blas.SetThreads(2)
	default:
		return fmt.Errorf("invalid -mode %q (valid: split, shards, blas2)", mode)
	}
	var channels []int
	for _, f := range strings.Split(channelsFlag, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 1 {
			return fmt.Errorf("invalid channel count %q in -channels", f)
		}
		channels = append(channels, c)
	}
	coreType, set := os.LookupEnv("OPENBLAS_CORETYPE")
	if !set {
		coreType = "unset"
	}
	fmt.Printf("gmg BLAS %s (%s, OPENBLAS_CORETYPE %s), mode %s, workers %d, GOMAXPROCS %d, batch %d, %d steps per round, load average %s\n",
		blas.Name(), blas.Core(), coreType, mode, tensor.Workers(), runtime.GOMAXPROCS(0), batch, steps, benchutil.LoadAverage())
	defer func() { fmt.Printf("load average at the end %s\n", benchutil.LoadAverage()) }()

	for _, c := range channels {
		s, err := newStepper(blas, c, mode == "shards")
		if err != nil {
			return err
		}
		var ratios, gmgRates []float64
		var allocs float64
		for r := range rounds {
			for range warmupSteps {
				if err := s.step(); err != nil {
					return err
				}
			}
			rate, a, err := s.time(steps)
			if err != nil {
				return err
			}
			gmgRates = append(gmgRates, rate)
			allocs = a
			line := fmt.Sprintf("channels %d round %d: gmg %.1f images/s", c, r+1, rate)
			if anchor != "" {
				best := 0.0
				for _, threads := range []int{1, 2} {
					t, err := benchutil.TorchImagesPerSecond(python, anchor, threads, steps, c, batch)
					if err != nil {
						return err
					}
					line += fmt.Sprintf(", torch %d thread(s) %.1f", threads, t)
					best = max(best, t)
				}
				ratios = append(ratios, rate/best)
				line += fmt.Sprintf(", ratio %.2f", rate/best)
			}
			fmt.Println(line)
		}
		summary := fmt.Sprintf("channels %d: gmg median %.1f images/s, %.0f allocations per step", c, benchutil.Median(gmgRates), allocs)
		if len(ratios) > 0 {
			summary += fmt.Sprintf(", median ratio to PyTorch's best %.2f", benchutil.Median(ratios))
		}
		fmt.Println(summary)
	}
	return nil
}

// stepper runs β-VAE steps on one random binary batch, as the anchor does.
type stepper struct {
	model  *vae.Model
	opt    *nn.Adam
	tape   *autodiff.Tape
	shards *nn.DataParallel // nil for one tape
	x      *tensor.Tensor
	noise  *tensor.Tensor
	rng    *rand.Rand
}

func newStepper(blas tensor.BLAS, channels int, sharded bool) (*stepper, error) {
	rng := rand.New(rand.NewPCG(0, 0))
	m, err := vae.NewModel(vae.Benchmark(channels), rng)
	if err != nil {
		return nil, err
	}
	x := tensor.New(batch, 64, 64, channels)
	for i := range x.Data() {
		if rng.Float64() < 0.3 {
			x.Data()[i] = 1
		}
	}
	s := &stepper{model: m, opt: nn.NewAdam(m.Params(), 1e-4), tape: autodiff.NewTape(blas), x: x,
		noise: tensor.New(batch, 10), rng: rng}
	if sharded {
		s.shards = nn.NewDataParallel(m.Params(), 2, blas)
	}
	return s, nil
}

func (s *stepper) step() error {
	vae.FillNormal(s.noise, s.rng)
	if s.shards != nil {
		return s.shardedStep()
	}
	s.tape.Reset()
	l := s.model.BetaVAE(s.tape, s.x, s.noise, 1)
	if err := s.tape.Backward(l.Total); err != nil {
		return err
	}
	s.opt.Step()
	return nil
}

// shardedStep runs the step with each half of the batch on its own tape.
func (s *stepper) shardedStep() error {
	n, latent := s.x.Dim(0), s.noise.Dim(1)
	pixels := s.x.Len() / n
	_, err := s.shards.Step(n, func(tp *autodiff.Tape, lo, hi int) *autodiff.Var {
		x := tensor.Wrap(s.x.Data()[lo*pixels:hi*pixels], hi-lo, 64, 64, s.x.Dim(3))
		noise := tensor.Wrap(s.noise.Data()[lo*latent:hi*latent], hi-lo, latent)
		l := s.model.BetaVAE(tp, x, noise, 1)
		return tp.Scale(l.Total, float32(hi-lo)/float32(n))
	})
	if err != nil {
		return err
	}
	s.opt.Step()
	return nil
}

// time runs n steps and returns the images/s of the median step and the
// heap allocations per step.
func (s *stepper) time(n int) (rate, allocs float64, err error) {
	seconds, allocs, err := benchutil.TimeCalls(n, s.step)
	if err != nil {
		return 0, 0, err
	}
	return batch / seconds, allocs, nil
}
