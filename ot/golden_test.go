package ot

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// The vectors in testdata/gw_test_vectors.json were generated with POT 0.8.2
// (Debian bookworm python3-pot, numpy 1.24.2). POT reports 2·E (no ½) and
// uses twice gmg's ε, so a POT entry at eps corresponds to gmg at eps/2.

type potEntropic struct {
	Epsilon          float64     `json:"epsilon"`
	Coupling         [][]float64 `json:"coupling"`
	GWDistAtPlan     float64     `json:"gw_dist_at_plan"`
	GWPlusEpsSumTlnT float64     `json:"gw_plus_eps_sum_TlogT"`
	ConvergedCleanly bool        `json:"converged_cleanly"`
}

type potExact struct {
	GW       float64     `json:"gw"`
	Coupling [][]float64 `json:"coupling"`
}

type goldenCase struct {
	Name        string                 `json:"name"`
	C1          [][]float64            `json:"C1"`
	C2          [][]float64            `json:"C2"`
	P           []float64              `json:"p"`
	Q           []float64              `json:"q"`
	PotExact    *potExact              `json:"pot_exact"`
	PotExact082 *potExact              `json:"pot_0_8_2_exact"`
	PotEntropic map[string]potEntropic `json:"pot_entropic"`
	Normalised  *struct {
		C1n         [][]float64            `json:"C1n"`
		C2n         [][]float64            `json:"C2n"`
		PotExact    potExact               `json:"pot_exact"`
		PotEntropic map[string]potEntropic `json:"pot_entropic"`
	} `json:"normalised"`
	Expected *struct {
		GW float64 `json:"gw"`
	} `json:"expected"`
	PermIdx []int `json:"perm_idx"`
}

// goldenProblem is one problem of the POT vectors with its reference values.
type goldenProblem struct {
	name     string
	c1, c2   *Matrix
	p, q     []float64
	exact    *potExact
	entropic map[string]potEntropic
	expected *float64
}

func loadGolden(t *testing.T) []goldenProblem {
	t.Helper()
	raw, err := os.ReadFile("testdata/gw_test_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	var out []goldenProblem
	for _, c := range file.Cases {
		mustRows := func(rows [][]float64) *Matrix {
			m, err := NewMatrixRows(rows)
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			return m
		}
		gp := goldenProblem{name: c.Name, p: c.P, q: c.Q}
		if c.Normalised != nil {
			// The three-point cases: POT's unnormalised entropic runs fail
			// (documented in the file), so the normalised costs are used.
			gp.name += "/normalised"
			gp.c1, gp.c2 = mustRows(c.Normalised.C1n), mustRows(c.Normalised.C2n)
			ex := c.Normalised.PotExact
			gp.exact, gp.entropic = &ex, c.Normalised.PotEntropic
		} else {
			gp.c1, gp.c2 = mustRows(c.C1), mustRows(c.C2)
			gp.exact, gp.entropic = c.PotExact, c.PotEntropic
			if c.PotExact082 != nil {
				gp.exact = c.PotExact082
			}
		}
		if c.Expected != nil {
			v := c.Expected.GW
			gp.expected = &v
		}
		out = append(out, gp)
	}
	return out
}

func (gp goldenProblem) problem(t *testing.T) *QuadraticProblem {
	t.Helper()
	x, err := NewCostMatrix(gp.c1, NormalizeNone)
	if err != nil {
		t.Fatal(err)
	}
	y, err := NewCostMatrix(gp.c2, NormalizeNone)
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewQuadraticProblem(x, y, gp.p, gp.q)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestEntropicGWMatchesPOT(t *testing.T) {
	compared := 0
	for _, gp := range loadGolden(t) {
		for key, ref := range gp.entropic {
			if !ref.ConvergedCleanly {
				continue
			}
			compared++
			t.Run(gp.name+"/eps="+key, func(t *testing.T) {
				q := gp.problem(t)
				res, err := EntropicGW{
					Epsilon:     ref.Epsilon / 2,
					EpsilonMode: AbsoluteEpsilon,
					Threshold:   1e-12,
					Sinkhorn:    Sinkhorn{Threshold: 1e-13},
				}.Solve(q)
				if err != nil {
					t.Fatal(err)
				}
				if !res.Converged {
					t.Fatalf("status %v after %d outer iterations", res.Status, res.OuterIterations)
				}
				// Both solvers converge to the same fixed point, POT to
				// ||ΔT||_F < 1e-9, so values agree to about 1e-8.
				if got := 2 * res.GW; !close(got, ref.GWDistAtPlan, 1e-6) {
					t.Errorf("2·GW = %.12g, POT gw_dist %.12g", got, ref.GWDistAtPlan)
				}
				if got := 2 * res.EntropicObjective; !close(got, ref.GWPlusEpsSumTlnT, 1e-6) {
					t.Errorf("2·entropic objective = %.12g, POT %.12g", got, ref.GWPlusEpsSumTlnT)
				}
				var flat []float64
				for _, row := range ref.Coupling {
					flat = append(flat, row...)
				}
				if d := maxAbsDiff(res.Plan.Data, flat); d > 1e-7 {
					t.Errorf("plans differ by %g", d)
				}
			})
		}
	}
	if compared < 6 {
		t.Fatalf("compared %d entropic cases, the vectors have 6 that converged cleanly", compared)
	}
}

// close reports |got − want| ≤ rel·|want|, or ≤ rel when want is 0.
func close(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*max(math.Abs(want), 1e-300) || (want == 0 && math.Abs(got) <= rel)
}

func TestExactGWMatchesPOT(t *testing.T) {
	for _, gp := range loadGolden(t) {
		if gp.exact == nil {
			continue
		}
		t.Run(gp.name, func(t *testing.T) {
			res, err := ExactGW{}.Solve(gp.problem(t))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Converged {
				t.Fatalf("status %v", res.Status)
			}
			want := gp.exact.GW
			if gp.expected != nil {
				want = *gp.expected
			}
			// Same local minimum as POT's conditional gradient from the
			// product plan: equal to rounding, 1e-9 relative. Zero minima are
			// compared absolutely.
			got := 2 * res.GW
			if want == 0 || math.Abs(want) < 1e-12 {
				if math.Abs(got) > 1e-12 {
					t.Errorf("2·GW = %g, want 0", got)
				}
			} else if !close(got, want, 1e-9) {
				t.Errorf("2·GW = %.15g, POT %.15g", got, want)
			}
			if res.MarginalError > 1e-12 {
				t.Errorf("marginal error %g", res.MarginalError)
			}
		})
	}
}

// TestPortableKernelsMatchPOT repeats the POT comparisons with the Go loops
// in place of the AVX2 kernels, so that both paths stay tested on amd64.
func TestPortableKernelsMatchPOT(t *testing.T) {
	if !useAVX2 {
		t.Skip("the portable loops already ran in the other tests")
	}
	useAVX2 = false
	defer func() { useAVX2 = true }()
	t.Run("entropic", TestEntropicGWMatchesPOT)
	t.Run("exact", TestExactGWMatchesPOT)
	t.Run("products", TestFactoredProductsMatchDense)
	t.Run("sinkhorn", TestSinkhornModesAgree)
}
