package metrics

import (
	"math"
	"slices"
	"testing"
)

// The expected values in this file were computed with numpy 1.24, scipy 1.10
// and scikit-learn 1.2.1 (Debian bookworm) from disentanglement_lib's metric
// definitions: entropies and mutual information in nats, codes binned into
// equal-width histogram bins over their own range and numbered from 1 as
// numpy.digitize numbers them.

func TestDiscretize(t *testing.T) {
	cases := []struct {
		name   string
		values []float64
		bins   int
		want   []int
	}{
		{"three bins increasing", []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 3, []int{1, 1, 2, 2, 3, 3}},
		{"three bins decreasing", []float64{0.6, 0.5, 0.4, 0.3, 0.2, 0.1}, 3, []int{3, 3, 2, 2, 1, 1}},
		{"constant", []float64{5, 5, 5}, 20, []int{11, 11, 11}},
		{"edges", []float64{0, 1, 0.5, 0.05, 0.0499999}, 20, []int{1, 20, 11, 2, 1}},
		{"symmetric range", []float64{-1, -0.9, 0, 0.95, 1}, 20, []int{1, 2, 11, 20, 20}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Discretize(tc.values, tc.bins); !slices.Equal(got, tc.want) {
				t.Errorf("Discretize = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMutualInfoAndEntropy(t *testing.T) {
	x := [][]int{{1, 2, 1, 2}, {1, 1, 2, 2}}
	y := [][]int{{1, 2, 1, 2}, {2, 2, 1, 1}}
	want := [][]float64{{math.Ln2, 0}, {0, math.Ln2}}
	// Plug-in estimates of four samples: exact up to a few ulps.
	const tol = 1e-15
	got := mutualInfoMatrix(x, y)
	for i := range want {
		for k := range want[i] {
			if math.Abs(got[i][k]-want[i][k]) > tol {
				t.Errorf("MI[%d][%d] = %v, want %v", i, k, got[i][k], want[i][k])
			}
		}
	}
	if h := Entropy([]int{1, 1, 2, 2, 3, 3}); math.Abs(h-math.Log(3)) > tol {
		t.Errorf("Entropy = %v, want ln 3 = %v", h, math.Log(3))
	}
}

// migExample returns the twelve-sample example with two factors and three
// codes. Its code2 is twelve equally spaced values (example A) or an
// uninformative binary code (example B).
func migExample(t *testing.T, binaryCode2 bool) *Sample {
	factor0 := []int{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}
	factor1 := []int{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}
	code0 := []float64{0, .1, .05, .12, 1, 1.1, .95, 1.05, 2, 2.1, 1.9, 2.05}
	code1 := []float64{.3, -1, .25, -.9, .35, -1.1, .2, -.95, .31, -1.05, .22, -.97}
	code2 := make([]float64, 12)
	if binaryCode2 {
		code2 = []float64{0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1}
	} else {
		// numpy.linspace(0.5, -0.6, 12)
		step := (-0.6 - 0.5) / 11
		for i := range code2 {
			code2[i] = float64(i)*step + 0.5
		}
		code2[11] = -0.6
	}
	codes := make([]float64, 0, 36)
	factors := make([]int, 0, 24)
	for i := range 12 {
		codes = append(codes, code0[i], code1[i], code2[i])
		factors = append(factors, factor0[i], factor1[i])
	}
	s, err := NewSample(codes, factors, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMIGExampleA(t *testing.T) {
	s := migExample(t, false)
	wantBins := [][]int{
		{1, 1, 1, 2, 10, 11, 10, 11, 20, 20, 19, 20},
		{20, 2, 19, 3, 20, 1, 18, 3, 20, 1, 19, 2},
		{20, 19, 17, 15, 13, 11, 10, 8, 6, 4, 2, 1},
	}
	for j, want := range wantBins {
		if got := Discretize(s.code(j), 20); !slices.Equal(got, want) {
			t.Errorf("code %d bins = %v, want %v", j, got, want)
		}
	}
	res, err := MIG(s, 20)
	if err != nil {
		t.Fatal(err)
	}
	wantMI := [][]float64{{1.0986122887, 0.3748900964}, {0.3618610961, 0.6931471806}, {1.0986122887, 0.6931471806}}
	wantH := []float64{1.0986122887, 0.6931471806}
	// The reference values are printed to 10 decimals.
	const tol = 1e-10
	for i := range wantMI {
		for k := range wantMI[i] {
			if math.Abs(res.MutualInfo[i][k]-wantMI[i][k]) > tol {
				t.Errorf("MI[%d][%d] = %.10f, want %.10f", i, k, res.MutualInfo[i][k], wantMI[i][k])
			}
		}
	}
	for k := range wantH {
		if math.Abs(res.Entropy[k]-wantH[k]) > tol {
			t.Errorf("H[%d] = %.10f, want %.10f", k, res.Entropy[k], wantH[k])
		}
	}
	// code2 puts every sample in its own bin, so its plug-in MI equals each
	// factor's entropy and ties the best code: numpy gives 4.2e-16.
	if math.Abs(res.Score) > 1e-12 {
		t.Errorf("MIG = %g, want 0 (numpy 4.2e-16)", res.Score)
	}
	if got, want := Modularity(res.MutualInfo), 0.7376471638629564; math.Abs(got-want) > 1e-12 {
		t.Errorf("modularity = %.16f, want %.16f", got, want)
	}
}

func TestMIGExampleB(t *testing.T) {
	s := migExample(t, true)
	if got, want := Discretize(s.code(2), 20), []int{1, 20, 20, 1, 1, 20, 20, 1, 20, 1, 1, 20}; !slices.Equal(got, want) {
		t.Errorf("code 2 bins = %v, want %v", got, want)
	}
	res, err := MIG(s, 20)
	if err != nil {
		t.Fatal(err)
	}
	for k := range 2 {
		if res.MutualInfo[2][k] != 0 {
			t.Errorf("MI of the binary code with factor %d = %g, want 0", k, res.MutualInfo[2][k])
		}
	}
	// Double-precision results printed to 16 digits.
	const tol = 1e-12
	wantGaps := []float64{0.6706198357, 0.459147917}
	for k, want := range wantGaps {
		first, second := topTwo(column(res.MutualInfo, k))
		if got := (first - second) / res.Entropy[k]; math.Abs(got-want) > 1e-9 {
			t.Errorf("gap/H of factor %d = %.10f, want %.10f", k, got, want)
		}
	}
	if want := 0.5648838763707749; math.Abs(res.Score-want) > tol {
		t.Errorf("MIG = %.16f, want %.16f", res.Score, want)
	}
	if got, want := Modularity(res.MutualInfo), 0.5370046151768697; math.Abs(got-want) > tol {
		t.Errorf("modularity = %.16f, want %.16f", got, want)
	}
}

func diag(n int, v float64) [][]float64 {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
		m[i][i] = v
	}
	return m
}

func zeros(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

func TestDCIFromImportance(t *testing.T) {
	stacked := append(diag(5, 1), diag(5, 1)...) // [diag; diag], 10 codes × 5 factors
	sideBySide := make([][]float64, 5)           // [diag, diag], 5 codes × 10 factors
	for i := range sideBySide {
		sideBySide[i] = make([]float64, 10)
		sideBySide[i][i], sideBySide[i][i+5] = 1, 1
	}
	cases := []struct {
		name       string
		importance [][]float64
		// d and c are the reference values.
		d, c float64
		// numpyD and numpyC are what disentanglement_lib's dci.py functions
		// return for the same matrix (numpy 1.24.2, scipy 1.10.1). The
		// 1e-11 offsets leave up to 6.5e-10 between them and d, c.
		numpyD, numpyC float64
	}{
		{"diagonal", diag(5, 5), 1, 1, 0.9999999998611298, 0.9999999998611298},
		{"one unused code", [][]float64{{1, 0}, {0, 1}, {0, 0}}, 1, 1, 0.999999999620161, 0.9999999995206965},
		{"all zero", zeros(10, 10), 0, 2.2e-16, -2.220446049250313e-16, 0},
		{"duplicated codes", stacked, 1, 0.6989700042389528, 0.9999999993456489, 0.6989700038786472},
		{"duplicated factors", sideBySide, 0.6989700042389528, 1, 0.6989700038786472, 0.9999999993456489},
		{"custom", [][]float64{{0.5, 0.1, 0}, {0.2, 0.2, 0.05}, {0, 0, 0.6}, {0.01, 0.02, 0.03}},
			0.5926523509978439, 0.5628294126695259, 0.5926523509978437, 0.5628294126695259},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, c := Disentanglement(tc.importance), Completeness(tc.importance)
			// Against the reference values: their precision plus the offset
			// residue.
			if math.Abs(d-tc.d) > 1e-9 {
				t.Errorf("disentanglement = %.16f, want %.16f", d, tc.d)
			}
			if math.Abs(c-tc.c) > 1e-9 {
				t.Errorf("completeness = %.16f, want %.16f", c, tc.c)
			}
			// Against numpy: the same formula, so only summation order differs.
			if math.Abs(d-tc.numpyD) > 1e-15 {
				t.Errorf("disentanglement = %.16g, numpy %.16g", d, tc.numpyD)
			}
			if math.Abs(c-tc.numpyC) > 1e-15 {
				t.Errorf("completeness = %.16g, numpy %.16g", c, tc.numpyC)
			}
		})
	}
}

func TestModularityFromMutualInfo(t *testing.T) {
	sideBySide := make([][]float64, 5)
	for i := range sideBySide {
		sideBySide[i] = make([]float64, 10)
		sideBySide[i][i], sideBySide[i][i+5] = 1, 1
	}
	cases := []struct {
		name string
		mi   [][]float64
		want float64
	}{
		{"diagonal", diag(5, 1), 1},
		{"one uninformative code", [][]float64{{1, 0}, {0, 1}, {0, 0}}, 2.0 / 3},
		{"two factors per code", sideBySide, 1 - 1.0/9},
		{"custom", [][]float64{{0.5, 0.1, 0}, {0.2, 0.2, 0.05}, {0, 0, 0.6}, {0.01, 0.02, 0.03}}, 0.7927430555555556},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Ratios of a few squares: exact to rounding.
			if got := Modularity(tc.mi); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("modularity = %.16f, want %.16f", got, tc.want)
			}
		})
	}
}
