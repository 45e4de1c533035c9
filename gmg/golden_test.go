package gmg

import (
	"encoding/json"
	"math"
	"math/big"
	"os"
	"testing"

	"github.com/gromov-monge/gmg/ot"
)

// testdata/gmg_three_points.json holds the worked example of a batch of three
// points: x = {0, 1, 3} ⊂ R mapped onto permutations of y = {0, 1, 2}, with
// DST, GW and GMG as exact fractions in the ½ convention. The GW values were
// checked with POT 0.8.2 (Debian bookworm python3-pot), whose
// gromov_wasserstein reports twice them.

type threePoints struct {
	X     []float64 `json:"x"`
	Y     []float64 `json:"y"`
	Cases []struct {
		Cost string `json:"cost"`
		GW   string `json:"gw"`
		Maps []struct {
			Perm []int  `json:"perm"`
			DST  string `json:"dst"`
			GMG  string `json:"gmg"`
		} `json:"maps"`
	} `json:"cases"`
}

func loadThreePoints(t *testing.T) threePoints {
	t.Helper()
	raw, err := os.ReadFile("testdata/gmg_three_points.json")
	if err != nil {
		t.Fatal(err)
	}
	var g threePoints
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) != 2 {
		t.Fatalf("golden file has %d cases, want 2", len(g.Cases))
	}
	return g
}

// fraction parses "a/b" or "a" as a float64.
func fraction(t *testing.T, s string) float64 {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("invalid fraction %q", s)
	}
	f, _ := r.Float64()
	return f
}

func goldenCost(t *testing.T, name string) ot.Cost {
	t.Helper()
	switch name {
	case "sqeuclidean":
		return ot.SqEuclidean
	case "inner_product":
		return ot.InnerProduct
	}
	t.Fatalf("unknown cost %q in the golden file", name)
	return 0
}

// column returns the values as an [n, 1] matrix.
func column(v []float64) *ot.Matrix {
	return &ot.Matrix{Rows: len(v), Cols: 1, Data: append([]float64(nil), v...)}
}

func TestThreePointsGolden(t *testing.T) {
	g := loadThreePoints(t)
	solvers := []struct {
		name string
		est  Estimator
		// tol is the absolute error allowed on DST, GW and GMG, whose values
		// are between 0 and 10.
		tol float64
	}{
		// The exact solver's plans are permutation matrices divided by 3, so
		// only rounding in sums of a few terms remains.
		{"exact", Estimator{Solver: Exact}, 1e-12},
		// At ε = 1e-5 in the units of Cx·Cy (relative ε about 1e-6), the
		// entropic plan is within e^(−gap/ε) of the vertex, and the
		// objective differs by about ε·log(n) ≈ 1e-5.
		{"entropic", Estimator{Solver: Entropic, Epsilon: 1e-5, EpsilonMode: ot.AbsoluteEpsilon}, 1e-3},
		{"entropic/accelerated", Estimator{Solver: Entropic, Epsilon: 1e-5, EpsilonMode: ot.AbsoluteEpsilon, Accelerate: true}, 1e-3},
	}
	x := column(g.X)
	for _, s := range solvers {
		for _, c := range g.Cases {
			est := s.est
			est.CostX = goldenCost(t, c.Cost)
			est.CostY = est.CostX
			wantGW := fraction(t, c.GW)
			for _, m := range c.Maps {
				y := make([]float64, len(m.Perm))
				for i, p := range m.Perm {
					y[i] = g.Y[p]
				}
				res, err := est.GMG(x, column(y))
				if err != nil {
					t.Fatalf("%s %s %v: %v", s.name, c.Cost, m.Perm, err)
				}
				if res.Solve.Status != ot.Converged {
					t.Errorf("%s %s %v: solver status %v", s.name, c.Cost, m.Perm, res.Solve.Status)
				}
				check := func(what string, got, want float64) {
					if math.Abs(got-want) > s.tol {
						t.Errorf("%s %s map %v: %s = %.12g, want %.12g (tolerance %g)", s.name, c.Cost, m.Perm, what, got, want, s.tol)
					}
				}
				check("DST", res.DST, fraction(t, m.DST))
				check("GW", res.GW, wantGW)
				check("GMG", res.GMG, fraction(t, m.GMG))
				check("DST − GW", res.DST-res.GW, fraction(t, m.GMG))
			}
		}
	}
}
