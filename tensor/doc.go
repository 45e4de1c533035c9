// Package tensor provides float32 dense tensors, NumPy-style broadcasting,
// parallel loops with static partitioning, and one BLAS interface with two
// backends: OpenBLAS, loaded at run time without cgo, and gonum's pure-Go BLAS.
//
// # Layout
//
// A Tensor stores its values contiguously in row-major (C) order, so the last
// axis varies fastest and the strides are implicit. Images are NHWC:
// [n, height, width, channels]. Operations that need another order (Transpose,
// Permute) copy.
//
// # BLAS backends
//
// DefaultBLAS selects the backend once per process. It loads libopenblas.so.0
// (Debian package libopenblas0) through github.com/ebitengine/purego and falls
// back to gonum's pure-Go BLAS when the library is absent. The environment
// variable GMG_BLAS forces one backend: GMG_BLAS=openblas or GMG_BLAS=go. A
// forced backend that cannot be loaded is an error that names the library.
// OpenBLAS picks its kernels from the CPU unless the environment variable
// OPENBLAS_CORETYPE names a core (for example Haswell, which limits it to
// AVX2); BLAS.Core reports the choice, and gmg version prints it.
//
// OpenBLAS is set to one thread when it is loaded. gmg parallelises around BLAS
// calls itself (Parallel, ParallelGemm), each worker calling a single-threaded
// SGEMM, so gmg's loops never run at the same time as a multi-threaded OpenBLAS
// call. Callers that raise the thread count with SetThreads must not call the
// BLAS from inside a Parallel loop.
//
// # Determinism
//
// Parallel splits its range into Workers() contiguous chunks, a static
// partition; ParallelTasks hands out a fixed list of tasks dynamically.
// ParallelGemm splits C into a fixed number of row blocks, so its results are
// bit-identical across runs and worker counts for a fixed backend.
package tensor
