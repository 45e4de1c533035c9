package vae

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/gromov-monge/gmg/data"
	"github.com/gromov-monge/gmg/nn"
	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
)

// squares is a 16×16 grey dataset for fast tests: a bright square of side
// 3 + size at (4·x, 4·y), with factors x (4 values), y (4) and size (2).
type squares struct {
	// nanAfter, when positive, makes every Observe call after that many
	// return NaN pixels.
	nanAfter, calls int
}

func (*squares) Name() string { return "squares" }
func (*squares) Factors() []data.Factor {
	return []data.Factor{{Name: "x", Size: 4}, {Name: "y", Size: 4}, {Name: "size", Size: 2}}
}
func (*squares) ImageShape() data.ImageShape {
	return data.ImageShape{Height: 16, Width: 16, Channels: 1}
}
func (*squares) Source() string { return "procedural" }

func (s *squares) Observe(factors []int, _ *rand.Rand, dst []float32) error {
	s.calls++
	clear(dst)
	for i := range len(factors) / 3 {
		img := dst[i*256 : (i+1)*256]
		x0, y0, side := 4*factors[3*i], 4*factors[3*i+1], 3+factors[3*i+2]
		for y := y0; y < min(y0+side, 16); y++ {
			for x := x0; x < min(x0+side, 16); x++ {
				img[y*16+x] = 1
			}
		}
		if s.nanAfter > 0 && s.calls > s.nanAfter {
			img[0] = float32(math.NaN())
		}
	}
	return nil
}

// tinyConfig returns a configuration that trains quickly on squares: a
// 4-dimensional latent, batch 16 and a learning rate of 1e-3.
func tinyConfig(obj Objective, reg Regularizer, place Placement) Config {
	c := DefaultConfig()
	c.Latent = 4
	c.BatchSize = 16
	c.LR = 1e-3
	c.Objective = obj
	c.Regularizer = reg
	c.Placement = place
	c.LambdaD = DefaultLambdaD(obj, c.LambdaOD)
	// A short capacity ramp, so that AnnealedVAE's target moves within the
	// test.
	c.CapacitySteps = 20
	c.CapacityMax = 5
	// The default γ = 1000 makes the annealed objective dominate the
	// reconstruction by orders of magnitude on 16×16 images.
	c.CapacityGamma = 10
	// A narrower discriminator keeps FactorVAE's steps as fast as the
	// others'; its width does not change the code paths.
	c.DiscriminatorUnits = 64
	return c
}

func newTestTrainer(t testing.TB, cfg Config, d data.Dataset) *Trainer {
	t.Helper()
	tr, err := NewTrainer(cfg, d, tensor.GoBLAS())
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTrainObjectivesAndPlacements(t *testing.T) {
	type placement struct {
		reg   Regularizer
		place Placement
	}
	placements := []placement{{NoRegularizer, OnDecoder}, {DST, OnEncoder}, {DST, OnDecoder}, {GMG, OnEncoder}, {GMG, OnDecoder}}
	steps := 40
	if testing.Short() {
		steps = 24
	}
	for obj := range numObjectives {
		for _, p := range placements {
			name := fmt.Sprintf("%v/%v", obj, p.reg)
			if p.reg != NoRegularizer {
				name += "-" + p.place.String()
			}
			t.Run(name, func(t *testing.T) {
				tr := newTestTrainer(t, tinyConfig(obj, p.reg, p.place), &squares{})
				recon := make([]float64, 0, steps)
				for range steps {
					st, err := tr.Step()
					if err != nil {
						t.Fatal(err)
					}
					for _, term := range st.Terms {
						if math.IsNaN(term.Value) || math.IsInf(term.Value, 0) {
							t.Fatalf("step %d: %s = %g", st.Step, term.Name, term.Value)
						}
					}
					if _, ok := st.Value(p.reg.String()); p.reg != NoRegularizer && !ok {
						t.Fatalf("step %d: no %v term in %v", st.Step, p.reg, st.Terms)
					}
					r, _ := st.Value("reconstruction")
					recon = append(recon, r)
				}
				// Averages over 8 steps smooth the batch-to-batch noise. The
				// reconstruction of 16×16 squares drops by more than half in
				// 24 steps at this learning rate, so a fall of 10% is a safe
				// margin for every objective.
				first, last := mean(recon[:8]), mean(recon[len(recon)-8:])
				if !(last < 0.9*first) {
					t.Errorf("reconstruction went from %.2f to %.2f (means of 8 steps)", first, last)
				}
			})
		}
	}
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func TestObjectiveTerms(t *testing.T) {
	want := map[Objective][]string{
		BetaVAE:     {"loss", "reconstruction", "kl", "gmg"},
		BetaTCVAE:   {"loss", "reconstruction", "kl", "tc", "gmg"},
		AnnealedVAE: {"loss", "reconstruction", "kl", "capacity", "gmg"},
		FactorVAE:   {"loss", "reconstruction", "kl", "tc", "gmg", "discriminator"},
		DIPVAEI:     {"loss", "reconstruction", "kl", "dip", "gmg"},
		DIPVAEII:    {"loss", "reconstruction", "kl", "dip", "gmg"},
	}
	for obj, names := range want {
		tr := newTestTrainer(t, tinyConfig(obj, GMG, OnDecoder), &squares{})
		st, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, term := range st.Terms {
			got = append(got, term.Name)
		}
		if fmt.Sprint(got) != fmt.Sprint(names) {
			t.Errorf("%v: terms %v, want %v", obj, got, names)
		}
	}
}

// paramsOf returns copies of the values of every parameter of tr, the
// discriminator's included.
func paramsOf(tr *Trainer) map[string][]float32 {
	ps := tr.model.Params()
	if tr.disc != nil {
		ps = append(ps, tr.disc.Params()...)
	}
	out := map[string][]float32{}
	for _, p := range ps {
		out[p.Name] = append([]float32(nil), p.Value.Data()...)
	}
	return out
}

func TestResumeIsBitIdentical(t *testing.T) {
	cases := []Config{
		tinyConfig(BetaTCVAE, GMG, OnDecoder),
		tinyConfig(FactorVAE, DST, OnEncoder),
		tinyConfig(AnnealedVAE, GMG, OnEncoder),
	}
	const total, cut = 10, 4
	for _, cfg := range cases {
		t.Run(cfg.Objective.String(), func(t *testing.T) {
			straight := newTestTrainer(t, cfg, &squares{})
			for range total {
				if _, err := straight.Step(); err != nil {
					t.Fatal(err)
				}
			}

			first := newTestTrainer(t, cfg, &squares{})
			for range cut {
				if _, err := first.Step(); err != nil {
					t.Fatal(err)
				}
			}
			prefix := filepath.Join(t.TempDir(), "ckpt")
			if err := first.Save(prefix); err != nil {
				t.Fatal(err)
			}
			// Steps after the save must not leak into the resumed run.
			if _, err := first.Step(); err != nil {
				t.Fatal(err)
			}
			resumed := newTestTrainer(t, cfg, &squares{})
			if err := resumed.Load(prefix); err != nil {
				t.Fatal(err)
			}
			if resumed.Steps() != cut {
				t.Fatalf("resumed at step %d, want %d", resumed.Steps(), cut)
			}
			for range total - cut {
				if _, err := resumed.Step(); err != nil {
					t.Fatal(err)
				}
			}

			want, got := paramsOf(straight), paramsOf(resumed)
			for name, w := range want {
				for i := range w {
					if math.Float32bits(w[i]) != math.Float32bits(got[name][i]) {
						t.Fatalf("%s[%d] = %g after resuming, %g uninterrupted", name, i, got[name][i], w[i])
					}
				}
			}
		})
	}
}

func TestNonFiniteLossStops(t *testing.T) {
	tr := newTestTrainer(t, tinyConfig(BetaVAE, NoRegularizer, OnDecoder), &squares{nanAfter: 3})
	for range 3 {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	before := paramsOf(tr)
	_, err := tr.Step()
	if !errors.Is(err, ErrNonFinite) {
		t.Fatalf("error %v, want ErrNonFinite", err)
	}
	if msg := err.Error(); msg != "vae: not finite: step 4: reconstruction term is NaN" {
		t.Errorf("message %q does not name the step and term", msg)
	}
	after := paramsOf(tr)
	for name, w := range before {
		for i := range w {
			if math.Float32bits(w[i]) != math.Float32bits(after[name][i]) {
				t.Fatalf("%s changed in the failed step", name)
			}
		}
	}
	if tr.Steps() != 3 {
		t.Errorf("steps %d after the failed step, want 3", tr.Steps())
	}
}

func TestSaveRejectsNaNParameters(t *testing.T) {
	tr := newTestTrainer(t, tinyConfig(BetaVAE, NoRegularizer, OnDecoder), &squares{})
	tr.model.MeanHead.B.Value.Data()[0] = float32(math.Inf(1))
	err := tr.Save(filepath.Join(t.TempDir(), "ckpt"))
	if !errors.Is(err, ErrNonFinite) {
		t.Fatalf("error %v, want ErrNonFinite", err)
	}
}

func TestLoadRejectsOtherConfig(t *testing.T) {
	cfg := tinyConfig(BetaVAE, GMG, OnDecoder)
	tr := newTestTrainer(t, cfg, &squares{})
	prefix := filepath.Join(t.TempDir(), "ckpt")
	if err := tr.Save(prefix); err != nil {
		t.Fatal(err)
	}
	cfg.Lambda = 2
	other := newTestTrainer(t, cfg, &squares{})
	if err := other.Load(prefix); !errors.Is(err, ErrCheckpointMismatch) {
		t.Fatalf("error %v, want ErrCheckpointMismatch", err)
	}
	if err := other.Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("loading a missing checkpoint succeeded")
	}
}

func TestLoadRejectsCorruptWeights(t *testing.T) {
	cfg := tinyConfig(BetaVAE, NoRegularizer, OnDecoder)
	tr := newTestTrainer(t, cfg, &squares{})
	dir := t.TempDir()
	prefix := filepath.Join(dir, "ckpt")
	if err := tr.Save(prefix); err != nil {
		t.Fatal(err)
	}
	// A weights file from another save makes the SHA-256 check fail.
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	if err := nn.WriteSafetensors(prefix+".safetensors", []string{"x"}, []*tensor.Tensor{tensor.New(1)}, nil); err != nil {
		t.Fatal(err)
	}
	if err := newTestTrainer(t, cfg, &squares{}).Load(prefix); !errors.Is(err, nn.ErrCorrupt) {
		t.Fatalf("error %v, want nn.ErrCorrupt", err)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := DefaultConfig()
	if err := ok.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	cases := []struct {
		name   string
		change func(*Config)
	}{
		{"latent", func(c *Config) { c.Latent = 0 }},
		{"objective", func(c *Config) { c.Objective = numObjectives }},
		{"beta", func(c *Config) { c.Beta = -1 }},
		{"beta NaN", func(c *Config) { c.Beta = math.NaN() }},
		{"lambda", func(c *Config) { c.Lambda = math.Inf(1) }},
		{"epsilon", func(c *Config) { c.Epsilon = 0 }},
		{"cost", func(c *Config) { c.Cost = ot.Cost(99) }},
		{"placement", func(c *Config) { c.Placement = numPlacements }},
		{"regularizer", func(c *Config) { c.Regularizer = numRegularizers }},
		{"batch", func(c *Config) { c.BatchSize = 1 }},
		{"lr", func(c *Config) { c.LR = 0 }},
		{"capacity steps", func(c *Config) { c.Objective = AnnealedVAE; c.CapacitySteps = 0 }},
		{"discriminator lr", func(c *Config) { c.Objective = FactorVAE; c.DiscriminatorLR = -1 }},
		{"lambda-od", func(c *Config) { c.Objective = DIPVAEI; c.LambdaOD = -1 }},
	}
	for _, c := range cases {
		cfg := DefaultConfig()
		c.change(&cfg)
		if err := cfg.Validate(); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: error %v, want ErrInvalidConfig", c.name, err)
		}
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	c := tinyConfig(DIPVAEII, DST, OnEncoder)
	c.Cost = ot.ScaledSqEuclidean
	c.EpsilonMode = ot.AbsoluteEpsilon
	c.Seed = 1<<63 + 5
	b, err := c.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := back.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if back != c {
		t.Errorf("round trip changed the config:\n%+v\n%+v", c, back)
	}
	if err := back.UnmarshalJSON([]byte(`{"model":"vae","regularizer":"gmg","placement":"decoder","cost":"cosine","epsilon_mode":"relative"}`)); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("unknown model: error %v, want ErrInvalidConfig", err)
	}
}

func TestBenchmarkDatasetsTrain(t *testing.T) {
	// A few steps on each procedural benchmark dataset at 64×64 check that
	// every image shape and factor grid trains; batch 4 keeps them short.
	for _, name := range data.Names() {
		t.Run(name, func(t *testing.T) {
			d, err := data.Open(name, "")
			if err != nil {
				t.Fatal(err)
			}
			cfg := DefaultConfig()
			cfg.BatchSize = 4
			cfg.Objective = BetaTCVAE
			cfg.Beta = 6
			tr := newTestTrainer(t, cfg, d)
			for range 2 {
				st, err := tr.Step()
				if err != nil {
					t.Fatal(err)
				}
				if l, _ := st.Value("loss"); math.IsNaN(l) || math.IsInf(l, 0) {
					t.Fatalf("loss %g", l)
				}
			}
		})
	}
}
