package ot_test

import (
	"fmt"

	"github.com/gromov-monge/gmg/ot"
)

// Exact GW between x = {0, 1, 3} and y = {0, 1, 2} on the line: the global
// minimum is 34/9 with the ½ convention.
func ExampleExactGW() {
	x, _ := ot.NewPointCloud(&ot.Matrix{Rows: 3, Cols: 1, Data: []float64{0, 1, 3}}, ot.SqEuclidean, ot.NormalizeNone)
	y, _ := ot.NewPointCloud(&ot.Matrix{Rows: 3, Cols: 1, Data: []float64{0, 1, 2}}, ot.SqEuclidean, ot.NormalizeNone)
	q, _ := ot.NewQuadraticProblem(x, y, nil, nil)
	res, err := ot.ExactGW{}.Solve(q)
	if err != nil {
		panic(err)
	}
	fmt.Printf("GW %.6f (34/9 = %.6f), %v\n", res.GW, 34.0/9, res.Status)
	// Output: GW 3.777778 (34/9 = 3.777778), converged
}

// Entropic GW from the identity coupling, as the GMG regulariser uses it.
func ExampleEntropicGW() {
	x := &ot.Matrix{Rows: 4, Cols: 2, Data: []float64{0, 0, 1, 0, 0, 1, 1, 1}}
	y := &ot.Matrix{Rows: 4, Cols: 2, Data: []float64{0, 0, 2, 0, 0, 2, 2, 2}}
	gx, _ := ot.NewPointCloud(x, ot.SqEuclidean, ot.NormalizeMax)
	gy, _ := ot.NewPointCloud(y, ot.SqEuclidean, ot.NormalizeMax)
	q, _ := ot.NewQuadraticProblem(gx, gy, nil, nil)
	identity := &ot.Matrix{Rows: 4, Cols: 4, Data: make([]float64, 16)}
	for i := 0; i < 4; i++ {
		identity.Data[i*4+i] = 0.25
	}
	res, err := ot.EntropicGW{Epsilon: 0.001, EpsilonMode: ot.AbsoluteEpsilon, Init: identity}.Solve(q)
	if err != nil {
		panic(err)
	}
	fmt.Printf("GW %.6f, %v, P[0][0] = %.4f\n", res.GW, res.Status, res.Plan.At(0, 0))
	// Output: GW 0.000000, converged, P[0][0] = 0.2500
}

// The debiased Sinkhorn divergence and its gradient with respect to x.
func ExampleSinkhorn_Divergence() {
	x := &ot.Matrix{Rows: 2, Cols: 1, Data: []float64{0, 1}}
	y := &ot.Matrix{Rows: 2, Cols: 1, Data: []float64{0.5, 1.5}}
	res, err := ot.Sinkhorn{Epsilon: 0.01}.Divergence(x, y, nil, nil, ot.SqEuclidean)
	if err != nil {
		panic(err)
	}
	fmt.Printf("S = %.4f, dS/dx = [%.3f %.3f]\n", res.Divergence, res.Gradient.At(0, 0), res.Gradient.At(1, 0))
	// Output: S = 0.2500, dS/dx = [-0.500 -0.500]
}

func ExampleGromovWasserstein() {
	x := &ot.Matrix{Rows: 3, Cols: 1, Data: []float64{0, 1, 3}}
	y := &ot.Matrix{Rows: 3, Cols: 2, Data: []float64{0, 0, 1, 1, 2, 0}}
	res, err := ot.GromovWasserstein(x, y, ot.SqEuclidean)
	if err != nil {
		panic(err)
	}
	fmt.Printf("GW %.4f, %v\n", res.GW, res.Status)
	// Output: GW 7.3333, converged
}
