package tensor

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// goBLAS is the pure-Go backend, gonum's blas/gonum implementation.
type goBLAS struct{}

// GoBLAS returns the pure-Go backend. It is always available.
func GoBLAS() BLAS { return goBLAS{} }

func (goBLAS) Name() string   { return GoName }
func (goBLAS) Core() string   { return "pure Go (gonum v0.17.0)" }
func (goBLAS) Threads() int   { return 1 }
func (goBLAS) SetThreads(int) {}

func (goBLAS) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if beta == 0 {
		// gonum scales C by beta, which keeps NaN in C; BLAS semantics say
		// beta = 0 overwrites.
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
	}
	if k == 0 {
		if beta != 0 && beta != 1 {
			for i := range m {
				row := c[i*ldc : i*ldc+n]
				for j := range row {
					row[j] *= beta
				}
			}
		}
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	gonum.Implementation{}.Sgemm(ta, tb, m, n, k, alpha, a, max(lda, 1), b, max(ldb, 1), beta, c, max(ldc, 1))
}
