// Package gmg computes the distortion (DST), the Gromov-Wasserstein
// discrepancy (GW) and the Gromov-Monge gap (GMG) of a map on a batch, with
// their gradients, and records DST and GMG as loss nodes on an autodiff tape.
//
// # Definitions
//
// A batch is n reference points x_1..x_n in R^p, one per row of X [n, p], and
// their images y_i = T(x_i) in R^q, one per row of Y [n, q], with uniform
// weights 1/n. The cost matrices are Cx[i,k] = c_X(x_i, x_k) and
// Cy[j,l] = c_Y(y_j, y_l) for costs of package ot (SqEuclidean,
// ScaledSqEuclidean, Cosine, InnerProduct). With Mémoli's ½ (Found. Comput.
// Math. 2011), the GW objective of a coupling P is
//
//	E(P) = ½ Σ_{i,j,k,l} (Cx[i,k] − Cy[j,l])² P[i,j] P[k,l],
//
// the identity coupling I/n sends x_i to y_i, and
//
//	DST_n(T) = E(I/n) = (1/(2n²)) Σ_{i,k} (Cx[i,k] − Cy[i,k])²
//	GW       = min_P E(P)
//	GMG_n(T) = DST_n(T) − GW = max_P ⟨PᵀCxP, Cy⟩ − ⟨Cx, Cy⟩/n²
//
// (Uscidda et al., "Disentangled Representation Learning with the
// Gromov-Monge Gap", ICLR 2025). GMG is zero exactly when I/n is an optimal
// coupling, that is when the map moves the batch with the least distortion
// that any coupling to the same images allows, while DST is zero only for an
// isometry. POT and OTT-JAX report 2·E(P).
//
// # Solvers and gradients
//
// Estimator.Solver selects entropic GW (the default, ε relative to the cost
// scales, ε₀ = 0.01) or conditional gradient with exact linear steps. Both
// start from I/n: from the product plan the entropic solver can stall at a
// symmetric saddle point. The entropic estimate DST_n − E(P_ε) can be
// slightly negative, because P_ε is blurred by the entropy; it is reported as
// computed. The exact solver finds a local minimum, so its GMG is a lower
// bound of the true gap and never negative.
//
// Gradients hold the solver's plan P fixed (the envelope theorem), so that
// GMG is ⟨Cy(Y), M⟩ + const with M = PᵀCxP − Cx/n² computed in float64. The
// chain rule through Cy = c_Y(Y) costs O(n²·q) and never forms per-pair
// difference vectors. With the exact solver this is the gradient of GMG
// wherever the optimal plan is unique. With the entropic solver it is the
// exact gradient of DST_n − min_P (E(P) − ε·H(P)) at fixed ε. The scale of
// ScaledSqEuclidean and the relative ε are constants in gradients.
// Gradients into the reference points X are off by default (stop-gradient)
// and on with Estimator.ReferenceGradient.
//
// # Use
//
// Evaluate (or DST, GW and GMG) works on float64 ot.Matrix batches and
// returns a Result whose GradientX and GradientY give the gradients. Loss
// records DST or GMG on an autodiff.Tape for float32 batches of any shape
// [n, …], such as NHWC images, and returns the node to add to a training
// loss. LossWith does the same with a Workspace that a training loop keeps
// from step to step, so that its buffers are reused. A solver that stops at
// its iteration cap is reported in Result.Solve.Status, never as an error.
// The package never prints; a caller can follow the solver through
// Estimator.Progress.
//
// # Precision
//
// Evaluate computes in float64. The loss nodes treat a side with at least
// 64 dimensions and no useful low-rank factorisation, such as a batch of
// images, with float32 matrix products and the tape's BLAS: one for its cost
// matrix and one for the gradient into it. Those costs err by about 1e-6
// relative. The solver, the plan and the coefficients of the gradient stay
// in float64.
package gmg
