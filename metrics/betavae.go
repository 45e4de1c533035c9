package metrics

// BetaVAE disentanglement score from Higgins et al. 2017, "beta-VAE: Learning
// Basic Visual Concepts with a Constrained Variational Framework", ICLR,
// with disentanglement_lib's beta_vae.py settings: a scikit-learn
// logistic regression (default settings) as the classifier.

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/data"
	"github.com/gromov-monge/gmg/internal/learn"
)

// BetaVAEConfig sets up the BetaVAE score. Zero fields take
// disentanglement_lib's values.
type BetaVAEConfig struct {
	// BatchSize is the number of observation pairs behind one training
	// point; 0 means 64.
	BatchSize int
	// NumTrain and NumEval are the numbers of training and evaluation points;
	// 0 means 10,000 and 5,000.
	NumTrain, NumEval int
}

func (c BetaVAEConfig) withDefaults() BetaVAEConfig {
	if c.BatchSize == 0 {
		c.BatchSize = 64
	}
	if c.NumTrain == 0 {
		c.NumTrain = 10000
	}
	if c.NumEval == 0 {
		c.NumEval = 5000
	}
	return c
}

// BetaVAEResult is the BetaVAE score: the accuracy of a linear classifier
// that predicts which factor a batch of pairs shares from the pairs' mean
// absolute code difference.
type BetaVAEResult struct {
	TrainAccuracy float64 `json:"train_accuracy"`
	EvalAccuracy  float64 `json:"eval_accuracy"`
}

// BetaVAE returns the BetaVAE score of rep on d. Each point picks a factor k
// uniformly, draws BatchSize pairs of factor rows that agree on k, and takes
// the mean over pairs of |code(x1) − code(x2)|; a logistic regression learns
// k from these points. Every draw comes from rng. It checks ctx between
// points.
func BetaVAE(ctx context.Context, d data.Dataset, rep Representation, cfg BetaVAEConfig, rng *rand.Rand) (*BetaVAEResult, error) {
	cfg = cfg.withDefaults()
	if cfg.BatchSize < 1 || cfg.NumTrain < 1 || cfg.NumEval < 1 {
		return nil, fmt.Errorf("%w: BetaVAE batch size %d, %d training and %d evaluation points; all must be >= 1",
			ErrInvalidConfig, cfg.BatchSize, cfg.NumTrain, cfg.NumEval)
	}
	xTrain, yTrain, err := betaVAEPoints(ctx, d, rep, cfg.BatchSize, cfg.NumTrain, rng)
	if err != nil {
		return nil, err
	}
	m, err := learn.FitLogistic(xTrain, cfg.NumTrain, rep.NumCodes, yTrain, learn.LogisticConfig{})
	if err != nil {
		return nil, fmt.Errorf("metrics: BetaVAE classifier: %w", err)
	}
	xEval, yEval, err := betaVAEPoints(ctx, d, rep, cfg.BatchSize, cfg.NumEval, rng)
	if err != nil {
		return nil, err
	}
	return &BetaVAEResult{
		TrainAccuracy: accuracy(m.Predict(xTrain, cfg.NumTrain), yTrain),
		EvalAccuracy:  accuracy(m.Predict(xEval, cfg.NumEval), yEval),
	}, nil
}

// betaVAEPoints returns n feature vectors ([n, codes]) and the index of the
// factor each one held fixed.
func betaVAEPoints(ctx context.Context, d data.Dataset, rep Representation, batchSize, n int, rng *rand.Rand) ([]float64, []int, error) {
	sizes := data.Sizes(d)
	numCodes := rep.NumCodes
	features := make([]float64, n*numCodes)
	labels := make([]int, n)
	for p := range n {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		k := rng.IntN(len(sizes))
		first := data.SampleFactors(sizes, batchSize, rng)
		second := data.SampleFactors(sizes, batchSize, rng)
		for i := range batchSize {
			second[i*len(sizes)+k] = first[i*len(sizes)+k]
		}
		c1, err := observe(d, rep, first, rng)
		if err != nil {
			return nil, nil, err
		}
		c2, err := observe(d, rep, second, rng)
		if err != nil {
			return nil, nil, err
		}
		row := features[p*numCodes : (p+1)*numCodes]
		for i := range batchSize {
			for j := range numCodes {
				row[j] += math.Abs(c1[i*numCodes+j] - c2[i*numCodes+j])
			}
		}
		for j := range row {
			row[j] /= float64(batchSize)
		}
		labels[p] = k
	}
	return features, labels, nil
}
