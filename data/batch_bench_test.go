package data

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkBatch(b *testing.B) {
	for _, name := range Names() {
		b.Run("dataset="+name, func(b *testing.B) {
			d, err := Open(name, "")
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			factors := SampleFactors(Sizes(d), 64, rng)
			dst := make([]float32, 64*d.ImageShape().Len())
			b.ResetTimer()
			for b.Loop() {
				if err := d.Observe(factors, rng, dst); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
