// Package synth draws synthetic representations for the benchmarks of the
// disentanglement metrics: codes that are noisy linear mixtures of factors
// with dSprites' sizes, so that the metrics have structure to find and the
// Go and scikit-learn runs time the same work.
package synth
