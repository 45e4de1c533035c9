// Package ot computes optimal transport in float64: entropic transport by
// Sinkhorn, the debiased Sinkhorn divergence, exact linear transport, and the
// Gromov-Wasserstein (GW) problem between two metric-measure spaces, entropic
// (mirror descent) and exact (conditional gradient, a local minimum).
//
// The layout follows OTT-JAX's split with gonum's names. A Geometry is a cost
// matrix: a PointCloud computes it from points and a Cost, a CostMatrix takes
// it directly. A QuadraticProblem pairs two geometries with weights. A solver
// (EntropicGW, ExactGW, Sinkhorn) contains settings only and returns a result
// with a Status. GromovWasserstein is the one-call entry point.
//
// # Conventions
//
// A batch is n points x_i in R^p with weights a and m points y_j in R^q with
// weights b; Cx is [n, n], Cy is [m, m] and a plan P is [n, m], all row-major.
// The GW objective carries Mémoli's ½:
//
//	E(P) = ½ Σ_{i,j,k,l} (Cx[i,k] − Cy[j,l])² P[i,j] P[k,l].
//
// POT's gw_dist and OTT-JAX's costs are 2·E. Entropic GW minimises E − ε·H(P)
// with H(P) = −Σ P log P by solving Sinkhorn problems on the linearised cost
// G(P) = (Cx∘Cx)·a·1ᵀ + 1·((Cy∘Cy)·b)ᵀ − 2·Cx·P·Cy with weight ε: this ε is
// OTT-JAX's epsilon and half of POT's. A relative ε is ε₀·mean(|Cx|)·mean(|Cy|).
//
// # Cost
//
// For SqEuclidean, InnerProduct and Cosine costs with rank r (dim+2 or dim)
// under n/2, a PointCloud keeps factors C = A·Bᵀ, so Cx·P·Cy costs
// O(n·m·min(rx, ry)) instead of O(n³). Every geometry also stores its dense
// matrix (n² values). Loops over rows run on all CPUs with a split that
// depends only on the sizes, so results are bit-identical for any GOMAXPROCS.
// On amd64 CPUs with AVX2 and FMA, dot products, axpy, the low-rank row
// products and the kernel exponential run in assembly. Other CPUs run Go
// loops, whose results differ from those in the last bits.
//
// # Limitations
//
// Sinkhorn at ε far below the gaps of the costs converges slowly: the
// marginal error decays at the rate of the weakest coupling between blocks
// of the plan. Problems up to about 512×512 then switch to Newton steps on
// the dual, which converge quadratically. Larger problems switch to
// ε-scaling inside EntropicGW, which helps a cold start but not always a
// plan near a permutation; such inner solves stop at their cap and the
// result's Status is InnerIterationLimit. At small ε the outer mirror-descent
// iteration itself can need hundreds of steps to reach its threshold.
// ExactGW's linear steps cost O(n³) in the worst case: the assignment solver
// for uniform square weights, the network simplex method otherwise (about
// 0.7 s for a random 1000×800 problem on one core).
// ExactGW finds a local minimum that depends on the initial plan.
package ot
