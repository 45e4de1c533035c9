package gmg

import (
	"github.com/gromov-monge/gmg/ot"
)

// cloud is one side of a batch: n points of dimension dim, their cost and
// the cost matrix C = c(z_j, z_l)/scale that the solver uses.
type cloud struct {
	geom   ot.Geometry
	cost   ot.Cost
	scale  float64 // ScaledSqEuclidean's mean, 1 for the other costs
	n, dim int

	// points64 holds the points of Evaluate. points32 holds those of Loss:
	// it shares the batch tensor's storage.
	points64 []float64
	points32 []float32

	// rows, set when Loss computes the costs from float32 products, shares
	// a Workspace buffer: the rows that the products multiply, centred for
	// the squared-Euclidean costs, divided by their norms for Cosine, the
	// points for InnerProduct. norms holds the row norms for Cosine.
	rows  []float32
	norms []float64
}

// newCloud returns the cloud of the float64 points, with the cost matrix of
// ot.NewPointCloud. Its errors are those of ot.NewPointCloud.
func newCloud(points *ot.Matrix, cost ot.Cost) (*cloud, error) {
	pc, err := ot.NewPointCloud(points, cost, ot.NormalizeNone)
	if err != nil {
		return nil, err
	}
	return &cloud{
		geom:     pc,
		cost:     cost,
		scale:    pc.Scale(),
		n:        pc.Len(),
		dim:      pc.Dim(),
		points64: pc.Points().Data,
	}, nil
}

// points returns the points as a float64 matrix, converting those of Loss.
func (c *cloud) points() *ot.Matrix {
	if c.points64 != nil {
		return &ot.Matrix{Rows: c.n, Cols: c.dim, Data: c.points64}
	}
	data := make([]float64, len(c.points32))
	for k, v := range c.points32 {
		data[k] = float64(v)
	}
	return &ot.Matrix{Rows: c.n, Cols: c.dim, Data: data}
}

// costRank returns the rank of the cost matrix of points of dimension dim:
// dim + 2 for the squared-Euclidean costs and dim for the others.
func costRank(cost ot.Cost, dim int) int {
	if cost == ot.SqEuclidean || cost == ot.ScaledSqEuclidean {
		return dim + 2
	}
	return dim
}

// gemmMinDim is the smallest point dimension for which Loss computes a cost
// matrix in float32 with BLAS. Below it the float64 loops cost at most
// n²·64 multiply-adds, which is cheap next to the solve.
const gemmMinDim = 64

// useGEMM reports whether Loss computes the cost matrix of n points of
// dimension dim with BLAS: when dim is at least gemmMinDim and the cost has
// no low-rank factorisation that ot would use (rank ≥ n/2). With such a
// factorisation the solver's products cost O(n²·rank) instead of O(n³), so
// the float64 point cloud is kept.
func useGEMM(cost ot.Cost, n, dim int) bool {
	return dim >= gemmMinDim && 2*costRank(cost, dim) >= n
}
