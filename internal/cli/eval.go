package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/gromov-monge/gmg/internal/npy"
	"github.com/gromov-monge/gmg/metrics"
)

func init() {
	register(&command{name: "eval", summary: "score a representation with the disentanglement metrics", run: runEval})
}

const evalDescription = `Score precomputed codes against their ground-truth factors with the
disentanglement metrics of disentanglement_lib: MIG, SAP, DCI (gradient-boosted
trees as scikit-learn 1.2.1's GradientBoostingClassifier), modularity and
explicitness, the unsupervised Gaussian scores and IRS.

CODES.npy is [N, codes] of finite numbers, any numeric dtype. FACTORS.npy is
[N, factors] of integers: an integer dtype, or floats with whole values. Row i
of both belongs to one observation. The first --num-train rows train the
classifiers and the next --num-test rows test them. MIG, the unsupervised
scores and IRS use the training rows only. Rows after the test rows are
ignored. A factor that takes one value in the training rows is left out of
MIG's average (disentanglement_lib divides by its zero entropy and returns
NaN).

BetaVAE and FactorVAE draw their own batches from a dataset through a trained
model, so they are not available on precomputed codes.

With --run DIR, gmg eval instead re-scores the latest checkpoint of a run that
gmg train wrote, with every metric including BetaVAE and FactorVAE, and
rewrites the run's metrics.json, summary.md and figures; 'gmg eval --run DIR
--help' lists the flags of that mode.`

// evalFlags are the parsed flags of gmg eval.
type evalFlags struct {
	codes, factors string
	metrics        []metrics.Metric
	cfg            metrics.Config
	json           bool
}

func parseEvalFlags(e *env, args []string) (*evalFlags, error) {
	fs := newFlagSet(e, "eval",
		"gmg eval --codes CODES.npy --factors FACTORS.npy [--metrics LIST] [--num-train N] [--num-test M] [--json]",
		evalDescription)
	codes := fs.String("codes", "", "`path` of the .npy codes, [N, codes] (required)")
	factors := fs.String("factors", "", "`path` of the .npy factors, [N, factors] of integers (required)")
	names := make([]string, 0)
	for _, m := range metrics.CodeMetrics() {
		names = append(names, m.String())
	}
	list := fs.String("metrics", strings.Join(names, ","), "comma-separated `metrics` to compute")
	numTrain := fs.Int("num-train", 10000, "number of leading rows that train the classifiers")
	numTest := fs.Int("num-test", 5000, "number of rows after the training rows that test them")
	bins := fs.Int("bins", metrics.DefaultNumBins, "histogram bins per code for MIG, modularity, the mutual information score and IRS")
	seed := fs.Uint64("seed", 0, "seed, below 2^32, of the classifiers' random tie-breaking and coordinate order")
	sapContinuous := fs.Bool("sap-continuous", false, "score SAP by squared correlation instead of per-code linear SVC accuracy")
	asJSON := fs.Bool("json", false, "print all results, including the score matrices, as one JSON object")
	fs.String("run", "", "re-score the run in this `directory` written by gmg train instead of precomputed codes")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}

	f := &evalFlags{codes: *codes, factors: *factors, json: *asJSON}
	if f.codes == "" || f.factors == "" {
		return nil, usagef("both --codes and --factors are required")
	}
	if *numTrain < 1 || *numTest < 1 {
		return nil, usagef("invalid --num-train %d / --num-test %d: both must be at least 1", *numTrain, *numTest)
	}
	if *bins < 1 {
		return nil, usagef("invalid --bins %d: must be at least 1", *bins)
	}
	if *seed > math.MaxUint32 {
		return nil, usagef("invalid --seed %d: must be below 2^32", *seed)
	}
	for _, name := range strings.Split(*list, ",") {
		name = strings.TrimSpace(name)
		m, err := metrics.ParseMetric(name)
		if err != nil {
			return nil, usagef("invalid --metrics entry %q: valid values are %s", name, strings.Join(names, ", "))
		}
		if m == metrics.BetaVAEMetric || m == metrics.FactorVAEMetric {
			return nil, usagef("--metrics %s needs a dataset and a model, not precomputed codes; valid values are %s",
				name, strings.Join(names, ", "))
		}
		f.metrics = append(f.metrics, m)
	}
	f.cfg = metrics.Config{
		NumTrain: *numTrain,
		NumTest:  *numTest,
		NumBins:  *bins,
		Seed:     *seed,
		SAP:      metrics.SAPConfig{Continuous: *sapContinuous, Seed: *seed},
	}
	f.cfg.GBT.Seed = uint32(*seed)
	return f, nil
}

func runEval(e *env, args []string) error {
	if hasFlag(args, "run") {
		if hasFlag(args, "codes") || hasFlag(args, "factors") {
			return usagef("--run re-scores a trained run and takes no --codes or --factors; give either --run DIR or --codes and --factors")
		}
		return runEvalRun(e, args)
	}
	f, err := parseEvalFlags(e, args)
	if err != nil {
		return err
	}
	sample, err := readCodesAndFactors(f.codes, f.factors)
	if err != nil {
		return err
	}
	if need := f.cfg.NumTrain + f.cfg.NumTest; sample.Len() < need {
		return usagef("%s has %d rows, but --num-train %d and --num-test %d need %d; lower them, for example --num-train %d --num-test %d",
			f.codes, sample.Len(), f.cfg.NumTrain, f.cfg.NumTest, need, sample.Len()*2/3, sample.Len()-sample.Len()*2/3)
	}

	bar := newProgressBar(e, "eval", len(f.metrics))
	scores, err := metrics.ScoreCodes(e.ctx, sample, f.metrics, f.cfg, func(p metrics.Progress) {
		bar.update(p.Done, p.Metric.String())
	})
	bar.update(len(f.metrics), "")
	bar.finish()
	if err != nil {
		return err
	}

	if f.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(scores)
	}
	fmt.Fprintf(e.stdout, "%d training rows, %d test rows, %d codes, %d factors\n",
		f.cfg.NumTrain, f.cfg.NumTest, sample.NumCodes(), sample.NumFactors())
	for _, row := range scores.Values() {
		fmt.Fprintf(e.stdout, "%-13s %-38s %.6f\n", row.Metric, row.Name, row.Value)
	}
	return nil
}

// readCodesAndFactors reads the two arrays and checks that they describe the
// same rows. Errors name the file, and for a bad value its row and column.
func readCodesAndFactors(codesPath, factorsPath string) (*metrics.Sample, error) {
	for _, path := range []string{codesPath, factorsPath} {
		if !strings.HasSuffix(strings.ToLower(path), ".npy") {
			return nil, fmt.Errorf("%s: gmg eval reads .npy files; convert a CSV file with numpy.save(\"out.npy\", numpy.loadtxt(%q, delimiter=\",\"))", path, path)
		}
	}
	codes, err := npy.ReadFile(codesPath)
	if err != nil {
		return nil, err
	}
	factors, err := npy.ReadFile(factorsPath)
	if err != nil {
		return nil, err
	}
	if len(codes.Shape) != 2 {
		return nil, fmt.Errorf("%s: codes have shape %s, expected [N, codes]", codesPath, codes.ShapeString())
	}
	if len(factors.Shape) != 2 {
		return nil, fmt.Errorf("%s: factors have shape %s, expected [N, factors]", factorsPath, factors.ShapeString())
	}
	if codes.Shape[0] != factors.Shape[0] {
		return nil, fmt.Errorf("%s has %d rows but %s has %d; row i of both must describe one observation",
			codesPath, codes.Shape[0], factorsPath, factors.Shape[0])
	}

	numFactors := factors.Shape[1]
	var labels []int
	if factors.Kind() == 'f' {
		values := factors.Float64()
		labels = make([]int, len(values))
		for i, v := range values {
			if v != math.Trunc(v) || math.IsInf(v, 0) || math.Abs(v) > 1<<53 {
				return nil, fmt.Errorf("%s: factor at row %d column %d is %v, not an integer", factorsPath, i/numFactors, i%numFactors, v)
			}
			labels[i] = int(v)
		}
	} else {
		values, err := factors.Int64()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", factorsPath, err)
		}
		labels = make([]int, len(values))
		for i, v := range values {
			labels[i] = int(v)
		}
	}

	sample, err := metrics.NewSample(codes.Float64(), labels, codes.Shape[1], numFactors)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", codesPath, err)
	}
	return sample, nil
}
