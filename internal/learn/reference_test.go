package learn

import (
	"path/filepath"
	"testing"

	"github.com/gromov-monge/gmg/internal/npy"
)

// reference holds one case written by testdata/sklearn_reference.py
// (scikit-learn 1.2.1, numpy 1.24.2, Debian bookworm).
type reference struct {
	t      *testing.T
	arrays map[string]*npy.Array
}

func loadReference(t *testing.T, name string) *reference {
	t.Helper()
	z, err := npy.OpenNPZ(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	r := &reference{t: t, arrays: map[string]*npy.Array{}}
	for _, k := range z.Keys() {
		a, err := z.Read(k)
		if err != nil {
			t.Fatal(err)
		}
		r.arrays[k] = a
	}
	return r
}

func (r *reference) array(key string) *npy.Array {
	a, ok := r.arrays[key]
	if !ok {
		r.t.Fatalf("reference has no array %q", key)
	}
	return a
}

// matrix returns the float array key with its row count and row length.
func (r *reference) matrix(key string) ([]float64, int, int) {
	a := r.array(key)
	rows, cols := a.Shape[0], 1
	if len(a.Shape) > 1 {
		cols = a.Shape[1]
	}
	return a.Float64(), rows, cols
}

func (r *reference) floats(key string) []float64 { return r.array(key).Float64() }

func (r *reference) ints(key string) []int {
	v, err := r.array(key).Int64()
	if err != nil {
		r.t.Fatal(err)
	}
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}
