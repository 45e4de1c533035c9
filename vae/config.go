package vae

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/gromov-monge/gmg/ot"
)

// ErrInvalidConfig is returned, wrapped, for a Config field outside its
// valid range; the message names the field, its value and the valid values.
var ErrInvalidConfig = errors.New("vae: invalid config")

// Objective selects the VAE objective that training minimises. The zero value
// is BetaVAE.
type Objective int

const (
	// BetaVAE is reconstruction + β·KL (Higgins et al., ICLR 2017, eq. 4).
	BetaVAE Objective = iota
	// BetaTCVAE is reconstruction + KL + (β−1)·TC, the total correlation of
	// q(z) estimated by minibatch-weighted sampling (Chen et al., NeurIPS
	// 2018, eq. 4 and §4.1).
	BetaTCVAE
	// AnnealedVAE is reconstruction + γ·|KL − C| with the capacity C raised
	// linearly from 0 to C_max (Burgess et al. 2018, "Understanding
	// disentangling in β-VAE", eq. 8).
	AnnealedVAE
	// FactorVAE is reconstruction + KL + γ·TC with TC estimated by a
	// discriminator between q(z) and its dimension-permuted samples (Kim and
	// Mnih, ICML 2018, eq. 2 and Algorithm 2).
	FactorVAE
	// DIPVAEI is reconstruction + KL + λ_od·Σ_{i≠j} Cov[μ]_ij² +
	// λ_d·Σ_i (Cov[μ]_ii − 1)² (Kumar et al., ICLR 2018, eq. 6).
	DIPVAEI
	// DIPVAEII is DIPVAEI with Cov[μ] replaced by Cov_q(z) =
	// E[diag e^logVar] + Cov[μ] (Kumar et al., ICLR 2018, eq. 7).
	DIPVAEII
	numObjectives
)

var objectiveNames = [numObjectives]string{"beta-vae", "beta-tcvae", "annealed-vae", "factor-vae", "dip-vae-i", "dip-vae-ii"}

// String returns the objective's name as ParseObjective and the CLI spell
// it, e.g. "beta-tcvae".
func (o Objective) String() string {
	if o < 0 || o >= numObjectives {
		return fmt.Sprintf("Objective(%d)", int(o))
	}
	return objectiveNames[o]
}

// ObjectiveNames returns the names of all objectives.
func ObjectiveNames() []string { return objectiveNames[:] }

// ParseObjective returns the objective called name.
func ParseObjective(name string) (Objective, error) {
	for i, n := range objectiveNames {
		if n == name {
			return Objective(i), nil
		}
	}
	return 0, fmt.Errorf("%w: model %q: valid values are %s", ErrInvalidConfig, name, strings.Join(objectiveNames[:], ", "))
}

// Regularizer selects the geometric regulariser R added as λ·R. The zero
// value is NoRegularizer.
type Regularizer int

const (
	// NoRegularizer trains the plain objective.
	NoRegularizer Regularizer = iota
	// DST is the distortion of the regularised map on the batch.
	DST
	// GMG is the Gromov-Monge gap of the regularised map on the batch.
	GMG
	numRegularizers
)

var regularizerNames = [numRegularizers]string{"none", "dst", "gmg"}

// String returns "none", "dst" or "gmg".
func (r Regularizer) String() string {
	if r < 0 || r >= numRegularizers {
		return fmt.Sprintf("Regularizer(%d)", int(r))
	}
	return regularizerNames[r]
}

// RegularizerNames returns the names of all regularisers.
func RegularizerNames() []string { return regularizerNames[:] }

// ParseRegularizer returns the regulariser called name.
func ParseRegularizer(name string) (Regularizer, error) {
	for i, n := range regularizerNames {
		if n == name {
			return Regularizer(i), nil
		}
	}
	return 0, fmt.Errorf("%w: regularizer %q: valid values are %s", ErrInvalidConfig, name, strings.Join(regularizerNames[:], ", "))
}

// Placement selects the map that the regulariser acts on. The zero value
// is OnDecoder.
type Placement int

const (
	// OnDecoder regularises z ↦ sigmoid(decoder logits): the reference points
	// are the batch of latent samples z and their images the decoded
	// Bernoulli means, flattened.
	OnDecoder Placement = iota
	// OnEncoder regularises x ↦ encoder mean: the reference points are the
	// image batch, flattened, and their images the posterior means.
	OnEncoder
	numPlacements
)

var placementNames = [numPlacements]string{"decoder", "encoder"}

// String returns "decoder" or "encoder".
func (p Placement) String() string {
	if p < 0 || p >= numPlacements {
		return fmt.Sprintf("Placement(%d)", int(p))
	}
	return placementNames[p]
}

// PlacementNames returns the names of all placements.
func PlacementNames() []string { return placementNames[:] }

// ParsePlacement returns the placement called name.
func ParsePlacement(name string) (Placement, error) {
	for i, n := range placementNames {
		if n == name {
			return Placement(i), nil
		}
	}
	return 0, fmt.Errorf("%w: placement %q: valid values are %s", ErrInvalidConfig, name, strings.Join(placementNames[:], ", "))
}

// Config holds every setting of a training run of the VAE: architecture,
// objective, regulariser and optimiser. The zero value is not valid; start
// from DefaultConfig and change fields. Validate lists what is wrong.
type Config struct {
	// Latent is the number of latent dimensions (10 on the benchmarks).
	Latent int
	// SmallKernels selects 2×2 kernels in the encoder's last two
	// convolutions, as disentanglement_lib's code has them; false uses 4×4.
	SmallKernels bool

	// Objective is the VAE objective.
	Objective Objective
	// Beta weighs the KL term of BetaVAE and the total correlation of
	// BetaTCVAE as (Beta−1)·TC. Must be ≥ 0.
	Beta float64
	// CapacityGamma (γ), CapacityMax (C_max, in nats) and CapacitySteps (the
	// step at which C reaches C_max) set AnnealedVAE; disentanglement_lib
	// uses 1000, 25 and 100,000.
	CapacityGamma float64
	CapacityMax   float64
	CapacitySteps int
	// FactorGamma weighs FactorVAE's total correlation estimate; its study
	// sweeps 10 to 100.
	FactorGamma float64
	// DiscriminatorLR is the learning rate of FactorVAE's discriminator,
	// trained by Adam with β = (0.5, 0.9) as in disentanglement_lib.
	DiscriminatorLR float64
	// DiscriminatorUnits is the width of each of the discriminator's six
	// hidden layers; disentanglement_lib uses 1000.
	DiscriminatorUnits int
	// LambdaOD and LambdaD weigh the off-diagonal and diagonal covariance
	// penalties of DIPVAEI and DIPVAEII. disentanglement_lib sets λ_d to
	// 10·λ_od for DIP-VAE-I and to λ_od for DIP-VAE-II.
	LambdaOD, LambdaD float64

	// Regularizer is the geometric regulariser R of the loss term λ·R.
	Regularizer Regularizer
	// Placement is the map that Regularizer acts on.
	Placement Placement
	// Cost is the cost c_X = c_Y on both sides of the regularised map.
	Cost ot.Cost
	// Lambda is λ, the weight of the regulariser. Must be ≥ 0.
	Lambda float64
	// Epsilon is the entropic regularisation of the GW solve behind GMG:
	// ε₀ when EpsilonMode is ot.RelativeEpsilon (ε = ε₀·mean|Cx|·mean|Cy|),
	// ε itself when ot.AbsoluteEpsilon. Must be > 0 for GMG.
	Epsilon     float64
	EpsilonMode ot.EpsilonMode

	// BatchSize is the number of images per step; GMG and DST need at least 2.
	BatchSize int
	// LR is Adam's learning rate for the encoder and decoder, with β =
	// (0.9, 0.999) and ε = 1e-8.
	LR float64
	// Seed seeds the weights, the data sampling and the reparameterisation
	// noise, each from its own stream.
	Seed uint64
}

// DefaultConfig returns the benchmark settings: 10 latents, β-VAE with β = 1,
// GMG on the decoder with the cosine cost, λ = 1 and relative ε₀ = 0.01,
// batch 64, Adam with learning rate 1e-4 and seed 0, and
// disentanglement_lib's defaults for the other objectives' weights.
func DefaultConfig() Config {
	return Config{
		Latent:             10,
		Objective:          BetaVAE,
		Beta:               1,
		CapacityGamma:      1000,
		CapacityMax:        25,
		CapacitySteps:      100000,
		FactorGamma:        10,
		DiscriminatorLR:    1e-4,
		DiscriminatorUnits: 1000,
		LambdaOD:           10,
		LambdaD:            100,
		Regularizer:        GMG,
		Placement:          OnDecoder,
		Cost:               ot.Cosine,
		Lambda:             1,
		Epsilon:            ot.DefaultEpsilon,
		EpsilonMode:        ot.RelativeEpsilon,
		BatchSize:          64,
		LR:                 1e-4,
	}
}

// DefaultLambdaD returns disentanglement_lib's λ_d for an objective and λ_od:
// 10·λ_od for DIP-VAE-I and λ_od for DIP-VAE-II.
func DefaultLambdaD(o Objective, lambdaOD float64) float64 {
	if o == DIPVAEI {
		return 10 * lambdaOD
	}
	return lambdaOD
}

// Validate returns an error wrapping ErrInvalidConfig that lists every field
// outside its valid range, or nil.
func (c Config) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

	if c.Latent < 1 {
		add("latent %d: must be at least 1", c.Latent)
	}
	if c.Objective < 0 || c.Objective >= numObjectives {
		add("model %v: valid values are %s", c.Objective, strings.Join(objectiveNames[:], ", "))
	}
	if !finite(c.Beta) || c.Beta < 0 {
		add("beta %g: must be a finite number ≥ 0", c.Beta)
	}
	switch c.Objective {
	case AnnealedVAE:
		if !finite(c.CapacityGamma) || c.CapacityGamma < 0 {
			add("capacity gamma %g: must be a finite number ≥ 0", c.CapacityGamma)
		}
		if !finite(c.CapacityMax) || c.CapacityMax < 0 {
			add("capacity max %g nats: must be a finite number ≥ 0", c.CapacityMax)
		}
		if c.CapacitySteps < 1 {
			add("capacity steps %d: must be at least 1", c.CapacitySteps)
		}
	case FactorVAE:
		if !finite(c.FactorGamma) || c.FactorGamma < 0 {
			add("factor gamma %g: must be a finite number ≥ 0", c.FactorGamma)
		}
		if !finite(c.DiscriminatorLR) || c.DiscriminatorLR <= 0 {
			add("discriminator learning rate %g: must be a finite number > 0", c.DiscriminatorLR)
		}
		if c.DiscriminatorUnits < 1 {
			add("discriminator units %d: must be at least 1", c.DiscriminatorUnits)
		}
	case DIPVAEI, DIPVAEII:
		if !finite(c.LambdaOD) || c.LambdaOD < 0 {
			add("lambda-od %g: must be a finite number ≥ 0", c.LambdaOD)
		}
		if !finite(c.LambdaD) || c.LambdaD < 0 {
			add("lambda-d %g: must be a finite number ≥ 0", c.LambdaD)
		}
	}

	if c.Regularizer < 0 || c.Regularizer >= numRegularizers {
		add("regularizer %v: valid values are %s", c.Regularizer, strings.Join(regularizerNames[:], ", "))
	}
	if c.Placement < 0 || c.Placement >= numPlacements {
		add("placement %v: valid values are %s", c.Placement, strings.Join(placementNames[:], ", "))
	}
	if _, err := ot.ParseCost(c.Cost.String()); err != nil {
		add("cost %v: valid values are sqeuclidean, inner, cosine, scaled-sqeuclidean", c.Cost)
	}
	if !finite(c.Lambda) || c.Lambda < 0 {
		add("lambda %g: must be a finite number ≥ 0", c.Lambda)
	}
	if c.Regularizer == GMG && (!finite(c.Epsilon) || c.Epsilon <= 0) {
		add("epsilon %g: must be a finite number > 0", c.Epsilon)
	}
	if c.EpsilonMode != ot.RelativeEpsilon && c.EpsilonMode != ot.AbsoluteEpsilon {
		add("epsilon mode %v: valid values are relative, absolute", c.EpsilonMode)
	}

	minBatch := 1
	if c.Regularizer != NoRegularizer || c.Objective == BetaTCVAE || c.Objective == FactorVAE || c.Objective == DIPVAEI || c.Objective == DIPVAEII {
		// Batch statistics (costs between points, q(z), covariances) need
		// two points.
		minBatch = 2
	}
	if c.BatchSize < minBatch {
		add("batch size %d: must be at least %d for model %v with regularizer %v", c.BatchSize, minBatch, c.Objective, c.Regularizer)
	}
	if !finite(c.LR) || c.LR <= 0 {
		add("learning rate %g: must be a finite number > 0", c.LR)
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrInvalidConfig, strings.Join(problems, "; "))
}

// configJSON is the JSON form of Config, with enums written by name.
type configJSON struct {
	Latent             int     `json:"latent"`
	SmallKernels       bool    `json:"small_kernels"`
	Objective          string  `json:"model"`
	Beta               float64 `json:"beta"`
	CapacityGamma      float64 `json:"capacity_gamma"`
	CapacityMax        float64 `json:"capacity_max"`
	CapacitySteps      int     `json:"capacity_steps"`
	FactorGamma        float64 `json:"factor_gamma"`
	DiscriminatorLR    float64 `json:"discriminator_lr"`
	DiscriminatorUnits int     `json:"discriminator_units"`
	LambdaOD           float64 `json:"lambda_od"`
	LambdaD            float64 `json:"lambda_d"`
	Regularizer        string  `json:"regularizer"`
	Placement          string  `json:"placement"`
	Cost               string  `json:"cost"`
	Lambda             float64 `json:"lambda"`
	Epsilon            float64 `json:"epsilon"`
	EpsilonMode        string  `json:"epsilon_mode"`
	BatchSize          int     `json:"batch_size"`
	LR                 float64 `json:"lr"`
	Seed               uint64  `json:"seed"`
}

// MarshalJSON writes the config with its enums by name, e.g.
// "model": "beta-tcvae".
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(configJSON{
		Latent: c.Latent, SmallKernels: c.SmallKernels,
		Objective: c.Objective.String(), Beta: c.Beta,
		CapacityGamma: c.CapacityGamma, CapacityMax: c.CapacityMax, CapacitySteps: c.CapacitySteps,
		FactorGamma: c.FactorGamma, DiscriminatorLR: c.DiscriminatorLR, DiscriminatorUnits: c.DiscriminatorUnits,
		LambdaOD: c.LambdaOD, LambdaD: c.LambdaD,
		Regularizer: c.Regularizer.String(), Placement: c.Placement.String(), Cost: c.Cost.String(),
		Lambda: c.Lambda, Epsilon: c.Epsilon, EpsilonMode: c.EpsilonMode.String(),
		BatchSize: c.BatchSize, LR: c.LR, Seed: c.Seed,
	})
}

// UnmarshalJSON reads the form MarshalJSON writes. An unknown enum name is
// an error wrapping ErrInvalidConfig.
func (c *Config) UnmarshalJSON(b []byte) error {
	var j configJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}

	obj, err := ParseObjective(j.Objective)
	if err != nil {
		return err
	}
	reg, err := ParseRegularizer(j.Regularizer)
	if err != nil {
		return err
	}
	place, err := ParsePlacement(j.Placement)
	if err != nil {
		return err
	}
	cost, err := ot.ParseCost(j.Cost)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	mode, err := ParseEpsilonMode(j.EpsilonMode)
	if err != nil {
		return err
	}

	*c = Config{
		Latent: j.Latent, SmallKernels: j.SmallKernels,
		Objective: obj, Beta: j.Beta,
		CapacityGamma: j.CapacityGamma, CapacityMax: j.CapacityMax, CapacitySteps: j.CapacitySteps,
		FactorGamma: j.FactorGamma, DiscriminatorLR: j.DiscriminatorLR, DiscriminatorUnits: j.DiscriminatorUnits,
		LambdaOD: j.LambdaOD, LambdaD: j.LambdaD,
		Regularizer: reg, Placement: place, Cost: cost,
		Lambda: j.Lambda, Epsilon: j.Epsilon, EpsilonMode: mode,
		BatchSize: j.BatchSize, LR: j.LR, Seed: j.Seed,
	}
	return nil
}

// ParseEpsilonMode returns ot.RelativeEpsilon for "relative" and
// ot.AbsoluteEpsilon for "absolute".
func ParseEpsilonMode(name string) (ot.EpsilonMode, error) {
	switch name {
	case "relative":
		return ot.RelativeEpsilon, nil
	case "absolute":
		return ot.AbsoluteEpsilon, nil
	}
	return 0, fmt.Errorf("%w: epsilon mode %q: valid values are relative, absolute", ErrInvalidConfig, name)
}
