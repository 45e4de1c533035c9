package tensor

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// BLAS is the matrix-product interface every backend implements. Matrices are
// row-major float32 slices with a leading dimension (the distance between
// the starts of two rows).
type BLAS interface {
	// Name returns the backend's name as GMG_BLAS spells it: "openblas" or "go".
	Name() string

	// Core returns the CPU kernel family the backend uses, e.g. OpenBLAS's
	// "Zen" or "Haswell", or "pure Go" for the gonum backend.
	Core() string

	// Threads returns the number of threads one call may use.
	Threads() int

	// SetThreads sets the number of threads one call may use; n < 1 is taken
	// as 1. The gonum backend ignores it because its goroutines share
	// GOMAXPROCS with the rest of the program.
	SetThreads(n int)

	// Sgemm computes C = alpha·op(A)·op(B) + beta·C, where op(A) is [m, k],
	// op(B) is [k, n] and C is [m, n]; transA and transB select the transpose.
	// With beta = 0, C is overwritten and its old contents (even NaN) are
	// ignored. Sgemm panics when a slice is too short for its dimensions.
	Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

// Environment variable and backend names.
const (
	// EnvBLAS is the environment variable that forces a backend.
	EnvBLAS = "GMG_BLAS"
	// OpenBLASName is the name of the OpenBLAS backend.
	OpenBLASName = "openblas"
	// GoName is the name of the pure-Go (gonum) backend.
	GoName = "go"
)

// OpenBLASLibrary is the shared library LoadOpenBLAS opens.
const OpenBLASLibrary = "libopenblas.so.0"

// ErrBLASUnavailable is returned, wrapped, when a backend cannot be loaded.
var ErrBLASUnavailable = errors.New("tensor: BLAS backend unavailable")

var (
	defaultOnce sync.Once
	defaultBLAS BLAS
	defaultErr  error
)

// DefaultBLAS returns the process-wide backend, chosen on the first call. With
// GMG_BLAS unset or empty it is OpenBLAS when libopenblas.so.0 loads and the
// gonum backend otherwise. GMG_BLAS=openblas or GMG_BLAS=go forces one; a
// forced OpenBLAS that cannot be loaded, or any other value, is an error and
// the returned BLAS is nil. Later calls return the same result.
func DefaultBLAS() (BLAS, error) {
	defaultOnce.Do(func() {
		defaultBLAS, defaultErr = selectBLAS(os.Getenv(EnvBLAS))
	})
	return defaultBLAS, defaultErr
}

// SelectBLAS returns the backend that the GMG_BLAS value choice selects, as
// DefaultBLAS describes, without caching it.
func SelectBLAS(choice string) (BLAS, error) { return selectBLAS(choice) }

func selectBLAS(choice string) (BLAS, error) {
	switch choice {
	case "":
		if b, err := LoadOpenBLAS(); err == nil {
			return b, nil
		}
		return GoBLAS(), nil
	case OpenBLASName:
		b, err := LoadOpenBLAS()
		if err != nil {
			return nil, fmt.Errorf("%s=%s: %w", EnvBLAS, choice, err)
		}
		return b, nil
	case GoName:
		return GoBLAS(), nil
	}
	return nil, fmt.Errorf("tensor: invalid %s=%q (valid: %q, %q, or unset for automatic)", EnvBLAS, choice, OpenBLASName, GoName)
}

// checkGemm panics when a slice is too short for a row-major product.
func checkGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("tensor: Sgemm with negative size m=%d n=%d k=%d", m, n, k))
	}
	ra, ca := m, k
	if transA {
		ra, ca = k, m
	}
	rb, cb := k, n
	if transB {
		rb, cb = n, k
	}
	check := func(name string, s []float32, rows, cols, ld int) {
		if rows == 0 || cols == 0 {
			return
		}
		if ld < cols || len(s) < (rows-1)*ld+cols {
			panic(fmt.Sprintf("tensor: Sgemm: %s has %d values with leading dimension %d, need a [%d, %d] matrix", name, len(s), ld, rows, cols))
		}
	}
	check("A", a, ra, ca, lda)
	check("B", b, rb, cb, ldb)
	check("C", c, m, n, ldc)
}

// Gemm computes C = alpha·op(A)·op(B) + beta·C on dense row-major tensors with
// backend b: A is [m, k] (or [k, m] with transA), B is [k, n] (or [n, k] with
// transB) and C is [m, n]. It panics, naming the shapes, when they disagree.
func Gemm(b BLAS, transA, transB bool, alpha float32, a, bm *Tensor, beta float32, c *Tensor) {
	if a.Rank() != 2 || bm.Rank() != 2 || c.Rank() != 2 {
		panic(fmt.Sprintf("tensor: Gemm needs matrices, got shapes %v, %v, %v", a.shape, bm.shape, c.shape))
	}
	m, k := a.shape[0], a.shape[1]
	if transA {
		m, k = k, m
	}
	k2, n := bm.shape[0], bm.shape[1]
	if transB {
		k2, n = n, k2
	}
	if k != k2 || c.shape[0] != m || c.shape[1] != n {
		panic(fmt.Sprintf("tensor: Gemm shape mismatch: %v (transposed %t) times %v (transposed %t) into %v", a.shape, transA, bm.shape, transB, c.shape))
	}
	b.Sgemm(transA, transB, m, n, k, alpha, a.data, a.shape[1], bm.data, bm.shape[1], beta, c.data, n)
}

// gemmBlocks is the number of row blocks ParallelGemm splits C into. It is
// fixed, not the number of cores, so results do not depend on Workers().
const gemmBlocks = 4

// ParallelGemm is Gemm with the rows of C split into four blocks, each
// computed by one BLAS call on one of Workers() goroutines. OpenBLAS may
// pick different kernels for a smaller block, so the result can differ from
// Gemm's in the last bits, but it is the same on every run and for every
// Workers(). Products with fewer than 2¹⁴ elements in C run as one call.
func ParallelGemm(b BLAS, transA, transB bool, alpha float32, a, bm *Tensor, beta float32, c *Tensor) {
	ParallelGemmWith(Workers(), b, transA, transB, alpha, a, bm, beta, c)
}

// ParallelGemmWith is ParallelGemm on at most workers goroutines. The blocks
// and so the results are the same for every workers.
func ParallelGemmWith(workers int, b BLAS, transA, transB bool, alpha float32, a, bm *Tensor, beta float32, c *Tensor) {
	if c.Rank() != 2 || a.Rank() != 2 || bm.Rank() != 2 {
		Gemm(b, transA, transB, alpha, a, bm, beta, c)
		return
	}
	m, n := c.shape[0], c.shape[1]
	if m*n < 1<<14 || m < gemmBlocks {
		Gemm(b, transA, transB, alpha, a, bm, beta, c)
		return
	}
	k := a.shape[1]
	if transA {
		k = a.shape[0]
	}
	kb := bm.shape[0]
	if transB {
		kb = bm.shape[1]
	}
	if k != kb || (transA && a.shape[1] != m) || (!transA && a.shape[0] != m) || bm.Len() != k*n {
		Gemm(b, transA, transB, alpha, a, bm, beta, c) // panics with the shapes
		return
	}
	lda := a.shape[1]
	ParallelTasksWith(workers, gemmBlocks, func(_, blk int) {
		lo, hi := Chunk(m, gemmBlocks, blk)
		var aRows []float32
		if transA {
			aRows = a.data[lo:]
		} else {
			aRows = a.data[lo*lda:]
		}
		b.Sgemm(transA, transB, hi-lo, n, k, alpha, aRows, lda, bm.data, bm.shape[1], beta, c.data[lo*n:hi*n], n)
	})
}
