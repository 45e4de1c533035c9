package metrics

// FactorVAE disentanglement score from Kim and Mnih 2018, "Disentangling by
// Factorising", ICML, with disentanglement_lib's factor_vae.py
// settings: codes with global standard deviation below 0.05 pruned, a
// majority-vote classifier.

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/data"
)

// FactorVAEConfig sets up the FactorVAE score. Zero fields take
// disentanglement_lib's values.
type FactorVAEConfig struct {
	// BatchSize is the number of observations behind one vote; 0 means 64.
	BatchSize int
	// NumTrain and NumEval are the numbers of training and evaluation votes;
	// 0 means 10,000 and 5,000.
	NumTrain, NumEval int
	// NumVarianceEstimate is the number of observations behind each code's
	// global variance; 0 means 10,000.
	NumVarianceEstimate int
	// PruneThreshold is the global standard deviation below which a code
	// counts as collapsed and is ignored; 0 means 0.05.
	PruneThreshold float64
}

func (c FactorVAEConfig) withDefaults() FactorVAEConfig {
	if c.BatchSize == 0 {
		c.BatchSize = 64
	}
	if c.NumTrain == 0 {
		c.NumTrain = 10000
	}
	if c.NumEval == 0 {
		c.NumEval = 5000
	}
	if c.NumVarianceEstimate == 0 {
		c.NumVarianceEstimate = 10000
	}
	if c.PruneThreshold == 0 {
		c.PruneThreshold = 0.05
	}
	return c
}

// FactorVAEResult is the FactorVAE score: the accuracy of the majority-vote
// classifier from "code with the smallest normalised variance" to "factor
// held fixed".
type FactorVAEResult struct {
	TrainAccuracy float64 `json:"train_accuracy"`
	EvalAccuracy  float64 `json:"eval_accuracy"`
	// NumActiveCodes is the number of codes whose global standard deviation
	// reaches the prune threshold. (disentanglement_lib reports the number of
	// all codes under this name.)
	NumActiveCodes int `json:"num_active_dims"`
}

// FactorVAE returns the FactorVAE score of rep on d. It first estimates each
// code's global variance (divisor n−1) from NumVarianceEstimate
// observations. Each vote then picks a factor k uniformly and draws BatchSize
// factor rows sharing one value of k. The vote goes to the active code with
// the smallest ratio of batch variance to global variance. The classifier maps
// each code to the factor with most training votes for it. Both accuracies
// are 0 when no code is active. Every draw comes from rng; it checks ctx
// between votes.
func FactorVAE(ctx context.Context, d data.Dataset, rep Representation, cfg FactorVAEConfig, rng *rand.Rand) (*FactorVAEResult, error) {
	cfg = cfg.withDefaults()
	if cfg.BatchSize < 2 || cfg.NumTrain < 1 || cfg.NumEval < 1 || cfg.NumVarianceEstimate < 2 || !(cfg.PruneThreshold >= 0) {
		return nil, fmt.Errorf("%w: FactorVAE batch size %d and variance sample %d must be >= 2, votes %d and %d >= 1, prune threshold %v >= 0",
			ErrInvalidConfig, cfg.BatchSize, cfg.NumVarianceEstimate, cfg.NumTrain, cfg.NumEval, cfg.PruneThreshold)
	}
	global, err := sampleCodes(ctx, d, rep, cfg.NumVarianceEstimate, cfg.BatchSize, rng)
	if err != nil {
		return nil, err
	}
	variances := make([]float64, rep.NumCodes)
	var active []int
	for j := range variances {
		variances[j] = variance(global.code(j), 1)
		if math.Sqrt(variances[j]) >= cfg.PruneThreshold {
			active = append(active, j)
		}
	}
	res := &FactorVAEResult{NumActiveCodes: len(active)}
	if len(active) == 0 {
		return res, nil
	}

	trainVotes, err := factorVAEVotes(ctx, d, rep, cfg.BatchSize, cfg.NumTrain, variances, active, rng)
	if err != nil {
		return nil, err
	}
	evalVotes, err := factorVAEVotes(ctx, d, rep, cfg.BatchSize, cfg.NumEval, variances, active, rng)
	if err != nil {
		return nil, err
	}
	classifier := majorityClassifier(trainVotes)
	res.TrainAccuracy = voteAccuracy(trainVotes, classifier)
	res.EvalAccuracy = voteAccuracy(evalVotes, classifier)
	return res, nil
}

// factorVAEVotes returns the [factors][codes] vote counts of n votes.
func factorVAEVotes(ctx context.Context, d data.Dataset, rep Representation, batchSize, n int,
	variances []float64, active []int, rng *rand.Rand) ([][]int, error) {
	sizes := data.Sizes(d)
	votes := make([][]int, len(sizes))
	for k := range votes {
		votes[k] = make([]int, rep.NumCodes)
	}
	column := make([]float64, batchSize)
	for range n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		k := rng.IntN(len(sizes))
		factors, _ := data.SampleFixedFactor(sizes, k, batchSize, rng)
		codes, err := observe(d, rep, factors, rng)
		if err != nil {
			return nil, err
		}
		best, bestRatio := -1, math.Inf(1)
		for _, j := range active {
			for i := range batchSize {
				column[i] = codes[i*rep.NumCodes+j]
			}
			if ratio := variance(column, 1) / variances[j]; ratio < bestRatio || best < 0 {
				best, bestRatio = j, ratio
			}
		}
		votes[k][best]++
	}
	return votes, nil
}

// majorityClassifier returns, for each code, the factor with the most votes
// for it in votes ([factors][codes]); ties go to the smaller factor index.
func majorityClassifier(votes [][]int) []int {
	numCodes := len(votes[0])
	out := make([]int, numCodes)
	for j := range numCodes {
		for k := range votes {
			if votes[k][j] > votes[out[j]][j] {
				out[j] = k
			}
		}
	}
	return out
}

// voteAccuracy returns the share of votes ([factors][codes]) whose code the
// classifier maps to the factor that cast them.
func voteAccuracy(votes [][]int, classifier []int) float64 {
	hits, total := 0, 0
	for k, row := range votes {
		for j, v := range row {
			total += v
			if classifier[j] == k {
				hits += v
			}
		}
	}
	if total == 0 {
		return 0
	}
	return float64(hits) / float64(total)
}
