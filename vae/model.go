package vae

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/nn"
	"github.com/gromov-monge/gmg/tensor"
)

// ErrInvalidArchitecture is returned, wrapped, by NewModel for an
// architecture it cannot build.
var ErrInvalidArchitecture = errors.New("vae: invalid architecture")

// Architecture sets the sizes of the encoder and decoder.
type Architecture struct {
	// Height, Width and Channels are the image size. Height and Width must be
	// positive multiples of 16 (four stride-2 layers); 64×64 on the benchmarks.
	Height, Width, Channels int
	// Latent is the number of latent dimensions, 10 on the benchmarks.
	Latent int
	// SmallKernels selects 2×2 kernels in the encoder's last two convolutions,
	// as disentanglement_lib's code has them. The zero value uses 4×4
	// everywhere, as its paper describes.
	SmallKernels bool
}

// Benchmark returns the architecture of the disentanglement benchmarks for
// 64×64 images with the given number of channels and 10 latent dimensions.
func Benchmark(channels int) Architecture {
	return Architecture{Height: 64, Width: 64, Channels: channels, Latent: 10}
}

// Model is the convolutional VAE: encoder, two posterior heads and decoder.
type Model struct {
	Arch Architecture

	EncoderConvs  [4]*nn.Conv2D
	EncoderDense  *nn.Linear
	MeanHead      *nn.Linear
	LogVarHead    *nn.Linear
	DecoderDense1 *nn.Linear
	DecoderDense2 *nn.Linear
	DecoderConvs  [4]*nn.ConvTranspose2D
}

// NewModel builds a model with Glorot-uniform weights drawn from rng and zero
// biases. It returns an error wrapping ErrInvalidArchitecture when a size is
// not positive or the image sides are not multiples of 16.
func NewModel(arch Architecture, rng *rand.Rand) (*Model, error) {
	if arch.Height <= 0 || arch.Width <= 0 || arch.Height%16 != 0 || arch.Width%16 != 0 {
		return nil, fmt.Errorf("%w: image %d×%d, height and width must be positive multiples of 16", ErrInvalidArchitecture, arch.Height, arch.Width)
	}
	if arch.Channels <= 0 || arch.Latent <= 0 {
		return nil, fmt.Errorf("%w: %d channels and %d latent dimensions, both must be positive", ErrInvalidArchitecture, arch.Channels, arch.Latent)
	}
	same := autodiff.Padding{Same: true}
	relu := autodiff.ConvOptions{Stride: 2, Padding: same, Activation: autodiff.ReLUActivation}
	m := &Model{Arch: arch}

	channels := [5]int{arch.Channels, 32, 32, 64, 64}
	for i := range 4 {
		k := 4
		if arch.SmallKernels && i >= 2 {
			k = 2
		}
		m.EncoderConvs[i] = nn.NewConv2D(fmt.Sprintf("encoder.conv%d", i+1), channels[i], channels[i+1], k, relu, rng)
	}
	flat := arch.Height / 16 * arch.Width / 16 * 64
	m.EncoderDense = nn.NewLinear("encoder.dense", flat, 256, autodiff.ReLUActivation, rng)
	m.MeanHead = nn.NewLinear("encoder.mean", 256, arch.Latent, autodiff.NoActivation, rng)
	m.LogVarHead = nn.NewLinear("encoder.logvar", 256, arch.Latent, autodiff.NoActivation, rng)

	m.DecoderDense1 = nn.NewLinear("decoder.dense1", arch.Latent, 256, autodiff.ReLUActivation, rng)
	m.DecoderDense2 = nn.NewLinear("decoder.dense2", 256, flat, autodiff.ReLUActivation, rng)
	out := [5]int{64, 64, 32, 32, arch.Channels}
	for i := range 4 {
		opts := relu
		if i == 3 {
			opts.Activation = autodiff.NoActivation // logits
		}
		m.DecoderConvs[i] = nn.NewConvTranspose2D(fmt.Sprintf("decoder.deconv%d", i+1), out[i], out[i+1], 4, opts, rng)
	}
	return m, nil
}

// Params returns every parameter, encoder first, in a fixed order.
func (m *Model) Params() []*nn.Param {
	var ps []*nn.Param
	for _, c := range m.EncoderConvs {
		ps = append(ps, c.Params()...)
	}
	ps = append(ps, m.EncoderDense.Params()...)
	ps = append(ps, m.MeanHead.Params()...)
	ps = append(ps, m.LogVarHead.Params()...)
	ps = append(ps, m.DecoderDense1.Params()...)
	ps = append(ps, m.DecoderDense2.Params()...)
	for _, c := range m.DecoderConvs {
		ps = append(ps, c.Params()...)
	}
	return ps
}

// Encode records the encoder on tp for images x [n, h, w, c] and returns the
// posterior mean and log-variance, both [n, latent].
func (m *Model) Encode(tp *autodiff.Tape, x *autodiff.Var) (mean, logVar *autodiff.Var) {
	h := x
	for _, c := range m.EncoderConvs {
		h = c.Forward(tp, h)
	}
	h = m.EncoderDense.Forward(tp, tp.Reshape(h, h.Shape()[0], -1))
	return m.MeanHead.Forward(tp, h), m.LogVarHead.Forward(tp, h)
}

// Decode records the decoder on tp for latents z [n, latent] and returns the
// Bernoulli logits of the images, [n, h, w, c].
func (m *Model) Decode(tp *autodiff.Tape, z *autodiff.Var) *autodiff.Var {
	h := m.DecoderDense2.Forward(tp, m.DecoderDense1.Forward(tp, z))
	h = tp.Reshape(h, z.Shape()[0], m.Arch.Height/16, m.Arch.Width/16, 64)
	for _, c := range m.DecoderConvs {
		h = c.Forward(tp, h)
	}
	return h
}

// Sample records the reparameterised draw z = mean + exp(logVar/2)·noise,
// with noise [n, latent] standard normal draws that the caller supplies.
func Sample(tp *autodiff.Tape, mean, logVar *autodiff.Var, noise *tensor.Tensor) *autodiff.Var {
	std := tp.Exp(tp.Scale(logVar, 0.5))
	return tp.Add(mean, tp.Mul(std, tp.Const(noise)))
}

// FillNormal fills t with standard normal draws from rng.
func FillNormal(t *tensor.Tensor, rng *rand.Rand) {
	for i := range t.Data() {
		t.Data()[i] = float32(rng.NormFloat64())
	}
}

// Loss holds the terms of a VAE objective, each a scalar Var averaged over
// the batch.
type Loss struct {
	// Total is the objective that training minimises.
	Total *autodiff.Var
	// Reconstruction is the Bernoulli negative log-likelihood: the sigmoid
	// cross-entropy of the logits, summed over pixels.
	Reconstruction *autodiff.Var
	// KL is KL(q(z|x) ‖ N(0, I)).
	KL *autodiff.Var
	// Mean and LogVar are the posterior parameters, [n, latent].
	Mean, LogVar *autodiff.Var
	// Logits are the decoder's outputs, [n, h, w, c].
	Logits *autodiff.Var
}

// BetaVAE records the β-VAE objective of Higgins et al. (ICLR 2017) for
// images x [n, h, w, c] in [0, 1]: reconstruction + β·KL, both summed
// over dimensions and averaged over the batch. noise [n, latent] holds the
// standard normal draws of the reparameterisation. It panics if x or noise
// has the wrong shape.
func (m *Model) BetaVAE(tp *autodiff.Tape, x, noise *tensor.Tensor, beta float32) Loss {
	a := m.Arch
	tensor.MustSameShape("BetaVAE images", x.Shape()[1:], []int{a.Height, a.Width, a.Channels})
	n := x.Dim(0)
	tensor.MustSameShape("BetaVAE noise", noise.Shape(), []int{n, a.Latent})

	var l Loss
	l.Mean, l.LogVar = m.Encode(tp, tp.Const(x))
	z := Sample(tp, l.Mean, l.LogVar, noise)
	l.Logits = m.Decode(tp, z)
	inv := 1 / float32(n)
	l.Reconstruction = tp.Scale(tp.SigmoidCrossEntropySum(l.Logits, x), inv)
	l.KL = tp.Scale(tp.Sum(tp.GaussianKL(l.Mean, l.LogVar)), inv)
	l.Total = tp.Add(l.Reconstruction, tp.Scale(l.KL, beta))
	return l
}
