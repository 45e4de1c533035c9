package metrics

import "math"

// symmetricEigenvalues returns the eigenvalues of the symmetric n×n matrix a
// (row-major, not modified) by cyclic Jacobi rotations. The metrics call it on
// code covariance matrices, a few dozen rows at most, where Jacobi is
// accurate to a few ulps of the largest eigenvalue.
func symmetricEigenvalues(a []float64, n int) []float64 {
	m := append([]float64(nil), a...)
	norm := 0.0
	for _, v := range m {
		norm += v * v
	}
	for sweep := 0; sweep < 100; sweep++ {
		off := 0.0
		for p := range n {
			for q := p + 1; q < n; q++ {
				off += m[p*n+q] * m[p*n+q]
			}
		}
		// Stop once the off-diagonal part is below rounding of the matrix.
		if off <= 1e-32*norm {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				apq := m[p*n+q]
				if apq == 0 {
					continue
				}
				theta := (m[q*n+q] - m[p*n+p]) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n {
					mkp, mkq := m[k*n+p], m[k*n+q]
					m[k*n+p] = c*mkp - s*mkq
					m[k*n+q] = s*mkp + c*mkq
				}
				for k := range n {
					mpk, mqk := m[p*n+k], m[q*n+k]
					m[p*n+k] = c*mpk - s*mqk
					m[q*n+k] = s*mpk + c*mqk
				}
			}
		}
	}
	out := make([]float64, n)
	for i := range n {
		out[i] = m[i*n+i]
	}
	return out
}
