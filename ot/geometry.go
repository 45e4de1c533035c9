package ot

import (
	"fmt"
	"math"
)

// Cost is a cost function between two points of one space. The zero value is
// SqEuclidean. Every cost is symmetric: c(u, v) = c(v, u).
type Cost int

const (
	// SqEuclidean is ||u−v||², of rank dim+2: ||u||² + ||v||² − 2<u,v>.
	SqEuclidean Cost = iota
	// InnerProduct is <u,v>, of rank dim.
	InnerProduct
	// Cosine is <u,v>/(||u|| ||v||), the cosine of the angle between u and v,
	// of rank dim. A zero vector has cosine 0 with every vector, itself
	// included, because its direction is undefined.
	Cosine
	// ScaledSqEuclidean is ||u−v||²/s with s the mean of the batch's
	// squared-Euclidean cost matrix, so that rescaling all points leaves it
	// unchanged. s is treated as a constant in gradients; s = 1 when all
	// points coincide.
	ScaledSqEuclidean
)

var costNames = [...]string{"sqeuclidean", "inner", "cosine", "scaled-sqeuclidean"}

// String returns the cost's name as the gmg command line spells it, e.g.
// "sqeuclidean".
func (c Cost) String() string {
	if c >= 0 && int(c) < len(costNames) {
		return costNames[c]
	}
	return fmt.Sprintf("Cost(%d)", int(c))
}

// ParseCost returns the Cost named s (one of the names String returns).
func ParseCost(s string) (Cost, error) {
	for i, name := range costNames {
		if s == name {
			return Cost(i), nil
		}
	}
	return 0, fmt.Errorf("%w: cost %q: valid costs are sqeuclidean, inner, cosine, scaled-sqeuclidean", ErrSettings, s)
}

func (c Cost) valid() bool { return c >= SqEuclidean && c <= ScaledSqEuclidean }

// Normalization rescales a cost matrix after it is computed. The zero value is
// NormalizeNone.
type Normalization int

const (
	// NormalizeNone leaves the costs as they are.
	NormalizeNone Normalization = iota
	// NormalizeMax divides the costs by their largest absolute value.
	NormalizeMax
	// NormalizeMean divides the costs by their mean, which must be positive.
	NormalizeMean
)

var normalizationNames = [...]string{"none", "max", "mean"}

// String returns "none", "max" or "mean".
func (n Normalization) String() string {
	if n >= 0 && int(n) < len(normalizationNames) {
		return normalizationNames[n]
	}
	return fmt.Sprintf("Normalization(%d)", int(n))
}

// ParseNormalization returns the Normalization named s ("none", "max" or "mean").
func ParseNormalization(s string) (Normalization, error) {
	for i, name := range normalizationNames {
		if s == name {
			return Normalization(i), nil
		}
	}
	return 0, fmt.Errorf("%w: normalization %q: valid values are none, max, mean", ErrSettings, s)
}

// Geometry is the cost matrix C of one metric-measure space, [n, n]. It is
// implemented by *PointCloud and *CostMatrix; the set is closed so that the
// solvers can use each implementation's fast products.
type Geometry interface {
	// Len returns n, the number of points.
	Len() int
	// At returns C[i, k] after normalisation.
	At(i, k int) float64
	// Mean returns the mean of all n² entries of C after normalisation.
	Mean() float64
	// Symmetric reports whether C[i, k] = C[k, i] for all i, k.
	Symmetric() bool
	costs() *costs
}

// costs is the shared representation of a geometry: the dense matrix and,
// when the cost has low rank, factors with C = fa·fbᵀ.
type costs struct {
	n     int
	dense []float64 // [n, n]
	// denseT is the transpose of dense; it aliases dense when symmetric.
	denseT    []float64
	fa, fb    []float64 // [n, rank] each, or nil
	rank      int
	symmetric bool
	mean      float64
	// meanAbs is the mean of |C|, the scale used by RelativeEpsilon.
	meanAbs float64
}

// factored reports whether products should use the low-rank factors.
func (c *costs) factored() bool { return c.fa != nil }

// transposed returns the costs of Cᵀ; for a symmetric matrix it returns c.
func (c *costs) transposed() *costs {
	if c.symmetric {
		return c
	}
	t := *c
	t.dense, t.denseT = c.denseT, c.dense
	t.fa, t.fb = c.fb, c.fa
	return &t
}

// lowRankLimit reports whether a factorisation of the given rank is worth
// using for n points: a product with the factors costs 2·rank·n² against n³.
func lowRankLimit(rank, n int) bool { return 2*rank < n }

// PointCloud is a geometry defined by n points in R^dim and a Cost. It keeps
// the dense cost matrix ([n, n], n² float64 values) and, when the cost has rank
// r with 2r < n, the factors A, B ([n, r]) with C = A·Bᵀ, so that a product
// Cx·P·Cy costs O(n·m·r) instead of O(n³).
type PointCloud struct {
	points *Matrix
	cost   Cost
	norm   Normalization
	scale  float64
	c      costs
}

// NewPointCloud computes the cost matrix of the rows of points under cost,
// rescaled by norm. It copies what it keeps. It returns an error when points
// is nil or empty (ErrShape), holds NaN or ±Inf (ErrNotFinite, naming the
// row), or when norm or cost is not a defined value (ErrSettings).
// Computing the matrix costs O(n²·dim).
func NewPointCloud(points *Matrix, cost Cost, norm Normalization) (*PointCloud, error) {
	if points == nil || points.Rows < 1 || points.Cols < 1 || len(points.Data) != points.Rows*points.Cols {
		return nil, fmt.Errorf("%w: a point cloud needs at least one point of dimension at least 1", ErrShape)
	}
	if !cost.valid() {
		return nil, fmt.Errorf("%w: %v", ErrSettings, cost)
	}
	if err := checkFinite("point", points.Data, points.Cols); err != nil {
		return nil, err
	}
	n, dim := points.Rows, points.Cols
	pc := &PointCloud{
		points: &Matrix{Rows: n, Cols: dim, Data: append([]float64(nil), points.Data...)},
		cost:   cost,
		norm:   norm,
		scale:  1,
	}
	x := pc.points.Data
	if cost == Cosine {
		x = unitRows(x, n, dim)
	}
	pc.c = costs{n: n, dense: make([]float64, n*n), symmetric: true}
	fillCosts(pc.c.dense, x, n, dim, cost)
	pc.c.denseT = pc.c.dense

	if cost == ScaledSqEuclidean {
		if m := meanOf(pc.c.dense); m > 0 {
			pc.scale = m
		}
	}
	extra, err := normalizer(norm, pc.c.dense, "point cloud")
	if err != nil {
		return nil, err
	}
	if pc.scale != 1 || extra != 1 {
		pc.scale *= extra
		scaleSlice(pc.c.dense, 1/pc.scale)
	}
	pc.c.mean = meanOf(pc.c.dense)
	pc.c.meanAbs = meanAbsOf(pc.c.dense)

	rank := dim
	if cost == SqEuclidean || cost == ScaledSqEuclidean {
		rank = dim + 2
	}
	if lowRankLimit(rank, n) {
		pc.c.fa, pc.c.fb = factorize(x, n, dim, cost, 1/pc.scale)
		pc.c.rank = rank
	}
	return pc, nil
}

// Len returns the number of points.
func (pc *PointCloud) Len() int { return pc.c.n }

// Dim returns the dimension of the points.
func (pc *PointCloud) Dim() int { return pc.points.Cols }

// At returns C[i, k].
func (pc *PointCloud) At(i, k int) float64 { return pc.c.dense[i*pc.c.n+k] }

// Mean returns the mean of the entries of C.
func (pc *PointCloud) Mean() float64 { return pc.c.mean }

// Symmetric returns true: every Cost is symmetric.
func (pc *PointCloud) Symmetric() bool { return true }

// Cost returns the cost function.
func (pc *PointCloud) Cost() Cost { return pc.cost }

// Scale returns s with C = c(x_i, x_k)/s: the product of the ScaledSqEuclidean
// mean and the normalisation divisor, 1 when neither applies.
func (pc *PointCloud) Scale() float64 { return pc.scale }

// Points returns the points, [n, dim]. The matrix is shared: do not modify it.
func (pc *PointCloud) Points() *Matrix { return pc.points }

// Rank returns the rank of the factorisation used in products, or 0 when the
// products use the dense matrix.
func (pc *PointCloud) Rank() int { return pc.c.rank }

func (pc *PointCloud) costs() *costs { return &pc.c }

// CostMatrix is a geometry given by its cost matrix. It may be asymmetric: the
// solvers then use the gradient of the quadratic objective with respect to
// the plan, which averages the terms of C and Cᵀ, and the objective itself is
// unchanged.
type CostMatrix struct {
	scale float64
	c     costs
}

// NewCostMatrix returns a geometry with a copy of the square matrix c,
// rescaled by norm. Errors wrap ErrShape (not square, empty), ErrNotFinite
// (naming the row and column) or ErrSettings.
func NewCostMatrix(c *Matrix, norm Normalization) (*CostMatrix, error) {
	if c == nil || c.Rows < 1 || c.Rows != c.Cols || len(c.Data) != c.Rows*c.Cols {
		if c == nil {
			return nil, fmt.Errorf("%w: nil cost matrix", ErrShape)
		}
		return nil, fmt.Errorf("%w: cost matrix of %d×%d: it must be square and not empty", ErrShape, c.Rows, c.Cols)
	}
	if err := checkFinite("cost matrix", c.Data, c.Cols); err != nil {
		return nil, err
	}
	n := c.Rows
	cm := &CostMatrix{scale: 1, c: costs{n: n, dense: append([]float64(nil), c.Data...)}}
	extra, err := normalizer(norm, cm.c.dense, "cost matrix")
	if err != nil {
		return nil, err
	}
	if extra != 1 {
		cm.scale = extra
		scaleSlice(cm.c.dense, 1/extra)
	}
	cm.c.mean = meanOf(cm.c.dense)
	cm.c.meanAbs = meanAbsOf(cm.c.dense)
	cm.c.symmetric = true
	for i := 0; i < n && cm.c.symmetric; i++ {
		for k := i + 1; k < n; k++ {
			if cm.c.dense[i*n+k] != cm.c.dense[k*n+i] {
				cm.c.symmetric = false
				break
			}
		}
	}
	cm.c.denseT = cm.c.dense
	if !cm.c.symmetric {
		cm.c.denseT = make([]float64, n*n)
		for i := 0; i < n; i++ {
			for k := 0; k < n; k++ {
				cm.c.denseT[k*n+i] = cm.c.dense[i*n+k]
			}
		}
	}
	return cm, nil
}

// Len returns n.
func (cm *CostMatrix) Len() int { return cm.c.n }

// At returns C[i, k].
func (cm *CostMatrix) At(i, k int) float64 { return cm.c.dense[i*cm.c.n+k] }

// Mean returns the mean of the entries of C.
func (cm *CostMatrix) Mean() float64 { return cm.c.mean }

// Symmetric reports whether C equals its transpose exactly.
func (cm *CostMatrix) Symmetric() bool { return cm.c.symmetric }

// Scale returns the normalisation divisor, 1 for NormalizeNone.
func (cm *CostMatrix) Scale() float64 { return cm.scale }

func (cm *CostMatrix) costs() *costs { return &cm.c }

// normalizer returns the divisor that norm applies to the matrix c. A matrix
// of zeros is left unchanged (divisor 1).
func normalizer(norm Normalization, c []float64, what string) (float64, error) {
	switch norm {
	case NormalizeNone:
		return 1, nil
	case NormalizeMax:
		m := 0.0
		for _, v := range c {
			m = max(m, math.Abs(v))
		}
		if m == 0 {
			return 1, nil
		}
		return m, nil
	case NormalizeMean:
		m := meanOf(c)
		if m < 0 || (m == 0 && anyNonzero(c)) {
			return 0, fmt.Errorf("%w: cannot normalise a %s by its mean %v: the mean must be positive; use max or none", ErrSettings, what, m)
		}
		if m == 0 {
			return 1, nil
		}
		return m, nil
	}
	return 0, fmt.Errorf("%w: %v", ErrSettings, norm)
}

func anyNonzero(c []float64) bool {
	for _, v := range c {
		if v != 0 {
			return true
		}
	}
	return false
}

func meanOf(c []float64) float64 {
	// Row-block sums keep the rounding error of a large matrix small.
	const block = 4096
	total := 0.0
	for lo := 0; lo < len(c); lo += block {
		total += sum(c[lo:min(lo+block, len(c))])
	}
	return total / float64(len(c))
}

func meanAbsOf(c []float64) float64 {
	var total float64
	for _, v := range c {
		total += math.Abs(v)
	}
	return total / float64(len(c))
}

func scaleSlice(c []float64, f float64) {
	for i := range c {
		c[i] *= f
	}
}

// unitRows returns a copy of x ([n, dim]) with each nonzero row divided by its
// Euclidean norm; zero rows stay zero.
func unitRows(x []float64, n, dim int) []float64 {
	out := make([]float64, n*dim)
	for i := 0; i < n; i++ {
		row := x[i*dim : (i+1)*dim]
		norm := math.Sqrt(dot(row, row))
		if norm == 0 {
			continue
		}
		for k, v := range row {
			out[i*dim+k] = v / norm
		}
	}
	return out
}

// fillCosts writes the cost matrix of the rows of x into c ([n, n]). For the
// squared-Euclidean costs it sums squared differences, which keeps the diagonal
// exactly zero and every entry non-negative. Long rows are processed in
// slices of the dimension so that the slices of all n rows stay in the L2
// cache: 64 images of 64×64×3 pixels are 6 MB, and reading whole rows for
// every pair would stream them from memory 64 times.
func fillCosts(c, x []float64, n, dim int, cost Cost) {
	chunk := min(dim, max(64, costChunkDoubles/n))
	squared := cost == SqEuclidean || cost == ScaledSqEuclidean
	for lo := 0; lo < dim; lo += chunk {
		hi := min(lo+chunk, dim)
		first := lo == 0
		forRows(n, n*n*(hi-lo)/2, func(rlo, rhi int) {
			for i := rlo; i < rhi; i++ {
				xi := x[i*dim+lo : i*dim+hi]
				for k := 0; k <= i; k++ {
					xk := x[k*dim+lo : k*dim+hi]
					var v float64
					if squared {
						v = sqDist(xi, xk)
					} else {
						v = dot(xi, xk)
					}
					if first {
						c[i*n+k] = v
					} else {
						c[i*n+k] += v
					}
				}
			}
		})
	}
	for i := 0; i < n; i++ {
		for k := i + 1; k < n; k++ {
			c[i*n+k] = c[k*n+i]
		}
	}
}

// costChunkDoubles is the number of float64 values of all rows' slices that
// fillCosts keeps in cache at once: 32768 values are 256 KiB.
const costChunkDoubles = 1 << 15

// sqDistGo returns Σ (x[k] − y[k])² over len(x) elements.
func sqDistGo(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1 float64
	k := 0
	for ; k+2 <= len(x); k += 2 {
		d0, d1 := x[k]-y[k], x[k+1]-y[k+1]
		s0 += d0 * d0
		s1 += d1 * d1
	}
	if k < len(x) {
		d := x[k] - y[k]
		s0 += d * d
	}
	return s0 + s1
}

// factorize returns A and B ([n, r]) with c(x_i, x_k)·f = Σ_l A[i,l]·B[k,l],
// where x holds the (for Cosine, normalised) points.
func factorize(x []float64, n, dim int, cost Cost, f float64) (a, b []float64) {
	switch cost {
	case SqEuclidean, ScaledSqEuclidean:
		// ||x_i − x_k||² = [||x_i||², 1, x_i]·[1, ||x_k||², −2x_k].
		r := dim + 2
		a, b = make([]float64, n*r), make([]float64, n*r)
		for i := 0; i < n; i++ {
			xi := x[i*dim : (i+1)*dim]
			sq := dot(xi, xi)
			ai, bi := a[i*r:(i+1)*r], b[i*r:(i+1)*r]
			ai[0], ai[1] = sq*f, f
			bi[0], bi[1] = 1, sq
			for k, v := range xi {
				ai[2+k] = v * f
				bi[2+k] = -2 * v
			}
		}
	default:
		a, b = make([]float64, n*dim), append([]float64(nil), x...)
		for i, v := range x {
			a[i] = v * f
		}
	}
	return a, b
}
