package vae

import (
	"fmt"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/nn"
)

// Shape of FactorVAE's discriminator as disentanglement_lib builds it: six
// dense hidden layers with leaky ReLU, then two logits.
const (
	discriminatorLayers = 6
	// leakySlope is the negative slope of TensorFlow's tf.nn.leaky_relu
	// default, which disentanglement_lib's discriminator uses.
	leakySlope = 0.2
)

// Discriminator is FactorVAE's classifier between samples of q(z) and
// samples of the product of its marginals. It maps a latent batch [n, latent]
// to two logits per row: column 0 for "from q(z)", column 1 for "permuted".
type Discriminator struct {
	Hidden [discriminatorLayers]*nn.Linear
	Logits *nn.Linear
}

// NewDiscriminator returns a discriminator for latent codes of the given
// dimension with hidden layers of the given width (1000 in
// disentanglement_lib), Glorot-uniform weights drawn from rng and zero
// biases.
func NewDiscriminator(latent, units int, rng *rand.Rand) *Discriminator {
	d := &Discriminator{}
	in := latent
	for i := range d.Hidden {
		d.Hidden[i] = nn.NewLinear(fmt.Sprintf("discriminator.dense%d", i+1), in, units, autodiff.NoActivation, rng)
		in = units
	}
	d.Logits = nn.NewLinear("discriminator.logits", in, 2, autodiff.NoActivation, rng)
	return d
}

// Params returns the discriminator's parameters in a fixed order.
func (d *Discriminator) Params() []*nn.Param {
	var ps []*nn.Param
	for _, l := range d.Hidden {
		ps = append(ps, l.Params()...)
	}
	return append(ps, d.Logits.Params()...)
}

// Forward records the discriminator on tp for z [n, latent] and returns the
// logits [n, 2]. With train false its weights enter the tape as constants,
// so that a backward pass reaches z but computes no weight gradients.
func (d *Discriminator) Forward(tp *autodiff.Tape, z *autodiff.Var, train bool) *autodiff.Var {
	layer := func(l *nn.Linear, h *autodiff.Var) *autodiff.Var {
		if train {
			return l.Forward(tp, h)
		}
		return tp.Linear(h, tp.Const(l.W.Value), tp.Const(l.B.Value), autodiff.NoActivation)
	}
	h := z
	for _, l := range d.Hidden {
		h = tp.LeakyReLU(layer(l, h), leakySlope)
	}
	return layer(d.Logits, h)
}
