package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/nn"
	"github.com/gromov-monge/gmg/tensor"
)

// Train a linear layer to map x to 2x for a few Adam steps.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	layer := nn.NewLinear("fc", 1, 1, autodiff.NoActivation, rng)
	opt := nn.NewAdam(layer.Params(), 0.1)
	x := tensor.FromSlice([]float32{1, 2, 3}, 3, 1)
	y := tensor.FromSlice([]float32{2, 4, 6}, 3, 1)

	tp := autodiff.NewTape(tensor.GoBLAS())
	var loss float32
	for range 200 {
		tp.Reset()
		pred := layer.Forward(tp, tp.Const(x))
		l := tp.Mean(tp.Square(tp.Sub(pred, tp.Const(y))))
		if err := tp.Backward(l); err != nil {
			fmt.Println(err)
			return
		}
		opt.Step()
		loss = l.Value.Item()
	}
	fmt.Printf("loss below 1e-3: %t\n", loss < 1e-3)
	// Output: loss below 1e-3: true
}
