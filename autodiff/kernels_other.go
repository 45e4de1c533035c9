//go:build !amd64

package autodiff

// haveAVX2 is false off amd64, so the Go loops always run.
var haveAVX2 = false

func addToAVX2(dst, src *float32, n int)                    { panic("autodiff: no AVX2 kernels") }
func reluAVX2(x *float32, n int)                            { panic("autodiff: no AVX2 kernels") }
func maskReLUAVX2(dy, y *float32, n int)                    { panic("autodiff: no AVX2 kernels") }
func fillRowsAVX2(y, row *float32, rows, c int)             { panic("autodiff: no AVX2 kernels") }
func biasRowsAVX2(y, bias *float32, rows, c int, relu bool) { panic("autodiff: no AVX2 kernels") }
func maskSumAVX2(dy, y, db *float32, rows, c int)           { panic("autodiff: no AVX2 kernels") }
func columnSumsAVX2(dst, m *float32, rows, c int)           { panic("autodiff: no AVX2 kernels") }
func bceSumAVX2(x, z, sig *float32, n int, consts *[21][8]float32, lanes *[8]float64) {
	panic("autodiff: no AVX2 kernels")
}
func scaledDifferenceAVX2(dst, a, b *float32, n int, c float32, add bool) {
	panic("autodiff: no AVX2 kernels")
}
func copyRunsAVX2(dst, src *float32, runs, run, dstStride, srcStride int) {
	panic("autodiff: no AVX2 kernels")
}
func addRunsAVX2(dst, src *float32, runs, run, dstStride, srcStride int) {
	panic("autodiff: no AVX2 kernels")
}
