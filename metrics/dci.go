package metrics

// Disentanglement, completeness and informativeness (DCI) from Eastwood and
// Williams 2018, "A Framework for the Quantitative Evaluation of Disentangled
// Representations", ICLR, Sec. 2, with gradient-boosted trees as the
// regressor and the conventions of disentanglement_lib's dci.py:
// informativeness is classification accuracy, importances are the trees'
// impurity-based feature importances, and 1e-11 is added to every importance
// before taking entropies.

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/internal/learn"
)

// DCIResult holds the DCI scores of a representation.
type DCIResult struct {
	// Disentanglement is 1 − H_K(P_i.) per code, P_i. the code's importance
	// row normalised and K the number of factors, averaged with weights
	// proportional to each code's total importance.
	Disentanglement float64 `json:"disentanglement"`
	// Completeness is 1 − H_D(P_.k) per factor, D the number of codes,
	// averaged with weights proportional to each factor's total importance.
	Completeness float64 `json:"completeness"`
	// InformativenessTrain and InformativenessTest are the classifiers'
	// accuracies on the training and test splits, averaged over factors.
	InformativenessTrain float64 `json:"informativeness_train"`
	InformativenessTest  float64 `json:"informativeness_test"`
	// Importance is the [codes][factors] importance matrix; each column sums
	// to 1, or is all zeros for a factor no tree could split on.
	Importance [][]float64 `json:"importance"`
}

// DCI fits one gradient-boosted trees classifier (scikit-learn 1.2.1's
// defaults unless gbt sets otherwise) per factor on the training codes and
// returns the DCI scores. It checks ctx between stages.
//
// A factor with a single value in the training split has no classifier: its
// importance column is zero and its predictions are that value. It returns an
// error wrapping ErrInvalidInput when the splits' shapes differ or a factor
// has more classes than the training split has rows.
func DCI(ctx context.Context, train, test *Sample, gbt learn.GBTConfig) (*DCIResult, error) {
	if err := checkSameShape(train, test); err != nil {
		return nil, err
	}
	if err := checkClassCounts(train, test); err != nil {
		return nil, err
	}
	importance := make([][]float64, train.numCodes)
	for i := range importance {
		importance[i] = make([]float64, train.numFactors)
	}
	res := &DCIResult{Importance: importance}
	for k := range train.numFactors {
		yTrain, yTest := train.factor(k), test.factor(k)
		var predTrain, predTest []int
		m, err := learn.FitGBT(ctx, train.codes, train.n, train.numCodes, yTrain, gbt)
		switch {
		case err == nil:
			for i, v := range m.FeatureImportances() {
				importance[i][k] = math.Abs(v)
			}
			predTrain = m.Predict(train.codes, train.n)
			predTest = m.Predict(test.codes, test.n)
		case isOneClass(err):
			predTrain, predTest = constantPrediction(yTrain[0], train.n), constantPrediction(yTrain[0], test.n)
		default:
			return nil, fmt.Errorf("metrics: DCI classifier for factor %d: %w", k, err)
		}
		res.InformativenessTrain += accuracy(predTrain, yTrain) / float64(train.numFactors)
		res.InformativenessTest += accuracy(predTest, yTest) / float64(train.numFactors)
	}
	res.Disentanglement = Disentanglement(importance)
	res.Completeness = Completeness(importance)
	return res, nil
}

// Disentanglement returns the DCI disentanglement of an importance matrix
// R ([codes][factors], non-negative): Σ_i ρ_i (1 − H_K(R_i. + 1e-11)), with
// ρ_i code i's share of the total importance and H_K the entropy to base K =
// number of factors of the row normalised to sum 1. An all-zero R gives every
// code equal weight (the result is then 0 up to rounding). With one factor
// each code's term is 1, where disentanglement_lib would divide by log 1.
func Disentanglement(r [][]float64) float64 {
	return weightedEntropyScore(r, false)
}

// Completeness returns the DCI completeness of an importance matrix R
// ([codes][factors]): Σ_k ρ_k (1 − H_D(R_.k + 1e-11)) with ρ_k factor k's
// share of the total importance and D the number of codes. The edge cases
// mirror Disentanglement's with codes and factors swapped.
func Completeness(r [][]float64) float64 {
	return weightedEntropyScore(r, true)
}

// weightedEntropyScore computes Disentanglement (byFactor false: one term per
// code over its row) or Completeness (byFactor true: one term per factor over
// its column).
func weightedEntropyScore(r [][]float64, byFactor bool) float64 {
	numCodes := len(r)
	numFactors := len(r[0])
	groups, members := numCodes, numFactors
	at := func(g, m int) float64 { return r[g][m] }
	if byFactor {
		groups, members = numFactors, numCodes
		at = func(g, m int) float64 { return r[m][g] }
	}

	total := 0.0
	for g := range groups {
		for m := range members {
			total += at(g, m)
		}
	}
	score := 0.0
	for g := range groups {
		p := make([]float64, members)
		weight := 0.0
		for m := range members {
			p[m] = at(g, m) + 1e-11
			weight += at(g, m)
		}
		if total == 0 {
			weight = float64(members) // all-ones matrix: equal weights
		}
		term := 1.0
		if members > 1 {
			term = 1 - entropyBase(p, float64(members))
		}
		norm := total
		if total == 0 {
			norm = float64(groups * members)
		}
		score += term * weight / norm
	}
	return score
}

// entropyBase returns the entropy of p normalised to sum 1, in the given
// base, as scipy.stats.entropy(p, base=base).
func entropyBase(p []float64, base float64) float64 {
	sum := 0.0
	for _, v := range p {
		sum += v
	}
	h := 0.0
	for _, v := range p {
		q := v / sum
		if q > 0 {
			h -= q * math.Log(q)
		}
	}
	return h / math.Log(base)
}

func isOneClass(err error) bool { return errors.Is(err, learn.ErrOneClass) }

func constantPrediction(label, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = label
	}
	return out
}

// accuracy returns the share of predictions equal to the labels.
func accuracy(pred, labels []int) float64 {
	hits := 0
	for i, p := range pred {
		if p == labels[i] {
			hits++
		}
	}
	return float64(hits) / float64(len(labels))
}
