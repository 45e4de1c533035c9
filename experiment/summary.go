package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gromov-monge/gmg/vae"
)

// Figures of a run directory, drawn by the caller (package report sits above
// this one).
const (
	TraversalFigure       = "traversal.png"       // one row per latent, by decreasing KL
	ReconstructionsFigure = "reconstructions.png" // inputs above, reconstructions below
	LossFigure            = "loss.png"            // loss terms against step
)

// WriteSummary writes summary.md: the run's settings, its last logged loss
// terms, the headline scores of ev (none when ev is nil) and links to the
// figures present in the directory.
func (r *Run) WriteSummary(ev *Evaluation) error {
	entries, err := ReadLog(r.Dir)
	if err != nil {
		return err
	}
	var b strings.Builder
	cfg, v := r.Config, r.Config.VAE
	fmt.Fprintf(&b, "# Run %s\n\n", filepath.Base(r.Dir))
	fmt.Fprintf(&b, "| setting | value |\n|---|---|\n")
	fmt.Fprintf(&b, "| dataset | %s (%s) |\n", cfg.Dataset, r.Trainer.Dataset().Source())
	fmt.Fprintf(&b, "| model | %s |\n", describeObjective(v))
	fmt.Fprintf(&b, "| regularizer | %s |\n", describeRegularizer(v))
	fmt.Fprintf(&b, "| steps | %d of %d, batch %d, Adam lr %g, seed %d |\n", r.Trainer.Steps(), cfg.Steps, v.BatchSize, v.LR, v.Seed)
	fmt.Fprintf(&b, "| BLAS | %s |\n", r.blas.Name())
	if n := len(entries); n > 0 {
		last := entries[n-1]
		fmt.Fprintf(&b, "| training time | %.0f s, %.2f steps/s on average |\n", last.Seconds, float64(last.Step)/last.Seconds)
	}

	if n := len(entries); n > 0 {
		last := entries[n-1]
		fmt.Fprintf(&b, "\n## Loss terms at step %d\n\n| term | value |\n|---|---|\n", last.Step)
		for _, t := range last.Terms {
			fmt.Fprintf(&b, "| %s | %.6g |\n", t.Name, t.Value)
		}
	}

	if ev != nil {
		fmt.Fprintf(&b, "\n## Scores at step %d\n\n", ev.Step)
		fmt.Fprintf(&b, "Scores of the encoder means from %s. The evaluation took %.0f s.", ev.Eval.Counts(), ev.Seconds)
		if ev.Reduced {
			b.WriteString(" These counts are below disentanglement_lib's (10,000 and 5,000 each, 10,000 images), so the scores are noisier estimates.")
		}
		b.WriteString("\n\n| metric | score | value |\n|---|---|---|\n")
		for _, s := range ev.Scores.HeadlineValues() {
			fmt.Fprintf(&b, "| %s | %s | %.4f |\n", s.Metric, s.Name, s.Value)
		}
	}

	var figures []string
	for _, f := range []string{LossFigure, ReconstructionsFigure, TraversalFigure} {
		if _, err := os.Stat(filepath.Join(r.Dir, f)); err == nil {
			figures = append(figures, f)
		}
	}
	if len(figures) > 0 {
		b.WriteString("\n## Figures\n\n")
		for _, f := range figures {
			fmt.Fprintf(&b, "![%s](%s)\n\n", strings.TrimSuffix(f, ".png"), f)
		}
	}
	return writeFileAtomic(filepath.Join(r.Dir, SummaryFile), []byte(b.String()))
}

// describeObjective returns the objective with its weights, e.g.
// "beta-tcvae, β = 6".
func describeObjective(c vae.Config) string {
	switch c.Objective {
	case vae.BetaVAE, vae.BetaTCVAE:
		return fmt.Sprintf("%v, β = %g", c.Objective, c.Beta)
	case vae.AnnealedVAE:
		return fmt.Sprintf("%v, γ = %g, C_max = %g nats over %d steps", c.Objective, c.CapacityGamma, c.CapacityMax, c.CapacitySteps)
	case vae.FactorVAE:
		return fmt.Sprintf("%v, γ = %g, discriminator lr %g", c.Objective, c.FactorGamma, c.DiscriminatorLR)
	case vae.DIPVAEI, vae.DIPVAEII:
		return fmt.Sprintf("%v, λ_od = %g, λ_d = %g", c.Objective, c.LambdaOD, c.LambdaD)
	}
	return c.Objective.String()
}

// describeRegularizer returns the regulariser with its settings, e.g.
// "gmg on the decoder, cosine cost, λ = 1, ε = 0.01 (relative)".
func describeRegularizer(c vae.Config) string {
	switch c.Regularizer {
	case vae.NoRegularizer:
		return "none"
	case vae.DST:
		return fmt.Sprintf("dst on the %v, %v cost, λ = %g", c.Placement, c.Cost, c.Lambda)
	}
	return fmt.Sprintf("%v on the %v, %v cost, λ = %g, ε = %g (%v)", c.Regularizer, c.Placement, c.Cost, c.Lambda, c.Epsilon, c.EpsilonMode)
}
