package learn

import (
	"context"
	"errors"
	"math"
	"testing"
)

func TestGBTMatchesScikitLearn(t *testing.T) {
	cases := []struct {
		file string
		// importanceTol bounds |importance - scikit-learn's| per feature and
		// probaTol |probability - scikit-learn's|.
		importanceTol, probaTol float64
		// maxMismatch is the largest share of predictions allowed to differ.
		maxMismatch float64
	}{
		// Ten stages: the same trees, so only summation order differs and
		// everything agrees to rounding.
		{"gbt_binary_10.npz", 1e-9, 1e-9, 0},
		{"gbt_multiclass_10.npz", 1e-9, 1e-9, 0},
		// 100 stages: late trees isolate single samples, and when two features
		// isolate the same sample their splits tie up to rounding, which the
		// two implementations break differently. The models then drift apart
		// a little. The largest drift seen was 0.0017 in an importance, 0.056
		// in a probability and 1 of 50 predictions; the bounds are about three
		// times that.
		{"gbt_binary.npz", 0.005, 0.15, 0.05},
		{"gbt_multiclass.npz", 0.005, 0.15, 0.05},
		{"gbt_ties.npz", 0.005, 0.15, 0.05},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			ref := loadReference(t, tc.file)
			x, n, d := ref.matrix("x_train")
			y := ref.ints("y_train")
			xt, nt, _ := ref.matrix("x_test")
			cfg := GBTConfig{NumStages: ref.ints("n_estimators")[0], Seed: 0, Workers: 2}
			m, err := FitGBT(context.Background(), x, n, d, y, cfg)
			if err != nil {
				t.Fatal(err)
			}

			wantImp := ref.floats("importances")
			gotImp := m.FeatureImportances()
			for f := range wantImp {
				if math.Abs(gotImp[f]-wantImp[f]) > tc.importanceTol {
					t.Errorf("importance[%d] = %.12f, scikit-learn %.12f", f, gotImp[f], wantImp[f])
				}
			}
			for _, split := range []struct {
				name string
				x    []float64
				n    int
			}{{"predict_train", x, n}, {"predict_test", xt, nt}} {
				want := ref.ints(split.name)
				got := m.Predict(split.x, split.n)
				mismatch := 0
				for i := range want {
					if got[i] != want[i] {
						mismatch++
					}
				}
				if float64(mismatch) > tc.maxMismatch*float64(len(want)) {
					t.Errorf("%s: %d of %d predictions differ from scikit-learn", split.name, mismatch, len(want))
				}
			}
			wantP := ref.floats("proba_test")
			gotP := m.PredictProba(xt, nt)
			worst := 0.0
			for i := range wantP {
				worst = max(worst, math.Abs(gotP[i]-wantP[i]))
			}
			if worst > tc.probaTol {
				t.Errorf("max |proba - scikit-learn| = %g, want <= %g", worst, tc.probaTol)
			}
		})
	}
}

func TestGBTOneClass(t *testing.T) {
	_, err := FitGBT(context.Background(), []float64{1, 2, 3}, 3, 1, []int{4, 4, 4}, GBTConfig{})
	if !errors.Is(err, ErrOneClass) {
		t.Fatalf("err = %v, want ErrOneClass", err)
	}
}

func TestGBTWorkersDoNotChangeResult(t *testing.T) {
	ref := loadReference(t, "gbt_multiclass.npz")
	x, n, d := ref.matrix("x_train")
	y := ref.ints("y_train")
	one, err := FitGBT(context.Background(), x, n, d, y, GBTConfig{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	four, err := FitGBT(context.Background(), x, n, d, y, GBTConfig{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	p1, p4 := one.PredictProba(x, n), four.PredictProba(x, n)
	for i := range p1 {
		if p1[i] != p4[i] {
			t.Fatalf("proba[%d] = %v with 1 worker, %v with 4", i, p1[i], p4[i])
		}
	}
	// The importances are sums over trees, so they match only when the
	// trees are added in the same order whichever worker fitted them.
	i1, i4 := one.FeatureImportances(), four.FeatureImportances()
	for f := range i1 {
		if i1[f] != i4[f] {
			t.Fatalf("importance[%d] = %v with 1 worker, %v with 4", f, i1[f], i4[f])
		}
	}
}

func TestMT19937MatchesNumpy(t *testing.T) {
	// numpy 1.24.2: [np.random.RandomState(0).randint(0, 2**31 - 1) for _ in range(5)]
	want := []uint32{209652396, 398764591, 924231285, 1478610112, 441365315}
	m := newMT19937(0)
	for i, w := range want {
		if got := m.treeSeed(); got != w {
			t.Fatalf("draw %d = %d, numpy %d", i, got, w)
		}
	}
}
