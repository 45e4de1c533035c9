package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Errors of the readers of the published dataset files.
var (
	// ErrMissingFile is wrapped by the error of a reader that cannot find a
	// published file; the message names the paths tried and the download.
	ErrMissingFile = errors.New("data: published dataset file not found")

	// ErrInvalidFile is wrapped by errors about a published file whose
	// content is not what the dataset's publication has: wrong keys, shapes,
	// types, magic numbers or values, or a truncated file. The message names
	// what was found and what was expected.
	ErrInvalidFile = errors.New("data: invalid published dataset file")
)

// proceduralHint ends every missing-file message.
const proceduralHint = "omit the data directory (--data-dir, $GMG_DATA_DIR) to use the procedural generator instead"

// findPublished returns the path of the file name in dir, or in dir/subdir,
// the layout that disentanglement_lib's $DISENTANGLEMENT_LIB_DATA uses. The
// error for a file in neither place names both paths and where to download
// the file.
func findPublished(dir, subdir, name, download string) (string, error) {
	paths := []string{filepath.Join(dir, name), filepath.Join(dir, subdir, name)}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: neither %s nor %s exists; download %s from %s, or %s",
		ErrMissingFile, paths[0], paths[1], name, download, proceduralHint)
}

// pixelScale maps a byte to [0, 1] as float32(float64(v)/255), the value
// numpy gives for uint8 images divided by 255 in float64 and cast to float32.
var pixelScale = func() (t [256]float32) {
	for v := range t {
		t[v] = float32(float64(v) / 255)
	}
	return t
}()

// bytesToUnit converts pixels to [0, 1].
func bytesToUnit(src []uint8, dst []float32) {
	for i, v := range src {
		dst[i] = pixelScale[v]
	}
}

// valueGrid finds the distinct values of one factor column in a table of
// labels and returns each row's value index (the rank of its value). Values
// within 1e-6 of each other count as one, so that labels computed in
// floating point map cleanly. It returns the sorted distinct values, or an
// error if their number is not size.
func valueGrid(column []float64, size int) (index []int, values []float64, err error) {
	sorted := append([]float64(nil), column...)
	sort.Float64s(sorted)
	for i, v := range sorted {
		if v != v {
			return nil, nil, fmt.Errorf("label NaN")
		}
		if i == 0 || v-values[len(values)-1] > 1e-6 {
			values = append(values, v)
		}
	}
	if len(values) != size {
		return nil, nil, fmt.Errorf("%d distinct values (%s), expected %d", len(values), formatValues(values), size)
	}
	index = make([]int, len(column))
	for i, v := range column {
		// The first grid value not below v-1e-6 is v's own.
		index[i] = sort.Search(len(values), func(j int) bool { return values[j] >= v-1e-6 })
	}
	return index, values, nil
}

// formatShape formats a shape as NumPy prints it, e.g. "(480000, 6)".
func formatShape(shape []int) string {
	parts := make([]string, len(shape))
	for i, n := range shape {
		parts[i] = strconv.Itoa(n)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// formatValues lists values compactly: all of them up to six, else the
// first three and the last.
func formatValues(values []float64) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	if len(values) <= 6 {
		parts := make([]string, len(values))
		for i, v := range values {
			parts[i] = f(v)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%s, %s, %s, …, %s", f(values[0]), f(values[1]), f(values[2]), f(values[len(values)-1]))
}

// gridPositions checks that rows ([n, len(sizes)], row-major), one factor
// row per published image, cover every point of the grid exactly once, and
// returns each image's grid index.
func gridPositions(sizes []int, rows []int) ([]int32, error) {
	k := len(sizes)
	n := NumPoints(sizes)
	if len(rows) != n*k {
		return nil, fmt.Errorf("%d images for a grid of %d points", len(rows)/k, n)
	}
	seen := make([]bool, n)
	out := make([]int32, n)
	for i := range n {
		row := rows[i*k : (i+1)*k]
		for j, v := range row {
			if v < 0 || v >= sizes[j] {
				return nil, fmt.Errorf("image %d has factor %d value %d, valid range is [0, %d)", i, j, v, sizes[j])
			}
		}
		g := Index(sizes, row)
		if seen[g] {
			return nil, fmt.Errorf("image %d repeats the factor values %v of an earlier image", i, row)
		}
		seen[g] = true
		out[i] = int32(g)
	}
	return out, nil
}
