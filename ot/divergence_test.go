package ot

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestDivergenceGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	s := Sinkhorn{Epsilon: 0.5, Threshold: 1e-13}
	for _, cost := range []Cost{SqEuclidean, InnerProduct, Cosine} {
		x, y := randomPoints(rng, 7, 2), randomPoints(rng, 9, 2)
		a, b := randomWeights(rng, 7), randomWeights(rng, 9)
		res, err := s.Divergence(x, y, a, b, cost)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Converged {
			t.Fatalf("%v: %v", cost, res.Status)
		}
		h := 1e-5
		for k := range x.Data {
			orig := x.Data[k]
			x.Data[k] = orig + h
			plus, _ := s.Divergence(x, y, a, b, cost)
			x.Data[k] = orig - h
			minus, _ := s.Divergence(x, y, a, b, cost)
			x.Data[k] = orig
			numeric := (plus.Divergence - minus.Divergence) / (2 * h)
			// Central differences err by O(h²) ≈ 1e-10 times third
			// derivatives of order 1; the solves add about 1e-12/h.
			if math.Abs(numeric-res.Gradient.Data[k]) > 1e-6 {
				t.Errorf("%v: ∂S/∂x[%d] = %v, finite differences %v", cost, k, res.Gradient.Data[k], numeric)
			}
		}
	}
}

func TestDivergenceProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	x := randomPoints(rng, 10, 3)
	y := randomPoints(rng, 12, 3)
	s := Sinkhorn{Epsilon: 0.1, Threshold: 1e-12}
	self, err := s.Divergence(x, x, nil, nil, SqEuclidean)
	if err != nil {
		t.Fatal(err)
	}
	// S(α, α) = 0 exactly in exact arithmetic: three identical solves.
	if math.Abs(self.Divergence) > 1e-12 || maxAbsDiff(self.Gradient.Data, make([]float64, 30)) > 1e-10 {
		t.Errorf("S(α, α) = %g, gradient %v", self.Divergence, self.Gradient.Data)
	}
	res, err := s.Divergence(x, y, nil, nil, SqEuclidean)
	if err != nil {
		t.Fatal(err)
	}
	if res.Divergence <= 0 {
		t.Errorf("S(α, β) = %g for α ≠ β, want > 0", res.Divergence)
	}
	if _, err := s.Divergence(x, y, nil, nil, ScaledSqEuclidean); !errors.Is(err, ErrSettings) {
		t.Errorf("scaled cost: error %v, want ErrSettings", err)
	}
	if _, err := s.Divergence(x, randomPoints(rng, 4, 2), nil, nil, SqEuclidean); !errors.Is(err, ErrShape) {
		t.Errorf("dimension mismatch: error %v, want ErrShape", err)
	}
}
