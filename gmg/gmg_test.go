package gmg

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
)

// randomMatrix returns an [n, d] matrix of standard normal draws.
func randomMatrix(rng *rand.Rand, n, d int) *ot.Matrix {
	m := &ot.Matrix{Rows: n, Cols: d, Data: make([]float64, n*d)}
	for k := range m.Data {
		m.Data[k] = rng.NormFloat64()
	}
	return m
}

// rotation returns a random d×d rotation: Gram-Schmidt on normal draws, then
// a sign flip of the last row when the determinant is negative.
func rotation(rng *rand.Rand, d int) [][]float64 {
	r := make([][]float64, d)
	for i := range r {
		r[i] = make([]float64, d)
		for k := range r[i] {
			r[i][k] = rng.NormFloat64()
		}
		for j := 0; j < i; j++ {
			axpy(-dot(r[i], r[j]), r[j], r[i])
		}
		norm := math.Sqrt(dot(r[i], r[i]))
		for k := range r[i] {
			r[i][k] /= norm
		}
	}
	if determinant(r) < 0 {
		for k := range r[d-1] {
			r[d-1][k] = -r[d-1][k]
		}
	}
	return r
}

// determinant returns the determinant of a square matrix by Gaussian
// elimination with partial pivoting.
func determinant(a [][]float64) float64 {
	n := len(a)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append([]float64(nil), a[i]...)
	}
	det := 1.0
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		if p != c {
			m[p], m[c] = m[c], m[p]
			det = -det
		}
		det *= m[c][c]
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k < n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	return det
}

// transform returns the rows x_i mapped to scale_i·R·x_i + shift.
func transform(x *ot.Matrix, r [][]float64, scales, shift []float64) *ot.Matrix {
	y := &ot.Matrix{Rows: x.Rows, Cols: x.Cols, Data: make([]float64, len(x.Data))}
	for i := 0; i < x.Rows; i++ {
		xi, yi := x.Row(i), y.Row(i)
		for k := range yi {
			yi[k] = scales[i]*dot(r[k], xi) + shift[k]
		}
	}
	return y
}

func filled(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func TestIsometryHasZeroGap(t *testing.T) {
	const n, d = 24, 3
	rng := rand.New(rand.NewPCG(1, 2))
	x := randomMatrix(rng, n, d)
	rot := rotation(rng, d)
	positive := make([]float64, n)
	for i := range positive {
		positive[i] = 0.2 + 3*rng.Float64()
	}
	cases := []struct {
		name string
		cost ot.Cost
		y    *ot.Matrix
	}{
		{"rotation, sqeuclidean", ot.SqEuclidean, transform(x, rot, filled(n, 1), filled(d, 0))},
		{"rotation and translation, sqeuclidean", ot.SqEuclidean, transform(x, rot, filled(n, 1), []float64{3, -1, 0.5})},
		{"rotation, cosine", ot.Cosine, transform(x, rot, filled(n, 1), filled(d, 0))},
		{"positive scalings, cosine", ot.Cosine, transform(x, rot, positive, filled(d, 0))},
		{"scaling, scaled sqeuclidean", ot.ScaledSqEuclidean, transform(x, rot, filled(n, 2.5), []float64{1, 1, 1})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The random map x_i ↦ y_{π(i)} with the same images sets the
			// scale of a gap that is not zero.
			perm := rng.Perm(n)
			shuffled := &ot.Matrix{Rows: n, Cols: d, Data: make([]float64, n*d)}
			for i, p := range perm {
				copy(shuffled.Row(i), c.y.Row(p))
			}

			exact := Estimator{CostX: c.cost, CostY: c.cost, Solver: Exact}
			res, err := exact.GMG(x, c.y)
			if err != nil {
				t.Fatal(err)
			}
			// The costs agree to rounding, so DST and GMG are rounding
			// errors of sums of n² products of order 10.
			if math.Abs(res.DST) > 1e-12 || math.Abs(res.GMG) > 1e-12 {
				t.Errorf("exact: DST = %g, GMG = %g, want 0", res.DST, res.GMG)
			}
			scrambled, err := exact.GMG(x, shuffled)
			if err != nil {
				t.Fatal(err)
			}
			if scrambled.GMG < 1e-3 {
				t.Errorf("exact: GMG of the scrambled map = %g, want clearly positive", scrambled.GMG)
			}

			entropic := Estimator{CostX: c.cost, CostY: c.cost}
			res, err = entropic.GMG(x, c.y)
			if err != nil {
				t.Fatal(err)
			}
			// The entropic plan is blurred, so E(P_ε) > 0 = DST and the
			// estimate is slightly negative; at ε₀ = 0.01 it stays below
			// 1% of the scrambled map's gap.
			if res.GMG > 1e-12 || -res.GMG > 0.01*scrambled.GMG {
				t.Errorf("entropic: GMG = %g, want in [−%g, 0]", res.GMG, 0.01*scrambled.GMG)
			}
		})
	}
}

func TestScalingDistortion(t *testing.T) {
	const n, d = 16, 2
	rng := rand.New(rand.NewPCG(3, 4))
	x := randomMatrix(rng, n, d)
	y := transform(x, [][]float64{{1, 0}, {0, 1}}, filled(n, 2), filled(d, 0))

	plain, err := Estimator{}.DST(x, y)
	if err != nil {
		t.Fatal(err)
	}
	// With Cy = 4·Cx, DST = (9/(2n²)) Σ Cx².
	var sumSq float64
	gx, _ := ot.NewPointCloud(x, ot.SqEuclidean, ot.NormalizeNone)
	for i := 0; i < n; i++ {
		for k := 0; k < n; k++ {
			sumSq += gx.At(i, k) * gx.At(i, k)
		}
	}
	want := 9 * sumSq / (2 * n * n)
	if math.Abs(plain-want) > 1e-12*want {
		t.Errorf("sqeuclidean DST of a scaling by 2 = %v, want %v", plain, want)
	}

	scaled, err := Estimator{CostX: ot.ScaledSqEuclidean, CostY: ot.ScaledSqEuclidean}.DST(x, y)
	if err != nil {
		t.Fatal(err)
	}
	// Both matrices are divided by their own means, equal up to rounding.
	if math.Abs(scaled) > 1e-25 {
		t.Errorf("scaled sqeuclidean DST of a scaling by 2 = %g, want 0", scaled)
	}
}

func TestGapIsNonNegativeAndConsistent(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	costs := []ot.Cost{ot.SqEuclidean, ot.ScaledSqEuclidean, ot.InnerProduct, ot.Cosine}
	for _, cx := range costs {
		for _, cy := range costs {
			x, y := randomMatrix(rng, 12, 3), randomMatrix(rng, 12, 5)
			res, err := Estimator{CostX: cx, CostY: cy, Solver: Exact}.GMG(x, y)
			if err != nil {
				t.Fatal(err)
			}
			if res.GMG < 0 {
				t.Errorf("%v→%v: exact GMG = %g < 0", cx, cy, res.GMG)
			}
			// GMG is computed from the plan, not as the difference; the two
			// agree to the rounding of sums of order DST.
			if math.Abs(res.GMG-(res.DST-res.GW)) > 1e-12*max(1, res.DST) {
				t.Errorf("%v→%v: GMG = %.15g, DST − GW = %.15g", cx, cy, res.GMG, res.DST-res.GW)
			}
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x, y := randomMatrix(rng, 5, 2), randomMatrix(rng, 5, 3)
	bad := randomMatrix(rng, 5, 3)
	bad.Data[7] = math.NaN()
	cases := []struct {
		name string
		est  Estimator
		r    Regularizer
		x, y *ot.Matrix
		want error
	}{
		{"row counts differ", Estimator{}, GMGRegularizer, x, randomMatrix(rng, 4, 3), ErrShape},
		{"nil images", Estimator{}, GMGRegularizer, x, nil, ErrShape},
		{"NaN image", Estimator{}, DSTRegularizer, x, bad, ot.ErrNotFinite},
		{"negative epsilon", Estimator{Epsilon: -1}, GMGRegularizer, x, y, ErrSettings},
		{"undefined solver", Estimator{Solver: Solver(7)}, GMGRegularizer, x, y, ErrSettings},
		{"undefined regularizer", Estimator{}, Regularizer(9), x, y, ErrSettings},
		{"undefined cost", Estimator{CostY: ot.Cost(11)}, GMGRegularizer, x, y, ot.ErrSettings},
		{"undefined epsilon mode", Estimator{EpsilonMode: ot.EpsilonMode(5)}, GMGRegularizer, x, y, ErrSettings},
	}
	for _, c := range cases {
		_, err := c.est.Evaluate(c.r, c.x, c.y)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want one wrapping %v", c.name, err, c.want)
		}
	}
}

func TestParseNames(t *testing.T) {
	for _, r := range []Regularizer{GMGRegularizer, DSTRegularizer} {
		got, err := ParseRegularizer(r.String())
		if err != nil || got != r {
			t.Errorf("ParseRegularizer(%q) = %v, %v", r.String(), got, err)
		}
	}
	for _, s := range []Solver{Entropic, Exact} {
		got, err := ParseSolver(s.String())
		if err != nil || got != s {
			t.Errorf("ParseSolver(%q) = %v, %v", s.String(), got, err)
		}
	}
	if _, err := ParseRegularizer("gap"); !errors.Is(err, ErrSettings) {
		t.Errorf("ParseRegularizer(\"gap\"): error %v, want ErrSettings", err)
	}
	if _, err := ParseSolver("sinkhorn"); !errors.Is(err, ErrSettings) {
		t.Errorf("ParseSolver(\"sinkhorn\"): error %v, want ErrSettings", err)
	}
}

// TestAccelerateReachesSamePlan solves a decoder-like batch with and without
// Anderson mixing: both must stop at the same fixed point, the accelerated
// solve in fewer outer steps.
func TestAccelerateReachesSamePlan(t *testing.T) {
	z, y := decoderBatch(1, 64, 10, 256)
	x64, y64 := matrixOfTensor(z), matrixOfTensor(y)
	plain := Estimator{CostX: ot.Cosine, CostY: ot.Cosine}
	fast := plain
	fast.Accelerate = true
	want, err := plain.GMG(x64, y64)
	if err != nil {
		t.Fatal(err)
	}
	got, err := fast.GMG(x64, y64)
	if err != nil {
		t.Fatal(err)
	}
	if got.Solve.OuterIterations >= want.Solve.OuterIterations {
		t.Errorf("accelerated solve took %d outer steps, plain %d", got.Solve.OuterIterations, want.Solve.OuterIterations)
	}
	// Both plans change by under 1e-7 in L1 at their last step, so their
	// GMG values differ by a few times 1e-7 of DST at most (5e-11 seen).
	if math.Abs(got.GMG-want.GMG) > 1e-7*want.DST {
		t.Errorf("accelerated GMG %.12g, plain %.12g (DST %g)", got.GMG, want.GMG, want.DST)
	}
}

// matrixOfTensor returns the rows of an [n, d] tensor as a float64 matrix.
func matrixOfTensor(t *tensor.Tensor) *ot.Matrix {
	m := &ot.Matrix{Rows: t.Dim(0), Cols: t.Len() / t.Dim(0), Data: make([]float64, t.Len())}
	for k, v := range t.Data() {
		m.Data[k] = float64(v)
	}
	return m
}
