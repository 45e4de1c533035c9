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
// OTT-JAX's epsilon and half of POT's. A relative ε is ε₀·mean(Cx)·mean(Cy).
//
// # Cost
//
// For SqEuclidean, InnerProduct and Cosine costs with rank r (dim+2 or dim)
// under n/2, a PointCloud keeps factors C = A·Bᵀ, so Cx·P·Cy costs
// O(n·m·min(rx, ry)) instead of O(n³). Every geometry also stores its dense
// matrix (n² values). Loops over rows run on all CPUs with a split that
// depends only on the sizes, so results are bit-identical for any GOMAXPROCS.
//
// # Limitations
//
// Sinkhorn at ε far below the spread of the costs converges slowly (the
// marginal error can decay like 1/iterations); inner solves of EntropicGW
// then stop at their cap and the result's Status is InnerIterationLimit.
// ε-scaling helps for a cold start but not always near a permutation plan.
// The exact linear solver for non-uniform or non-square weights takes
// O((n+m)·n·m) per augmentation and suits a few thousand points at most.
// ExactGW finds a local minimum that depends on the initial plan.
package ot
