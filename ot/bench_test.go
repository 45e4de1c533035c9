package ot

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchProblem is the anchor's setting: Gaussian clouds in R^10 and R^64,
// squared-Euclidean costs divided by their maximum, uniform weights.
func benchProblem(b *testing.B, n int) *QuadraticProblem {
	b.Helper()
	rng := rand.New(rand.NewPCG(0, 0))
	x, err := NewPointCloud(randomPoints(rng, n, 10), SqEuclidean, NormalizeMax)
	if err != nil {
		b.Fatal(err)
	}
	y, err := NewPointCloud(randomPoints(rng, n, 64), SqEuclidean, NormalizeMax)
	if err != nil {
		b.Fatal(err)
	}
	q, err := NewQuadraticProblem(x, y, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	return q
}

func BenchmarkEntropicGW(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			q := benchProblem(b, n)
			b.ResetTimer()
			for b.Loop() {
				if _, err := (EntropicGW{Epsilon: 0.005, EpsilonMode: AbsoluteEpsilon}).Solve(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkExactGW(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			q := benchProblem(b, n)
			b.ResetTimer()
			for b.Loop() {
				if _, err := (ExactGW{}).Solve(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIdentityStart is the call of the GMG regulariser: a batch of 64
// points in R^10 against its image in R^3, scaled squared-Euclidean costs,
// entropic GW from the identity coupling at the default relative ε.
func BenchmarkIdentityStart(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	n := 64
	x := randomPoints(rng, n, 10)
	y := &Matrix{Rows: n, Cols: 3, Data: make([]float64, n*3)}
	for i := 0; i < n; i++ {
		for k := 0; k < 3; k++ {
			y.Data[i*3+k] = x.At(i, k) + 0.1*rng.NormFloat64()
		}
	}
	identity := &Matrix{Rows: n, Cols: n, Data: make([]float64, n*n)}
	for i := 0; i < n; i++ {
		identity.Data[i*n+i] = 1 / float64(n)
	}
	for _, accelerate := range []bool{false, true} {
		b.Run(fmt.Sprintf("n=%d/accelerate=%v", n, accelerate), func(b *testing.B) {
			for b.Loop() {
				gx, err := NewPointCloud(x, ScaledSqEuclidean, NormalizeNone)
				if err != nil {
					b.Fatal(err)
				}
				gy, err := NewPointCloud(y, ScaledSqEuclidean, NormalizeNone)
				if err != nil {
					b.Fatal(err)
				}
				q, err := NewQuadraticProblem(gx, gy, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := (EntropicGW{Init: identity, Accelerate: accelerate}).Solve(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPointCloud builds the cost matrix of a batch of decoded images,
// 64 points in R^12288 (64×64×3 pixels), as the decoder-side regulariser does
// at every step.
func BenchmarkPointCloud(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	x := randomPoints(rng, 64, 12288)
	for _, cost := range []Cost{SqEuclidean, Cosine} {
		b.Run(fmt.Sprintf("n=64/dim=12288/%v", cost), func(b *testing.B) {
			for b.Loop() {
				if _, err := NewPointCloud(x, cost, NormalizeNone); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
