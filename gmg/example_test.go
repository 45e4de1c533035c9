package gmg_test

import (
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/gmg"
	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
)

// The worked example of three points: x = {0, 1, 3} mapped to {1, 0, 2}, a
// map that swaps the images of the first two points.
func ExampleEstimator_GMG() {
	x := &ot.Matrix{Rows: 3, Cols: 1, Data: []float64{0, 1, 3}}
	y := &ot.Matrix{Rows: 3, Cols: 1, Data: []float64{1, 0, 2}}
	est := gmg.Estimator{Solver: gmg.Exact}
	res, err := est.GMG(x, y)
	if err != nil {
		panic(err)
	}
	fmt.Printf("DST %.4f (64/9), GW %.4f (34/9), GMG %.4f (10/3)\n", res.DST, res.GW, res.GMG)
	// Output: DST 7.1111 (64/9), GW 3.7778 (34/9), GMG 3.3333 (10/3)
}

// A GMG regulariser on a decoder: latent codes z are the reference, the
// decoder's images are the map's output, and gradients flow into the images
// only.
func ExampleEstimator_Loss() {
	z := tensor.FromSlice([]float32{0, 1, 3}, 3, 1)
	images := tensor.FromSlice([]float32{1, 0, 2}, 3, 1)
	imageGrad := tensor.New(3, 1)

	tp := autodiff.NewTape(tensor.GoBLAS())
	est := gmg.Estimator{Solver: gmg.Exact}
	loss, res, err := est.Loss(tp, gmg.GMGRegularizer, tp.Const(z), tp.Param(images, imageGrad))
	if err != nil {
		panic(err)
	}
	if err := tp.Backward(loss); err != nil {
		panic(err)
	}
	fmt.Printf("loss %.4f, solver %v\n", loss.Value.Item(), res.Solve.Status)
	fmt.Printf("∂GMG/∂y = %.4f\n", imageGrad.Data())
	// Output:
	// loss 3.3333, solver converged
	// ∂GMG/∂y = [2.2222 -4.4444 2.2222]
}

// A training loop keeps one Workspace for its regulariser node, so that
// steps after the first reuse its buffers. Here gradient descent on 64-pixel
// images of four codes lowers their distortion.
func ExampleEstimator_LossWith() {
	z := tensor.FromSlice([]float32{0, 0, 1, 0, 0, 1, 1, 1}, 4, 2)
	images := tensor.New(4, 64)
	for i := 0; i < 4; i++ {
		for k := 0; k < 64; k++ {
			images.Data()[i*64+k] = float32(math.Sin(float64(3*i+k) / 7))
		}
	}
	imageGrad := tensor.New(4, 64)

	tp := autodiff.NewTape(tensor.GoBLAS())
	est := gmg.Estimator{}
	var ws gmg.Workspace
	for step := 0; step < 3; step++ {
		tp.Reset()
		imageGrad.Zero()
		loss, _, err := est.LossWith(&ws, tp, gmg.DSTRegularizer, tp.Const(z), tp.Param(images, imageGrad))
		if err != nil {
			panic(err)
		}
		if err := tp.Backward(loss); err != nil {
			panic(err)
		}
		fmt.Printf("step %d: DST %.4g\n", step, loss.Value.Item())
		for k, g := range imageGrad.Data() {
			images.Data()[k] -= 1e-3 * g
		}
	}
	// Output:
	// step 0: DST 173.2
	// step 1: DST 153.5
	// step 2: DST 137
}
