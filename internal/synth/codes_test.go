package synth

import (
	"slices"
	"testing"
)

func TestCodesShapeAndSeed(t *testing.T) {
	const n = 500
	codes, factors := Codes(n, 3)
	if len(codes) != n*NumCodes {
		t.Fatalf("got %d codes, want %d", len(codes), n*NumCodes)
	}
	if len(factors) != n*len(FactorSizes) {
		t.Fatalf("got %d factors, want %d", len(factors), n*len(FactorSizes))
	}

	for i, v := range factors {
		if size := FactorSizes[i%len(FactorSizes)]; v < 0 || v >= size {
			t.Fatalf("factor %d of row %d is %d, outside [0, %d)", i%len(FactorSizes), i/len(FactorSizes), v, size)
		}
	}

	again, againFactors := Codes(n, 3)
	if !slices.Equal(codes, again) {
		t.Fatal("the same seed gave different codes")
	}
	if !slices.Equal(factors, againFactors) {
		t.Fatal("the same seed gave different factors")
	}

	other, _ := Codes(n, 4)
	if slices.Equal(codes, other) {
		t.Fatal("seeds 3 and 4 gave the same codes")
	}

	// Code 2 follows factor 2 (40 values) with weight about 1, so its mean
	// rises by about 0.5 from the lower half of the values to the upper.
	var hi, lo float64
	var nHi, nLo int
	for i := range n {
		if factors[i*len(FactorSizes)+2] >= 20 {
			hi += codes[i*NumCodes+2]
			nHi++
		} else {
			lo += codes[i*NumCodes+2]
			nLo++
		}
	}
	if d := hi/float64(nHi) - lo/float64(nLo); d < 0.3 {
		t.Fatalf("code 2 separates the halves of factor 2 by %v, want about 0.5", d)
	}
}
