package gmg

import (
	"fmt"
	"math"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/ot"
	"github.com/gromov-monge/gmg/tensor"
)

// Workspace holds the buffers of LossWith from one call to the next, so that
// a training loop that records a regulariser at every step reuses its
// float32 copies of the batch and its cost-matrix buffers. The zero value is
// ready to use.
//
// A Workspace is not safe for concurrent use, and it serves one loss node at
// a time: the backward pass of a node reads the workspace, so it must run
// before the next LossWith call with the same Workspace. A backward pass that
// runs later panics, because its buffers then hold another batch.
type Workspace struct {
	// calls counts LossWith calls; a node records the count of its own call.
	calls    uint64
	x, y     sideBuffers
	coef     []float32 // [n, n] coefficients of the backward product
	identity *ot.Matrix
}

// sideBuffers are the buffers of one side of the batch.
type sideBuffers struct {
	rows   []float32 // [n, dim], the cloud's rows
	gram   []float32 // [n, n], lower triangle of rows·rowsᵀ
	costs  []float64 // [n, n] cost matrix, or [n, dim] float64 points
	norms  []float64 // [n]
	mean   []float64 // [dim], the column sums of the points
	center []float32 // [dim], the column means rounded to float32
}

// gemmBlocks is the number of blocks that the products of Loss are split
// into. It depends on nothing else, so the results are the same for any
// number of workers.
const gemmBlocks = 4

// newCloud32 returns the cloud of the float32 points data ([n, dim], shared,
// not copied) under cost. When useGEMM is true it computes the cost matrix
// from float32 products with the tape's BLAS and fills b.rows for the
// backward pass. Otherwise it converts the points to float64 and builds an
// ot.PointCloud, as Evaluate does. Errors wrap ot.ErrNotFinite, naming the
// entry of a NaN or ±Inf, or a float32 product that overflows.
func (b *sideBuffers) newCloud32(tp *autodiff.Tape, data []float32, n, dim int, cost ot.Cost) (*cloud, error) {
	if !useGEMM(cost, n, dim) {
		b.costs = resize(b.costs, n*dim)
		for k, v := range data {
			b.costs[k] = float64(v)
		}
		return newCloud(&ot.Matrix{Rows: n, Cols: dim, Data: b.costs}, cost)
	}

	c := &cloud{cost: cost, scale: 1, n: n, dim: dim, points32: data}
	if !b.prepareRows(tp, c) {
		return nil, notFinite32(data, dim)
	}
	b.gram = resize(b.gram, n*n)
	gramLower(tp, c.rows, n, dim, b.gram)
	b.costs = resize(b.costs, n*n)
	if err := b.fillCosts(c); err != nil {
		return nil, err
	}
	cm, err := ot.NewCostMatrix(&ot.Matrix{Rows: n, Cols: n, Data: b.costs}, ot.NormalizeNone)
	if err != nil {
		return nil, err
	}
	c.geom = cm
	return c, nil
}

// prepareRows sets c.rows to the rows that the products multiply: z − μ
// with μ the batch mean for the squared-Euclidean costs (distances do not
// change, and float32 products of centred rows lose less to cancellation),
// z/||z|| for Cosine (zero rows stay zero), z itself for InnerProduct. It
// also sets c.norms for Cosine. It returns false when the points hold a NaN
// or ±Inf, which the sums it forms anyway reveal. The work runs in
// gemmBlocks blocks of rows (Cosine) or columns (the mean) on the tape's
// workers. Each value is computed by one block, so the split does not change
// it.
func (b *sideBuffers) prepareRows(tp *autodiff.Tape, c *cloud) bool {
	n, dim, z := c.n, c.dim, c.points32
	if c.cost == ot.InnerProduct {
		c.rows = z
		return allFinite32(z)
	}

	b.rows = resize(b.rows, n*dim)
	var finite [gemmBlocks]bool
	var blocks int
	if c.cost == ot.Cosine {
		b.norms = resize(b.norms, n)
		blocks = min(n, gemmBlocks)
		tensor.ParallelTasksWith(tp.Workers(), blocks, func(_, task int) {
			lo, hi := tensor.Chunk(n, blocks, task)
			finite[task] = b.unitRows(z, dim, lo, hi)
		})
		c.norms = b.norms
	} else {
		b.mean = resize(b.mean, dim)
		b.center = resize(b.center, dim)
		blocks = min(dim, gemmBlocks)
		tensor.ParallelTasksWith(tp.Workers(), blocks, func(_, task int) {
			lo, hi := tensor.Chunk(dim, blocks, task)
			finite[task] = b.centredColumns(z, n, dim, lo, hi)
		})
	}
	c.rows = b.rows
	for _, ok := range finite[:blocks] {
		if !ok {
			return false
		}
	}
	return true
}

// unitRows divides the rows lo to hi of z ([·, dim]) by their norms into
// b.rows and stores the norms. It returns false at a row whose norm is not
// finite.
func (b *sideBuffers) unitRows(z []float32, dim, lo, hi int) bool {
	for i := lo; i < hi; i++ {
		zi, ri := z[i*dim:(i+1)*dim], b.rows[i*dim:(i+1)*dim]
		norm := math.Sqrt(sumSquares32(zi))
		if math.IsNaN(norm) || math.IsInf(norm, 0) {
			return false
		}
		b.norms[i] = norm
		if norm == 0 {
			clear(ri)
			continue
		}
		inv := float32(1 / norm)
		for k, v := range zi {
			ri[k] = v * inv
		}
	}
	return true
}

// centredColumns subtracts the mean of columns lo to hi of z ([n, dim]) from
// them into b.rows. It returns false when a mean is not finite. Any centre
// gives the same distances, and the mean rounded to float32 lets the
// subtraction run in float32.
func (b *sideBuffers) centredColumns(z []float32, n, dim, lo, hi int) bool {
	mean, center := b.mean[lo:hi], b.center[lo:hi]
	clear(mean)
	for i := 0; i < n; i++ {
		for k, v := range z[i*dim+lo : i*dim+hi] {
			mean[k] += float64(v)
		}
	}
	for k, m := range mean {
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return false
		}
		center[k] = float32(m / float64(n))
	}
	for i := 0; i < n; i++ {
		ri := b.rows[i*dim+lo : i*dim+hi]
		for k, v := range z[i*dim+lo : i*dim+hi] {
			ri[k] = v - center[k]
		}
	}
	return true
}

// gramLower sets the lower triangle, with the diagonal, of g = R·Rᵀ ([n, n])
// for the rows R ([n, dim]), in gemmBlocks row blocks on the tape's workers.
// Block k computes only the columns up to its last row, so the blocks grow
// with k; the largest are handed out first.
func gramLower(tp *autodiff.Tape, r []float32, n, dim int, g []float32) {
	blocks := min(n, gemmBlocks)
	blas := tp.BLAS()
	tensor.ParallelTasksWith(tp.Workers(), blocks, func(_, task int) {
		lo, hi := tensor.Chunk(n, blocks, blocks-1-task)
		blas.Sgemm(false, true, hi-lo, hi, dim, 1, r[lo*dim:], dim, r, dim, 0, g[lo*n:], n)
	})
}

// fillCosts sets b.costs to the symmetric cost matrix of the cloud from the
// lower triangle of b.gram, in float64, and sets c.scale for
// ScaledSqEuclidean. The diagonal is exact: 0 for the squared-Euclidean
// costs, 1 (0 for a zero point) for Cosine.
func (b *sideBuffers) fillCosts(c *cloud) error {
	n, g, out := c.n, b.gram, b.costs
	for i := 0; i < n; i++ {
		for k := 0; k <= i; k++ {
			gik := float64(g[i*n+k])
			var v float64
			switch c.cost {
			case ot.InnerProduct:
				v = gik
			case ot.Cosine:
				// Rounding can push the cosine of nearly parallel rows
				// past ±1.
				v = max(-1, min(1, gik))
				if i == k && c.norms[i] > 0 {
					v = 1
				}
			default:
				// ||r_i − r_k||² = G_ii + G_kk − 2·G_ik, clamped at 0
				// against rounding.
				v = max(0, float64(g[i*n+i])+float64(g[k*n+k])-2*gik)
				if i == k {
					v = 0
				}
			}
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return fmt.Errorf("%w: the float32 product of rows %d and %d overflows; scale the points down", ot.ErrNotFinite, i, k)
			}
			out[i*n+k], out[k*n+i] = v, v
		}
	}
	if c.cost == ot.ScaledSqEuclidean {
		var total float64
		for _, v := range out {
			total += v
		}
		if mean := total / float64(n*n); mean > 0 {
			c.scale = mean
			for k := range out {
				out[k] /= mean
			}
		}
	}
	return nil
}

// addGradient adds alpha·∂L/∂Z to dst ([n, dim]) for L = Σ_{j,l} W[j,l]·C[j,l]
// on the cloud c, with W ([n, n]) symmetric and the scale of
// ScaledSqEuclidean held constant. A cloud of float64 points takes
// costGradient, O(n²·dim) in float64, and rounds the result. A cloud of
// float32 products takes one product B·R of an [n, n] coefficient matrix B
// with the cloud's rows R, in float32 with the tape's BLAS:
//
//	squared-Euclidean: B = (4/s)(diag(W·1) − W), R the centred points
//	inner product:     B = 2W,                   R the points
//	cosine:            B[j,l] = (2/||z_j||)(W[j,l] − δ_jl Σ_k W[j,k]·C[j,k]),
//	                   R the unit rows, and row j of B is 0 when z_j = 0
//
// The cosine row follows from ∂L/∂z_j = (g_j − ⟨g_j, u_j⟩u_j)/||z_j|| with
// g_j = 2(W·U)_j and ⟨g_j, u_j⟩ = 2 Σ_k W[j,k]·C[j,k]. B is computed in
// float64 and rounded to float32.
func (ws *Workspace) addGradient(tp *autodiff.Tape, c *cloud, w []float64, alpha float64, dst []float32) {
	if c.rows == nil {
		grad := costGradient(c, w).Data
		for k, v := range grad {
			dst[k] += float32(alpha * v)
		}
		return
	}

	n, dim := c.n, c.dim
	ws.coef = resize(ws.coef, n*n)
	b := ws.coef
	switch c.cost {
	case ot.InnerProduct:
		for k, v := range w {
			b[k] = float32(2 * alpha * v)
		}
	case ot.Cosine:
		for j := 0; j < n; j++ {
			wj, bj := w[j*n:(j+1)*n], b[j*n:(j+1)*n]
			if c.norms[j] == 0 {
				clear(bj)
				continue
			}
			var along float64
			for k, v := range wj {
				along += v * c.geom.At(j, k)
			}
			f := 2 * alpha / c.norms[j]
			for l, v := range wj {
				bj[l] = float32(f * v)
			}
			bj[j] = float32(f * (wj[j] - along))
		}
	default: // ot.SqEuclidean, ot.ScaledSqEuclidean
		f := 4 * alpha / c.scale
		for j := 0; j < n; j++ {
			wj, bj := w[j*n:(j+1)*n], b[j*n:(j+1)*n]
			var rowSum float64
			for l, v := range wj {
				rowSum += v
				bj[l] = float32(-f * v)
			}
			bj[j] = float32(f * (rowSum - wj[j]))
		}
	}

	// Column blocks: each call packs only its own columns of the rows,
	// where row blocks would each pack all of them.
	blocks := min(dim, gemmBlocks)
	blas := tp.BLAS()
	tensor.ParallelTasksWith(tp.Workers(), blocks, func(_, task int) {
		lo, hi := tensor.Chunk(dim, blocks, task)
		blas.Sgemm(false, false, n, hi-lo, n, 1, b, n, c.rows[lo:], dim, 1, dst[lo:], dim)
	})
}

// identityPlan returns I/n from the workspace, allocating it on first use
// or when n changes. ot copies the initial plan, so it is never modified.
func (ws *Workspace) identityPlan(n int) *ot.Matrix {
	if ws.identity == nil || ws.identity.Rows != n {
		ws.identity = identityPlan(n)
	}
	return ws.identity
}

// allFinite32 reports whether data holds no NaN or ±Inf. NaN·0 and ±Inf·0
// are NaN and a NaN stays in a sum, so one pass of multiply-adds decides.
func allFinite32(data []float32) bool {
	var s0, s1, s2, s3 float32
	k := 0
	for ; k+4 <= len(data); k += 4 {
		s0 += data[k] * 0
		s1 += data[k+1] * 0
		s2 += data[k+2] * 0
		s3 += data[k+3] * 0
	}
	for ; k < len(data); k++ {
		s0 += data[k] * 0
	}
	s := s0 + s1 + s2 + s3
	return s == s
}

// sumSquares32 returns Σ x[k]², summed in float64, in which the squares of
// finite float32 values cannot overflow.
func sumSquares32(x []float32) float64 {
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(x); k += 4 {
		a, b, c, d := float64(x[k]), float64(x[k+1]), float64(x[k+2]), float64(x[k+3])
		s0 += a * a
		s1 += b * b
		s2 += c * c
		s3 += d * d
	}
	for ; k < len(x); k++ {
		a := float64(x[k])
		s0 += a * a
	}
	return (s0 + s1) + (s2 + s3)
}

// notFinite32 returns an error wrapping ot.ErrNotFinite that names the first
// NaN or ±Inf in data ([·, dim]).
func notFinite32(data []float32, dim int) error {
	for k, v := range data {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%w: point row %d column %d is %v", ot.ErrNotFinite, k/dim, k%dim, v)
		}
	}
	return fmt.Errorf("%w: a point is not finite", ot.ErrNotFinite)
}

// resize returns buf with length size, reallocating only when its capacity
// is smaller.
func resize[T float32 | float64](buf []T, size int) []T {
	if cap(buf) < size {
		return make([]T, size)
	}
	return buf[:size]
}
