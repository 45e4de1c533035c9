package metrics

// Separated Attribute Predictability (SAP) from Kumar, Sattigeri and
// Balakrishnan 2018, "Variational Inference of Disentangled Latent Concepts
// from Unlabeled Observations", ICLR, Sec. 3, as disentanglement_lib's
// sap_score.py computes it.

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/gromov-monge/gmg/internal/learn"
)

// SAPConfig sets up the SAP score.
type SAPConfig struct {
	// Continuous scores each (code, factor) pair by the squared correlation
	// of code and factor on the training split instead of by a classifier.
	// disentanglement_lib's study uses the zero value, the discrete score.
	Continuous bool
	// C is the inverse regularisation of the per-pair linear SVC of the
	// discrete score; 0 means 0.01.
	C float64
	// Seed seeds the SVC solver's coordinate order.
	Seed uint64
	// Workers is the number of SVCs trained at the same time; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
}

// SAPResult is the SAP score of a representation.
type SAPResult struct {
	// Score is, per factor, the gap between the two largest entries of its
	// column of Matrix, averaged over factors.
	Score float64 `json:"SAP_score"`
	// Matrix is the [codes][factors] score matrix: test accuracy of a linear
	// SVC trained on the one code (discrete), or the squared correlation
	// (continuous).
	Matrix [][]float64 `json:"score_matrix"`
}

// SAP returns the SAP score. The discrete score trains, for every code and
// factor, a linear SVC with class-balanced weights on that single code
// (scikit-learn's LinearSVC(C=0.01, class_weight="balanced")) and records its
// accuracy on the test split; the continuous score uses only train.
//
// Edge cases: a code with variance <= 1e-12 or a constant factor has
// continuous score 0 (disentanglement_lib divides by the factor's variance);
// a factor with one value in the training split is predicted as that value.
// With one code the second-largest score is taken as 0.
func SAP(ctx context.Context, train, test *Sample, cfg SAPConfig) (*SAPResult, error) {
	if err := checkSameShape(train, test); err != nil {
		return nil, err
	}
	if cfg.C == 0 {
		cfg.C = 0.01
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Workers < 1 {
		return nil, fmt.Errorf("%w: SAP Workers %d, must be >= 1", ErrInvalidConfig, cfg.Workers)
	}
	if train.n < 2 || test.n < 1 {
		return nil, fmt.Errorf("%w: SAP needs at least 2 training rows and 1 test row, got %d and %d", ErrInvalidInput, train.n, test.n)
	}
	if !cfg.Continuous {
		if err := checkClassCounts(train, test); err != nil {
			return nil, err
		}
	}
	matrix := make([][]float64, train.numCodes)
	for i := range matrix {
		matrix[i] = make([]float64, train.numFactors)
	}

	type pair struct{ code, factor int }
	pairs := make(chan pair)
	errs := make([]error, cfg.Workers)
	var wg sync.WaitGroup
	for w := range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range pairs {
				if errs[w] != nil || ctx.Err() != nil {
					continue
				}
				var err error
				matrix[p.code][p.factor], err = sapEntry(train, test, p.code, p.factor, cfg)
				errs[w] = err
			}
		}()
	}
	for i := range train.numCodes {
		for k := range train.numFactors {
			pairs <- pair{i, k}
		}
	}
	close(pairs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	res := &SAPResult{Matrix: matrix}
	for k := range train.numFactors {
		first, second := topTwo(column(matrix, k))
		res.Score += (first - second) / float64(train.numFactors)
	}
	return res, nil
}

// sapEntry returns the score of code i for factor k.
func sapEntry(train, test *Sample, i, k int, cfg SAPConfig) (float64, error) {
	code, factor := train.code(i), train.factor(k)
	if cfg.Continuous {
		y := make([]float64, len(factor))
		for r, v := range factor {
			y[r] = float64(v)
		}
		varCode, varFactor, cov := covariance(code, y)
		if varCode <= 1e-12 || varFactor == 0 {
			return 0, nil
		}
		return cov * cov / (varCode * varFactor), nil
	}

	labels := test.factor(k)
	m, err := learn.FitLinearSVC(code, train.n, 1, factor, learn.SVCConfig{C: cfg.C, Balanced: true, Seed: cfg.Seed})
	if isOneClass(err) {
		return accuracy(constantPrediction(factor[0], test.n), labels), nil
	}
	if err != nil {
		return 0, fmt.Errorf("metrics: SAP classifier for code %d and factor %d: %w", i, k, err)
	}
	return accuracy(m.Predict(test.code(i), test.n), labels), nil
}

// covariance returns the variances of a and b and their covariance, all with
// divisor n−1 as numpy.cov.
func covariance(a, b []float64) (varA, varB, cov float64) {
	ma, mb := mean(a), mean(b)
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		varA += da * da
		varB += db * db
		cov += da * db
	}
	d := float64(len(a) - 1)
	return varA / d, varB / d, cov / d
}
