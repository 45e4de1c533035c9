package learn

import (
	"fmt"
	"math"
)

// LogisticConfig sets up a logistic regression. Each zero field takes the
// default of scikit-learn 1.2.1's LogisticRegression.
type LogisticConfig struct {
	// C is the inverse L2 regularisation strength; 0 means 1.
	C float64
	// MaxIterations caps the L-BFGS iterations; 0 means 100.
	MaxIterations int
	// Tolerance stops L-BFGS when the largest gradient component is at most
	// this; 0 means 1e-4.
	Tolerance float64
}

func (c LogisticConfig) withDefaults() LogisticConfig {
	if c.C == 0 {
		c.C = 1
	}
	if c.MaxIterations == 0 {
		c.MaxIterations = 100
	}
	if c.Tolerance == 0 {
		c.Tolerance = 1e-4
	}
	return c
}

// Logistic is a fitted L2-regularised logistic regression with an
// unpenalised intercept. With two classes it models the larger label with one
// weight vector, scikit-learn's binary "ovr" case. With more classes it is
// multinomial with one weight vector per class. The objective is the summed
// log-loss plus ‖W‖²/(2C), minimised by L-BFGS from zero weights as
// scikit-learn 1.2.1's solver "lbfgs" does through scipy's L-BFGS-B (memory
// 10, ftol 2.2e-9, gtol Tolerance, at most 20 evaluations per line search).
type Logistic struct {
	classes    []int
	numFeature int
	coef       []float64 // [models, d]
	intercept  []float64 // [models]
	// Iterations is the number of L-BFGS iterations run.
	Iterations int
	// Converged is false when L-BFGS stopped at MaxIterations or on a failed
	// line search. scikit-learn warns in that case and keeps the weights;
	// so does FitLogistic.
	Converged bool
}

// FitLogistic fits a logistic regression to the n rows of x ([n, d]
// row-major) with labels y. It returns ErrOneClass when y has one distinct
// label.
func FitLogistic(x []float64, n, d int, y []int, cfg LogisticConfig) (*Logistic, error) {
	cfg = cfg.withDefaults()
	if !(cfg.C > 0) || math.IsInf(cfg.C, 0) || !(cfg.Tolerance > 0) || cfg.MaxIterations < 1 {
		return nil, fmt.Errorf("%w: logistic C %v and Tolerance %v must be positive and finite, MaxIterations %d >= 1",
			ErrInvalidConfig, cfg.C, cfg.Tolerance, cfg.MaxIterations)
	}
	if err := checkData(x, n, d, y); err != nil {
		return nil, err
	}
	classes, encoded := encodeLabels(y)
	K := len(classes)
	if K < 2 {
		return nil, fmt.Errorf("%w: logistic regression needs at least 2 classes, labels are all %d", ErrOneClass, classes[0])
	}
	models := K
	if K == 2 {
		models = 1
	}

	// Parameters: models rows of d weights and then one intercept per model.
	params := make([]float64, models*(d+1))
	lambda := 1 / cfg.C
	scores := make([]float64, models)
	fn := func(p, grad []float64) float64 {
		w, b := p[:models*d], p[models*d:]
		gw, gb := grad[:models*d], grad[models*d:]
		for j := range grad {
			grad[j] = 0
		}
		loss := 0.0
		for i := range n {
			row := x[i*d : (i+1)*d]
			for k := range models {
				s := b[k]
				for f, v := range row {
					s += w[k*d+f] * v
				}
				scores[k] = s
			}
			if models == 1 {
				// Half binomial loss log(1 + e^s) − y·s and its slope σ(s) − y.
				s, t := scores[0], float64(encoded[i])
				loss += softplus(s) - t*s
				r := expit(s) - t
				gb[0] += r
				axpy(r, row, gw[:d])
				continue
			}
			top := math.Inf(-1)
			for _, s := range scores {
				top = max(top, s)
			}
			sum := 0.0
			for _, s := range scores {
				sum += math.Exp(s - top)
			}
			lse := math.Log(sum) + top
			loss += lse - scores[encoded[i]]
			for k := range models {
				r := math.Exp(scores[k] - lse)
				if k == encoded[i] {
					r--
				}
				gb[k] += r
				axpy(r, row, gw[k*d:(k+1)*d])
			}
		}
		for j, v := range w {
			loss += 0.5 * lambda * v * v
			gw[j] += lambda * v
		}
		return loss
	}
	res := minimizeLBFGS(fn, params, lbfgsSettings{
		memory: 10, maxIter: cfg.MaxIterations, gtol: cfg.Tolerance, ftol: 2.220446049250313e-09, maxLS: 20,
	})
	return &Logistic{
		classes:    classes,
		numFeature: d,
		coef:       params[:models*d],
		intercept:  params[models*d:],
		Iterations: res.iterations,
		Converged:  res.converged,
	}, nil
}

// softplus returns log(1 + e^s) without overflow.
func softplus(s float64) float64 {
	if s > 0 {
		return s + math.Log1p(math.Exp(-s))
	}
	return math.Log1p(math.Exp(s))
}

// Classes returns the distinct training labels in increasing order.
func (m *Logistic) Classes() []int { return append([]int(nil), m.classes...) }

// Coef returns the weights, [models, d] row-major: one row for two classes
// (for the larger label), otherwise one row per class.
func (m *Logistic) Coef() []float64 { return append([]float64(nil), m.coef...) }

// Intercept returns one intercept per row of Coef.
func (m *Logistic) Intercept() []float64 { return append([]float64(nil), m.intercept...) }

// PredictProba returns the class probabilities of the n rows of x ([n, d]),
// [n, len(Classes())] row-major. It panics if x has the wrong length.
func (m *Logistic) PredictProba(x []float64, n int) []float64 {
	d := m.numFeature
	if len(x) != n*d {
		panic(fmt.Sprintf("learn: logistic input of length %d for %d rows of %d features", len(x), n, d))
	}
	K := len(m.classes)
	models := len(m.intercept)
	out := make([]float64, n*K)
	scores := make([]float64, models)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for k := range models {
			s := m.intercept[k]
			for f, v := range row {
				s += m.coef[k*d+f] * v
			}
			scores[k] = s
		}
		if models == 1 {
			p := expit(scores[0])
			out[i*2], out[i*2+1] = 1-p, p
			continue
		}
		top := math.Inf(-1)
		for _, s := range scores {
			top = max(top, s)
		}
		sum := 0.0
		for k, s := range scores {
			out[i*K+k] = math.Exp(s - top)
			sum += out[i*K+k]
		}
		for k := range K {
			out[i*K+k] /= sum
		}
	}
	return out
}

// Predict returns the most probable label of each of the n rows of x; ties go
// to the smaller label. It panics if x has the wrong length.
func (m *Logistic) Predict(x []float64, n int) []int {
	proba := m.PredictProba(x, n)
	return argmaxRows(proba, n, len(m.classes), m.classes)
}
