package data

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Description is a dataset's account of itself for people, printed by
// gmg data info.
type Description struct {
	// Summary says in one or two sentences what the images are and how they
	// relate to the published dataset.
	Summary string
	// FactorValues has one entry per factor, in grid order: the values the
	// factor takes, with their unit.
	FactorValues []string
	// NumImages is the number of distinct images: the number of grid points
	// times the number of values of any nuisance variable.
	NumImages int
}

// Describer is implemented by datasets that describe themselves in words.
// All procedural generators implement it.
type Describer interface {
	Describe() Description
}

// linspace returns n values evenly spaced from lo to hi, both included, as
// numpy 1.24's linspace computes them (checked on every grid of this package).
func linspace(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	step := (hi - lo) / float64(n-1)
	for i := range out {
		out[i] = lo + float64(i)*step
	}
	out[n-1] = hi
	return out
}

// checkObservation validates the arguments of Observe for d and returns the
// number of factor rows. It returns CheckFactors' error for a value out of
// range and panics if dst does not hold one image per row.
func checkObservation(d Dataset, factors []int, dst []float32) (int, error) {
	if err := CheckFactors(Sizes(d), factors); err != nil {
		return 0, err
	}
	n := len(factors) / len(d.Factors())
	if want := n * d.ImageShape().Len(); len(dst) != want {
		panic(fmt.Sprintf("data: %s: dst holds %d values, want %d for %d images", d.Name(), len(dst), want, n))
	}
	return n, nil
}

// forEachImage calls render(i) for i in [0, n) on up to GOMAXPROCS
// goroutines. Each call must write only image i, so the result does not
// depend on the scheduling.
func forEachImage(n int, render func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			render(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				render(i)
			}
		})
	}
	wg.Wait()
}
