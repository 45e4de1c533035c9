package autodiff

import "golang.org/x/sys/cpu"

// haveAVX2 selects the assembly kernels. It is a variable so that tests can
// run the Go loops on the same machine and compare.
var haveAVX2 = cpu.X86.HasAVX2

// The kernels below process n floats, or rows×c floats. Both n and c must be
// multiples of 8, and the pointers must address at least that many floats.

//go:noescape
func addToAVX2(dst, src *float32, n int)

//go:noescape
func reluAVX2(x *float32, n int)

//go:noescape
func maskReLUAVX2(dy, y *float32, n int)

//go:noescape
func fillRowsAVX2(y, row *float32, rows, c int)

//go:noescape
func biasRowsAVX2(y, bias *float32, rows, c int, relu bool)

//go:noescape
func maskSumAVX2(dy, y, db *float32, rows, c int)

//go:noescape
func columnSumsAVX2(dst, m *float32, rows, c int)

//go:noescape
func bceSumAVX2(x, z, sig *float32, n int, consts *[21][8]float32, lanes *[8]float64)

//go:noescape
func scaledDifferenceAVX2(dst, a, b *float32, n int, c float32, add bool)

//go:noescape
func copyRunsAVX2(dst, src *float32, runs, run, dstStride, srcStride int)

//go:noescape
func addRunsAVX2(dst, src *float32, runs, run, dstStride, srcStride int)
