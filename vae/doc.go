// Package vae holds the convolutional VAE used on the disentanglement
// benchmarks: the encoder and decoder of Locatello et al. (ICML 2019,
// disentanglement_lib), its training objectives and a trainer.
//
// # Model
//
// The encoder maps an NHWC image batch [n, h, w, c] (h and w multiples of 16,
// 64×64 on the benchmarks) through four stride-2 convolutions (32, 32, 64
// and 64 channels, 4×4 kernels, "SAME" padding, ReLU), a dense layer of 256
// units (ReLU) and two dense heads, the mean and the log-variance of a
// diagonal Gaussian posterior. The decoder maps a latent batch through dense
// layers of 256 and (h/16)·(w/16)·64 units (ReLU) and four stride-2
// transposed convolutions (64, 32, 32, c channels) to Bernoulli logits of the
// image. Weights are Glorot-uniform and biases zero.
//
// # Training
//
// A Trainer minimises one Objective (β-VAE, β-TCVAE, AnnealedVAE,
// FactorVAE, DIP-VAE-I or DIP-VAE-II) on batches drawn uniformly from a
// data.Dataset, with Adam. The reconstruction term is the Bernoulli negative
// log-likelihood (sigmoid cross-entropy summed over pixels), and every term
// is averaged over the batch, as in disentanglement_lib. An optional
// regulariser λ·R, R the distortion (DST) or the Gromov-Monge gap (GMG) of
// package gmg, acts on the decoder (reference points: the latent samples z,
// images: sigmoid of the decoder logits) or on the encoder (reference
// points: the flattened images, images: the posterior means). Config holds
// every setting; DefaultConfig is β-VAE with β = 1 and GMG on the decoder
// with the cosine cost, λ = 1 and relative ε₀ = 0.01.
//
// Steps reuse one autodiff tape and fixed buffers. The weights, the data
// sampling and the reparameterisation noise each draw from their own PCG
// stream of Config.Seed, so a run is deterministic for a fixed BLAS
// backend, and Trainer.Save and Trainer.Load continue it bit for bit.
//
// # Limitations
//
// FactorVAE's discriminator loss uses a log-softmax where
// disentanglement_lib clips the softmax to [1e-6, 1 − 1e-6] before the
// logarithm, so the two differ only where the discriminator saturates. The
// permuted codes come from the same batch, as in disentanglement_lib, not
// from a second batch as in Kim and Mnih's Algorithm 2.
package vae
