package learn

import (
	"math"
	"testing"
)

func TestLinearSVCMatchesScikitLearn(t *testing.T) {
	cases := []struct {
		file string
		// coefTol bounds |coefficient - scikit-learn's|. Both solvers stop
		// when the projected-gradient spread is below 1e-4 but visit the
		// coordinates in different random orders, so they stop at slightly
		// different points near the same optimum. The largest difference
		// seen was 2e-6.
		coefTol float64
		// maxMismatch is the largest share of test predictions allowed to
		// differ: only points within about coefTol of a decision boundary can
		// change side.
		maxMismatch float64
	}{
		{"svc_binary.npz", 1e-4, 0.02},
		{"svc_multiclass_1d.npz", 1e-4, 0.02},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			ref := loadReference(t, tc.file)
			x, n, d := ref.matrix("x_train")
			y := ref.ints("y_train")
			xt, nt, _ := ref.matrix("x_test")
			m, err := FitLinearSVC(x, n, d, y, SVCConfig{C: 0.01, Balanced: true})
			if err != nil {
				t.Fatal(err)
			}
			if !m.Converged {
				t.Errorf("solver did not converge in %v passes", m.Iterations)
			}
			wantCoef, wantIntercept := ref.floats("coef"), ref.floats("intercept")
			gotCoef, gotIntercept := m.Coef(), m.Intercept()
			for i := range wantCoef {
				if math.Abs(gotCoef[i]-wantCoef[i]) > tc.coefTol {
					t.Errorf("coef[%d] = %.6f, scikit-learn %.6f", i, gotCoef[i], wantCoef[i])
				}
			}
			for i := range wantIntercept {
				if math.Abs(gotIntercept[i]-wantIntercept[i]) > tc.coefTol {
					t.Errorf("intercept[%d] = %.6f, scikit-learn %.6f", i, gotIntercept[i], wantIntercept[i])
				}
			}
			want := ref.ints("predict_test")
			got := m.Predict(xt, nt)
			mismatch := 0
			for i := range want {
				if got[i] != want[i] {
					mismatch++
				}
			}
			if float64(mismatch) > tc.maxMismatch*float64(nt) {
				t.Errorf("%d of %d test predictions differ from scikit-learn", mismatch, nt)
			}
		})
	}
}
