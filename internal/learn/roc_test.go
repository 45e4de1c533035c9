package learn

import (
	"errors"
	"math"
	"testing"
)

func TestROCAUC(t *testing.T) {
	cases := []struct {
		name     string
		positive []bool
		scores   []float64
		// want is sklearn.metrics.roc_auc_score (scikit-learn 1.2.1) of the
		// same labels and scores.
		want float64
	}{
		{"perfect", []bool{false, false, true, true}, []float64{0.1, 0.2, 0.3, 0.4}, 1},
		{"reversed", []bool{true, true, false, false}, []float64{0.1, 0.2, 0.3, 0.4}, 0},
		{"textbook", []bool{false, false, true, true}, []float64{0.1, 0.4, 0.35, 0.8}, 0.75},
		{"ties", []bool{false, true, false, true, true}, []float64{0.5, 0.5, 0.2, 0.9, 0.5}, 5.0 / 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ROCAUC(tc.positive, tc.scores)
			if err != nil {
				t.Fatal(err)
			}
			// Exact fractions of small integers: only rounding separates them.
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("ROCAUC = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestROCAUCOneClass(t *testing.T) {
	_, err := ROCAUC([]bool{true, true}, []float64{1, 2})
	if !errors.Is(err, ErrOneClass) {
		t.Fatalf("err = %v, want ErrOneClass", err)
	}
}
