package metrics

import (
	"context"
	"fmt"
	"testing"

	"github.com/gromov-monge/gmg/internal/learn"
	"github.com/gromov-monge/gmg/internal/synth"
)

// benchSample returns n rows of the synthetic codes and factors that the
// DCI benchmark against scikit-learn times too.
func benchSample(b *testing.B, n int) *Sample {
	codes, factors := synth.Codes(n, 0)
	s, err := NewSample(codes, factors, synth.NumCodes, len(synth.FactorSizes))
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
