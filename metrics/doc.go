// Package metrics scores how disentangled a representation is, with the
// metrics and defaults of disentanglement_lib (Locatello et al. 2019,
// "Challenging Common Assumptions in the Unsupervised Learning of
// Disentangled Representations", ICML): BetaVAE, FactorVAE, MIG, SAP, DCI,
// modularity and explicitness, IRS, and the unsupervised Gaussian total
// correlation, Gaussian Wasserstein correlation and mutual information
// score. Each metric's file names its source paper.
//
// Two entry points cover the two ways a representation reaches the package:
//
//   - ScoreCodes scores precomputed codes and ground-truth factors (a Sample):
//     the first NumTrain rows train the classifiers and the next NumTest rows
//     test them. BetaVAE and FactorVAE need fresh batches and are not
//     available there.
//   - Evaluate scores a Representation (a function from NHWC images to
//     codes) on a data.Dataset, drawing every split with disentanglement_lib's
//     protocol: each metric starts its own random stream from Config.Seed.
//
// The individual metric functions (MIG, SAP, DCI, ...) take samples directly.
// The classifiers are those of internal/learn, which follow scikit-learn
// 1.2.1's GradientBoostingClassifier, LinearSVC and LogisticRegression.
//
// Units and conventions: entropies and mutual information are in nats.
// Codes are binned into equal-width histogram bins over each code's sample
// range, numbered from 1 as numpy.digitize numbers them. Accuracies are
// fractions in [0, 1], and matrices indexed by code and factor are
// [codes][factors].
//
// Edge cases where disentanglement_lib divides by zero or raises (constant
// codes, constant factors, a single code or factor) have defined results,
// documented on each function. Codes must be finite: NewSample rejects NaN
// and Inf with the row and column.
//
// Limitations: scores match disentanglement_lib's up to the random draws
// (gmg uses PCG streams, not numpy's) and, for DCI, up to ties between tree
// splits that only rounding separates.
package metrics
