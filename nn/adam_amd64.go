package nn

import "golang.org/x/sys/cpu"

// haveAdamAsm selects the assembly Adam kernel. It is a variable so that
// tests can run the Go loop on the same machine and compare.
var haveAdamAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// adamAVX2 is adamUpdate's loop for n elements, n a multiple of 8.
//
//go:noescape
func adamAVX2(p, grad, m, v *float32, n int, h *adamScalars)
