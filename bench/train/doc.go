// Command train measures the speed of full training steps of gmg's VAE
// trainer (data sampling, forward, regulariser, backward, Adam; batch 64,
// 64×64 images) for β-VAE without a regulariser, with DST and with GMG on
// the decoder (cosine cost, λ = 1, ε₀ = 0.01), and compares the plain β-VAE
// with PyTorch's step in the same run.
//
// Each round times every configuration for -steps steps and then runs the
// PyTorch anchor script (2 threads, OPENBLAS_NUM_THREADS=1) for the same
// number of steps with the dataset's channel count, so gmg and the anchor
// alternate. It prints every round. Then, per configuration, it prints the
// median steps/s, the heap allocations per step and the regulariser's
// overhead per step relative to the plain β-VAE in the same round. Last
// comes the median over rounds of the ratio of gmg's images/s to PyTorch's. The anchor times a fixed batch without data sampling, so
// the ratio slightly favours PyTorch.
//
// Usage:
//
//	go run ./bench/train [-datasets dsprites,shapes3d] [-rounds 5] [-steps 10]
//
// The anchor is ../shared/anchors/torch_vae_step.py, run with
// /usr/bin/python3 (Debian's, with python3-torch); -anchor "" times gmg only.
package main
