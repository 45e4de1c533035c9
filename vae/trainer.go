package vae

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/data"
	"github.com/gromov-monge/gmg/gmg"
	"github.com/gromov-monge/gmg/nn"
	"github.com/gromov-monge/gmg/tensor"
)

// ErrNonFinite is returned, wrapped, by Trainer.Step when a loss term is NaN
// or ±Inf, and by Trainer.Save when a parameter is. The message names the
// step and the term.
var ErrNonFinite = errors.New("vae: not finite")

// Random streams of a run. Each is a PCG source seeded with (Config.Seed,
// stream), so that the streams do not overlap and each can be checkpointed.
const (
	initStream  = 1 // weights
	dataStream  = 2 // factor rows and the datasets' nuisance draws
	noiseStream = 3 // reparameterisation noise and FactorVAE's permutations
)

// Term is one named value of a training step, such as "reconstruction".
type Term struct {
	Name  string
	Value float64
}

// Stats describes one finished training step.
type Stats struct {
	// Step is the number of steps finished, this one included.
	Step int64
	// Terms lists the step's loss terms, each averaged over the batch.
	// They are "loss" (the total that training minimises),
	// "reconstruction", "kl", then the objective's own terms: "tc" for
	// BetaTCVAE and FactorVAE, "capacity" in nats for AnnealedVAE, "dip"
	// for DIP-VAE. The value of the regulariser R before λ ("dst" or "gmg")
	// follows, and FactorVAE's discriminator loss ("discriminator") comes
	// last. The next Step reuses the slice.
	Terms []Term
}

// Value returns the value of the term called name and whether it exists.
func (s Stats) Value(name string) (float64, bool) {
	for _, t := range s.Terms {
		if t.Name == name {
			return t.Value, true
		}
	}
	return 0, false
}

// Trainer trains a Model on a dataset with one Config. Each Step samples a
// batch of factor rows uniformly, renders its images, draws the
// reparameterisation noise, records the objective on a reused tape, and
// takes one Adam step (two for FactorVAE). The data stream, the noise stream,
// the Adam moments and the step count are its whole state, so Save and Load
// continue a run bit for bit. A Trainer is not safe for concurrent use.
type Trainer struct {
	cfg        Config
	dataset    data.Dataset
	sizes      []int
	gridPoints int

	model   *Model
	opt     *nn.Adam
	disc    *Discriminator
	discOpt *nn.Adam

	tape, discTape, evalTape *autodiff.Tape
	estimator                gmg.Estimator
	// gmgWorkspace keeps the regulariser's buffers from step to step.
	gmgWorkspace gmg.Workspace

	dataSource, noiseSource *rand.PCG
	dataRNG, noiseRNG       *rand.Rand

	images, noise *tensor.Tensor
	factors       []int
	step          int64
	terms         []Term

	// Buffers of the objectives: the capacity and TC offset scalars, the
	// identity and off-diagonal masks of DIP-VAE and the discriminator's
	// input of real and permuted codes.
	capacity, tcOffset *tensor.Tensor
	eye, offDiag, ones *tensor.Tensor
	discInput          *tensor.Tensor
	perm               []int
}

// NewTrainer returns a trainer of a new model, with weights drawn from the
// seed's weight stream, on dataset d. Matrix products use backend (nil means
// tensor.DefaultBLAS). It returns an error wrapping ErrInvalidConfig for an
// invalid cfg, and ErrInvalidArchitecture for images whose sides are not
// multiples of 16.
func NewTrainer(cfg Config, d data.Dataset, backend tensor.BLAS) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if backend == nil {
		b, err := tensor.DefaultBLAS()
		if err != nil {
			return nil, fmt.Errorf("vae: %w", err)
		}
		backend = b
	}
	shape := d.ImageShape()
	arch := Architecture{Height: shape.Height, Width: shape.Width, Channels: shape.Channels, Latent: cfg.Latent, SmallKernels: cfg.SmallKernels}
	initRNG := rand.New(rand.NewPCG(cfg.Seed, initStream))
	model, err := NewModel(arch, initRNG)
	if err != nil {
		return nil, err
	}

	t := &Trainer{
		cfg:         cfg,
		dataset:     d,
		sizes:       data.Sizes(d),
		model:       model,
		opt:         nn.NewAdam(model.Params(), cfg.LR),
		tape:        autodiff.NewTape(backend),
		evalTape:    autodiff.NewTape(backend),
		estimator:   gmg.Estimator{CostX: cfg.Cost, CostY: cfg.Cost, Epsilon: cfg.Epsilon, EpsilonMode: cfg.EpsilonMode},
		dataSource:  rand.NewPCG(cfg.Seed, dataStream),
		noiseSource: rand.NewPCG(cfg.Seed, noiseStream),
		images:      tensor.New(cfg.BatchSize, shape.Height, shape.Width, shape.Channels),
		noise:       tensor.New(cfg.BatchSize, cfg.Latent),
		capacity:    tensor.Scalar(0),
		tcOffset:    tensor.Scalar(0),
	}
	t.gridPoints = data.NumPoints(t.sizes)
	t.dataRNG = rand.New(t.dataSource)
	t.noiseRNG = rand.New(t.noiseSource)
	t.factors = make([]int, cfg.BatchSize*len(t.sizes))

	switch cfg.Objective {
	case FactorVAE:
		t.disc = NewDiscriminator(cfg.Latent, cfg.DiscriminatorUnits, initRNG)
		t.discOpt = nn.NewAdam(t.disc.Params(), cfg.DiscriminatorLR)
		t.discOpt.Beta1, t.discOpt.Beta2 = 0.5, 0.9
		t.discTape = autodiff.NewTape(backend)
		t.discInput = tensor.New(2*cfg.BatchSize, cfg.Latent)
		t.perm = make([]int, cfg.BatchSize)
	case DIPVAEI, DIPVAEII:
		d := cfg.Latent
		t.eye, t.offDiag, t.ones = tensor.New(d, d), tensor.New(d, d), tensor.New(d)
		t.offDiag.Fill(1)
		t.ones.Fill(1)
		for i := range d {
			t.eye.Data()[i*d+i] = 1
			t.offDiag.Data()[i*d+i] = 0
		}
	}
	return t, nil
}

// Config returns the trainer's configuration.
func (t *Trainer) Config() Config { return t.cfg }

// Model returns the model being trained. Its parameters change with every
// Step.
func (t *Trainer) Model() *Model { return t.model }

// Dataset returns the dataset the trainer samples.
func (t *Trainer) Dataset() data.Dataset { return t.dataset }

// Steps returns the number of steps taken, including those before a Load.
func (t *Trainer) Steps() int64 { return t.step }

// Step takes one training step and returns its loss terms. A term that is
// NaN or ±Inf stops the step before any parameter changes, with an error
// that wraps ErrNonFinite and names the step and the term. A failed solve of
// the regulariser or a failed dataset read is returned as an error too. The
// trainer must not be stepped again after an error.
func (t *Trainer) Step() (Stats, error) {
	next := t.step + 1
	if err := t.sampleBatch(); err != nil {
		return Stats{}, fmt.Errorf("vae: step %d: %w", next, err)
	}
	FillNormal(t.noise, t.noiseRNG)

	t.tape.Reset()
	obj, err := t.objective()
	if err == nil {
		err = t.checkTerms()
	}
	if err != nil {
		return Stats{}, t.stepError(next, err)
	}
	if err := t.tape.Backward(obj.total); err != nil {
		return Stats{}, fmt.Errorf("vae: step %d: %w", next, err)
	}

	if t.cfg.Objective == FactorVAE {
		// The discriminator's gradient is taken at its weights before this
		// step's update, as disentanglement_lib groups both updates.
		loss, err := t.discriminatorGradient(obj.z.Value)
		if err != nil {
			return Stats{}, t.stepError(next, err)
		}
		t.terms = append(t.terms, Term{"discriminator", loss})
		t.discOpt.Step()
	}
	t.opt.Step()
	t.step = next
	return Stats{Step: next, Terms: t.terms}, nil
}

// stepError wraps an error of the given step, with ErrNonFinite for a
// *nonFiniteTerm.
func (t *Trainer) stepError(step int64, err error) error {
	var bad *nonFiniteTerm
	if errors.As(err, &bad) {
		return fmt.Errorf("%w: step %d: %v", ErrNonFinite, step, bad)
	}
	return fmt.Errorf("vae: step %d: %w", step, err)
}

// sampleBatch draws BatchSize factor rows uniformly, as data.SampleFactors
// does, and renders them into t.images, reusing both buffers.
func (t *Trainer) sampleBatch() error {
	k := len(t.sizes)
	for i := range t.cfg.BatchSize {
		for j, s := range t.sizes {
			t.factors[i*k+j] = t.dataRNG.IntN(s)
		}
	}
	return t.dataset.Observe(t.factors, t.dataRNG, t.images.Data())
}

// nonFiniteTerm is the error of a loss term that is NaN or ±Inf.
type nonFiniteTerm Term

func (e *nonFiniteTerm) Error() string { return fmt.Sprintf("%s term is %g", e.Name, e.Value) }

// checkTerms returns a *nonFiniteTerm for the first term recorded so far
// that is NaN or ±Inf. The total, t.terms[0], is checked last, so that the
// error names the term at fault.
func (t *Trainer) checkTerms() error {
	for i := range t.terms {
		term := t.terms[(i+1)%len(t.terms)]
		if math.IsNaN(term.Value) || math.IsInf(term.Value, 0) {
			return &nonFiniteTerm{term.Name, term.Value}
		}
	}
	return nil
}

// addTerm appends a named scalar to the step's terms.
func (t *Trainer) addTerm(name string, v *autodiff.Var) {
	t.terms = append(t.terms, Term{name, float64(v.Value.Item())})
}
