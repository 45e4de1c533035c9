// Command vaestep compares the speed of one β-VAE training step in gmg with
// PyTorch's: forward, backward and Adam at batch 64 on 64×64 images. It runs
// both in one process tree and alternates between them.
//
// Each round first runs 3 untimed gmg steps, as the anchor does before it
// times its own. It then times gmg for -steps steps and runs the PyTorch
// anchor script with 1 and with 2 threads for the same number of steps. A
// round's ratio is gmg's images/s over the faster PyTorch setting. The
// program prints every round and the median ratio per channel count, plus
// gmg's heap allocations per steady-state step.
//
// Usage:
//
//	go run ./bench/vaestep [-channels 1,3] [-rounds 5] [-steps 10] [-mode split|shards|blas2]
//
// The anchor is ../shared/anchors/torch_vae_step.py, run with /usr/bin/python3
// (Debian's, with python3-torch installed); -anchor and -python change them.
// With -anchor "" only gmg is timed. The anchor inherits the environment, so
// OPENBLAS_CORETYPE, which selects OpenBLAS's kernels, is the same for both.
package main
