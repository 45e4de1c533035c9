package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/gromov-monge/gmg/internal/learn"
	"github.com/gromov-monge/gmg/internal/npy"
	"github.com/gromov-monge/gmg/internal/synth"
	"github.com/gromov-monge/gmg/metrics"
)

func main() {
	rounds := flag.Int("rounds", 3, "number of alternating rounds")
	numTrain := flag.Int("train", 10000, "training rows")
	numTest := flag.Int("test", 5000, "test rows")
	dir := flag.String("dir", "", "directory for codes.npy and factors.npy; empty makes a temporary one")
	anchor := flag.String("anchor", "../shared/anchors/sklearn_dci.py", "scikit-learn anchor script; empty to time gmg only")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter that has scikit-learn")
	seed := flag.Uint64("seed", 0, "seed of the synthetic representation")
	flag.Parse()

	if err := run(*rounds, *numTrain, *numTest, *dir, *anchor, *python, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "dci:", err)
		os.Exit(1)
	}
}

// anchorResult is the JSON line the anchor prints.
type anchorResult struct {
	Impl                 string  `json:"impl"`
	Disentanglement      float64 `json:"disentanglement"`
	Completeness         float64 `json:"completeness"`
	InformativenessTrain float64 `json:"informativeness_train"`
	InformativenessTest  float64 `json:"informativeness_test"`
	Seconds              float64 `json:"seconds"`
}

func run(rounds, numTrain, numTest int, dir, anchor, python string, seed uint64) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "gmg-dci-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	n := numTrain + numTest
	codes, factors := synth.Codes(n, seed)
	codesPath, factorsPath := filepath.Join(dir, "codes.npy"), filepath.Join(dir, "factors.npy")
	if err := npy.WriteFile(codesPath, []int{n, synth.NumCodes}, codes); err != nil {
		return err
	}
	factors64 := make([]int64, len(factors))
	for i, v := range factors {
		factors64[i] = int64(v)
	}
	if err := npy.WriteFile(factorsPath, []int{n, len(synth.FactorSizes)}, factors64); err != nil {
		return err
	}
	sample, err := metrics.NewSample(codes, factors, synth.NumCodes, len(synth.FactorSizes))
	if err != nil {
		return err
	}
	train, test := sample.Slice(0, numTrain), sample.Slice(numTrain, n)

	var ratios []float64
	var gmgRes *metrics.DCIResult
	var skRes anchorResult
	for r := range rounds {
		start := time.Now()
		gmgRes, err = metrics.DCI(context.Background(), train, test, learn.GBTConfig{})
		if err != nil {
			return err
		}
		gmgSeconds := time.Since(start).Seconds()
		fmt.Printf("round %d gmg     %8.2f s  D %.4f C %.4f I train %.4f test %.4f\n", r, gmgSeconds,
			gmgRes.Disentanglement, gmgRes.Completeness, gmgRes.InformativenessTrain, gmgRes.InformativenessTest)
		if anchor == "" {
			continue
		}
		out, err := exec.Command(python, anchor, codesPath, factorsPath, strconv.Itoa(numTrain), strconv.Itoa(numTest)).Output()
		if err != nil {
			return fmt.Errorf("anchor %s: %w", anchor, err)
		}
		if err := json.Unmarshal(out, &skRes); err != nil {
			return fmt.Errorf("anchor output %q: %w", out, err)
		}
		fmt.Printf("round %d sklearn %8.2f s  D %.4f C %.4f I train %.4f test %.4f (%s, fit time)\n", r, skRes.Seconds,
			skRes.Disentanglement, skRes.Completeness, skRes.InformativenessTrain, skRes.InformativenessTest, skRes.Impl)
		ratios = append(ratios, skRes.Seconds/gmgSeconds)
	}
	if len(ratios) > 0 {
		slices.Sort(ratios)
		fmt.Printf("median speed-up (scikit-learn time / gmg time) over %d rounds: %.1fx\n", len(ratios), ratios[len(ratios)/2])
		fmt.Printf("score differences gmg - sklearn: D %+.4f C %+.4f I train %+.4f test %+.4f\n",
			gmgRes.Disentanglement-skRes.Disentanglement, gmgRes.Completeness-skRes.Completeness,
			gmgRes.InformativenessTrain-skRes.InformativenessTrain, gmgRes.InformativenessTest-skRes.InformativenessTest)
	}
	return nil
}
