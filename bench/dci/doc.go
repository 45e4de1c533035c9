// Command dci compares the speed and the scores of gmg's DCI (gradient-boosted
// trees per factor) with disentanglement_lib's, which fits scikit-learn's
// GradientBoostingClassifier, on the same files in one process tree,
// alternating gmg and the anchor.
//
// It writes a synthetic representation to -dir as codes.npy [N, 10] and
// factors.npy [N, 5]. The five factors have dSprites' sizes (3, 6, 40, 32 and
// 32) and are drawn uniformly. Each of the ten codes is a noisy linear mixture
// of the factors scaled to [0, 1]: mostly one factor, plus Gaussian mixing
// weights of scale 0.2 and Gaussian noise of scale 0.05. Each round times gmg's DCI on the
// first -train rows and the next -test rows, then the anchor on the same
// files; it prints every round, the median of the per-round time ratios and
// both implementations' scores.
//
// Usage:
//
//	go run ./bench/dci [-rounds 3] [-train 10000] [-test 5000] [-dir DIR]
//
// The anchor is ../shared/anchors/sklearn_dci.py, run with /usr/bin/python3
// (Debian's, with python3-sklearn 1.2.1); -anchor and -python change them.
// With -anchor "" only gmg is timed.
package main
