// Package vae holds the convolutional VAE used on the disentanglement
// benchmarks: the encoder and decoder of Locatello et al. (ICML 2019,
// disentanglement_lib) and its training objectives.
//
// The encoder maps an NHWC image batch [n, h, w, c], with h and w multiples
// of 16 (64×64 on the benchmarks), through four stride-2 convolutions (32,
// 32, 64 and 64 channels, 4×4 kernels, "SAME" padding, ReLU) and a dense
// layer of 256 units (ReLU). Two dense heads return the mean and the
// log-variance of a diagonal Gaussian posterior. The decoder maps a latent batch through dense
// layers of 256 and (h/16)·(w/16)·64 units (ReLU) and four stride-2
// transposed convolutions (64, 32, 32, c channels) to Bernoulli logits of the
// image. Weights are Glorot-uniform and biases zero.
package vae
