package learn

import (
	"math"
	"testing"
)

func TestLogisticMatchesScikitLearn(t *testing.T) {
	cases := []struct {
		file string
		// coefTol bounds |coefficient - scikit-learn's| and probaTol
		// |probability - scikit-learn's|. The solver takes the same steps as
		// scipy's L-BFGS-B (same iteration count), so only summation order
		// differs.
		coefTol, probaTol float64
	}{
		{"logistic_binary.npz", 1e-8, 1e-10},
		{"logistic_multiclass.npz", 1e-8, 1e-10},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			ref := loadReference(t, tc.file)
			x, n, d := ref.matrix("x_train")
			y := ref.ints("y_train")
			xt, nt, _ := ref.matrix("x_test")
			m, err := FitLogistic(x, n, d, y, LogisticConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if !m.Converged {
				t.Errorf("L-BFGS did not converge in %d iterations", m.Iterations)
			}
			if want := ref.ints("n_iter")[0]; m.Iterations != want {
				t.Errorf("L-BFGS ran %d iterations, scikit-learn %d", m.Iterations, want)
			}
			wantCoef, gotCoef := ref.floats("coef"), m.Coef()
			for i := range wantCoef {
				if math.Abs(gotCoef[i]-wantCoef[i]) > tc.coefTol {
					t.Errorf("coef[%d] = %.6f, scikit-learn %.6f", i, gotCoef[i], wantCoef[i])
				}
			}
			wantIntercept, gotIntercept := ref.floats("intercept"), m.Intercept()
			for i := range wantIntercept {
				if math.Abs(gotIntercept[i]-wantIntercept[i]) > tc.coefTol {
					t.Errorf("intercept[%d] = %.6f, scikit-learn %.6f", i, gotIntercept[i], wantIntercept[i])
				}
			}
			wantP, gotP := ref.floats("proba_test"), m.PredictProba(xt, nt)
			worst := 0.0
			for i := range wantP {
				worst = max(worst, math.Abs(gotP[i]-wantP[i]))
			}
			if worst > tc.probaTol {
				t.Errorf("max |proba - scikit-learn| = %g, want <= %g", worst, tc.probaTol)
			}
			want, got := ref.ints("predict_test"), m.Predict(xt, nt)
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("test row %d predicted %d, scikit-learn %d", i, got[i], want[i])
				}
			}
		})
	}
}
