package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/report"
	"github.com/gromov-monge/gmg/toy"
)

func init() {
	register(&command{name: "toy", summary: "fit 2-D maps with no regulariser, DST and GMG, and plot them", run: runToy})
}

const toyDescription = `
Fit maps from a mixture of eight Gaussians in the plane (two on each of four
rays from the origin) to two targets and compare three ways of fitting each
map. Row "square" maps onto the uniform square [-1, 1]^2 and measures geometry
with squared-Euclidean costs. Row "ring" maps onto a ring of radius 1 and
measures it with cosine costs (angles). Each map is an MLP (2-64-64-2) trained
with Adam (learning rate 0.01) on the debiased Sinkhorn divergence to the
target (epsilon 0.01, squared-Euclidean), with no regulariser, plus lambda*DST,
or plus lambda*GMG. Each regulariser is divided by the variance of the source's
costs, so lambda has no unit.

The table gives, per row and method, on fresh samples: fit, the Sinkhorn
divergence between the mapped source and the target (squared units of the
plane, lower is better); DST and GMG of the map under the row's cost (GMG with
the exact solver started from the identity coupling); and the training time.
It writes figure.png (source, target and the three maps, points coloured by
the angle of their source point, shaded by its radius) and results.json to
--out.`

// toyMethodJSON is one fitted map in results.json.
type toyMethodJSON struct {
	Method       string  `json:"method"`
	Fit          float64 `json:"fit"`
	DST          float64 `json:"dst"`
	GMG          float64 `json:"gmg"`
	GMGStatus    string  `json:"gmg_status"`
	TrainSeconds float64 `json:"train_seconds"`
	FinalLoss    float64 `json:"final_loss"`
}

// toyRowJSON is one row of the study in results.json.
type toyRowJSON struct {
	Row       string          `json:"row"`
	Cost      string          `json:"cost"`
	CostScale float64         `json:"cost_scale"`
	Methods   []toyMethodJSON `json:"methods"`
}

// toyJSON is results.json and the --json output.
type toyJSON struct {
	Steps           int          `json:"steps"`
	Seed            uint64       `json:"seed"`
	Lambda          float64      `json:"lambda"`
	Batch           int          `json:"batch"`
	LearningRate    float64      `json:"learning_rate"`
	SinkhornEpsilon float64      `json:"sinkhorn_epsilon"`
	EvalPoints      int          `json:"eval_points"`
	Figure          string       `json:"figure"`
	Rows            []toyRowJSON `json:"rows"`
}

func runToy(e *env, args []string) error {
	fs := newFlagSet(e, "toy", "gmg toy [--steps N] [--seed S] [--lambda L] [--out DIR] [--json]", toyDescription)
	steps := fs.Int("steps", toy.DefaultSteps, "Adam steps per fitted map (batch of 128 points)")
	seed := fs.Uint64("seed", 0, "random seed of the weights, batches and evaluation samples")
	lambda := fs.Float64("lambda", toy.DefaultLambda, "weight of DST and GMG in the training loss, without unit (> 0)")
	outDir := fs.String("out", filepath.Join("out", "toy"), "directory for figure.png and results.json, created if missing")
	asJSON := fs.Bool("json", false, "print the results as one JSON object instead of the table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *steps < 1 {
		return usagef("invalid --steps %d: it must be at least 1", *steps)
	}
	if !(*lambda > 0) {
		return usagef("invalid --lambda %v: it must be a positive number", *lambda)
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}

	total := *steps * len(toy.Rows) * len(toy.Methods)
	bar := newProgressBar(e, "toy", total)
	done := 0
	cfg := toy.Config{
		Steps:  *steps,
		Seed:   *seed,
		Lambda: *lambda,
		Progress: func(p toy.Progress) {
			done++
			bar.update(done, fmt.Sprintf("%s/%s fit %.3g", p.Row, p.Method, p.Fit))
		},
	}
	res, err := toy.Run(e.ctx, cfg)
	bar.finish()
	if err != nil {
		if errors.Is(err, e.ctx.Err()) && e.ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return err
	}

	figurePath := filepath.Join(*outDir, "figure.png")
	if err := toyFigure(res).SavePNG(figurePath); err != nil {
		return fmt.Errorf("writing the figure: %w", err)
	}
	out := toyResultsJSON(res, figurePath)
	encoded, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*outDir, "results.json"), append(encoded, '\n'), 0o644); err != nil {
		return err
	}
	if *asJSON {
		_, err := fmt.Fprintf(e.stdout, "%s\n", encoded)
		return err
	}
	printToyTable(e, out)
	fmt.Fprintf(e.stdout, "\nwrote %s and %s\n", figurePath, filepath.Join(*outDir, "results.json"))
	return nil
}

func toyResultsJSON(res *toy.Results, figurePath string) toyJSON {
	c := res.Config
	out := toyJSON{
		Steps: c.Steps, Seed: c.Seed, Lambda: c.Lambda, Batch: c.Batch,
		LearningRate: c.LearningRate, SinkhornEpsilon: c.SinkhornEpsilon, EvalPoints: c.EvalPoints,
		Figure: figurePath,
	}
	for _, r := range res.Rows {
		row := toyRowJSON{Row: r.Row.String(), Cost: r.Cost.String(), CostScale: r.CostScale}
		for _, m := range r.Methods {
			row.Methods = append(row.Methods, toyMethodJSON{
				Method: m.Method.String(), Fit: m.Fit, DST: m.DST, GMG: m.GMG,
				GMGStatus: m.GMGStatus.String(), TrainSeconds: m.TrainSeconds, FinalLoss: m.FinalLoss,
			})
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

func printToyTable(e *env, out toyJSON) {
	fmt.Fprintf(e.stdout, "%d steps per map, seed %d, lambda %g; metrics on %d fresh points\n",
		out.Steps, out.Seed, out.Lambda, out.EvalPoints)
	for _, r := range out.Rows {
		fmt.Fprintf(e.stdout, "\nrow %s (cost %s)\n", r.Row, r.Cost)
		fmt.Fprintf(e.stdout, "  %-6s  %10s  %10s  %10s  %8s\n", "method", "fit", "DST", "GMG", "time (s)")
		for _, m := range r.Methods {
			fmt.Fprintf(e.stdout, "  %-6s  %10.4g  %10.4g  %10.4g  %8.1f\n", m.Method, m.Fit, m.DST, m.GMG, m.TrainSeconds)
		}
	}
}

// toyFigure lays out the study: one row per target with the source, the
// target and the three fitted maps.
func toyFigure(res *toy.Results) *report.ScatterFigure {
	fig := &report.ScatterFigure{Rows: len(res.Rows), Columns: 2 + len(toy.Methods)}
	for _, r := range res.Rows {
		colors := make([]color.Color, r.Source.Rows)
		angles, radii := toy.Polar(r.Source)
		for i, a := range angles {
			// Inner components (radius 0.6) are drawn darker than outer
			// ones (radius 1.4).
			colors[i] = report.CyclicColor(a, 0.45+0.35*min(max(radii[i]-0.3, 0), 1.4))
		}
		xs, ys := coordinates(r.Source)
		fig.Panels = append(fig.Panels, report.ScatterPanel{
			Title: "source: 8 Gaussians\nhue = angle, shade = radius", X: xs, Y: ys, Colors: colors,
		})
		xs, ys = coordinates(r.Target)
		fig.Panels = append(fig.Panels, report.ScatterPanel{
			Title: fmt.Sprintf("target: %s\nDST, GMG with %s cost", toyTargetName(r.Row), r.Cost), X: xs, Y: ys,
		})
		for _, m := range r.Methods {
			xs, ys = coordinates(m.Mapped)
			fig.Panels = append(fig.Panels, report.ScatterPanel{
				Title: fmt.Sprintf("%s\nfit %.3g  DST %.3g  GMG %.3g", toyMethodTitle(m.Method), m.Fit, m.DST, m.GMG),
				X:     xs, Y: ys, Colors: colors,
			})
		}
	}
	return fig
}

func toyTargetName(r toy.Row) string {
	if r == toy.Ring {
		return "ring"
	}
	return "uniform square"
}

func toyMethodTitle(m toy.Method) string {
	switch m {
	case toy.WithDST:
		return "with DST"
	case toy.WithGMG:
		return "with GMG"
	}
	return "no regulariser"
}

// coordinates splits [n, 2] points into their x and y columns.
func coordinates(points *ot.Matrix) (xs, ys []float64) {
	xs, ys = make([]float64, points.Rows), make([]float64, points.Rows)
	for i := range xs {
		xs[i], ys[i] = points.At(i, 0), points.At(i, 1)
	}
	return xs, ys
}
