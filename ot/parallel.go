package ot

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallel loops split their range into blocks that depend only on the problem
// size, never on the number of CPUs, and sum per-block partial results in block
// order. A run therefore gives bit-identical results on any machine and with any
// GOMAXPROCS; only the number of goroutines that work on the blocks varies.

// reduceBlocks is the number of blocks of a row range with per-block partial
// sums. Eight blocks keep up to eight cores busy at a cost of eight partial
// vectors.
const reduceBlocks = 8

// serialWork is the amount of work, in multiply-adds, under which a loop runs
// on the calling goroutine: starting goroutines costs a few microseconds.
const serialWork = 1 << 15

// blockRange returns the half-open row range of block k of nb blocks over n rows.
func blockRange(n, nb, k int) (lo, hi int) {
	return k * n / nb, (k + 1) * n / nb
}

// numBlocks returns how many reduction blocks to use for n rows: reduceBlocks,
// or n when that is smaller.
func numBlocks(n int) int { return min(n, reduceBlocks) }

// serial reports whether forBlocks (with nb blocks) or forRows (with nb = n
// rows) runs a loop of this much work on the calling goroutine. A closure or
// method value passed to them is allocated on the heap even then, because the
// parallel path hands it to goroutines. Loops that run at every iteration
// therefore test serial first and call their body directly, or through
// eachBlock, which keeps it on the stack. Both paths split the rows alike, so
// the results are the same.
func serial(nb, work int) bool {
	return work < serialWork || runtime.GOMAXPROCS(0) <= 1 || nb < 2
}

// eachBlock calls f(k, lo, hi) for each block k of nb blocks over n rows, in
// order, on the calling goroutine.
func eachBlock(n, nb int, f func(k, lo, hi int)) {
	for k := 0; k < nb; k++ {
		lo, hi := blockRange(n, nb, k)
		f(k, lo, hi)
	}
}

// forBlocks calls f(k, lo, hi) for each block k of nb blocks over n rows,
// concurrently when work (the total number of multiply-adds) is large enough.
// f must write only to memory owned by block k.
//
// The calling goroutine works too, and each worker takes the next block not
// yet started, so a worker whose CPU is busy with another process holds up
// at most the block it has. Which worker runs a block does not change what
// the block computes.
func forBlocks(n, nb int, work int, f func(k, lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), nb)
	if work < serialWork || workers <= 1 {
		for k := 0; k < nb; k++ {
			lo, hi := blockRange(n, nb, k)
			f(k, lo, hi)
		}
		return
	}
	var next atomic.Int64
	run := func() {
		for {
			k := int(next.Add(1) - 1)
			if k >= nb {
				return
			}
			lo, hi := blockRange(n, nb, k)
			f(k, lo, hi)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run()
		}()
	}
	run()
	wg.Wait()
}

// forRows calls f(lo, hi) on disjoint row ranges that cover 0..n, concurrently
// when work is large enough. Use it when each row's result is computed by one
// call alone, so that the split cannot change any value.
func forRows(n int, work int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if work < serialWork || workers <= 1 || n < 2 {
		f(0, n)
		return
	}
	// Twice as many chunks as workers balances rows of uneven cost.
	chunks := min(n, 2*workers)
	forBlocks(n, chunks, work, func(_, lo, hi int) { f(lo, hi) })
}

// partials holds nb per-block vectors of length size for a blocked reduction.
type partials struct {
	nb, size int
	data     []float64
}

func (p *partials) reset(nb, size int) {
	p.nb, p.size = nb, size
	if cap(p.data) < nb*size {
		p.data = make([]float64, nb*size)
	}
	p.data = p.data[:nb*size]
	clear(p.data)
}

func (p *partials) block(k int) []float64 { return p.data[k*p.size : (k+1)*p.size] }

// sumInto writes the sum of the blocks, added in block order, into dst.
func (p *partials) sumInto(dst []float64) {
	copy(dst, p.block(0))
	for k := 1; k < p.nb; k++ {
		b := p.block(k)
		for j := range dst {
			dst[j] += b[j]
		}
	}
}
