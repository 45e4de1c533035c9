package ot

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func randomPoints(rng *rand.Rand, n, dim int) *Matrix {
	data := make([]float64, n*dim)
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	return &Matrix{Rows: n, Cols: dim, Data: data}
}

// denseCopy returns the costs of g without its factors, so that products take
// the dense path.
func denseCopy(g Geometry) *costs {
	c := *g.costs()
	c.fa, c.fb, c.rank = nil, nil, 0
	return &c
}

func TestCostValues(t *testing.T) {
	x := &Matrix{Rows: 3, Cols: 2, Data: []float64{1, 0, 0, 2, 0, 0}}
	cases := []struct {
		cost Cost
		want []float64
	}{
		{SqEuclidean, []float64{0, 5, 1, 5, 0, 4, 1, 4, 0}},
		{InnerProduct, []float64{1, 0, 0, 0, 4, 0, 0, 0, 0}},
		// The zero vector has cosine 0 with everything, itself included.
		{Cosine, []float64{1, 0, 0, 0, 1, 0, 0, 0, 0}},
		// Mean of the squared distances: 20/9.
		{ScaledSqEuclidean, []float64{0, 5 * 9 / 20.0, 9 / 20.0, 5 * 9 / 20.0, 0, 4 * 9 / 20.0, 9 / 20.0, 4 * 9 / 20.0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.cost.String(), func(t *testing.T) {
			pc, err := NewPointCloud(x, tc.cost, NormalizeNone)
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tc.want {
				// Exact arithmetic on small integers, one division.
				if got := pc.At(k/3, k%3); math.Abs(got-want) > 1e-15 {
					t.Errorf("C[%d,%d] = %v, want %v", k/3, k%3, got, want)
				}
			}
		})
	}
}

func TestNormalization(t *testing.T) {
	x := &Matrix{Rows: 3, Cols: 1, Data: []float64{0, 1, 3}}
	cases := []struct {
		norm      Normalization
		wantScale float64
	}{
		{NormalizeNone, 1},
		{NormalizeMax, 9},
		{NormalizeMean, 28.0 / 9},
	}
	for _, tc := range cases {
		pc, err := NewPointCloud(x, SqEuclidean, tc.norm)
		if err != nil {
			t.Fatal(err)
		}
		// One division and a sum of nine small integers.
		if math.Abs(pc.Scale()-tc.wantScale) > 1e-14 {
			t.Errorf("%v: scale %v, want %v", tc.norm, pc.Scale(), tc.wantScale)
		}
		if math.Abs(pc.At(0, 2)-9/tc.wantScale) > 1e-14 {
			t.Errorf("%v: C[0,2] = %v, want %v", tc.norm, pc.At(0, 2), 9/tc.wantScale)
		}
	}
	// A single point has an all-zero matrix, which normalisation leaves alone.
	one, err := NewPointCloud(&Matrix{Rows: 1, Cols: 2, Data: []float64{3, 4}}, SqEuclidean, NormalizeMax)
	if err != nil || one.At(0, 0) != 0 || one.Scale() != 1 {
		t.Errorf("single point: %v, C = %v, scale %v", err, one.At(0, 0), one.Scale())
	}
	// A negative mean cannot normalise.
	neg := &Matrix{Rows: 2, Cols: 2, Data: []float64{-1, -2, -2, -1}}
	if _, err := NewCostMatrix(neg, NormalizeMean); !errors.Is(err, ErrSettings) {
		t.Errorf("negative mean: error %v, want ErrSettings", err)
	}
}

func TestPointCloudBadInput(t *testing.T) {
	cases := []struct {
		name string
		x    *Matrix
		want error
	}{
		{"nil", nil, ErrShape},
		{"empty", &Matrix{}, ErrShape},
		{"NaN", &Matrix{Rows: 2, Cols: 1, Data: []float64{0, math.NaN()}}, ErrNotFinite},
		{"Inf", &Matrix{Rows: 2, Cols: 1, Data: []float64{math.Inf(-1), 0}}, ErrNotFinite},
	}
	for _, tc := range cases {
		if _, err := NewPointCloud(tc.x, SqEuclidean, NormalizeNone); !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := NewPointCloud(randomPoints(rand.New(rand.NewPCG(1, 1)), 3, 2), Cost(9), NormalizeNone); !errors.Is(err, ErrSettings) {
		t.Errorf("undefined cost: error %v", err)
	}
}

// TestFactoredProductsMatchDense compares Cx·P·Cy computed through the
// low-rank factors with the dense product, on every evaluation path.
func TestFactoredProductsMatchDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	cases := []struct {
		name         string
		n, m         int
		dimX, dimY   int
		costX, costY Cost
		path         int
	}{
		{"left path", 40, 33, 3, 12, SqEuclidean, SqEuclidean, pathLeft},
		{"right path", 33, 40, 12, 3, SqEuclidean, InnerProduct, pathRight},
		{"x factored only", 64, 9, 10, 20, Cosine, SqEuclidean, pathLeft},
		{"y factored only", 9, 64, 20, 10, SqEuclidean, ScaledSqEuclidean, pathRight},
		{"odd 17x29", 17, 29, 2, 3, SqEuclidean, Cosine, pathRight},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x, err := NewPointCloud(randomPoints(rng, tc.n, tc.dimX), tc.costX, NormalizeMax)
			if err != nil {
				t.Fatal(err)
			}
			y, err := NewPointCloud(randomPoints(rng, tc.m, tc.dimY), tc.costY, NormalizeNone)
			if err != nil {
				t.Fatal(err)
			}
			p := randomMatrix(rng, tc.n, tc.m, 1.0/float64(tc.n*tc.m))
			got := make([]float64, tc.n*tc.m)
			fast := newSandwich(x.costs(), y.costs())
			if fast.path != tc.path {
				t.Fatalf("path %d, want %d", fast.path, tc.path)
			}
			fast.apply(p.Data, got, nil)
			want := make([]float64, tc.n*tc.m)
			dense := newSandwich(denseCopy(x), denseCopy(y))
			if dense.path != pathDense {
				t.Fatalf("dense copies took path %d", dense.path)
			}
			dense.apply(p.Data, want, nil)
			var scale float64
			for _, v := range want {
				scale = max(scale, math.Abs(v))
			}
			// Entries are sums of about n·m products of O(1) costs and plan
			// entries of O(1/(n·m)). The two orders round differently, by a
			// few ulps of the largest entry.
			if d := maxAbsDiff(got, want); d > 1e-12*max(scale, 1) {
				t.Errorf("factored and dense products differ by %g (largest entry %g)", d, scale)
			}
		})
	}
}

func TestPushforward(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	x, err := NewPointCloud(randomPoints(rng, 30, 4), SqEuclidean, NormalizeNone)
	if err != nil {
		t.Fatal(err)
	}
	if x.Rank() != 6 {
		t.Fatalf("rank %d, want 6", x.Rank())
	}
	p := randomMatrix(rng, 30, 7, 1)
	got, err := Pushforward(x, p)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 7; j++ {
		for l := 0; l < 7; l++ {
			var want float64
			for i := 0; i < 30; i++ {
				for k := 0; k < 30; k++ {
					want += p.At(i, j) * x.At(i, k) * p.At(k, l)
				}
			}
			// Sums of 900 terms of size up to about 30, two orders.
			if math.Abs(got.At(j, l)-want) > 1e-10*math.Abs(want) {
				t.Errorf("(PᵀCP)[%d,%d] = %v, want %v", j, l, got.At(j, l), want)
			}
		}
	}
}

// TestLongRowsInSlices checks the sliced accumulation of costs for rows
// longer than one cache slice against whole-row sums.
func TestLongRowsInSlices(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	n, dim := 5, 20000 // three slices of 8192 values
	x := randomPoints(rng, n, dim)
	for _, cost := range []Cost{SqEuclidean, InnerProduct} {
		pc, err := NewPointCloud(x, cost, NormalizeNone)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			for k := 0; k < n; k++ {
				want := dotGo(x.Row(i), x.Row(k))
				if cost == SqEuclidean {
					want = sqDistGo(x.Row(i), x.Row(k))
				}
				// Sums of 20000 terms of size about 1 in two orders.
				if got := pc.At(i, k); math.Abs(got-want) > 1e-11*max(1, math.Abs(want)) {
					t.Errorf("%v: C[%d,%d] = %v, want %v", cost, i, k, got, want)
				}
			}
		}
	}
}
