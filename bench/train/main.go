package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"

	"github.com/gromov-monge/gmg/bench/internal/benchutil"
	"github.com/gromov-monge/gmg/data"
	"github.com/gromov-monge/gmg/tensor"
	"github.com/gromov-monge/gmg/vae"
)

const batch = 64

func main() {
	datasets := flag.String("datasets", "dsprites,shapes3d", "comma-separated procedural datasets")
	rounds := flag.Int("rounds", 5, "number of alternating rounds")
	steps := flag.Int("steps", 10, "timed steps per round and configuration")
	warmup := flag.Int("warmup", 5, "untimed steps of each configuration before the first round")
	anchor := flag.String("anchor", "../shared/anchors/torch_vae_step.py", "PyTorch anchor script; empty to time gmg only")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter that has torch")
	flag.Parse()
	if err := run(strings.Split(*datasets, ","), *rounds, *steps, *warmup, *anchor, *python); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// config is one timed configuration and its measurements.
type config struct {
	name    string
	trainer *vae.Trainer
	rates   []float64 // steps/s per round
	allocs  float64   // heap allocations per step, last round
}

func run(datasets []string, rounds, steps, warmup int, anchor, python string) error {
	if rounds < 1 || steps < 1 {
		return fmt.Errorf("-rounds %d and -steps %d must be at least 1", rounds, steps)
	}
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		return err
	}
	fmt.Printf("gmg BLAS %s (%s), workers %d, GOMAXPROCS %d, batch %d, %d steps per round, %d rounds\n",
		blas.Name(), blas.Core(), tensor.Workers(), runtime.GOMAXPROCS(0), batch, steps, rounds)

	for _, name := range datasets {
		d, err := data.Open(strings.TrimSpace(name), "")
		if err != nil {
			return err
		}
		if err := warmDataset(d); err != nil {
			return err
		}
		var configs []*config
		for _, reg := range []vae.Regularizer{vae.NoRegularizer, vae.DST, vae.GMG} {
			cfg := vae.DefaultConfig()
			cfg.Regularizer = reg
			tr, err := vae.NewTrainer(cfg, d, blas)
			if err != nil {
				return err
			}
			for range warmup {
				if _, err := tr.Step(); err != nil {
					return err
				}
			}
			configs = append(configs, &config{name: "beta-vae+" + reg.String(), trainer: tr})
		}

		var torchRates []float64
		for r := range rounds {
			line := fmt.Sprintf("%s round %d:", d.Name(), r+1)
			for _, c := range configs {
				rate, allocs, err := timeSteps(c.trainer, steps)
				if err != nil {
					return err
				}
				c.rates = append(c.rates, rate)
				c.allocs = allocs
				line += fmt.Sprintf(" %s %.2f steps/s,", c.name, rate)
			}
			if anchor != "" {
				t, err := benchutil.TorchImagesPerSecond(python, anchor, 2, steps, d.ImageShape().Channels, batch)
				if err != nil {
					return err
				}
				torchRates = append(torchRates, t)
				line += fmt.Sprintf(" torch %.1f images/s", t)
			}
			fmt.Println(strings.TrimSuffix(line, ","))
		}

		for i, c := range configs {
			rate := benchutil.Median(c.rates)
			summary := fmt.Sprintf("%s %s: median %.2f steps/s (%.0f images/s), %.0f allocations per step", d.Name(), c.name, rate, rate*batch, c.allocs)
			if i > 0 {
				// Pairing the configurations within a round cancels most of
				// the load changes between rounds.
				overheads := make([]float64, rounds)
				for r := range rounds {
					overheads[r] = 1e3 * (1/c.rates[r] - 1/configs[0].rates[r])
				}
				summary += fmt.Sprintf(", overhead over beta-vae+none %.1f ms per step (median of rounds)", benchutil.Median(overheads))
			}
			fmt.Println(summary)
		}
		if len(torchRates) > 0 {
			ratios := make([]float64, len(torchRates))
			for i, t := range torchRates {
				ratios[i] = configs[0].rates[i] * batch / t
			}
			fmt.Printf("%s: torch median %.1f images/s; beta-vae+none / torch images/s, median of rounds %.2f\n",
				d.Name(), benchutil.Median(torchRates), benchutil.Median(ratios))
		}
	}
	return nil
}

// warmDataset renders one image of every factor row once, a few thousand
// images, so that generators that cache per-geometry renders (Shapes3D)
// run at their steady-state speed.
func warmDataset(d data.Dataset) error {
	rng := rand.New(rand.NewPCG(0, 0))
	sizes := data.Sizes(d)
	const n = 2048
	factors := data.SampleFactors(sizes, n, rng)
	return d.Observe(factors, rng, make([]float32, n*d.ImageShape().Len()))
}

// timeSteps runs n steps and returns the steps/s of the median step, as the
// anchor reports its median, and the heap allocations per step.
func timeSteps(tr *vae.Trainer, n int) (rate, allocs float64, err error) {
	seconds, allocs, err := benchutil.TimeCalls(n, func() error {
		_, err := tr.Step()
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	return 1 / seconds, allocs, nil
}
