package autodiff_test

import (
	"fmt"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/tensor"
)

// Fit y = 2x with one weight: the gradient of the squared error at w = 0.5
// is 2·Σ (w·x − y)·x = 2·(−1.5·1·1 − 1.5·2·2) = −15.
func Example() {
	x := tensor.FromSlice([]float32{1, 2}, 2, 1)
	y := tensor.FromSlice([]float32{2, 4}, 2, 1)
	w := tensor.FromSlice([]float32{0.5}, 1, 1)
	grad := tensor.New(1, 1)

	tp := autodiff.NewTape(tensor.GoBLAS())
	pred := tp.MatMul(tp.Const(x), tp.Param(w, grad))
	loss := tp.Sum(tp.Square(tp.Sub(pred, tp.Const(y))))
	if err := tp.Backward(loss); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(loss.Value.Item(), grad.Data()[0])
	// Output: 11.25 -15
}
