#include "textflag.h"

// Kernels over four rows of a row-major matrix at once. Row r starts at
// k + r·stride (stride in elements). They share the loads of the vector that
// multiplies the rows, or of the row they accumulate into, so a pass costs
// fewer loads and stores per multiply-add than four single-row passes. Each
// handles the elements below n rounded down to a multiple of 4 and returns
// that count; the Go caller finishes the rest.

// func dot4AVX2(k *float64, stride int, v *float64, n int, s *[4]float64) int
// s[r] = Σ_j k[r·stride + j]·v[j]. Each row has two accumulators of four
// lanes, so eight independent FMA chains run.
TEXT ·dot4AVX2(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), SI
	MOVQ stride+8(FP), R8
	SHLQ $3, R8
	MOVQ v+16(FP), DI
	MOVQ n+24(FP), CX
	MOVQ s+32(FP), BX
	LEAQ (SI)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX

dot4loop8:
	CMPQ AX, DX
	JGE dot4step4
	VMOVUPD (DI)(AX*8), Y8
	VMOVUPD 32(DI)(AX*8), Y9
	VFMADD231PD (SI)(AX*8), Y8, Y0
	VFMADD231PD 32(SI)(AX*8), Y9, Y1
	VFMADD231PD (R9)(AX*8), Y8, Y2
	VFMADD231PD 32(R9)(AX*8), Y9, Y3
	VFMADD231PD (R10)(AX*8), Y8, Y4
	VFMADD231PD 32(R10)(AX*8), Y9, Y5
	VFMADD231PD (R11)(AX*8), Y8, Y6
	VFMADD231PD 32(R11)(AX*8), Y9, Y7
	ADDQ $8, AX
	JMP dot4loop8

dot4step4:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE dot4reduce
	VMOVUPD (DI)(AX*8), Y8
	VFMADD231PD (SI)(AX*8), Y8, Y0
	VFMADD231PD (R9)(AX*8), Y8, Y2
	VFMADD231PD (R10)(AX*8), Y8, Y4
	VFMADD231PD (R11)(AX*8), Y8, Y6
	ADDQ $4, AX

dot4reduce:
	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VADDPD Y5, Y4, Y4
	VADDPD Y7, Y6, Y6
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VHADDPD X0, X0, X0
	VMOVSD X0, 0(BX)
	VEXTRACTF128 $1, Y2, X3
	VADDPD X3, X2, X2
	VHADDPD X2, X2, X2
	VMOVSD X2, 8(BX)
	VEXTRACTF128 $1, Y4, X5
	VADDPD X5, X4, X4
	VHADDPD X4, X4, X4
	VMOVSD X4, 16(BX)
	VEXTRACTF128 $1, Y6, X7
	VADDPD X7, X6, X6
	VHADDPD X6, X6, X6
	VMOVSD X6, 24(BX)
	VZEROUPPER
	MOVQ AX, ret+40(FP)
	RET

// func axpy4AVX2(u *[4]float64, k *float64, stride int, w *float64, n int) int
// w[j] += u[0]·k[j] + u[1]·k[stride + j] + ..., one FMA per row in row order,
// which rounds as four single-row axpy passes in that order do.
TEXT ·axpy4AVX2(SB), NOSPLIT, $0-48
	MOVQ u+0(FP), BX
	MOVQ k+8(FP), SI
	MOVQ stride+16(FP), R8
	SHLQ $3, R8
	MOVQ w+24(FP), DI
	MOVQ n+32(FP), CX
	LEAQ (SI)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	VBROADCASTSD 0(BX), Y12
	VBROADCASTSD 8(BX), Y13
	VBROADCASTSD 16(BX), Y14
	VBROADCASTSD 24(BX), Y15
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX

axpy4loop16:
	CMPQ AX, DX
	JGE axpy4loop4start
	VMOVUPD (DI)(AX*8), Y0
	VMOVUPD 32(DI)(AX*8), Y1
	VMOVUPD 64(DI)(AX*8), Y2
	VMOVUPD 96(DI)(AX*8), Y3
	VFMADD231PD (SI)(AX*8), Y12, Y0
	VFMADD231PD 32(SI)(AX*8), Y12, Y1
	VFMADD231PD 64(SI)(AX*8), Y12, Y2
	VFMADD231PD 96(SI)(AX*8), Y12, Y3
	VFMADD231PD (R9)(AX*8), Y13, Y0
	VFMADD231PD 32(R9)(AX*8), Y13, Y1
	VFMADD231PD 64(R9)(AX*8), Y13, Y2
	VFMADD231PD 96(R9)(AX*8), Y13, Y3
	VFMADD231PD (R10)(AX*8), Y14, Y0
	VFMADD231PD 32(R10)(AX*8), Y14, Y1
	VFMADD231PD 64(R10)(AX*8), Y14, Y2
	VFMADD231PD 96(R10)(AX*8), Y14, Y3
	VFMADD231PD (R11)(AX*8), Y15, Y0
	VFMADD231PD 32(R11)(AX*8), Y15, Y1
	VFMADD231PD 64(R11)(AX*8), Y15, Y2
	VFMADD231PD 96(R11)(AX*8), Y15, Y3
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ $16, AX
	JMP axpy4loop16

axpy4loop4start:
	MOVQ CX, DX
	ANDQ $-4, DX

axpy4loop4:
	CMPQ AX, DX
	JGE axpy4done
	VMOVUPD (DI)(AX*8), Y0
	VFMADD231PD (SI)(AX*8), Y12, Y0
	VFMADD231PD (R9)(AX*8), Y13, Y0
	VFMADD231PD (R10)(AX*8), Y14, Y0
	VFMADD231PD (R11)(AX*8), Y15, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP axpy4loop4

axpy4done:
	VZEROUPPER
	MOVQ AX, ret+40(FP)
	RET

// func gemm4AVX2(out *float64, outStride int, a *float64, r int, v *float64, m int) int
// out[s·outStride + j] = Σ_k a[s·r + k]·v[k·m + j] for the four rows s: four
// rows of a (each r long) times v ([r, m]). Eight columns of the four rows
// stay in eight registers across all k, so each v element loaded serves four
// rows. Each output is the sum over k in ascending order from 0, rounded
// once per FMA, as gemmRowAVX2 computes it.
TEXT ·gemm4AVX2(SB), NOSPLIT, $0-56
	MOVQ out+0(FP), DI
	MOVQ outStride+8(FP), R12
	SHLQ $3, R12
	LEAQ (DI)(R12*1), R14        // out row 1
	LEAQ (R14)(R12*1), R15       // out row 2
	LEAQ (R15)(R12*1), R8        // out row 3
	MOVQ a+16(FP), SI
	MOVQ r+24(FP), R13
	SHLQ $3, R13                 // row stride of a in bytes
	LEAQ (R13)(R13*2), R9        // three rows of a in bytes
	MOVQ v+32(FP), BX
	MOVQ m+40(FP), R10
	SHLQ $3, R10                 // row stride of v in bytes
	XORQ AX, AX                  // j

gemm4cols8:
	MOVQ m+40(FP), DX
	ANDQ $-8, DX
	CMPQ AX, DX
	JGE gemm4cols4
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	LEAQ (BX)(AX*8), R11         // &v[0][j]
	MOVQ SI, CX                  // &a[0][k]
	MOVQ r+24(FP), DX            // k left

gemm4k8:
	TESTQ DX, DX
	JE gemm4store8
	VMOVUPD (R11), Y8
	VMOVUPD 32(R11), Y9
	VBROADCASTSD (CX), Y10
	VFMADD231PD Y8, Y10, Y0
	VFMADD231PD Y9, Y10, Y1
	VBROADCASTSD (CX)(R13*1), Y11
	VFMADD231PD Y8, Y11, Y2
	VFMADD231PD Y9, Y11, Y3
	VBROADCASTSD (CX)(R13*2), Y12
	VFMADD231PD Y8, Y12, Y4
	VFMADD231PD Y9, Y12, Y5
	VBROADCASTSD (CX)(R9*1), Y13
	VFMADD231PD Y8, Y13, Y6
	VFMADD231PD Y9, Y13, Y7
	ADDQ R10, R11
	ADDQ $8, CX
	DECQ DX
	JMP gemm4k8

gemm4store8:
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD Y2, (R14)(AX*8)
	VMOVUPD Y3, 32(R14)(AX*8)
	VMOVUPD Y4, (R15)(AX*8)
	VMOVUPD Y5, 32(R15)(AX*8)
	VMOVUPD Y6, (R8)(AX*8)
	VMOVUPD Y7, 32(R8)(AX*8)
	ADDQ $8, AX
	JMP gemm4cols8

gemm4cols4:
	MOVQ m+40(FP), DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE gemm4done
	VXORPD Y0, Y0, Y0
	VXORPD Y2, Y2, Y2
	VXORPD Y4, Y4, Y4
	VXORPD Y6, Y6, Y6
	LEAQ (BX)(AX*8), R11
	MOVQ SI, CX
	MOVQ r+24(FP), DX

gemm4k4:
	TESTQ DX, DX
	JE gemm4store4
	VMOVUPD (R11), Y8
	VBROADCASTSD (CX), Y10
	VFMADD231PD Y8, Y10, Y0
	VBROADCASTSD (CX)(R13*1), Y11
	VFMADD231PD Y8, Y11, Y2
	VBROADCASTSD (CX)(R13*2), Y12
	VFMADD231PD Y8, Y12, Y4
	VBROADCASTSD (CX)(R9*1), Y13
	VFMADD231PD Y8, Y13, Y6
	ADDQ R10, R11
	ADDQ $8, CX
	DECQ DX
	JMP gemm4k4

gemm4store4:
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y2, (R14)(AX*8)
	VMOVUPD Y4, (R15)(AX*8)
	VMOVUPD Y6, (R8)(AX*8)
	ADDQ $4, AX

gemm4done:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

DATA absmask<>+0(SB)/8, $0x7fffffffffffffff
GLOBL absmask<>(SB), RODATA|NOPTR, $8

// func planRowAVX2(p, k, v, col *float64, n int, u float64) float64
// p[j] = (u·k[j])·v[j], col[j] += p[j]; returns Σ p[j] over the elements
// handled, summed in four lanes.
TEXT ·planRowAVX2(SB), NOSPLIT, $0-56
	MOVQ p+0(FP), DI
	MOVQ k+8(FP), SI
	MOVQ v+16(FP), BX
	MOVQ col+24(FP), R8
	MOVQ n+32(FP), CX
	VBROADCASTSD u+40(FP), Y15
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX

planloop8:
	CMPQ AX, DX
	JGE planstep4
	VMULPD (SI)(AX*8), Y15, Y2
	VMULPD 32(SI)(AX*8), Y15, Y3
	VMULPD (BX)(AX*8), Y2, Y2
	VMULPD 32(BX)(AX*8), Y3, Y3
	VMOVUPD Y2, (DI)(AX*8)
	VMOVUPD Y3, 32(DI)(AX*8)
	VADDPD Y2, Y0, Y0
	VADDPD Y3, Y1, Y1
	VADDPD (R8)(AX*8), Y2, Y2
	VADDPD 32(R8)(AX*8), Y3, Y3
	VMOVUPD Y2, (R8)(AX*8)
	VMOVUPD Y3, 32(R8)(AX*8)
	ADDQ $8, AX
	JMP planloop8

planstep4:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE planreduce
	VMULPD (SI)(AX*8), Y15, Y2
	VMULPD (BX)(AX*8), Y2, Y2
	VMOVUPD Y2, (DI)(AX*8)
	VADDPD Y2, Y0, Y0
	VADDPD (R8)(AX*8), Y2, Y2
	VMOVUPD Y2, (R8)(AX*8)
	ADDQ $4, AX

planreduce:
	VADDPD Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VHADDPD X0, X0, X0
	VZEROUPPER
	MOVSD X0, ret+48(FP)
	RET

// func absDiffSumAVX2(x, y *float64, n int, scale float64) (sum float64, done int)
// Σ_j |x[j] − scale·y[j]|, with the difference rounded once (FMA), over
// the elements handled.
TEXT ·absDiffSumAVX2(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VBROADCASTSD scale+24(FP), Y15
	VBROADCASTSD absmask<>+0(SB), Y14
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX

absloop8:
	CMPQ AX, DX
	JGE absstep4
	VMOVUPD (SI)(AX*8), Y2
	VMOVUPD 32(SI)(AX*8), Y3
	VFNMADD231PD (DI)(AX*8), Y15, Y2
	VFNMADD231PD 32(DI)(AX*8), Y15, Y3
	VANDPD Y14, Y2, Y2
	VANDPD Y14, Y3, Y3
	VADDPD Y2, Y0, Y0
	VADDPD Y3, Y1, Y1
	ADDQ $8, AX
	JMP absloop8

absstep4:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE absreduce
	VMOVUPD (SI)(AX*8), Y2
	VFNMADD231PD (DI)(AX*8), Y15, Y2
	VANDPD Y14, Y2, Y2
	VADDPD Y2, Y0, Y0
	ADDQ $4, AX

absreduce:
	VADDPD Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VHADDPD X0, X0, X0
	VZEROUPPER
	MOVSD X0, sum+32(FP)
	MOVQ AX, done+40(FP)
	RET

DATA two<>+0(SB)/8, $2.0
GLOBL two<>(SB), RODATA|NOPTR, $8

// func linearizeRowAVX2(out, d, s *float64, n int, c, scale float64) int
// out[j] = (c + d[j]) − 2·(scale·s[j]). Doubling is exact, so the FMA rounds
// the difference once, as the two Go operations do.
TEXT ·linearizeRowAVX2(SB), NOSPLIT, $0-56
	MOVQ out+0(FP), DI
	MOVQ d+8(FP), SI
	MOVQ s+16(FP), BX
	MOVQ n+24(FP), CX
	VBROADCASTSD c+32(FP), Y15
	VBROADCASTSD scale+40(FP), Y14
	VBROADCASTSD two<>+0(SB), Y13
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX

linloop8:
	CMPQ AX, DX
	JGE linstep4
	VADDPD (SI)(AX*8), Y15, Y0
	VADDPD 32(SI)(AX*8), Y15, Y1
	VMULPD (BX)(AX*8), Y14, Y2
	VMULPD 32(BX)(AX*8), Y14, Y3
	VFNMADD231PD Y13, Y2, Y0
	VFNMADD231PD Y13, Y3, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	ADDQ $8, AX
	JMP linloop8

linstep4:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE lindone
	VADDPD (SI)(AX*8), Y15, Y0
	VMULPD (BX)(AX*8), Y14, Y2
	VFNMADD231PD Y13, Y2, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ $4, AX

lindone:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

// func sqDotAVX2(x, v *float64, n int) (sum float64, done int)
// Σ_j x[j]²·v[j] over the elements handled, in eight lanes.
TEXT ·sqDotAVX2(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX

sqdotloop8:
	CMPQ AX, DX
	JGE sqdotstep4
	VMOVUPD (SI)(AX*8), Y2
	VMOVUPD 32(SI)(AX*8), Y3
	VMULPD Y2, Y2, Y2
	VMULPD Y3, Y3, Y3
	VFMADD231PD (DI)(AX*8), Y2, Y0
	VFMADD231PD 32(DI)(AX*8), Y3, Y1
	ADDQ $8, AX
	JMP sqdotloop8

sqdotstep4:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE sqdotreduce
	VMOVUPD (SI)(AX*8), Y2
	VMULPD Y2, Y2, Y2
	VFMADD231PD (DI)(AX*8), Y2, Y0
	ADDQ $4, AX

sqdotreduce:
	VADDPD Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VHADDPD X0, X0, X0
	VZEROUPPER
	MOVSD X0, sum+24(FP)
	MOVQ AX, done+32(FP)
	RET
