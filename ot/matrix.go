package ot

import (
	"fmt"
	"math"
)

// Matrix is a dense row-major matrix: element (i, j) is Data[i*Cols+j].
// Point clouds are matrices with one point per row, shape [n, dim].
type Matrix struct {
	Rows, Cols int
	Data       []float64
}

// NewMatrix returns a rows×cols matrix that copies data. It returns an error
// wrapping ErrShape when len(data) != rows*cols or a dimension is not positive,
// and one wrapping ErrNotFinite naming the first NaN or ±Inf element.
func NewMatrix(rows, cols int, data []float64) (*Matrix, error) {
	if rows <= 0 || cols <= 0 {
		return nil, fmt.Errorf("%w: matrix of %d×%d: both dimensions must be at least 1", ErrShape, rows, cols)
	}
	if len(data) != rows*cols {
		return nil, fmt.Errorf("%w: %d values do not fill a %d×%d matrix (%d values)", ErrShape, len(data), rows, cols, rows*cols)
	}
	if err := checkFinite("matrix", data, cols); err != nil {
		return nil, err
	}
	return &Matrix{Rows: rows, Cols: cols, Data: append([]float64(nil), data...)}, nil
}

// NewMatrixRows returns a matrix with a copy of the given rows, which must all
// have the same positive length.
func NewMatrixRows(rows [][]float64) (*Matrix, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("%w: no rows", ErrShape)
	}
	cols := len(rows[0])
	data := make([]float64, 0, len(rows)*cols)
	for i, r := range rows {
		if len(r) != cols {
			return nil, fmt.Errorf("%w: row %d has %d values, row 0 has %d", ErrShape, i, len(r), cols)
		}
		data = append(data, r...)
	}
	return NewMatrix(len(rows), cols, data)
}

// At returns element (i, j). It panics when i or j is out of range.
func (m *Matrix) At(i, j int) float64 {
	if uint(i) >= uint(m.Rows) || uint(j) >= uint(m.Cols) {
		panic(fmt.Sprintf("ot: index (%d, %d) out of range for a %d×%d matrix", i, j, m.Rows, m.Cols))
	}
	return m.Data[i*m.Cols+j]
}

// Row returns row i as a slice that shares the matrix's storage.
func (m *Matrix) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// checkFinite returns an error wrapping ErrNotFinite for the first NaN or ±Inf
// in data, naming its row and column (data has cols values per row).
func checkFinite(what string, data []float64, cols int) error {
	for k, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %s row %d column %d is %v", ErrNotFinite, what, k/cols, k%cols, v)
		}
	}
	return nil
}

// dotGo returns Σ x[k]·y[k] over len(x) elements; y must be at least as long.
func dotGo(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(x); k += 4 {
		s0 += x[k] * y[k]
		s1 += x[k+1] * y[k+1]
		s2 += x[k+2] * y[k+2]
		s3 += x[k+3] * y[k+3]
	}
	for ; k < len(x); k++ {
		s0 += x[k] * y[k]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpyGo adds alpha·x to y over len(x) elements.
func axpyGo(alpha float64, x, y []float64) {
	y = y[:len(x)]
	k := 0
	for ; k+4 <= len(x); k += 4 {
		y[k] += alpha * x[k]
		y[k+1] += alpha * x[k+1]
		y[k+2] += alpha * x[k+2]
		y[k+3] += alpha * x[k+3]
	}
	for ; k < len(x); k++ {
		y[k] += alpha * x[k]
	}
}

// sum returns Σ x[k].
func sum(x []float64) float64 {
	var s0, s1 float64
	k := 0
	for ; k+2 <= len(x); k += 2 {
		s0 += x[k]
		s1 += x[k+1]
	}
	if k < len(x) {
		s0 += x[k]
	}
	return s0 + s1
}

// gemmRows sets the rows lo..hi of out (n×m) to a·v, where a is n×r and v is
// r×m, all row-major. With AVX2 it computes four rows at a time with gemm4,
// which loads each element of v once for the four. The Go loops handle four
// inner indices per sweep so that each output element is loaded and stored
// once per four multiply-adds.
func gemmRows(out, a, v []float64, r, m, lo, hi int) {
	i := lo
	if useAVX2 && m >= minVector {
		for ; i+4 <= hi; i += 4 {
			gemm4(out[i*m:], m, a[i*r:], r, v, m)
		}
	}
	for ; i < hi; i++ {
		row := out[i*m : (i+1)*m]
		clear(row)
		ai := a[i*r : (i+1)*r]
		if useAVX2 && m >= minVector {
			gemmRow(row, ai, v)
			continue
		}
		k := 0
		for ; k+4 <= r; k += 4 {
			c0, c1, c2, c3 := ai[k], ai[k+1], ai[k+2], ai[k+3]
			v0 := v[k*m : (k+1)*m]
			v1 := v[(k+1)*m : (k+2)*m]
			v2 := v[(k+2)*m : (k+3)*m]
			v3 := v[(k+3)*m : (k+4)*m]
			for j := range row {
				row[j] += c0*v0[j] + c1*v1[j] + c2*v2[j] + c3*v3[j]
			}
		}
		for ; k < r; k++ {
			axpy(ai[k], v[k*m:(k+1)*m], row)
		}
	}
}

// gemmTransRows adds bᵀ·p restricted to the rows lo..hi of b (n×r) and p (n×m)
// into acc (r×m): acc[k][j] += Σ_{i in lo..hi} b[i][k]·p[i][j].
func gemmTransRows(acc, b, p []float64, r, m, lo, hi int) {
	i := lo
	if useAVX2 && m >= minVector {
		// Four rows of p at a time: acc[k] += Σ_s b[i+s][k]·p[i+s], each
		// row of acc loaded and stored once per four rows of p.
		var c [4]float64
		for ; i+4 <= hi; i += 4 {
			for k := 0; k < r; k++ {
				c = [4]float64{b[i*r+k], b[(i+1)*r+k], b[(i+2)*r+k], b[(i+3)*r+k]}
				axpy4(&c, p[i*m:], m, acc[k*m:(k+1)*m])
			}
		}
	}
	for ; i < hi; i++ {
		pi := p[i*m : (i+1)*m]
		bi := b[i*r : (i+1)*r]
		if useAVX2 && m >= minVector {
			for k, c := range bi {
				axpy(c, pi, acc[k*m:(k+1)*m])
			}
			continue
		}
		k := 0
		for ; k+4 <= r; k += 4 {
			c0, c1, c2, c3 := bi[k], bi[k+1], bi[k+2], bi[k+3]
			a0 := acc[k*m : (k+1)*m]
			a1 := acc[(k+1)*m : (k+2)*m]
			a2 := acc[(k+2)*m : (k+3)*m]
			a3 := acc[(k+3)*m : (k+4)*m]
			for j, x := range pi {
				a0[j] += c0 * x
				a1[j] += c1 * x
				a2[j] += c2 * x
				a3[j] += c3 * x
			}
		}
		for ; k < r; k++ {
			axpy(bi[k], pi, acc[k*m:(k+1)*m])
		}
	}
}
