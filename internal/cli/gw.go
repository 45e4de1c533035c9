package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gromov-monge/gmg/internal/npy"
	"github.com/gromov-monge/gmg/ot"
)

func init() {
	register(&command{name: "gw", summary: "Gromov-Wasserstein coupling between two point clouds", run: runGW})
}

const gwDescription = `
Compute the Gromov-Wasserstein (GW) coupling between two point clouds with
uniform weights. X ([n, p]) and Y ([m, q]) may have different sizes and
dimensions. Each file is a .npy array (float or integer, 2-D, or 1-D for
points on a line) or a CSV file with one point per line, comma-separated
numbers and no header.

The reported GW is E(P) = 1/2 sum_{i,j,k,l} (Cx[i,k] - Cy[j,l])^2 P[i,j] P[k,l]
at the returned plan, without the entropy term; POT and OTT-JAX report 2*E.
With --epsilon-mode relative the regularisation is epsilon * mean(|Cx|) *
mean(|Cy|); POT's eps is twice gmg's absolute epsilon.

Small epsilon on costs that are not normalised can need hundreds of outer
iterations (minutes for a thousand points); --normalize max or a larger
--epsilon shortens it. On a terminal a progress bar shows the outer
iterations. A solve that stops before converging prints a warning on
standard error and reports converged: false; the exit status is still 0.`

// gwOutput is the JSON document that --json prints.
type gwOutput struct {
	GW              float64 `json:"gw"`
	GWPOTConvention float64 `json:"gw_pot_convention"`
	// EntropicObjective, InnerIterations and EpsilonAbsolute belong to the
	// entropic solver and are left out for the exact one.
	EntropicObjective *float64 `json:"entropic_objective,omitempty"`
	Converged         bool     `json:"converged"`
	Status            string   `json:"status"`
	OuterIterations   int      `json:"outer_iterations"`
	InnerIterations   *int     `json:"inner_iterations,omitempty"`
	MarginalError     float64  `json:"marginal_error"`
	Seconds           float64  `json:"seconds"`
	EpsilonAbsolute   *float64 `json:"epsilon_absolute,omitempty"`
	Solver            string   `json:"solver"`
	Cost              string   `json:"cost"`
	Normalize         string   `json:"normalize"`
	N                 int      `json:"n"`
	M                 int      `json:"m"`
	Plan              string   `json:"plan,omitempty"`
}

func runGW(e *env, args []string) error {
	fs := newFlagSet(e, "gw", "gmg gw --x X.npy --y Y.npy [flags]", gwDescription)
	xPath := fs.String("x", "", "first point cloud, .npy or .csv, [n, p] (required)")
	yPath := fs.String("y", "", "second point cloud, .npy or .csv, [m, q] (required)")
	costName := fs.String("cost", "sqeuclidean", "cost within each cloud: sqeuclidean, inner, cosine or scaled-sqeuclidean")
	solver := fs.String("solver", "entropic", "entropic (mirror descent with Sinkhorn) or exact (conditional gradient, a local minimum)")
	epsilon := fs.Float64("epsilon", ot.DefaultEpsilon, "entropic regularisation, > 0; relative: a multiple of mean(|Cx|)*mean(|Cy|), absolute: in units of Cx*Cy")
	epsMode := fs.String("epsilon-mode", "relative", "how --epsilon is read: relative or absolute")
	normalize := fs.String("normalize", "none", "divide each cost matrix by its max or mean, or none")
	maxIter := fs.Int("max-iterations", ot.DefaultGWMaxIterations, "cap on outer iterations")
	threshold := fs.Float64("threshold", 0, fmt.Sprintf("stopping threshold; 0 means the solver's default: L1 plan change %g (entropic), relative objective change %g (exact)", ot.DefaultEntropicThreshold, ot.DefaultExactThreshold))
	planPath := fs.String("plan", "", "write the coupling to this .npy file, float64 [n, m]")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if err := parseFlags(fs, args); err != nil {
		return err
	}

	if *xPath == "" || *yPath == "" {
		return usagef("both --x and --y are required")
	}
	if err := choice("solver", *solver, "entropic", "exact"); err != nil {
		return err
	}
	if err := choice("epsilon-mode", *epsMode, "relative", "absolute"); err != nil {
		return err
	}
	cost, err := ot.ParseCost(*costName)
	if err != nil {
		return choice("cost", *costName, "sqeuclidean", "inner", "cosine", "scaled-sqeuclidean")
	}
	norm, err := ot.ParseNormalization(*normalize)
	if err != nil {
		return choice("normalize", *normalize, "none", "max", "mean")
	}
	if !(*epsilon > 0) || math.IsInf(*epsilon, 0) {
		return usagef("invalid --epsilon %v: it must be a positive finite number", *epsilon)
	}
	if *maxIter < 1 {
		return usagef("invalid --max-iterations %d: it must be at least 1", *maxIter)
	}
	if *threshold < 0 || math.IsNaN(*threshold) {
		return usagef("invalid --threshold %v: it must be positive, or 0 for the default", *threshold)
	}

	if *planPath != "" && !strings.EqualFold(filepath.Ext(*planPath), ".npy") {
		return usagef("invalid --plan %q: the plan is written as a NumPy array; give a path ending in .npy", *planPath)
	}

	x, err := readPoints(*xPath)
	if err != nil {
		return err
	}
	y, err := readPoints(*yPath)
	if err != nil {
		return err
	}
	gx, err := ot.NewPointCloud(x, cost, norm)
	if err != nil {
		return fmt.Errorf("%s: %w", *xPath, err)
	}
	gy, err := ot.NewPointCloud(y, cost, norm)
	if err != nil {
		return fmt.Errorf("%s: %w", *yPath, err)
	}
	q, err := ot.NewQuadraticProblem(gx, gy, nil, nil)
	if err != nil {
		return err
	}

	bar := newProgressBar(e, "gw", *maxIter)
	progress := func(p ot.GWProgress) { bar.update(p.Iteration, fmt.Sprintf("change %.3g", p.Error)) }
	var solve func(*ot.QuadraticProblem) (*ot.GWResult, error)
	if *solver == "exact" {
		solve = ot.ExactGW{Threshold: *threshold, MaxIterations: *maxIter, Progress: progress}.Solve
	} else {
		mode := ot.RelativeEpsilon
		if *epsMode == "absolute" {
			mode = ot.AbsoluteEpsilon
		}
		solve = ot.EntropicGW{Epsilon: *epsilon, EpsilonMode: mode, Threshold: *threshold, MaxIterations: *maxIter, Progress: progress}.Solve
	}

	// The solver does not poll the context, so it runs on its own goroutine
	// and an interrupt returns at once; the process then exits.
	type outcome struct {
		res *ot.GWResult
		err error
	}
	start := time.Now()
	done := make(chan outcome, 1)
	go func() {
		res, err := solve(q)
		done <- outcome{res, err}
	}()
	var res *ot.GWResult
	select {
	case <-e.ctx.Done():
		bar.finish()
		return errors.New("interrupted")
	case o := <-done:
		bar.finish()
		if o.err != nil {
			return o.err
		}
		res = o.res
	}
	seconds := time.Since(start).Seconds()

	if *planPath != "" {
		if err := npy.WriteFile(*planPath, []int{res.Plan.Rows, res.Plan.Cols}, res.Plan.Data); err != nil {
			return fmt.Errorf("writing the plan: %w", err)
		}
	}
	out := gwOutput{
		GW: res.GW, GWPOTConvention: 2 * res.GW,
		Converged: res.Converged, Status: res.Status.String(),
		OuterIterations: res.OuterIterations,
		MarginalError:   res.MarginalError, Seconds: seconds,
		Solver: *solver, Cost: cost.String(), Normalize: norm.String(),
		N: x.Rows, M: y.Rows, Plan: *planPath,
	}
	if *solver == "entropic" {
		out.EntropicObjective, out.InnerIterations, out.EpsilonAbsolute = &res.EntropicObjective, &res.InnerIterations, &res.Epsilon
	}
	if !res.Converged {
		fmt.Fprintf(e.stderr, "gmg gw: warning: the solver stopped with status %s after %d outer iterations, "+
			"before meeting its stopping threshold, so the plan and its GW are not converged "+
			"(marginal error %.3g); raise --max-iterations%s\n", out.Status, out.OuterIterations, out.MarginalError, epsilonHint(*solver))
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		return enc.Encode(out)
	}
	fmt.Fprintf(e.stdout, "gw                  %.10g  (POT/OTT convention: %.10g)\n", out.GW, out.GWPOTConvention)
	if *solver == "entropic" {
		fmt.Fprintf(e.stdout, "entropic objective  %.10g  (epsilon %.4g absolute)\n", *out.EntropicObjective, *out.EpsilonAbsolute)
		fmt.Fprintf(e.stdout, "status              %s after %d outer and %d inner iterations\n", out.Status, out.OuterIterations, *out.InnerIterations)
	} else {
		fmt.Fprintf(e.stdout, "status              %s after %d iterations\n", out.Status, out.OuterIterations)
	}
	fmt.Fprintf(e.stdout, "marginal error      %.3g\n", out.MarginalError)
	fmt.Fprintf(e.stdout, "time                %.3f s\n", out.Seconds)
	if *planPath != "" {
		fmt.Fprintf(e.stdout, "plan                %s (%d×%d)\n", *planPath, out.N, out.M)
	}
	return nil
}

// epsilonHint completes the advice for a solve that did not converge.
func epsilonHint(solver string) string {
	if solver == "entropic" {
		return " or --epsilon (a larger epsilon converges in fewer iterations)"
	}
	return ""
}

// readPoints reads a point cloud from a .npy or CSV file. Errors name the
// file and, for CSV, the line and column (both from 1); for .npy, the row.
func readPoints(path string) (*ot.Matrix, error) {
	if strings.HasSuffix(strings.ToLower(path), ".npy") {
		return readPointsNPY(path)
	}
	return readPointsCSV(path)
}

func readPointsNPY(path string) (*ot.Matrix, error) {
	a, err := npy.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rows, cols := 0, 0
	switch len(a.Shape) {
	case 1:
		rows, cols = a.Shape[0], 1
	case 2:
		rows, cols = a.Shape[0], a.Shape[1]
	default:
		return nil, fmt.Errorf("%s: array of shape %s: want [n, dim] or [n]", path, a.ShapeString())
	}
	if rows == 0 || cols == 0 {
		return nil, fmt.Errorf("%s: empty array of shape %s: need at least one point", path, a.ShapeString())
	}
	data := a.Float64()
	for k, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: row %d (from 0) column %d is %v: all coordinates must be finite", path, k/cols, k%cols, v)
		}
	}
	return ot.NewMatrix(rows, cols, data)
}

func readPointsCSV(path string) (*ot.Matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<28)
	var data []float64
	cols, rows, line := 0, 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		if cols == 0 {
			cols = len(fields)
		} else if len(fields) != cols {
			return nil, fmt.Errorf("%s: line %d has %d fields, earlier lines have %d", path, line, len(fields), cols)
		}
		for k, field := range fields {
			v, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
			if err != nil {
				if cols == 1 && strings.ContainsAny(text, ";\t ") {
					return nil, fmt.Errorf("%s: line %d: %q is not a number: separate the coordinates with commas", path, line, text)
				}
				return nil, fmt.Errorf("%s: line %d column %d: %q is not a number (CSV files have no header line)", path, line, k+1, strings.TrimSpace(field))
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: line %d column %d is %v: all coordinates must be finite", path, line, k+1, v)
			}
			data = append(data, v)
		}
		rows++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if rows == 0 {
		return nil, fmt.Errorf("%s: no points: the file is empty", path)
	}
	return ot.NewMatrix(rows, cols, data)
}
