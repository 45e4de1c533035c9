package hdf5

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzFile opens arbitrary bytes as an HDF5 file, lists the root group and
// reads every small dataset in it. Errors are expected; panics, hangs and
// huge allocations are bugs. Run it with -fuzzminimizetime 5s: minimizing a
// new input the size of the seed files takes minutes with the default 60s.
func FuzzFile(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.h5")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := NewFile(bytes.NewReader(data), int64(len(data)), "fuzz.h5")
		if err != nil {
			return
		}
		names, err := file.Members("/")
		if err != nil {
			return
		}
		for _, name := range names {
			d, err := file.Dataset(name)
			if err != nil {
				continue
			}
			// Keep allocations small: the fuzzer can declare datasets
			// and chunks of any size.
			total := d.Rows() * d.RowBytes()
			if total > 1<<20 || (d.Layout() == LayoutChunked && d.numChunks() > 1<<12) {
				continue
			}
			buf := make([]byte, total)
			if d.ReadRows(0, d.Rows(), buf) == nil && d.Datatype().Class <= ClassFloatingPoint {
				vals := make([]float64, total/d.Datatype().Size)
				d.ReadFloat64(0, d.Rows(), vals)
			}
		}
	})
}
