package nn

import (
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/tensor"
)

// DataParallel runs the forward and backward passes of a training step on
// fixed shards of the batch at the same time, one tape and one goroutine
// per shard, and adds the shards' gradients into each Param's Grad in shard
// order. Compared with one tape whose operations are each split over the
// cores, it has a single synchronisation point per step, so a core slowed
// by another process costs less. The results depend on the number of shards
// but not on the number of cores.
type DataParallel struct {
	params []*Param
	tapes  []*autodiff.Tape
	losses []float32
	errs   []error
}

// NewDataParallel returns a DataParallel over params with the given number
// of shards, whose tapes use backend. params must hold every parameter the
// loss uses, and every shard's loss must record all of them, because a
// shard's gradient buffer is only rewritten for the parameters its tape
// records. It panics if shards < 1.
func NewDataParallel(params []*Param, shards int, backend tensor.BLAS) *DataParallel {
	if shards < 1 {
		panic(fmt.Sprintf("nn: NewDataParallel with %d shards, need at least 1", shards))
	}
	d := &DataParallel{params: params, losses: make([]float32, shards), errs: make([]error, shards)}
	for _, p := range params {
		p.replicaGrad(shards - 1) // allocate now; shards must not append concurrently
	}
	for i := range shards {
		tp := autodiff.NewTape(backend)
		tp.SetReplica(i)
		d.tapes = append(d.tapes, tp)
	}
	return d
}

// Shards returns the number of shards.
func (d *DataParallel) Shards() int { return len(d.tapes) }

// Step splits the rows [0, n) of a batch into Shards() contiguous ranges and
// calls shardLoss(tape, lo, hi) for each on its own goroutine. shardLoss
// records the loss of rows [lo, hi) on tape, using the parameters' On
// method, weighted so that the shard losses add up to the batch loss: a mean
// over the batch is a sum over the shard divided by n. Step runs Backward on
// every tape, stores the sum of the shard gradients in each Grad and returns
// the sum of the shard losses, both added in shard order. An error
// from Backward (such as autodiff.ErrNonFinite) is returned and leaves the
// Grad buffers unspecified.
func (d *DataParallel) Step(n int, shardLoss func(tp *autodiff.Tape, lo, hi int) *autodiff.Var) (float32, error) {
	shards := len(d.tapes)
	workers := tensor.Workers()
	inner := max(1, workers/shards)
	tensor.ParallelTasks(shards, func(_, s int) {
		tp := d.tapes[s]
		tp.Reset()
		tp.SetWorkers(inner)
		lo, hi := tensor.Chunk(n, shards, s)
		loss := shardLoss(tp, lo, hi)
		d.losses[s] = loss.Value.Item()
		d.errs[s] = tp.Backward(loss)
	})
	var total float32
	for s, err := range d.errs {
		if err != nil {
			return float32(math.NaN()), fmt.Errorf("nn: shard %d of %d: %w", s, shards, err)
		}
		total += d.losses[s]
	}
	tensor.ParallelTasks(len(d.params), func(_, i int) {
		p := d.params[i]
		g := p.Grad.Data()
		for s := 1; s < shards; s++ {
			for j, v := range p.replicaGrad(s).Data() {
				g[j] += v
			}
		}
	})
	return total, nil
}
