package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/tensor"
)

// Param is a named trainable tensor with its gradient buffer.
type Param struct {
	// Name identifies the parameter in checkpoints, e.g. "encoder.conv1.weight".
	Name string
	// Value is the parameter's current value.
	Value *tensor.Tensor
	// Grad has Value's shape and holds the gradient of the last Backward.
	Grad *tensor.Tensor

	// replicaGrads[i-1] is the gradient buffer of replica i ≥ 1 (see On).
	replicaGrads []*tensor.Tensor
}

// NewParam returns a zero-valued parameter of the given shape.
func NewParam(name string, shape ...int) *Param {
	return &Param{Name: name, Value: tensor.New(shape...), Grad: tensor.New(shape...)}
}

// On records p on the tape as a trainable leaf. Its gradient goes to p.Grad
// on a tape with replica index 0, the default, and to a buffer of that
// replica's own otherwise, which DataParallel adds into p.Grad.
func (p *Param) On(tp *autodiff.Tape) *autodiff.Var {
	return tp.Param(p.Value, p.replicaGrad(tp.Replica()))
}

// replicaGrad returns the gradient buffer of replica i, allocating it on
// first use.
func (p *Param) replicaGrad(i int) *tensor.Tensor {
	if i <= 0 {
		return p.Grad
	}
	for len(p.replicaGrads) < i {
		p.replicaGrads = append(p.replicaGrads, tensor.New(p.Value.Shape()...))
	}
	return p.replicaGrads[i-1]
}

// GlorotUniform fills t with draws from U(−l, l), l = √(6/(fanIn + fanOut)),
// the normalised initialiser of Glorot and Bengio (AISTATS 2010). It panics if
// fanIn + fanOut < 1.
func GlorotUniform(t *tensor.Tensor, fanIn, fanOut int, rng *rand.Rand) {
	if fanIn+fanOut < 1 {
		panic(fmt.Sprintf("nn: GlorotUniform with fanIn %d and fanOut %d", fanIn, fanOut))
	}
	limit := math.Sqrt(6 / float64(fanIn+fanOut))
	for i := range t.Data() {
		t.Data()[i] = float32((2*rng.Float64() - 1) * limit)
	}
}

// Zeros sets every element of t to 0.
func Zeros(t *tensor.Tensor) { t.Zero() }

// Linear is a dense layer y = act(x·W + b) with W [in, out] and b [out].
type Linear struct {
	W, B *Param
	// Activation is fused into the output; the zero value is NoActivation.
	Activation autodiff.Activation
}

// NewLinear returns a Linear layer named name (its parameters are
// name+".weight" and name+".bias") with Glorot-uniform weights drawn from rng
// and zero biases.
func NewLinear(name string, in, out int, act autodiff.Activation, rng *rand.Rand) *Linear {
	l := &Linear{W: NewParam(name+".weight", in, out), B: NewParam(name+".bias", out), Activation: act}
	GlorotUniform(l.W.Value, in, out, rng)
	return l
}

// Forward records the layer on tp for the input x [n, in].
func (l *Linear) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	return tp.Linear(x, l.W.On(tp), l.B.On(tp), l.Activation)
}

// Params returns the weight and the bias.
func (l *Linear) Params() []*Param { return []*Param{l.W, l.B} }

// Conv2D is a 2-D convolution layer with kernel W [kh, kw, cin, cout] and
// bias B [cout].
type Conv2D struct {
	W, B *Param
	// Options sets stride, padding and the fused activation.
	Options autodiff.ConvOptions
}

// NewConv2D returns a Conv2D layer named name with a k×k kernel, Glorot-uniform
// weights (fan-in k·k·cin, fan-out k·k·cout, as Keras computes them) drawn
// from rng and zero biases.
func NewConv2D(name string, cin, cout, k int, opts autodiff.ConvOptions, rng *rand.Rand) *Conv2D {
	c := &Conv2D{W: NewParam(name+".weight", k, k, cin, cout), B: NewParam(name+".bias", cout), Options: opts}
	GlorotUniform(c.W.Value, k*k*cin, k*k*cout, rng)
	return c
}

// Forward records the layer on tp for the NHWC input x.
func (c *Conv2D) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	return tp.Conv2D(x, c.W.On(tp), c.B.On(tp), c.Options)
}

// Params returns the kernel and the bias.
func (c *Conv2D) Params() []*Param { return []*Param{c.W, c.B} }

// ConvTranspose2D is a transposed 2-D convolution layer with kernel
// W [kh, kw, cout, cin] and bias B [cout].
type ConvTranspose2D struct {
	W, B *Param
	// Options sets stride, padding and the fused activation.
	Options autodiff.ConvOptions
}

// NewConvTranspose2D returns a ConvTranspose2D layer named name with a k×k
// kernel, Glorot-uniform weights (fans k·k·cin and k·k·cout) drawn from rng
// and zero biases.
func NewConvTranspose2D(name string, cin, cout, k int, opts autodiff.ConvOptions, rng *rand.Rand) *ConvTranspose2D {
	c := &ConvTranspose2D{W: NewParam(name+".weight", k, k, cout, cin), B: NewParam(name+".bias", cout), Options: opts}
	GlorotUniform(c.W.Value, k*k*cout, k*k*cin, rng)
	return c
}

// Forward records the layer on tp for the NHWC input x.
func (c *ConvTranspose2D) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	return tp.ConvTranspose2D(x, c.W.On(tp), c.B.On(tp), c.Options)
}

// Params returns the kernel and the bias.
func (c *ConvTranspose2D) Params() []*Param { return []*Param{c.W, c.B} }
