package metrics

// Modularity and explicitness from Ridgeway and Mozer 2018, "Learning Deep
// Disentangled Embeddings With the F-Statistic Loss", NeurIPS, Sec. 3, as
// disentanglement_lib's modularity_explicitness.py computes them.

import (
	"fmt"
	"math"
	"slices"

	"github.com/gromov-monge/gmg/internal/learn"
)

// ModularityResult holds the modularity and explicitness of a representation.
type ModularityResult struct {
	// Modularity is Modularity of the codes' mutual information with the
	// factors (codes binned as for MIG).
	Modularity float64 `json:"modularity_score"`
	// ExplicitnessTrain and ExplicitnessTest are the mean one-vs-rest ROC AUC
	// of a logistic regression from all standardised codes to each factor,
	// averaged over factors, on the training and test splits.
	ExplicitnessTrain float64 `json:"explicitness_score_train"`
	ExplicitnessTest  float64 `json:"explicitness_score_test"`
}

// Modularity returns the modularity of a [codes][factors] mutual information
// matrix m: for each code, 1 − δ with δ = (Σ_k m_ik² − max_k m_ik²)/
// ((K−1)·max_k m_ik²), averaged over codes. A code with zero mutual
// information with every factor scores 0. With one factor every informative
// code scores 1, where disentanglement_lib would divide by zero.
func Modularity(m [][]float64) float64 {
	total := 0.0
	for _, row := range m {
		sum, top := 0.0, 0.0
		for _, v := range row {
			sum += v * v
			top = max(top, v*v)
		}
		switch {
		case top == 0:
		case len(row) == 1:
			total++
		default:
			total += 1 - (sum-top)/(top*float64(len(row)-1))
		}
	}
	return total / float64(len(m))
}

// ModularityExplicitness returns modularity, from train with numBins histogram
// bins per code (0 means DefaultNumBins), and explicitness, from a
// logistic regression (scikit-learn 1.2.1 defaults) per factor trained on the
// training codes standardised by their training mean and standard deviation.
//
// Edge cases: a constant code is standardised to 0 (disentanglement_lib
// divides by its zero deviation). A factor with one value in the training
// split, or one value in an evaluation split, has no defined ROC AUC, so it
// is left out of that split's average. The average is 0 when no factor is
// left.
// In an evaluation split, a class never seen in training has score 0 for
// every row, and classes whose column is all one label are skipped.
func ModularityExplicitness(train, test *Sample, numBins int) (*ModularityResult, error) {
	if err := checkSameShape(train, test); err != nil {
		return nil, err
	}
	mig, err := MIG(train, numBins)
	if err != nil {
		return nil, err
	}
	res := &ModularityResult{Modularity: Modularity(mig.MutualInfo)}

	xTrain, xTest := standardise(train, test)
	var sumTrain, sumTest float64
	var numTrain, numTest int
	for k := range train.numFactors {
		yTrain, yTest := train.factor(k), test.factor(k)
		m, err := learn.FitLogistic(xTrain, train.n, train.numCodes, yTrain, learn.LogisticConfig{})
		if isOneClass(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("metrics: explicitness classifier for factor %d: %w", k, err)
		}
		if auc, ok := meanOneVsRestAUC(yTrain, m.PredictProba(xTrain, train.n), m.Classes()); ok {
			sumTrain += auc
			numTrain++
		}
		if auc, ok := meanOneVsRestAUC(yTest, m.PredictProba(xTest, test.n), m.Classes()); ok {
			sumTest += auc
			numTest++
		}
	}
	if numTrain > 0 {
		res.ExplicitnessTrain = sumTrain / float64(numTrain)
	}
	if numTest > 0 {
		res.ExplicitnessTest = sumTest / float64(numTest)
	}
	return res, nil
}

// standardise returns the codes of train and test, each code shifted by its
// training mean and divided by its training standard deviation (divisor n).
// Constant codes become 0.
func standardise(train, test *Sample) ([]float64, []float64) {
	d := train.numCodes
	xTrain, xTest := slices.Clone(train.codes), slices.Clone(test.codes)
	for j := range d {
		c := train.code(j)
		m := mean(c)
		sd := math.Sqrt(variance(c, 0))
		for _, x := range [][]float64{xTrain, xTest} {
			for i := j; i < len(x); i += d {
				if sd == 0 {
					x[i] = 0
				} else {
					x[i] = (x[i] - m) / sd
				}
			}
		}
	}
	return xTrain, xTest
}

// meanOneVsRestAUC returns the macro-averaged ROC AUC of proba ([n, classes])
// against the labels y, one column per distinct label of y as
// scikit-learn's roc_auc_score on MultiLabelBinarizer output computes it. It
// reports false when no column has both labels.
func meanOneVsRestAUC(y []int, proba []float64, classes []int) (float64, bool) {
	sum, count := 0.0, 0
	positive := make([]bool, len(y))
	scores := make([]float64, len(y))
	for _, label := range distinct(y) {
		col, seen := slices.BinarySearch(classes, label)
		for i, v := range y {
			positive[i] = v == label
			scores[i] = 0
			if seen {
				scores[i] = proba[i*len(classes)+col]
			}
		}
		auc, err := learn.ROCAUC(positive, scores)
		if err != nil {
			continue
		}
		sum += auc
		count++
	}
	if count == 0 {
		return 0, false
	}
	return sum / float64(count), true
}
