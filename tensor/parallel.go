package tensor

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

var workers atomic.Int64

func init() { workers.Store(int64(runtime.GOMAXPROCS(0))) }

// Workers returns the number of chunks Parallel splits a range into. It starts
// at GOMAXPROCS when the package is initialised.
func Workers() int { return int(workers.Load()) }

// SetWorkers sets the number of chunks Parallel uses. Results of parallel
// reductions depend on it, so runs that must reproduce bit for bit keep it
// fixed. It panics if n < 1.
func SetWorkers(n int) {
	if n < 1 {
		panic(fmt.Sprintf("tensor: SetWorkers(%d), need at least 1", n))
	}
	workers.Store(int64(n))
}

// Chunk returns the half-open range [lo, hi) of chunk w when [0, n) is split
// into k contiguous chunks whose sizes differ by at most one.
func Chunk(n, k, w int) (lo, hi int) {
	q, r := n/k, n%k
	lo = w*q + min(w, r)
	hi = lo + q
	if w < r {
		hi++
	}
	return lo, hi
}

// Parallel splits [0, n) into min(n, Workers()) contiguous chunks and calls
// body(w, lo, hi) for chunk w on its own goroutine, the last chunk on the
// caller's. It returns when all calls have returned. The partition depends only
// on n and Workers(), so a body that writes disjoint outputs per index gives
// the same result on every run.
func Parallel(n int, body func(w, lo, hi int)) {
	k := min(n, Workers())
	if k <= 1 {
		if n > 0 {
			body(0, 0, n)
		}
		return
	}
	var wg sync.WaitGroup
	wg.Add(k - 1)
	for w := 0; w < k-1; w++ {
		go func() {
			defer wg.Done()
			lo, hi := Chunk(n, k, w)
			body(w, lo, hi)
		}()
	}
	lo, hi := Chunk(n, k, k-1)
	body(k-1, lo, hi)
	wg.Wait()
}

// ParallelTasks calls body(worker, task) once for every task in [0, n). It
// starts min(n, Workers()) goroutines (the caller's is one of them) that take
// the next unstarted task whenever they finish one, so a slow core delays
// the whole loop less than with a static split. worker, in
// [0, min(n, Workers())), identifies the goroutine so that the body can use
// per-worker scratch buffers. Which worker runs which task changes between
// runs, so a body must write results that depend only on the task.
func ParallelTasks(n int, body func(worker, task int)) {
	ParallelTasksWith(Workers(), n, body)
}

// ParallelTasksWith is ParallelTasks with at most workers goroutines instead
// of Workers(); workers < 1 is taken as 1.
func ParallelTasksWith(workers, n int, body func(worker, task int)) {
	k := min(n, max(workers, 1))
	if k <= 1 {
		for t := range n {
			body(0, t)
		}
		return
	}
	var next atomic.Int64
	work := func(w int) {
		for {
			t := int(next.Add(1) - 1)
			if t >= n {
				return
			}
			body(w, t)
		}
	}
	var wg sync.WaitGroup
	wg.Add(k - 1)
	for w := 1; w < k; w++ {
		go func() {
			defer wg.Done()
			work(w)
		}()
	}
	work(0)
	wg.Wait()
}
