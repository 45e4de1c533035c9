package metrics

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gromov-monge/gmg/internal/learn"
)

// benchSample returns n rows of ten codes that are noisy linear mixtures of
// five factors with dSprites' sizes (3, 6, 40, 32, 32), each factor scaled to
// [0, 1] with uniform jitter within its cell.
func benchSample(b *testing.B, n int) *Sample {
	sizes := []int{3, 6, 40, 32, 32}
	const numCodes = 10
	rng := rand.New(rand.NewPCG(0, 1))
	k := len(sizes)
	mixing := make([]float64, numCodes*k)
	for c := range numCodes {
		for f := range k {
			mixing[c*k+f] = 0.2 * rng.NormFloat64()
			if c == f {
				mixing[c*k+f]++
			}
		}
	}
	codes := make([]float64, 0, n*numCodes)
	factors := make([]int, 0, n*k)
	scaled := make([]float64, k)
	for range n {
		for f, size := range sizes {
			v := rng.IntN(size)
			factors = append(factors, v)
			scaled[f] = (float64(v) + rng.Float64()) / float64(size)
		}
		for c := range numCodes {
			s := 0.05 * rng.NormFloat64()
			for f := range k {
				s += mixing[c*k+f] * scaled[f]
			}
			codes = append(codes, s)
		}
	}
	s, err := NewSample(codes, factors, numCodes, k)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkDCI times DCI on disentanglement_lib's split sizes (10,000
// training and 5,000 test rows) and on a fifth of them. bench/dci compares the
// large case with scikit-learn.
func BenchmarkDCI(b *testing.B) {
	for _, size := range []struct{ train, test int }{{2000, 1000}, {10000, 5000}} {
		b.Run(fmt.Sprintf("n=%d,codes=10,factors=5", size.train), func(b *testing.B) {
			s := benchSample(b, size.train+size.test)
			train, test := s.Slice(0, size.train), s.Slice(size.train, size.train+size.test)
			b.ResetTimer()
			for range b.N {
				if _, err := DCI(context.Background(), train, test, learn.GBTConfig{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
