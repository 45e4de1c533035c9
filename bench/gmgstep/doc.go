// Command gmgstep measures what a GMG or DST regulariser adds to one VAE
// training step: the value and gradient of the loss node on a batch of 64
// latent codes (p = 10) and their 64×64 images, against one β-VAE step
// (forward, backward, Adam) at batch 64 on images of the same shape. Grey
// images (q = 4096) are dSprites' shape and colour ones (q = 12288)
// Shapes3D's.
//
// For each image shape, each round times -steps VAE steps and then -steps
// evaluations of every regulariser setting, alternating (VAE, regularisers,
// VAE, regularisers, ...). It prints the median time of each, the
// regulariser's share of a VAE step, and the heap allocations per call. The
// summary gives the median share over rounds. The regularisers run as the
// trainer runs them, through gmg.Estimator.LossWith with a kept Workspace.
//
// The settings are GMG with cosine costs (plain and with the solver's
// Anderson mixing, Estimator.Accelerate), GMG with squared-Euclidean costs
// and DST with cosine costs on the decoder (codes to images, gradient into
// the images), and GMG with cosine costs on the encoder (images to codes,
// gradient into the codes).
//
// The images are sigmoid(z·W) for a fixed random W with entries of variance
// 1/p: a stand-in for a trained decoder's output that varies smoothly with the
// code. An untrained decoder's images are nearly equal, which makes every cost
// matrix nearly constant and the GW solve unrepresentatively easy.
//
// Usage:
//
//	go run ./bench/gmgstep [-channels 1,3] [-rounds 5] [-steps 10]
package main
