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
