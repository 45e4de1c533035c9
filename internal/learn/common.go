package learn

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

var (
	// ErrInvalidConfig is returned for a configuration value out of range.
	ErrInvalidConfig = errors.New("learn: invalid configuration")
	// ErrInvalidData is returned for training or test data of the wrong shape
	// or with NaN or Inf values.
	ErrInvalidData = errors.New("learn: invalid data")
	// ErrOneClass is returned when the training labels have a single value, so
	// that there is nothing to classify.
	ErrOneClass = errors.New("learn: only one class")
)

// checkData returns an error unless x holds n finite rows of d features and y
// holds n labels.
func checkData(x []float64, n, d int, y []int) error {
	if n < 1 || d < 1 {
		return fmt.Errorf("%w: %d samples of %d features, need at least 1 of each", ErrInvalidData, n, d)
	}
	if len(x) != n*d {
		return fmt.Errorf("%w: feature array of length %d for %d samples of %d features", ErrInvalidData, len(x), n, d)
	}
	if len(y) != n {
		return fmt.Errorf("%w: %d labels for %d samples", ErrInvalidData, len(y), n)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: sample %d feature %d is %v", ErrInvalidData, i/d, i%d, v)
		}
	}
	return nil
}

// encodeLabels returns the distinct labels of y in increasing order and y
// mapped to positions in that list, as scikit-learn's LabelEncoder does.
func encodeLabels(y []int) (classes, encoded []int) {
	classes = slices.Clone(y)
	slices.Sort(classes)
	classes = slices.Compact(classes)
	encoded = make([]int, len(y))
	for i, v := range y {
		encoded[i], _ = slices.BinarySearch(classes, v)
	}
	return classes, encoded
}

// argmaxRows returns, for each of the n rows of the [n, k] matrix scores, the
// label of its largest entry. The first of equal maxima wins, as in
// numpy.argmax.
func argmaxRows(scores []float64, n, k int, labels []int) []int {
	out := make([]int, n)
	for i := range n {
		row := scores[i*k : (i+1)*k]
		best := 0
		for j := 1; j < k; j++ {
			if row[j] > row[best] {
				best = j
			}
		}
		out[i] = labels[best]
	}
	return out
}
