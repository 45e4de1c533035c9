package gmg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
)

// decoderBatch returns n latent codes z ([n, p], standard normal) and images
// y = sigmoid(z·W) ([n, q]) for a fixed random W with entries of variance
// 1/p: a stand-in for a decoder's output that varies smoothly with z.
func decoderBatch(seed uint64, n, p, q int) (z, y *tensor.Tensor) {
	rng := rand.New(rand.NewPCG(seed, 1))
	z = tensor.New(n, p)
	for k := range z.Data() {
		z.Data()[k] = float32(rng.NormFloat64())
	}
	w := make([]float64, p*q)
	for k := range w {
		w[k] = rng.NormFloat64() / math.Sqrt(float64(p))
	}
	y = tensor.New(n, q)
	for i := 0; i < n; i++ {
		for j := 0; j < q; j++ {
			var s float64
			for k := 0; k < p; k++ {
				s += float64(z.Data()[i*p+k]) * w[k*q+j]
			}
			y.Data()[i*q+j] = float32(1 / (1 + math.Exp(-s)))
		}
	}
	return z, y
}

// BenchmarkGMGLoss measures one value and gradient of the loss node on
// VAE-sized batches: 64 latent codes of dimension 10 and their 64×64 grey
// (q = 4096) or colour (q = 12288) images, on the regulariser's steady state
// (LossWith with a kept Workspace), with every available BLAS backend.
func BenchmarkGMGLoss(b *testing.B) {
	const n, p = 64, 10
	backends := []tensor.BLAS{tensor.GoBLAS()}
	if blas, err := tensor.LoadOpenBLAS(); err == nil {
		backends = append([]tensor.BLAS{blas}, backends...)
	}
	for _, q := range []int{4096, 12288} {
		z, y := decoderBatch(1, n, p, q)
		yGrad := tensor.New(n, q)
		for _, blas := range backends {
			tp := autodiff.NewTape(blas)
			for _, cost := range []ot.Cost{ot.Cosine, ot.SqEuclidean} {
				for _, r := range []Regularizer{GMGRegularizer, DSTRegularizer} {
					est := Estimator{CostX: cost, CostY: cost}
					var ws Workspace
					name := fmt.Sprintf("%v/%v/%s/n=%d,p=%d,q=%d", r, cost, blas.Name(), n, p, q)
					b.Run(name, func(b *testing.B) {
						for b.Loop() {
							tp.Reset()
							loss, _, err := est.LossWith(&ws, tp, r, tp.Const(z), tp.Param(y, yGrad))
							if err != nil {
								b.Fatal(err)
							}
							if err := tp.Backward(loss); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			}
		}
	}
}
