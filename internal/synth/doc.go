// Package synth draws synthetic representations for the benchmarks of the
// disentanglement metrics. Its codes are noisy linear mixtures of factors
// with dSprites' sizes, so the metrics have structure to find, and the Go
// and scikit-learn benchmarks time the same work.
package synth
