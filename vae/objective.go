package vae

import (
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/gmg"
	"github.com/gromov-monge/gmg/tensor"
)

// recorded holds the nodes of a step's objective that the rest of the step
// uses.
type recorded struct {
	total *autodiff.Var
	// z is the batch of latent samples, [n, latent].
	z *autodiff.Var
}

// objective records the loss of t.cfg for the batch in t.images and the
// noise in t.noise on t.tape, and fills t.terms. Every term is averaged over
// the batch; the reconstruction and KL terms are summed over pixels and
// latent dimensions, as in disentanglement_lib.
func (t *Trainer) objective() (recorded, error) {
	tp, cfg, m := t.tape, t.cfg, t.model
	t.terms = t.terms[:0]
	t.terms = append(t.terms, Term{Name: "loss"})
	inv := 1 / float32(cfg.BatchSize)

	mean, logVar := m.Encode(tp, tp.Const(t.images))
	z := Sample(tp, mean, logVar, t.noise)
	logits := m.Decode(tp, z)
	recon := tp.Scale(tp.Sum(tp.SigmoidCrossEntropy(logits, t.images)), inv)
	kl := tp.Scale(tp.Sum(tp.GaussianKL(mean, logVar)), inv)
	t.addTerm("reconstruction", recon)
	t.addTerm("kl", kl)

	var penalty *autodiff.Var
	switch cfg.Objective {
	case BetaVAE:
		penalty = tp.Scale(kl, float32(cfg.Beta))
	case BetaTCVAE:
		tc := t.totalCorrelation(z, mean, logVar)
		t.addTerm("tc", tc)
		penalty = tp.Add(kl, tp.Scale(tc, float32(cfg.Beta-1)))
	case AnnealedVAE:
		penalty = t.capacityPenalty(kl)
	case FactorVAE:
		tc := t.discriminatorTC(z)
		t.addTerm("tc", tc)
		penalty = tp.Add(kl, tp.Scale(tc, float32(cfg.FactorGamma)))
	case DIPVAEI, DIPVAEII:
		dip := t.dipPenalty(mean, logVar)
		t.addTerm("dip", dip)
		penalty = tp.Add(kl, dip)
	default:
		panic(fmt.Sprintf("vae: objective %v", cfg.Objective))
	}
	total := tp.Add(recon, penalty)

	if cfg.Regularizer != NoRegularizer {
		// A NaN in the map's points would surface as an error of the GW
		// solver; name the term that caused it instead.
		if err := t.checkTerms(); err != nil {
			return recorded{}, err
		}
		r, err := t.regularizer(z, mean, logits)
		if err != nil {
			return recorded{}, err
		}
		t.addTerm(cfg.Regularizer.String(), r)
		total = tp.Add(total, tp.Scale(r, float32(cfg.Lambda)))
	}
	t.terms[0].Value = float64(total.Value.Item())
	return recorded{total: total, z: z}, nil
}

// regularizer records R on the map that cfg.Placement selects: z ↦
// sigmoid(logits) on the decoder, x ↦ mean on the encoder. The reference
// points take no gradient.
func (t *Trainer) regularizer(z, mean, logits *autodiff.Var) (*autodiff.Var, error) {
	tp := t.tape
	kind := gmg.GMGRegularizer
	if t.cfg.Regularizer == DST {
		kind = gmg.DSTRegularizer
	}
	var x, y *autodiff.Var
	switch t.cfg.Placement {
	case OnDecoder:
		x, y = z, tp.Sigmoid(logits)
	case OnEncoder:
		x, y = tp.Const(t.images), mean
	default:
		panic(fmt.Sprintf("vae: placement %v", t.cfg.Placement))
	}
	r, _, err := t.estimator.LossWith(&t.gmgWorkspace, tp, kind, x, y)
	if err != nil {
		return nil, fmt.Errorf("%v regularizer on the %v: %w", t.cfg.Regularizer, t.cfg.Placement, err)
	}
	return r, nil
}

// totalCorrelation records the minibatch-weighted-sampling estimate of the
// total correlation of q(z) (Chen et al., NeurIPS 2018, §4.1), with N the
// number of grid points of the dataset and n the batch size:
//
//	log q(z_i)      ≈ logsumexp_j log q(z_i | x_j) − log(nN)
//	log q_k(z_ik)   ≈ logsumexp_j log q(z_ik | x_j) − log(nN)
//	TC              ≈ mean_i [log q(z_i) − Σ_k log q_k(z_ik)]
//
// The −½ log 2π of each Gaussian log-density cancels between the two sums,
// so it is left out; the log(nN) terms leave the constant (d−1)·log(nN).
func (t *Trainer) totalCorrelation(z, mean, logVar *autodiff.Var) *autodiff.Var {
	tp := t.tape
	n, d := t.cfg.BatchSize, t.cfg.Latent

	// logQ[i, j, k] = log q(z_ik | x_j) + ½ log 2π
	//              = −½ (logVar_jk + (z_ik − mean_jk)² e^−logVar_jk).
	zi := tp.Reshape(z, n, 1, d)
	meanJ := tp.Reshape(mean, 1, n, d)
	logVarJ := tp.Reshape(logVar, 1, n, d)
	sq := tp.Square(tp.Sub(zi, meanJ))
	logQ := tp.Scale(tp.Add(tp.Mul(sq, tp.Exp(tp.Neg(logVarJ))), logVarJ), -0.5)

	joint := tp.LogSumExp(tp.Sum(logQ, 2), 1)     // [n]
	marginals := tp.Sum(tp.LogSumExp(logQ, 1), 1) // [n]
	t.tcOffset.Data()[0] = float32(float64(d-1) * math.Log(float64(n)*float64(t.gridPoints)))
	return tp.Add(tp.Mean(tp.Sub(joint, marginals)), tp.Const(t.tcOffset))
}

// capacityPenalty records AnnealedVAE's γ·|KL − C| with C = C_max·min(1,
// step/CapacitySteps), step counting the finished steps as TensorFlow's
// global_step does. The gradient of |·| at 0 is 0, as tf.abs has it.
func (t *Trainer) capacityPenalty(kl *autodiff.Var) *autodiff.Var {
	tp, cfg := t.tape, t.cfg
	c := min(cfg.CapacityMax, cfg.CapacityMax*float64(t.step)/float64(cfg.CapacitySteps))
	t.capacity.Data()[0] = float32(c)
	t.terms = append(t.terms, Term{"capacity", c})
	diff := tp.Sub(kl, tp.Const(t.capacity))
	sign := float32(0)
	switch v := diff.Value.Item(); {
	case v > 0:
		sign = 1
	case v < 0:
		sign = -1
	}
	return tp.Scale(diff, sign*float32(cfg.CapacityGamma))
}

// dipPenalty records DIP-VAE's λ_od·Σ_{i≠j} C_ij² + λ_d·Σ_i (C_ii − 1)² for
// C the batch covariance of the posterior means (DIP-VAE-I), plus the mean
// posterior variance on the diagonal (DIP-VAE-II). The covariance divides
// by n, as disentanglement_lib's compute_covariance_z_mean does.
func (t *Trainer) dipPenalty(mean, logVar *autodiff.Var) *autodiff.Var {
	tp, cfg := t.tape, t.cfg
	centred := tp.Sub(mean, tp.Mean(mean, 0))
	cov := tp.Scale(tp.MatMul(tp.Transpose(centred, 1, 0), centred), 1/float32(cfg.BatchSize))
	if cfg.Objective == DIPVAEII {
		cov = tp.Add(cov, tp.Mul(tp.Const(t.eye), tp.Mean(tp.Exp(logVar), 0)))
	}
	offDiag := tp.Sum(tp.Square(tp.Mul(cov, tp.Const(t.offDiag))))
	diag := tp.Sum(tp.Mul(cov, tp.Const(t.eye)), 1)
	onDiag := tp.Sum(tp.Square(tp.Sub(diag, tp.Const(t.ones))))
	return tp.Add(tp.Scale(offDiag, float32(cfg.LambdaOD)), tp.Scale(onDiag, float32(cfg.LambdaD)))
}

// discriminatorTC records FactorVAE's estimate of the total correlation,
// the mean of logit₀ − logit₁ = log D(z)/(1 − D(z)) over the batch (Kim and
// Mnih 2018, eq. 3). The discriminator's weights are constants here.
func (t *Trainer) discriminatorTC(z *autodiff.Var) *autodiff.Var {
	tp := t.tape
	logits := t.disc.Forward(tp, z, false)
	return tp.Mean(tp.Sub(tp.Slice(logits, 1, 0, 1), tp.Slice(logits, 1, 1, 2)))
}

// discriminatorGradient computes the gradient of the discriminator's loss
//
//	−½ mean_i log D₀(z_i) − ½ mean_i log D₁(z̃_i)
//
// into its parameters, with D the softmax of its logits and z̃ the batch z
// with each latent dimension permuted independently across rows
// (Kim and Mnih 2018, Algorithm 1), and returns the loss. As in
// disentanglement_lib the permuted samples come from the same batch.
// disentanglement_lib clips D to [1e-6, 1 − 1e-6] before the logarithm; the
// log-softmax here needs no clip, and differs only where D saturates.
func (t *Trainer) discriminatorGradient(z *tensor.Tensor) (float64, error) {
	n, d := t.cfg.BatchSize, t.cfg.Latent
	in := t.discInput.Data()
	copy(in[:n*d], z.Data())
	for k := range d {
		for i := range t.perm {
			t.perm[i] = i
		}
		// Fisher-Yates with the noise stream, so the permutation is part of
		// the checkpointed state.
		for i := n - 1; i > 0; i-- {
			j := t.noiseRNG.IntN(i + 1)
			t.perm[i], t.perm[j] = t.perm[j], t.perm[i]
		}
		for i, p := range t.perm {
			in[(n+i)*d+k] = in[p*d+k]
		}
	}

	tp := t.discTape
	tp.Reset()
	logits := t.disc.Forward(tp, tp.Const(t.discInput), true)
	logProb := tp.Sub(logits, tp.Reshape(tp.LogSumExp(logits, 1), 2*n, 1))
	real := tp.Mean(tp.Slice(tp.Slice(logProb, 0, 0, n), 1, 0, 1))
	permuted := tp.Mean(tp.Slice(tp.Slice(logProb, 0, n, 2*n), 1, 1, 2))
	loss := tp.Scale(tp.Add(real, permuted), -0.5)
	value := float64(loss.Value.Item())
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return value, &nonFiniteTerm{"discriminator", value}
	}
	if err := tp.Backward(loss); err != nil {
		return 0, fmt.Errorf("discriminator: %w", err)
	}
	return value, nil
}
