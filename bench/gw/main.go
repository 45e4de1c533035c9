// Command gw times gmg's Gromov-Wasserstein solvers against POT 0.8.2 on the
// same point clouds. It runs the anchor script and gmg alternately (POT, gmg,
// POT, gmg, ...) on the clouds that the anchor saves with its PREFIX argument.
// It prints one JSON line with the median times, their ratio, both GW values
// (POT's convention, 2·E) and the peak resident memory of the Go process.
//
// Both sides time the solve alone. The anchor builds its cost matrices
// (ot.dist, divided by the maximum) before its timer starts, and times
// ot.gromov.entropic_gromov_wasserstein or gromov_wasserstein, which include
// POT's init_matrix. gmg builds its two point clouds (dense cost matrices and
// low-rank factors) before the timer; the timer covers NewQuadraticProblem,
// which corresponds to init_matrix, and Solve. The point-cloud construction
// is timed apart and reported as gmg_geometry_median_s.
//
// Usage:
//
//	go run ./bench/gw -n 1024 -mode entropic -reps 5
//	go run ./bench/gw -n 4096 -mode entropic -pot=false
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gromov-monge/gmg/bench/internal/benchutil"
	"github.com/gromov-monge/gmg/internal/npy"
	"github.com/gromov-monge/gmg/ot"
)

func main() {
	n := flag.Int("n", 1024, "number of points in each cloud")
	dimX := flag.Int("dim-x", 10, "dimension of the first cloud")
	dimY := flag.Int("dim-y", 64, "dimension of the second cloud")
	mode := flag.String("mode", "entropic", "entropic or exact")
	potEps := flag.Float64("pot-epsilon", 0.01, "POT's epsilon; gmg uses half of it as absolute epsilon")
	reps := flag.Int("reps", 5, "alternating repetitions")
	withPOT := flag.Bool("pot", true, "run the POT anchor; false times gmg alone on clouds drawn in Go")
	anchor := flag.String("anchor", "../shared/anchors/pot_gw.py", "path of pot_gw.py")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter with POT")
	flag.Parse()
	if err := run(*n, *dimX, *dimY, *mode, *potEps, *reps, *withPOT, *anchor, *python); err != nil {
		fmt.Fprintln(os.Stderr, "gw bench:", err)
		os.Exit(1)
	}
}

type potLine struct {
	MedianS float64 `json:"median_s"`
	GW      float64 `json:"gw_dist_pot_convention"`
}

func run(n, dimX, dimY int, mode string, potEps float64, reps int, withPOT bool, anchor, python string) error {
	dir, err := os.MkdirTemp("", "gwbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	prefix := filepath.Join(dir, "clouds")
	potMode := strconv.FormatFloat(potEps, 'g', -1, 64)
	if mode == "exact" {
		potMode = "exact"
	}

	var x, y *ot.Matrix
	var potTimes []float64
	var potGW float64
	runPOT := func() error {
		cmd := exec.Command(python, anchor, strconv.Itoa(n), strconv.Itoa(dimX), strconv.Itoa(dimY), potMode, "1", prefix)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("anchor: %v", err)
		}
		var line potLine
		if err := json.Unmarshal(out.Bytes(), &line); err != nil {
			return fmt.Errorf("anchor output %q: %v", out.String(), err)
		}
		potTimes = append(potTimes, line.MedianS)
		potGW = line.GW
		return nil
	}
	if withPOT {
		if err := runPOT(); err != nil {
			return err
		}
		if x, err = readCloud(prefix + "_x.npy"); err != nil {
			return err
		}
		if y, err = readCloud(prefix + "_y.npy"); err != nil {
			return err
		}
		potTimes = potTimes[:0]
	} else {
		rng := rand.New(rand.NewPCG(0, 0))
		x, y = gaussian(rng, n, dimX), gaussian(rng, n, dimY)
	}

	var gmgTimes, geometryTimes []float64
	var res *ot.GWResult
	for r := 0; r < reps; r++ {
		if withPOT {
			if err := runPOT(); err != nil {
				return err
			}
		}
		runtime.GC()
		start := time.Now()
		gx, gy, err := buildGeometries(x, y)
		if err != nil {
			return err
		}
		geometryTimes = append(geometryTimes, time.Since(start).Seconds())

		start = time.Now()
		res, err = solve(gx, gy, mode, potEps/2)
		if err != nil {
			return err
		}
		gmgTimes = append(gmgTimes, time.Since(start).Seconds())
	}
	load, _ := os.ReadFile("/proc/loadavg")
	out := map[string]any{
		"n": n, "dim_x": dimX, "dim_y": dimY, "mode": mode, "reps": reps,
		"gmg_median_s": benchutil.Median(gmgTimes), "gmg_times_s": gmgTimes,
		"gmg_geometry_median_s": benchutil.Median(geometryTimes),
		"gmg_gw_pot_convention": 2 * res.GW, "gmg_status": res.Status.String(),
		"gmg_outer": res.OuterIterations, "gmg_inner": res.InnerIterations,
		"gmg_peak_rss_mib": peakRSSMiB(), "loadavg": string(bytes.TrimSpace(load)),
		"gomaxprocs": runtime.GOMAXPROCS(0),
	}
	if withPOT {
		out["pot_median_s"] = benchutil.Median(potTimes)
		out["pot_times_s"] = potTimes
		out["pot_gw"] = potGW
		out["speedup_median"] = benchutil.Median(potTimes) / benchutil.Median(gmgTimes)
		out["gw_relative_difference"] = (2*res.GW - potGW) / potGW
	}
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
	return nil
}

// buildGeometries builds the two point clouds of the benchmark problem:
// squared-Euclidean costs divided by their maximum, as the anchor's are.
func buildGeometries(x, y *ot.Matrix) (gx, gy *ot.PointCloud, err error) {
	if gx, err = ot.NewPointCloud(x, ot.SqEuclidean, ot.NormalizeMax); err != nil {
		return nil, nil, err
	}
	if gy, err = ot.NewPointCloud(y, ot.SqEuclidean, ot.NormalizeMax); err != nil {
		return nil, nil, err
	}
	return gx, gy, nil
}

// solve pairs the geometries with uniform weights and runs the solver of
// mode, with absolute ε eps for the entropic one.
func solve(gx, gy *ot.PointCloud, mode string, eps float64) (*ot.GWResult, error) {
	q, err := ot.NewQuadraticProblem(gx, gy, nil, nil)
	if err != nil {
		return nil, err
	}
	if mode == "exact" {
		return ot.ExactGW{}.Solve(q)
	}
	return ot.EntropicGW{Epsilon: eps, EpsilonMode: ot.AbsoluteEpsilon}.Solve(q)
}

func readCloud(path string) (*ot.Matrix, error) {
	a, err := npy.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(a.Shape) != 2 {
		return nil, fmt.Errorf("%s: shape %s, want 2 dimensions", path, a.ShapeString())
	}
	return ot.NewMatrix(a.Shape[0], a.Shape[1], a.Float64())
}

func gaussian(rng *rand.Rand, n, dim int) *ot.Matrix {
	data := make([]float64, n*dim)
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	return &ot.Matrix{Rows: n, Cols: dim, Data: data}
}

// peakRSSMiB returns the peak resident set size of this process (VmHWM in
// /proc/self/status, Linux only), or -1 when it cannot be read.
func peakRSSMiB() float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return -1
			}
			return kb / 1024
		}
	}
	return -1
}
