// Package toy is the two-dimensional map-fitting study that shows what the
// Gromov-Monge gap (GMG) regulariser does.
//
// The source is a mixture of eight Gaussians in the plane, two on each of
// four rays from the origin (radii 0.6 and 1.4). Each row of the study maps it
// onto a target. Square is the uniform distribution on [−1, 1]² with
// squared-Euclidean costs. Ring is a ring of radius 1 with cosine costs, under
// which the two components on one ray point in the same direction. A
// map is an MLP trained with Adam on the debiased Sinkhorn divergence to the
// target (Feydy et al. 2019), in three ways per row: with no regulariser, plus
// λ·DST, and plus λ·GMG, the regularisers computed by package gmg on each
// batch.
//
// The distortion DST penalises every change of the costs, so it forbids the
// stretching that the targets need and the fit suffers. GMG penalises only
// the distortion beyond the least that any coupling to the same images has,
// so the map can stretch but not mix the components, and it fits almost as
// well as without a regulariser. Run returns, for each map, the fit and the
// map's DST and GMG on fresh samples. gmg toy prints them and draws the
// figure.
//
// Like every library package of gmg, toy never prints; it reports training
// progress through Config.Progress.
package toy
