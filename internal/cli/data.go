package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/gromov-monge/gmg/data"
	"github.com/gromov-monge/gmg/report"
)

func init() {
	register(&command{name: "data", summary: "describe the benchmark datasets and draw factor traversals", run: runData})
}

const dataUsage = `Usage:
  gmg data info [--dataset NAME] [--data-dir DIR] [--json]
  gmg data show --dataset NAME --out FILE.png [--seed S] [--columns K] [--scale N] [--data-dir DIR]

Subcommands:
  info   print the factors, sizes, image shape and source of the datasets
  show   draw a PNG grid with one row per factor, traversing that factor

Run 'gmg data info --help' or 'gmg data show --help' for their flags.
`

// dataDirEnv names the environment variable that --data-dir falls back to.
const dataDirEnv = "GMG_DATA_DIR"

func runData(e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, dataUsage)
		return usagef("missing subcommand: valid subcommands are info, show")
	}
	switch args[0] {
	case "info":
		return runDataInfo(e, args[1:])
	case "show":
		return runDataShow(e, args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Fprint(e.stderr, dataUsage)
		return flag.ErrHelp
	default:
		return usagef("unknown subcommand %q: valid subcommands are info, show", args[0])
	}
}

// dataDirFlag registers --data-dir on fs.
func dataDirFlag(fs *flag.FlagSet) *string {
	return fs.String("data-dir", "",
		"directory with the published dataset files; empty uses $"+dataDirEnv+", and if that is empty too, the procedural generator")
}

// openDataset opens the named dataset from dir, or from $GMG_DATA_DIR when dir
// is empty. An unknown name is a usage error that lists the valid names.
func openDataset(name, dir string) (data.Dataset, error) {
	if err := choice("dataset", name, data.Names()...); err != nil {
		return nil, err
	}
	if dir == "" {
		dir = os.Getenv(dataDirEnv)
	}
	return data.Open(name, dir)
}

// datasetInfo is the JSON form of one dataset in gmg data info --json.
type datasetInfo struct {
	Name       string       `json:"name"`
	Source     string       `json:"source"`
	Summary    string       `json:"summary,omitempty"`
	ImageShape [3]int       `json:"image_shape"` // height, width, channels
	NumImages  int          `json:"num_images"`
	GridPoints int          `json:"grid_points"`
	Factors    []factorInfo `json:"factors"`
	// MissingFile is the error of a published file that was not found in
	// the data directory, in which case the rest describes the generator.
	MissingFile string `json:"missing_file,omitempty"`
}

type factorInfo struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	Values string `json:"values,omitempty"`
}

func describeDataset(d data.Dataset) datasetInfo {
	s := d.ImageShape()
	sizes := data.Sizes(d)
	info := datasetInfo{
		Name:       d.Name(),
		Source:     d.Source(),
		ImageShape: [3]int{s.Height, s.Width, s.Channels},
		GridPoints: data.NumPoints(sizes),
	}
	info.NumImages = info.GridPoints
	var desc data.Description
	if dr, ok := d.(data.Describer); ok {
		desc = dr.Describe()
		info.Summary = desc.Summary
		if desc.NumImages > 0 {
			info.NumImages = desc.NumImages
		}
	}
	for i, f := range d.Factors() {
		fi := factorInfo{Name: f.Name, Size: f.Size}
		if i < len(desc.FactorValues) {
			fi.Values = desc.FactorValues[i]
		}
		info.Factors = append(info.Factors, fi)
	}
	return info
}

func runDataInfo(e *env, args []string) error {
	fs := newFlagSet(e, "data info", "gmg data info [--dataset NAME] [--data-dir DIR] [--json]", `
Print, for each dataset or the one named, its factors of variation (name, number
of values and the values with their unit), the number of images, the image shape
(height × width × channels; pixels are float32 in [0, 1]) and where the images
come from: "procedural" for gmg's generator, or the path of the published file.
With a data directory, a dataset named by --dataset must have its file there;
listing all datasets, those without a file are described from their generator
and their missing file is reported.

The dSprites and Shapes3D generators reproduce the published factor grids and
render images like the published ones. The SmallNORB and Cars3D generators are
stand-ins: they have the published factor grids, but their images are simple
renders of toy-like objects and car-like shapes, not the published photographs
and renders.`)
	name := fs.String("dataset", "", "dataset to describe (one of "+strings.Join(data.Names(), ", ")+"); empty describes all")
	dir := dataDirFlag(fs)
	asJSON := fs.Bool("json", false, `print {"datasets": [...]} as JSON instead of text`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}

	names := data.Names()
	if *name != "" {
		names = []string{*name}
	}
	var infos []datasetInfo
	for _, n := range names {
		d, err := openDataset(n, *dir)
		missing := ""
		// Listing every dataset, a data directory may hold only some of the
		// published files; the others are described from their generator.
		if *name == "" && errors.Is(err, data.ErrMissingFile) {
			missing = err.Error()
			d, err = data.Open(n, "")
		}
		if err != nil {
			return err
		}
		info := describeDataset(d)
		info.MissingFile = missing
		infos = append(infos, info)
	}

	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Datasets []datasetInfo `json:"datasets"`
		}{infos})
	}
	for i, info := range infos {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		printDatasetInfo(e.stdout, info)
	}
	return nil
}

func printDatasetInfo(w io.Writer, info datasetInfo) {
	fmt.Fprintf(w, "%s\n", info.Name)
	fmt.Fprintf(w, "  source:  %s\n", info.Source)
	if info.MissingFile != "" {
		fmt.Fprintf(w, "  missing: %s\n", info.MissingFile)
	}
	if info.Summary != "" {
		fmt.Fprintf(w, "  about:   %s\n", info.Summary)
	}
	fmt.Fprintf(w, "  image:   %d×%d×%d (height × width × channels), float32 in [0, 1]\n",
		info.ImageShape[0], info.ImageShape[1], info.ImageShape[2])
	fmt.Fprintf(w, "  images:  %d (%d factor grid points)\n", info.NumImages, info.GridPoints)
	fmt.Fprintf(w, "  factors: %d, the last varying fastest in the grid order\n", len(info.Factors))
	width := 0
	for _, f := range info.Factors {
		width = max(width, len(f.Name))
	}
	for _, f := range info.Factors {
		fmt.Fprintf(w, "    %-*s %4d  %s\n", width, f.Name, f.Size, f.Values)
	}
}

func runDataShow(e *env, args []string) error {
	fs := newFlagSet(e, "data show",
		"gmg data show --dataset NAME --out FILE.png [--seed S] [--columns K] [--scale N] [--data-dir DIR]", `
Draw a factor traversal grid as a PNG: one row per factor, labelled with its
name. A base point of the factor grid is drawn at random from --seed; in each
row one factor takes its values from left to right while the others keep their
base values. A factor with more values than --columns shows an evenly spaced
subset that includes its first and last values; one with fewer leaves the rest
of its row empty. Nuisance variables that are not factors (the SmallNORB
instance) are drawn once from the seed and are the same in every image.

Each image is --scale times its size in pixels, with a 2-pixel grey gap between
images.`)
	name := fs.String("dataset", "", "dataset to draw (one of "+strings.Join(data.Names(), ", ")+"); required")
	out := fs.String("out", "", "path of the PNG file to write; required")
	seed := fs.Uint64("seed", 0, "seed of the random base point and nuisance variables")
	columns := fs.Int("columns", 10, "images per row, at least 2")
	scale := fs.Int("scale", 1, "magnification, 1 to 16: each image pixel becomes N×N pixels, and the labels grow with the images")
	dir := dataDirFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *name == "" {
		return usagef("missing --dataset: valid values are %s", strings.Join(data.Names(), ", "))
	}
	if *out == "" {
		return usagef("missing --out: give the path of the PNG file to write")
	}
	if err := pngPath("out", *out); err != nil {
		return err
	}
	if *columns < 2 {
		return usagef("invalid --columns %d: need at least 2", *columns)
	}
	if *scale < 1 || *scale > 16 {
		return usagef("invalid --scale %d: valid range is 1 to 16", *scale)
	}

	d, err := openDataset(*name, *dir)
	if err != nil {
		return err
	}
	grid, base, err := traversalGrid(e, d, *seed, *columns)
	if err != nil {
		return err
	}
	grid.Scale = *scale
	if err := grid.SavePNG(*out); err != nil {
		return err
	}

	b := grid.Bounds()
	fmt.Fprintf(e.stdout, "wrote %s (%d×%d pixels): %s, base point %s\n",
		*out, b.Dx(), b.Dy(), d.Name(), formatRow(d.Factors(), base))
	return nil
}

// traversalGrid renders the traversal of every factor of d around a base point
// drawn from seed, one factor per row, and returns the grid and the base point.
func traversalGrid(e *env, d data.Dataset, seed uint64, columns int) (*report.ImageGrid, []int, error) {
	factors := d.Factors()
	shape := d.ImageShape()
	grid := report.NewImageGrid(len(factors), columns, shape.Height, shape.Width, shape.Channels)
	for _, f := range factors {
		grid.RowLabels = append(grid.RowLabels, f.Name)
	}

	// The base point and the nuisance draws use separate PCG streams of one
	// seed. Every image gets a fresh nuisance source, so the nuisance values
	// are the same in every cell.
	base := data.SampleFactors(data.Sizes(d), 1, rand.New(rand.NewPCG(seed, 0)))
	img := make([]float32, shape.Len())
	row := make([]int, len(factors))
	for fi, f := range factors {
		if err := e.ctx.Err(); err != nil {
			return nil, nil, err
		}
		for col, v := range evenlySpaced(f.Size, columns) {
			copy(row, base)
			row[fi] = v
			if err := d.Observe(row, rand.New(rand.NewPCG(seed, 1)), img); err != nil {
				return nil, nil, err
			}
			if err := grid.Set(fi, col, img); err != nil {
				return nil, nil, fmt.Errorf("%s image at %s: %w", d.Name(), formatRow(factors, row), err)
			}
		}
	}
	return grid, base, nil
}

// evenlySpaced returns all of 0..size−1 if size ≤ k, and otherwise k indices
// from 0 to size−1 spaced as evenly as rounding allows. k must be at least 2.
func evenlySpaced(size, k int) []int {
	if size <= k {
		out := make([]int, size)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, k)
	for i := range out {
		out[i] = int(math.Round(float64(i) * float64(size-1) / float64(k-1)))
	}
	return out
}

// formatRow writes a factor row as name=value pairs.
func formatRow(factors []data.Factor, row []int) string {
	parts := make([]string, len(row))
	for i, v := range row {
		parts[i] = fmt.Sprintf("%s=%d", factors[i].Name, v)
	}
	return strings.Join(parts, " ")
}

// pngPath checks that the file named by the flag called flagName ends in
// .png, the only format gmg writes images in.
func pngPath(flagName, path string) error {
	if !strings.EqualFold(filepath.Ext(path), ".png") {
		return usagef("invalid --%s %q: gmg writes PNG images; give a path ending in .png", flagName, path)
	}
	return nil
}
