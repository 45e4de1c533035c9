package learn

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// GBTConfig sets up a gradient-boosted trees classifier. Each zero field takes
// the default of scikit-learn 1.2.1's GradientBoostingClassifier.
type GBTConfig struct {
	// NumStages is the number of boosting stages; 0 means 100.
	NumStages int
	// MaxDepth is the depth limit of each tree; 0 means 3.
	MaxDepth int
	// LearningRate shrinks each tree's contribution; 0 means 0.1.
	LearningRate float64
	// MinSamplesSplit is the fewest samples a node needs to be split; 0 means 2.
	MinSamplesSplit int
	// MinSamplesLeaf is the fewest samples each child of a split needs; 0 means 1.
	MinSamplesLeaf int
	// Seed plays the part of scikit-learn's integer random_state. It orders
	// the features at each node, which decides between splits of exactly
	// equal quality (duplicated features, for example). The same seed gives
	// the same trees as GradientBoostingClassifier(random_state=Seed), up to
	// splits that tie only after rounding.
	Seed uint32
	// Workers is the number of trees of one stage grown at the same time;
	// 0 means runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int
}

func (c GBTConfig) withDefaults() GBTConfig {
	if c.NumStages == 0 {
		c.NumStages = 100
	}
	if c.MaxDepth == 0 {
		c.MaxDepth = 3
	}
	if c.LearningRate == 0 {
		c.LearningRate = 0.1
	}
	if c.MinSamplesSplit == 0 {
		c.MinSamplesSplit = 2
	}
	if c.MinSamplesLeaf == 0 {
		c.MinSamplesLeaf = 1
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c
}

func (c GBTConfig) validate() error {
	switch {
	case c.NumStages < 1:
		return fmt.Errorf("%w: GBT NumStages %d, must be >= 1", ErrInvalidConfig, c.NumStages)
	case c.MaxDepth < 1:
		return fmt.Errorf("%w: GBT MaxDepth %d, must be >= 1", ErrInvalidConfig, c.MaxDepth)
	case !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0):
		return fmt.Errorf("%w: GBT LearningRate %v, must be positive and finite", ErrInvalidConfig, c.LearningRate)
	case c.MinSamplesSplit < 2:
		return fmt.Errorf("%w: GBT MinSamplesSplit %d, must be >= 2", ErrInvalidConfig, c.MinSamplesSplit)
	case c.MinSamplesLeaf < 1:
		return fmt.Errorf("%w: GBT MinSamplesLeaf %d, must be >= 1", ErrInvalidConfig, c.MinSamplesLeaf)
	case c.Workers < 1:
		return fmt.Errorf("%w: GBT Workers %d, must be >= 1", ErrInvalidConfig, c.Workers)
	}
	return nil
}

// GBTClassifier is a fitted gradient-boosted trees classifier that follows
// scikit-learn 1.2.1's GradientBoostingClassifier with loss="log_loss":
//
//   - two classes: binomial deviance, one tree per stage, initial raw score
//     log(p/(1-p)) of the class-1 prior p;
//   - K > 2 classes: multinomial deviance, K trees per stage on the residuals
//     1[y=k] - softmax_k, initial raw scores the log class priors;
//   - trees grown depth first to MaxDepth with the Friedman MSE proxy
//     (n_R·S_L − n_L·S_R)²/(n_L·n_R), thresholds at the midpoint of consecutive
//     distinct float32 feature values;
//   - leaf values replaced by one Newton step, Σr / Σ(y−r)(1−y+r), scaled by
//     (K−1)/K for K > 2.
type GBTClassifier struct {
	classes      []int
	numFeatures  int
	learningRate float64
	initRaw      []float64           // [K] initial raw score per tree column
	stages       [][]*regressionTree // [stage][K]
	importances  []float64
}

// FitGBT fits a gradient-boosted trees classifier to the n rows of x
// ([n, d] row-major) with integer labels y. It returns ErrOneClass when y has
// fewer than two distinct labels and an error for NaN or Inf features. It
// checks ctx between stages.
func FitGBT(ctx context.Context, x []float64, n, d int, y []int, cfg GBTConfig) (*GBTClassifier, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := checkData(x, n, d, y); err != nil {
		return nil, err
	}
	classes, encoded := encodeLabels(y)
	if len(classes) < 2 {
		return nil, fmt.Errorf("%w: GBT needs at least 2 classes, labels are all %d", ErrOneClass, classes[0])
	}
	data := newPresorted(x, n, d)

	K := len(classes)
	if K == 2 {
		K = 1 // binomial deviance fits one tree per stage
	}
	m := &GBTClassifier{
		classes:      classes,
		numFeatures:  d,
		learningRate: cfg.LearningRate,
		initRaw:      priorRawScores(encoded, len(classes)),
		stages:       make([][]*regressionTree, 0, cfg.NumStages),
	}

	// raw[k][i] is the raw score of tree column k for sample i.
	raw := make([][]float64, K)
	for k := range raw {
		raw[k] = make([]float64, n)
		for i := range raw[k] {
			raw[k][i] = m.initRaw[k]
		}
	}
	stageRaw := make([][]float64, K)
	for k := range stageRaw {
		stageRaw[k] = make([]float64, n)
	}
	logSumExp := make([]float64, n)

	params := treeParams{maxDepth: cfg.MaxDepth, minSamplesSplit: cfg.MinSamplesSplit, minSamplesLeaf: cfg.MinSamplesLeaf}
	workers := min(cfg.Workers, K)
	builders := make([]*treeBuilder, workers)
	residuals := make([][]float64, workers)
	targets := make([][]float64, workers)
	// Each tree of a stage adds its importances to its own row, and the rows
	// are summed in stage and class order once the stage ends, so the sums
	// do not depend on which worker fitted which tree.
	importance := make([][]float64, K)
	for k := range importance {
		importance[k] = make([]float64, d)
	}
	m.importances = make([]float64, d)
	numRelevant := 0
	for w := range builders {
		builders[w] = newTreeBuilder(data, params)
		residuals[w] = make([]float64, n)
		targets[w] = make([]float64, n)
	}

	seeds := newMT19937(cfg.Seed)
	treeSeeds := make([]uint32, K)
	for range cfg.NumStages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for k := range treeSeeds {
			treeSeeds[k] = seeds.treeSeed()
		}
		// Residuals of every column come from the raw scores at the start of
		// the stage, so the K trees of a stage are independent.
		for k := range K {
			copy(stageRaw[k], raw[k])
		}
		if K > 1 {
			for i := range n {
				logSumExp[i] = rowLogSumExp(stageRaw, i)
			}
		}

		trees := make([]*regressionTree, K)
		for k := range importance {
			clear(importance[k])
		}
		var wg sync.WaitGroup
		next := make(chan int, K)
		for k := range K {
			next <- k
		}
		close(next)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range next {
					trees[k] = m.fitTree(builders[w], treeSeeds[k], encoded, k, K, stageRaw, logSumExp, raw[k], residuals[w], targets[w], importance[k])
				}
			}()
		}
		wg.Wait()
		m.stages = append(m.stages, trees)
		for k, tree := range trees {
			if len(tree.nodes) > 1 {
				numRelevant++
			}
			for f, v := range importance[k] {
				m.importances[f] += v
			}
		}
	}

	if numRelevant > 0 {
		// scikit-learn averages over the trees with at least one split and
		// then normalises to sum 1, so the averaging cancels out.
		total := sumOf(m.importances)
		if total > 0 {
			for f := range m.importances {
				m.importances[f] /= total
			}
		}
	}
	return m, nil
}

// fitTree grows the tree of column k for one stage, replaces its leaf values by
// the Newton step and adds the tree's shrunken predictions to raw.
func (m *GBTClassifier) fitTree(b *treeBuilder, seed uint32, y []int, k, K int,
	stageRaw [][]float64, logSumExp, raw, residual, target, importance []float64) *regressionTree {
	n := len(y)
	for i := range n {
		if K == 1 {
			target[i] = float64(y[i])
			residual[i] = target[i] - expit(stageRaw[0][i])
		} else {
			target[i] = 0
			if y[i] == k {
				target[i] = 1
			}
			residual[i] = target[i] - nanToNum(math.Exp(stageRaw[k][i]-logSumExp[i]))
		}
	}

	tree := b.build(residual, seed, importance)

	num := make([]float64, len(tree.nodes))
	den := make([]float64, len(tree.nodes))
	for i := range n {
		leaf := b.leafOf[i]
		num[leaf] += residual[i]
		den[leaf] += (target[i] - residual[i]) * (1 - target[i] + residual[i])
	}
	scale := 1.0
	if K > 1 {
		scale = float64(K-1) / float64(K)
	}
	for j := range tree.nodes {
		nd := &tree.nodes[j]
		if nd.feature >= 0 {
			continue
		}
		if math.Abs(den[j]) < 1e-150 {
			nd.value = 0
		} else {
			nd.value = num[j] * scale / den[j]
		}
	}
	for i := range n {
		raw[i] += m.learningRate * tree.nodes[b.leafOf[i]].value
	}
	return tree
}

// Classes returns the distinct training labels in increasing order; column j
// of PredictProba is the probability of Classes()[j].
func (m *GBTClassifier) Classes() []int { return append([]int(nil), m.classes...) }

// FeatureImportances returns the impurity-based importance of each feature:
// the impurity decrease of its splits, weighted by node size, averaged over
// the trees that split at least once and normalised to sum 1. It is all zeros
// when no tree split.
func (m *GBTClassifier) FeatureImportances() []float64 {
	return append([]float64(nil), m.importances...)
}

// decision returns the raw scores of the n rows of x, [K][n].
func (m *GBTClassifier) decision(x []float64, n int) [][]float64 {
	d := m.numFeatures
	if len(x) != n*d {
		panic(fmt.Sprintf("learn: GBT input of length %d for %d rows of %d features", len(x), n, d))
	}
	K := len(m.initRaw)
	raw := make([][]float64, K)
	for k := range raw {
		raw[k] = make([]float64, n)
	}
	row := make([]float32, d)
	for i := range n {
		for f := range d {
			row[f] = float32(x[i*d+f])
		}
		for k := range K {
			raw[k][i] = m.initRaw[k]
		}
		for _, trees := range m.stages {
			for k, t := range trees {
				raw[k][i] += m.learningRate * t.nodes[t.leaf(row)].value
			}
		}
	}
	return raw
}

// PredictProba returns the class probabilities of the n rows of x ([n, d]),
// [n, len(Classes())] row-major. It panics if x has the wrong length.
func (m *GBTClassifier) PredictProba(x []float64, n int) []float64 {
	raw := m.decision(x, n)
	K := len(m.classes)
	out := make([]float64, n*K)
	for i := range n {
		if len(raw) == 1 {
			p := expit(raw[0][i])
			out[i*2] = 1 - p
			out[i*2+1] = p
			continue
		}
		lse := rowLogSumExp(raw, i)
		for k := range K {
			out[i*K+k] = nanToNum(math.Exp(raw[k][i] - lse))
		}
	}
	return out
}

// Predict returns the most probable class of each of the n rows of x ([n, d]);
// ties go to the smaller label. It panics if x has the wrong length.
func (m *GBTClassifier) Predict(x []float64, n int) []int {
	proba := m.PredictProba(x, n)
	return argmaxRows(proba, n, len(m.classes), m.classes)
}

// priorRawScores returns the initial raw scores of scikit-learn's "prior"
// init estimator: log(p/(1-p)) of class 1 for two classes, otherwise the log
// of each class frequency, with frequencies clipped to [eps, 1-eps] (float32
// eps).
func priorRawScores(y []int, numClasses int) []float64 {
	counts := make([]float64, numClasses)
	for _, c := range y {
		counts[c]++
	}
	const eps = 1.1920928955078125e-07
	clip := func(p float64) float64 { return min(max(p, eps), 1-eps) }
	n := float64(len(y))
	if numClasses == 2 {
		p := clip(counts[1] / n)
		return []float64{math.Log(p / (1 - p))}
	}
	out := make([]float64, numClasses)
	for k, c := range counts {
		out[k] = math.Log(clip(c / n))
	}
	return out
}

// rowLogSumExp returns log Σ_k exp(raw[k][i]), shifted by the maximum as
// scipy.special.logsumexp does.
func rowLogSumExp(raw [][]float64, i int) float64 {
	top := math.Inf(-1)
	for k := range raw {
		top = max(top, raw[k][i])
	}
	if math.IsInf(top, 0) {
		top = 0
	}
	s := 0.0
	for k := range raw {
		s += math.Exp(raw[k][i] - top)
	}
	return math.Log(s) + top
}

func expit(v float64) float64 { return 1 / (1 + math.Exp(-v)) }

// nanToNum maps NaN to 0 and ±Inf to the largest finite float64 of that sign,
// as numpy.nan_to_num does.
func nanToNum(v float64) float64 {
	switch {
	case math.IsNaN(v):
		return 0
	case math.IsInf(v, 1):
		return math.MaxFloat64
	case math.IsInf(v, -1):
		return -math.MaxFloat64
	}
	return v
}

func sumOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}
