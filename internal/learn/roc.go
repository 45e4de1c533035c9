package learn

import (
	"fmt"
	"slices"
)

// ROCAUC returns the area under the ROC curve of scores for the binary
// labels positive: the probability that a random positive scores higher than
// a random negative, ties counting one half (the Mann-Whitney U statistic
// divided by n_pos·n_neg). This equals the trapezoidal area that
// scikit-learn's roc_auc_score computes. It returns ErrOneClass when all
// labels are equal, since the area is then undefined.
func ROCAUC(positive []bool, scores []float64) (float64, error) {
	if len(positive) != len(scores) {
		return 0, fmt.Errorf("%w: %d labels for %d scores", ErrInvalidData, len(positive), len(scores))
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case scores[a] < scores[b]:
			return -1
		case scores[a] > scores[b]:
			return 1
		}
		return 0
	})

	// Sum the average ranks (1-based) of the positives over groups of tied scores.
	var numPos, numNeg, rankSum float64
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && scores[order[end]] == scores[order[start]] {
			end++
		}
		meanRank := float64(start+end+1) / 2
		for _, i := range order[start:end] {
			if positive[i] {
				numPos++
				rankSum += meanRank
			} else {
				numNeg++
			}
		}
		start = end
	}
	if numPos == 0 || numNeg == 0 {
		return 0, fmt.Errorf("%w: ROC AUC needs positive and negative labels, got %v positives of %d", ErrOneClass, numPos, len(positive))
	}
	return (rankSum - numPos*(numPos+1)/2) / (numPos * numNeg), nil
}
