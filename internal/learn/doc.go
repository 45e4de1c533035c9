// Package learn provides the classifiers that the disentanglement metrics
// train: gradient-boosted trees, a linear support vector machine and
// multinomial logistic regression. Each follows one scikit-learn 1.2.1
// estimator with its default settings closely enough that predictions and
// feature importances agree on the same data:
//
//   - FitGBT: GradientBoostingClassifier (log-loss, 100 stages of depth-3
//     trees, learning rate 0.1, Friedman MSE splits, Newton leaf values);
//   - FitLinearSVC: LinearSVC (liblinear's dual coordinate descent for the
//     L2-regularised squared hinge loss, one-vs-rest, intercept as an extra
//     feature of value 1);
//   - FitLogistic: LogisticRegression (L2 penalty, C = 1, L-BFGS with at most
//     100 iterations, multinomial for more than two classes).
//
// Features are [n, d] float64 slices in row-major order and labels are ints
// with any values; Classes lists them in increasing order.
//
// Limitations: results match scikit-learn's to rounding, not bit for bit.
// The trees draw their feature order with scikit-learn's own generators
// (MT19937 seeds, xorshift per node), so GBTConfig.Seed reproduces
// random_state. Yet splits whose quality ties up to rounding can still go
// either way, and over many stages such ties make the models drift apart a
// little. The SVC visits coordinates in a PCG order, not liblinear's, so its
// weights agree with scikit-learn's to the solver tolerance.
package learn
