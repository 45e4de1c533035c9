package matfile

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse decodes arbitrary bytes as a MAT-file and converts every numeric
// variable. Errors are expected; panics and huge allocations are bugs.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.mat")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data, "fuzz.mat")
		if err != nil {
			return
		}
		for _, v := range file.Variables {
			v.Float64()
			v.Uint8()
			v.Len()
		}
	})
}
