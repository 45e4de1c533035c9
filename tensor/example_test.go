package tensor_test

import (
	"fmt"

	"github.com/gromov-monge/gmg/tensor"
)

// Multiply two matrices with the process-wide backend (OpenBLAS when
// libopenblas.so.0 loads, gonum otherwise, or as GMG_BLAS forces).
func ExampleGemm() {
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		fmt.Println(err)
		return
	}
	a := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := tensor.FromSlice([]float32{1, 0, 0, 1, 1, 1}, 3, 2)
	c := tensor.New(2, 2)
	tensor.Gemm(blas, false, false, 1, a, b, 0, c)
	fmt.Println(c.Data())
	// Output: [4 5 10 11]
}
