package metrics

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gromov-monge/gmg/data"
)

// identityData is disentanglement_lib's IdentityObservationsData: ten factors
// with ten values each, observed directly. Observe writes (value+1)/10, so
// that images stay in [0, 1].
type identityData struct{}

func (identityData) Name() string { return "identity" }
func (identityData) Factors() []data.Factor {
	fs := make([]data.Factor, 10)
	for i := range fs {
		fs[i] = data.Factor{Name: string(rune('a' + i)), Size: 10}
	}
	return fs
}
func (identityData) ImageShape() data.ImageShape {
	return data.ImageShape{Height: 1, Width: 10, Channels: 1}
}
func (identityData) Source() string { return "procedural" }
func (identityData) Observe(factors []int, _ *rand.Rand, dst []float32) error {
	for i, v := range factors {
		dst[i] = float32(v+1) / 10
	}
	return nil
}

// identityCodes maps observations back to the factor values 1..10.
func identityCodes(images []float32, n int, dst []float64) error {
	for i := range n * 10 {
		dst[i] = math.Round(float64(images[i]) * 10)
	}
	return nil
}

var behaviourRepresentations = map[string]Representation{
	"identity": {NumCodes: 10, Encode: identityCodes},
	"zeros": {NumCodes: 10, Encode: func(_ []float32, n int, dst []float64) error {
		clear(dst[:n*10])
		return nil
	}},
	"duplicated": {NumCodes: 20, Encode: func(images []float32, n int, dst []float64) error {
		codes := make([]float64, n*10)
		identityCodes(images, n, codes)
		for i := range n {
			copy(dst[i*20:], codes[i*10:(i+1)*10])
			copy(dst[i*20+10:], codes[i*10:(i+1)*10])
		}
		return nil
	}},
	"permuted": {NumCodes: 10, Encode: func() func([]float32, int, []float64) error {
		rng := rand.New(rand.NewPCG(1, 2))
		return func(images []float32, n int, dst []float64) error {
			codes := make([]float64, 10)
			for i := range n {
				identityCodes(images[i*10:], 1, codes)
				for j, p := range rng.Perm(10) {
					dst[i*10+j] = codes[p]
				}
			}
			return nil
		}
	}()},
}

// behaviourConfig uses smaller samples than disentanglement_lib's defaults,
// close to its own unit tests, so that the suite stays fast.
var behaviourConfig = Config{
	NumTrain:  1000,
	NumTest:   500,
	SAP:       SAPConfig{Continuous: true},
	BetaVAE:   BetaVAEConfig{BatchSize: 10, NumTrain: 1000, NumEval: 500},
	FactorVAE: FactorVAEConfig{BatchSize: 10, NumTrain: 1000, NumEval: 500, NumVarianceEstimate: 1000},
}

// TestBehaviour checks the ranges that disentanglement_lib's own tests assert
// for representations whose disentanglement is known.
func TestBehaviour(t *testing.T) {
	type check struct {
		name   string
		value  func(*Scores) float64
		lo, hi float64
	}
	betaVAE := func(s *Scores) float64 { return s.BetaVAE.EvalAccuracy }
	factorVAE := func(s *Scores) float64 { return s.FactorVAE.EvalAccuracy }
	mig := func(s *Scores) float64 { return s.MIG.Score }
	sap := func(s *Scores) float64 { return s.SAP.Score }
	dciD := func(s *Scores) float64 { return s.DCI.Disentanglement }
	dciC := func(s *Scores) float64 { return s.DCI.Completeness }
	irs := func(s *Scores) float64 { return s.IRS.Score }
	modularity := func(s *Scores) float64 { return s.Modularity.Modularity }
	// A per-sample permutation gives every code the same small mutual
	// information with every factor. With 1,000 rows the estimation noise
	// hides that, so modularity uses 20,000 rows as disentanglement_lib's
	// own test does.
	large := behaviourConfig
	large.NumTrain, large.NumTest = 20000, 2000
	cases := []struct {
		representation string
		metrics        []Metric
		config         Config
		checks         []check
	}{
		{"identity", AllMetrics(), behaviourConfig, []check{
			{"BetaVAE", betaVAE, 0.9, 1}, {"FactorVAE", factorVAE, 0.9, 1}, {"MIG", mig, 0.9, 1},
			{"SAP", sap, 0.9, 1}, {"DCI disentanglement", dciD, 0.9, 1}, {"DCI completeness", dciC, 0.9, 1},
			{"IRS", irs, 0.9, 1}, {"modularity", modularity, 0.9, 1},
		}},
		{"zeros", []Metric{FactorVAEMetric, MIGMetric, SAPMetric, IRSMetric}, behaviourConfig, []check{
			{"FactorVAE", factorVAE, 0, 0.2}, {"MIG", mig, 0, 0.2}, {"SAP", sap, 0, 0.2}, {"IRS", irs, 0, 0.1},
		}},
		{"duplicated", []Metric{MIGMetric, SAPMetric, DCIMetric, ModularityMetric}, behaviourConfig, []check{
			{"MIG", mig, 0, 0.1}, {"SAP", sap, 0, 0.2}, {"DCI disentanglement", dciD, 0.9, 1},
			// The importance of each factor splits evenly over its two copies.
			{"DCI completeness", dciC, 1 - math.Ln2/math.Ln10 - 0.1, 1 - math.Ln2/math.Ln10 + 0.1},
			{"modularity", modularity, 0.9, 1},
		}},
		{"permuted", []Metric{DCIMetric}, behaviourConfig, []check{
			{"DCI disentanglement", dciD, 0, 0.2}, {"DCI completeness", dciC, 0, 0.2},
		}},
		{"permuted", []Metric{ModularityMetric}, large, []check{
			{"modularity", modularity, 0, 0.2},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.representation, func(t *testing.T) {
			scores, err := Evaluate(context.Background(), identityData{}, behaviourRepresentations[tc.representation],
				tc.metrics, tc.config, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tc.checks {
				if v := c.value(scores); !(v >= c.lo && v <= c.hi) {
					t.Errorf("%s = %.4f, want in [%.3f, %.3f]", c.name, v, c.lo, c.hi)
				}
			}
		})
	}
}
