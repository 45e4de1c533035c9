package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestMajorityVote(t *testing.T) {
	// Votes [factors][codes]: column 0 goes to factor 0 (5 votes), column 1
	// to factor 1 (8 votes), so 13 of 20 votes are classified correctly.
	votes := [][]int{{5, 1}, {2, 8}, {0, 4}}
	if got := voteAccuracy(votes, majorityClassifier(votes)); got != 0.65 {
		t.Errorf("accuracy = %v, want 0.65", got)
	}
}

func TestNewSampleRejectsNonFiniteCodes(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		codes := []float64{0, 1, 2, 3, bad, 5}
		_, err := NewSample(codes, []int{0, 1, 2}, 2, 1)
		if !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("code %v: err = %v, want ErrInvalidInput", bad, err)
		}
		if !strings.Contains(err.Error(), "row 2 column 0") {
			t.Errorf("code %v: error %q does not name row 2 column 0", bad, err)
		}
	}
}

func TestNewSampleRejectsShapes(t *testing.T) {
	if _, err := NewSample([]float64{1, 2, 3}, []int{0}, 2, 1); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("ragged codes: err = %v, want ErrInvalidInput", err)
	}
	if _, err := NewSample([]float64{1, 2}, []int{0, 1, 2}, 1, 1); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("more factor rows than code rows: err = %v, want ErrInvalidInput", err)
	}
}

// smallSample returns n rows: code 0 follows factor 0, code 1 is constant,
// factor 1 is constant.
func smallSample(t *testing.T, n int) *Sample {
	codes := make([]float64, 0, 2*n)
	factors := make([]int, 0, 2*n)
	for i := range n {
		f := i % 4
		codes = append(codes, float64(f)+0.01*float64(i%7), 3)
		factors = append(factors, f, 7)
	}
	s, err := NewSample(codes, factors, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScoreCodesSizes(t *testing.T) {
	s := smallSample(t, 100)
	_, err := ScoreCodes(context.Background(), s, CodeMetrics(), Config{NumTrain: 80, NumTest: 40}, nil)
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("too few rows: err = %v, want ErrInvalidInput", err)
	}
	for _, size := range []string{"100 rows", "80 training", "40 test", "120"} {
		if !strings.Contains(err.Error(), size) {
			t.Errorf("error %q does not name %q", err, size)
		}
	}
	_, err = ScoreCodes(context.Background(), s, CodeMetrics(), Config{NumTrain: 10, NumTest: 10}, nil)
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "20 histogram bins") {
		t.Errorf("fewer training rows than bins: err = %v, want ErrInvalidInput naming the bins", err)
	}
	_, err = ScoreCodes(context.Background(), s, []Metric{BetaVAEMetric}, Config{NumTrain: 50, NumTest: 50}, nil)
	if !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("BetaVAE on codes: err = %v, want ErrInvalidConfig", err)
	}
}

func TestScoreCodesFewerRowsThanClasses(t *testing.T) {
	codes := make([]float64, 60)
	factors := make([]int, 60)
	for i := range factors {
		codes[i] = float64(i)
		factors[i] = i // 60 classes
	}
	s, err := NewSample(codes, factors, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ScoreCodes(context.Background(), s, []Metric{DCIMetric}, Config{NumTrain: 30, NumTest: 30}, nil)
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "60 classes") {
		t.Errorf("err = %v, want ErrInvalidInput naming 60 classes", err)
	}
}

// TestConstantCodeAndFactor checks that constant columns give the documented
// finite scores instead of dividing by zero.
func TestConstantCodeAndFactor(t *testing.T) {
	s := smallSample(t, 300)
	scores, err := ScoreCodes(context.Background(), s, CodeMetrics(), Config{NumTrain: 200, NumTest: 100}, nil)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]float64{
		"MIG": scores.MIG.Score, "SAP": scores.SAP.Score,
		"DCI disentanglement": scores.DCI.Disentanglement, "DCI completeness": scores.DCI.Completeness,
		"DCI informativeness": scores.DCI.InformativenessTest,
		"modularity":          scores.Modularity.Modularity, "explicitness": scores.Modularity.ExplicitnessTest,
		"total correlation": scores.Unsupervised.GaussianTotalCorrelation,
		"Wasserstein":       scores.Unsupervised.GaussianWassersteinCorrelation,
		"mutual info":       scores.Unsupervised.MutualInfoScore, "IRS": scores.IRS.Score,
	}
	for name, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("%s = %v, want a finite value", name, v)
		}
	}
	// Code 0 determines factor 0, the only factor with entropy.
	if scores.MIG.Score < 0.9 {
		t.Errorf("MIG = %v, want >= 0.9 from the informative code", scores.MIG.Score)
	}
	// The constant factor is always predicted right, factor 0 almost always.
	if scores.DCI.InformativenessTest < 0.95 {
		t.Errorf("DCI test informativeness = %v, want >= 0.95", scores.DCI.InformativenessTest)
	}
	for i, row := range scores.DCI.Importance {
		if row[1] != 0 {
			t.Errorf("importance of code %d for the constant factor = %v, want 0", i, row[1])
		}
	}
	if scores.Unsupervised.GaussianTotalCorrelation != 0 {
		t.Errorf("total correlation with one varying code = %v, want 0", scores.Unsupervised.GaussianTotalCorrelation)
	}
	if scores.IRS.NumActiveCodes != 1 {
		t.Errorf("IRS active codes = %d, want 1", scores.IRS.NumActiveCodes)
	}
}

func TestGaussianCorrelations(t *testing.T) {
	cases := []struct {
		name   string
		cov    []float64
		d      int
		tc, wc float64
	}{
		// Independent: no correlation of either kind.
		{"diagonal", []float64{2, 0, 0, 3}, 2, 0, 0},
		// Unit variances, correlation ρ = 0.5: TC = −½ log(1 − ρ²) and
		// WC = 2·2 − 2·(√1.5 + √0.5).
		{"correlated", []float64{1, 0.5, 0.5, 1}, 2, -0.5 * math.Log(0.75), 4 - 2*(math.Sqrt(1.5)+math.Sqrt(0.5))},
		// Identical variables: the Gaussian is degenerate.
		{"dependent", []float64{1, 1, 1, 1}, 2, math.Inf(1), 4 - 2*math.Sqrt(2)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Closed forms of 2×2 eigenproblems: a few ulps apart.
			if got := GaussianTotalCorrelation(tc.cov, tc.d); !(got == tc.tc || math.Abs(got-tc.tc) < 1e-12) {
				t.Errorf("total correlation = %v, want %v", got, tc.tc)
			}
			if got := GaussianWassersteinCorrelation(tc.cov, tc.d); math.Abs(got-tc.wc) > 1e-12 {
				t.Errorf("Wasserstein correlation = %v, want %v", got, tc.wc)
			}
		})
	}
}

func TestUnsupervisedJSONInfinity(t *testing.T) {
	r := UnsupervisedResult{GaussianTotalCorrelation: math.Inf(1), GaussianWassersteinCorrelation: 0.5}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"gaussian_total_correlation":null`) {
		t.Errorf("infinite total correlation not written as null: %s", out)
	}
	if !strings.Contains(string(out), `"gaussian_wasserstein_correlation":0.5`) {
		t.Errorf("Wasserstein correlation missing: %s", out)
	}
	r.GaussianTotalCorrelation = 1.25
	out, err = json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"gaussian_total_correlation":1.25`) {
		t.Errorf("finite total correlation not written: %s", out)
	}
}
