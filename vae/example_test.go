package vae_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/nn"
	"github.com/gromov-monge/gmg/tensor"
	"github.com/gromov-monge/gmg/vae"
)

// One β-VAE training step on a batch of four blank 64×64 grey images.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	model, err := vae.NewModel(vae.Benchmark(1), rng)
	if err != nil {
		fmt.Println(err)
		return
	}
	opt := nn.NewAdam(model.Params(), 1e-4)
	images := tensor.New(4, 64, 64, 1)
	noise := tensor.New(4, 10)
	vae.FillNormal(noise, rng)

	tp := autodiff.NewTape(tensor.GoBLAS())
	loss := model.BetaVAE(tp, images, noise, 4)
	if err := tp.Backward(loss.Total); err != nil {
		fmt.Println(err)
		return
	}
	opt.Step()
	fmt.Println(loss.Logits.Shape(), loss.Mean.Shape())
	// Output: [4 64 64 1] [4 10]
}
