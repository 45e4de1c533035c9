//go:build !amd64

package nn

// haveAdamAsm is false off amd64, so the Go loop always runs.
var haveAdamAsm = false

func adamAVX2(p, grad, m, v *float32, n int, h *adamScalars) { panic("nn: no AVX2 Adam kernel") }
