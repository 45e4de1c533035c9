package learn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SVCConfig sets up a linear support vector classifier. Each zero field takes
// the default of scikit-learn 1.2.1's LinearSVC.
type SVCConfig struct {
	// C is the inverse regularisation strength; 0 means 1.
	C float64
	// Balanced weights each class's C by n/(K·n_class), scikit-learn's
	// class_weight="balanced". The zero value weights all classes equally.
	Balanced bool
	// Tolerance stops the solver when the projected gradient's spread
	// max − min is at most this; 0 means 1e-4.
	Tolerance float64
	// MaxIterations caps the passes over the data per class; 0 means 1000.
	MaxIterations int
	// Seed seeds the PCG stream that orders the coordinate updates.
	Seed uint64
}

func (c SVCConfig) withDefaults() SVCConfig {
	if c.C == 0 {
		c.C = 1
	}
	if c.Tolerance == 0 {
		c.Tolerance = 1e-4
	}
	if c.MaxIterations == 0 {
		c.MaxIterations = 1000
	}
	return c
}

// LinearSVC is a fitted linear support vector classifier. For each class
// (one-vs-rest, or a single model for two classes) it holds a weight vector w
// and an intercept b minimising ½‖(w, b)‖² + Σ_i C_i·max(0, 1 − y_i(w·x_i + b))².
// This is the squared hinge loss with the intercept regularised as one more
// feature of value 1, as liblinear does. It is solved in the dual by coordinate
// descent with shrinking (Hsieh et al. 2008, "A dual coordinate descent method
// for large-scale linear SVM", ICML, Algorithm 3), liblinear's solver 1 as
// scikit-learn 1.2.1 ships it.
type LinearSVC struct {
	classes    []int
	numFeature int
	coef       []float64 // [numModels, numFeature]
	intercept  []float64 // [numModels]
	// Iterations is the number of passes the solver made for each model.
	Iterations []int
	// Converged is false if any model stopped at MaxIterations.
	Converged bool
}

// FitLinearSVC fits a linear SVC to the n rows of x ([n, d] row-major) with
// labels y. It returns ErrOneClass when y has one distinct label.
func FitLinearSVC(x []float64, n, d int, y []int, cfg SVCConfig) (*LinearSVC, error) {
	cfg = cfg.withDefaults()
	if !(cfg.C > 0) || math.IsInf(cfg.C, 0) || !(cfg.Tolerance > 0) || cfg.MaxIterations < 1 {
		return nil, fmt.Errorf("%w: SVC C %v and Tolerance %v must be positive and finite, MaxIterations %d >= 1",
			ErrInvalidConfig, cfg.C, cfg.Tolerance, cfg.MaxIterations)
	}
	if err := checkData(x, n, d, y); err != nil {
		return nil, err
	}
	classes, encoded := encodeLabels(y)
	K := len(classes)
	if K < 2 {
		return nil, fmt.Errorf("%w: SVC needs at least 2 classes, labels are all %d", ErrOneClass, classes[0])
	}

	weight := make([]float64, K)
	for k := range weight {
		weight[k] = 1
	}
	if cfg.Balanced {
		counts := make([]float64, K)
		for _, c := range encoded {
			counts[c]++
		}
		for k := range weight {
			weight[k] = float64(n) / (float64(K) * counts[k])
		}
	}

	m := &LinearSVC{classes: classes, numFeature: d, Converged: true}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0))
	sign := make([]float64, n)
	numModels := K
	if K == 2 {
		numModels = 1
	}
	for k := range numModels {
		// With two classes the single model's positive class is the larger
		// label and both classes keep their weight. One-vs-rest weights only
		// the positive class, as liblinear does.
		pos, cPos, cNeg := k, cfg.C*weight[k], cfg.C
		if K == 2 {
			pos, cPos, cNeg = 1, cfg.C*weight[1], cfg.C*weight[0]
		}
		for i, c := range encoded {
			sign[i] = -1
			if c == pos {
				sign[i] = 1
			}
		}
		w, iters := solveSquaredHingeDual(x, n, d, sign, cPos, cNeg, cfg.Tolerance, cfg.MaxIterations, rng)
		m.coef = append(m.coef, w[:d]...)
		m.intercept = append(m.intercept, w[d])
		m.Iterations = append(m.Iterations, iters)
		if iters >= cfg.MaxIterations {
			m.Converged = false
		}
	}
	return m, nil
}

// solveSquaredHingeDual runs liblinear's dual coordinate descent for the
// L2-regularised squared hinge loss on the rows of x extended by a constant
// 1, with labels sign (±1). It returns the primal weights (d features, then
// the intercept) and the number of passes.
func solveSquaredHingeDual(x []float64, n, d int, sign []float64, cPos, cNeg, tol float64, maxIter int, rng *rand.Rand) ([]float64, int) {
	w := make([]float64, d+1)
	alpha := make([]float64, n)
	diag := make([]float64, n)
	qd := make([]float64, n)
	index := make([]int, n)
	for i := range n {
		c := cNeg
		if sign[i] > 0 {
			c = cPos
		}
		diag[i] = 0.5 / c
		qd[i] = diag[i] + 1 // the constant feature
		for _, v := range x[i*d : (i+1)*d] {
			qd[i] += v * v
		}
		index[i] = i
	}

	// pgMaxOld is the shrinking bound: a coordinate at alpha = 0 whose
	// gradient exceeds the previous pass's largest projected gradient leaves
	// the active set until the next full pass.
	pgMaxOld := math.Inf(1)
	active := n
	iter := 0
	for iter < maxIter {
		pgMaxNew, pgMinNew := math.Inf(-1), math.Inf(1)
		for i := range active {
			j := i + rng.IntN(active-i)
			index[i], index[j] = index[j], index[i]
		}
		for s := 0; s < active; s++ {
			i := index[s]
			row := x[i*d : (i+1)*d]
			g := w[d]
			for f, v := range row {
				g += w[f] * v
			}
			g = g*sign[i] - 1 + alpha[i]*diag[i]

			// The squared hinge has no upper bound on alpha, so only the
			// lower bound 0 can be active.
			pg := g
			if alpha[i] == 0 {
				if g > pgMaxOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				pg = min(g, 0)
			}
			pgMaxNew = max(pgMaxNew, pg)
			pgMinNew = min(pgMinNew, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[i]
				alpha[i] = max(alpha[i]-g/qd[i], 0)
				step := (alpha[i] - old) * sign[i]
				for f, v := range row {
					w[f] += step * v
				}
				w[d] += step
			}
		}
		iter++

		if pgMaxNew-pgMinNew <= tol {
			if active == n {
				break
			}
			active = n
			pgMaxOld = math.Inf(1)
			continue
		}
		pgMaxOld = pgMaxNew
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
	}
	return w, iter
}

// Classes returns the distinct training labels in increasing order.
func (m *LinearSVC) Classes() []int { return append([]int(nil), m.classes...) }

// Coef returns the weights, [models, d] row-major: one row for two classes
// (positive for the larger label), otherwise one row per class.
func (m *LinearSVC) Coef() []float64 { return append([]float64(nil), m.coef...) }

// Intercept returns one intercept per row of Coef.
func (m *LinearSVC) Intercept() []float64 { return append([]float64(nil), m.intercept...) }

// Decision returns the decision values of the n rows of x ([n, d]),
// [n, models] row-major. It panics if x has the wrong length.
func (m *LinearSVC) Decision(x []float64, n int) []float64 {
	d := m.numFeature
	if len(x) != n*d {
		panic(fmt.Sprintf("learn: SVC input of length %d for %d rows of %d features", len(x), n, d))
	}
	models := len(m.intercept)
	out := make([]float64, n*models)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for k := range models {
			s := 0.0
			for f, v := range row {
				s += m.coef[k*d+f] * v
			}
			out[i*models+k] = s + m.intercept[k]
		}
	}
	return out
}

// Predict returns the predicted label of each of the n rows of x: with two
// classes the larger label when the decision value is positive, otherwise the
// class with the largest decision value (the first on ties). It panics if x
// has the wrong length.
func (m *LinearSVC) Predict(x []float64, n int) []int {
	dec := m.Decision(x, n)
	if len(m.intercept) == 1 {
		out := make([]int, n)
		for i, v := range dec {
			out[i] = m.classes[0]
			if v > 0 {
				out[i] = m.classes[1]
			}
		}
		return out
	}
	return argmaxRows(dec, n, len(m.classes), m.classes)
}
