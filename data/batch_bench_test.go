package data

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkBatch measures Observe on a training batch of 64 uniformly drawn
// factor rows, new rows each iteration. The Shapes3D generator keeps the
// light layers of every geometry it has rendered, so after its first few
// hundred batches it only composes colours. The cold case measures a new
// generator, which renders every geometry of the batch.
func BenchmarkBatch(b *testing.B) {
	cases := []struct {
		name string
		open func() Dataset
	}{
		{"dsprites", func() Dataset { return newDSprites() }},
		{"shapes3d", nil},
		{"shapes3d-cold", func() Dataset { return newShapes3D() }},
		{"smallnorb", func() Dataset { return newSmallNORB() }},
		{"cars3d", func() Dataset { return newCars3D() }},
	}
	warm := newShapes3D()
	for _, c := range cases {
		b.Run("dataset="+c.name, func(b *testing.B) {
			d := Dataset(warm)
			if c.open != nil {
				d = c.open()
			}
			rng := rand.New(rand.NewPCG(1, 2))
			dst := make([]float32, 64*d.ImageShape().Len())
			if c.name == "shapes3d" {
				// Fill the cache with all 480 geometries first.
				sizes := Sizes(d)
				row := make([]int, len(sizes))
				all := make([]int, 0, len(sizes)*480)
				for i := range 480 {
					FactorsAt([]int{8, 4, 15}, i, row[3:])
					all = append(all, row...)
				}
				if err := d.Observe(all, rng, make([]float32, 480*d.ImageShape().Len())); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				if c.name == "shapes3d-cold" {
					d = newShapes3D()
				}
				factors := SampleFactors(Sizes(d), 64, rng)
				if err := d.Observe(factors, rng, dst); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
