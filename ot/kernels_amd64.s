#include "textflag.h"

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func dotAVX2(x, y *float64, n int) float64
// Four accumulators of four lanes; n may be any length.
TEXT ·dotAVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX

dot16:
	CMPQ AX, DX
	JGE dot4start
	VMOVUPD (SI)(AX*8), Y4
	VMOVUPD 32(SI)(AX*8), Y5
	VMOVUPD 64(SI)(AX*8), Y6
	VMOVUPD 96(SI)(AX*8), Y7
	VFMADD231PD (DI)(AX*8), Y4, Y0
	VFMADD231PD 32(DI)(AX*8), Y5, Y1
	VFMADD231PD 64(DI)(AX*8), Y6, Y2
	VFMADD231PD 96(DI)(AX*8), Y7, Y3
	ADDQ $16, AX
	JMP dot16

dot4start:
	MOVQ CX, DX
	ANDQ $-4, DX

dot4:
	CMPQ AX, DX
	JGE dotreduce
	VMOVUPD (SI)(AX*8), Y4
	VFMADD231PD (DI)(AX*8), Y4, Y0
	ADDQ $4, AX
	JMP dot4

dotreduce:
	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VADDPD Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VHADDPD X0, X0, X0

dottail:
	CMPQ AX, CX
	JGE dotdone
	VMOVSD (SI)(AX*8), X4
	VFMADD231SD (DI)(AX*8), X4, X0
	INCQ AX
	JMP dottail

dotdone:
	VZEROUPPER
	MOVSD X0, ret+24(FP)
	RET

// func axpyAVX2(alpha float64, x, y *float64, n int)
// y[i] += alpha·x[i].
TEXT ·axpyAVX2(SB), NOSPLIT, $0-32
	VBROADCASTSD alpha+0(FP), Y0
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX

axpy16:
	CMPQ AX, DX
	JGE axpy4start
	VMOVUPD (DI)(AX*8), Y1
	VMOVUPD 32(DI)(AX*8), Y2
	VMOVUPD 64(DI)(AX*8), Y3
	VMOVUPD 96(DI)(AX*8), Y4
	VFMADD231PD (SI)(AX*8), Y0, Y1
	VFMADD231PD 32(SI)(AX*8), Y0, Y2
	VFMADD231PD 64(SI)(AX*8), Y0, Y3
	VFMADD231PD 96(SI)(AX*8), Y0, Y4
	VMOVUPD Y1, (DI)(AX*8)
	VMOVUPD Y2, 32(DI)(AX*8)
	VMOVUPD Y3, 64(DI)(AX*8)
	VMOVUPD Y4, 96(DI)(AX*8)
	ADDQ $16, AX
	JMP axpy16

axpy4start:
	MOVQ CX, DX
	ANDQ $-4, DX

axpy4:
	CMPQ AX, DX
	JGE axpytail
	VMOVUPD (DI)(AX*8), Y1
	VFMADD231PD (SI)(AX*8), Y0, Y1
	VMOVUPD Y1, (DI)(AX*8)
	ADDQ $4, AX
	JMP axpy4

axpytail:
	CMPQ AX, CX
	JGE axpydone
	VMOVSD (DI)(AX*8), X1
	VFMADD231SD (SI)(AX*8), X0, X1
	VMOVSD X1, (DI)(AX*8)
	INCQ AX
	JMP axpytail

axpydone:
	VZEROUPPER
	RET

// Constants of the vectorised exponential: exp(x) = 2^k·p(r) with
// k = round(x·log2(e)), r = x − k·ln2 split in two parts, and p the Taylor
// polynomial of degree 13, whose truncation error on |r| ≤ ln2/2 is under
// 5e-18 relative.
DATA expconst<>+0(SB)/8, $1.4426950408889634     // log2(e)
DATA expconst<>+8(SB)/8, $6.93147180369123816490e-01 // ln2 high part
DATA expconst<>+16(SB)/8, $1.90821492927058770002e-10 // ln2 low part
DATA expconst<>+24(SB)/8, $-708.0                // flush-to-zero bound
DATA expconst<>+32(SB)/8, $6755399441056767.0     // 2^52 + 2^51 + 1023
DATA expconst<>+40(SB)/8, $1.6059043836821613e-10 // 1/13!
DATA expconst<>+48(SB)/8, $2.08767569878681e-09   // 1/12!
DATA expconst<>+56(SB)/8, $2.505210838544172e-08  // 1/11!
DATA expconst<>+64(SB)/8, $2.755731922398589e-07  // 1/10!
DATA expconst<>+72(SB)/8, $2.7557319223985893e-06 // 1/9!
DATA expconst<>+80(SB)/8, $2.48015873015873e-05   // 1/8!
DATA expconst<>+88(SB)/8, $0.0001984126984126984  // 1/7!
DATA expconst<>+96(SB)/8, $0.001388888888888889   // 1/6!
DATA expconst<>+104(SB)/8, $0.008333333333333333  // 1/5!
DATA expconst<>+112(SB)/8, $0.041666666666666664  // 1/4!
DATA expconst<>+120(SB)/8, $0.16666666666666666   // 1/3!
DATA expconst<>+128(SB)/8, $0.5                   // 1/2!
DATA expconst<>+136(SB)/8, $1.0                   // 1/1! and 1/0!
GLOBL expconst<>(SB), RODATA|NOPTR, $144

// func expShiftAVX2(dst, src *float64, n int, shift float64) int
// dst[i] = exp(src[i] − shift) for i below n rounded down to a multiple of 4,
// which it returns; the caller handles the rest. Arguments below −708 give 0.
TEXT ·expShiftAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD shift+24(FP), Y15
	VBROADCASTSD expconst<>+0(SB), Y14
	VBROADCASTSD expconst<>+8(SB), Y13
	VBROADCASTSD expconst<>+16(SB), Y12
	VBROADCASTSD expconst<>+24(SB), Y11
	VBROADCASTSD expconst<>+32(SB), Y10
	VBROADCASTSD expconst<>+136(SB), Y9
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-4, DX

exp4:
	CMPQ AX, DX
	JGE exptail
	VMOVUPD (SI)(AX*8), Y0
	VSUBPD Y15, Y0, Y0           // x = src − shift
	VCMPPD $13, Y11, Y0, Y8      // mask = x ≥ −708
	VMAXPD Y11, Y0, Y0           // clamp so that 2^k stays normal
	VMULPD Y14, Y0, Y1           // x·log2(e)
	VROUNDPD $0, Y1, Y1          // k, rounded to nearest
	VFNMADD231PD Y13, Y1, Y0     // r = x − k·ln2hi
	VFNMADD231PD Y12, Y1, Y0     // r −= k·ln2lo
	VBROADCASTSD expconst<>+40(SB), Y2
	VBROADCASTSD expconst<>+48(SB), Y3
	VFMADD213PD Y3, Y0, Y2       // p = p·r + 1/12!
	VBROADCASTSD expconst<>+56(SB), Y3
	VFMADD213PD Y3, Y0, Y2
	VBROADCASTSD expconst<>+64(SB), Y3
	VFMADD213PD Y3, Y0, Y2
	VBROADCASTSD expconst<>+72(SB), Y3
	VFMADD213PD Y3, Y0, Y2
	VBROADCASTSD expconst<>+80(SB), Y3
	VFMADD213PD Y3, Y0, Y2
	VBROADCASTSD expconst<>+88(SB), Y3
	VFMADD213PD Y3, Y0, Y2
	VBROADCASTSD expconst<>+96(SB), Y3
	VFMADD213PD Y3, Y0, Y2
	VBROADCASTSD expconst<>+104(SB), Y3
	VFMADD213PD Y3, Y0, Y2
	VBROADCASTSD expconst<>+112(SB), Y3
	VFMADD213PD Y3, Y0, Y2
	VBROADCASTSD expconst<>+120(SB), Y3
	VFMADD213PD Y3, Y0, Y2
	VBROADCASTSD expconst<>+128(SB), Y3
	VFMADD213PD Y3, Y0, Y2
	VFMADD213PD Y9, Y0, Y2       // p·r + 1
	VFMADD213PD Y9, Y0, Y2       // p·r + 1
	VADDPD Y10, Y1, Y1           // k + 2^52 + 2^51 + 1023: low bits hold k + 1023
	VPSLLQ $52, Y1, Y1           // 2^k
	VMULPD Y1, Y2, Y2
	VANDPD Y8, Y2, Y2
	VMOVUPD Y2, (DI)(AX*8)
	ADDQ $4, AX
	JMP exp4

exptail:
	VZEROUPPER
	MOVQ AX, ret+32(FP)
	RET

DATA negInf<>+0(SB)/8, $0xfff0000000000000
GLOBL negInf<>(SB), RODATA|NOPTR, $8

// func exponentsAVX2(dst, beta, cost *float64, n int, alpha, inv float64) float64
// dst[j] = (alpha + beta[j] − cost[j])·inv for j below n rounded down to a
// multiple of 4; returns their maximum, −Inf when there are none.
TEXT ·exponentsAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ beta+8(FP), SI
	MOVQ cost+16(FP), BX
	MOVQ n+24(FP), CX
	VBROADCASTSD alpha+32(FP), Y0
	VBROADCASTSD inv+40(FP), Y1
	VBROADCASTSD negInf<>+0(SB), Y2
	XORQ AX, AX
	ANDQ $-4, CX

expo4:
	CMPQ AX, CX
	JGE expodone
	VMOVUPD (SI)(AX*8), Y3
	VADDPD Y0, Y3, Y3
	VSUBPD (BX)(AX*8), Y3, Y3
	VMULPD Y1, Y3, Y3
	VMOVUPD Y3, (DI)(AX*8)
	VMAXPD Y3, Y2, Y2
	ADDQ $4, AX
	JMP expo4

expodone:
	VEXTRACTF128 $1, Y2, X3
	VMAXPD X3, X2, X2
	VPERMILPD $1, X2, X3
	VMAXPD X3, X2, X2
	VZEROUPPER
	MOVSD X2, ret+48(FP)
	RET

// func gemmRowAVX2(out, a, v *float64, r, m, stride int) int
// out[j] = Σ_k a[k]·v[k·stride + j] for j below m rounded down to a multiple
// of 4, which it returns. Sixteen outputs stay in four registers across all
// k, so each output is stored once.
TEXT ·gemmRowAVX2(SB), NOSPLIT, $0-56
	MOVQ out+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ v+16(FP), BX
	MOVQ r+24(FP), R8
	MOVQ m+32(FP), R9
	MOVQ stride+40(FP), R10
	SHLQ $3, R10                 // row stride of v in bytes
	XORQ AX, AX                  // j
	MOVQ R9, DX
	ANDQ $-16, DX

gemm16:
	CMPQ AX, DX
	JGE gemm4start
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	LEAQ (BX)(AX*8), R11         // &v[0][j]
	XORQ CX, CX                  // k

gemm16k:
	CMPQ CX, R8
	JGE gemm16store
	VBROADCASTSD (SI)(CX*8), Y4
	VFMADD231PD (R11), Y4, Y0
	VFMADD231PD 32(R11), Y4, Y1
	VFMADD231PD 64(R11), Y4, Y2
	VFMADD231PD 96(R11), Y4, Y3
	ADDQ R10, R11
	INCQ CX
	JMP gemm16k

gemm16store:
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ $16, AX
	JMP gemm16

gemm4start:
	MOVQ R9, DX
	ANDQ $-4, DX

gemm4:
	CMPQ AX, DX
	JGE gemmdone
	VXORPD Y0, Y0, Y0
	LEAQ (BX)(AX*8), R11
	XORQ CX, CX

gemm4k:
	CMPQ CX, R8
	JGE gemm4store
	VBROADCASTSD (SI)(CX*8), Y4
	VFMADD231PD (R11), Y4, Y0
	ADDQ R10, R11
	INCQ CX
	JMP gemm4k

gemm4store:
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP gemm4

gemmdone:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

// func sqDistAVX2(x, y *float64, n int) float64
// Σ (x[i] − y[i])² with four accumulators of four lanes.
TEXT ·sqDistAVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX

sq16:
	CMPQ AX, DX
	JGE sq4start
	VMOVUPD (SI)(AX*8), Y4
	VMOVUPD 32(SI)(AX*8), Y5
	VMOVUPD 64(SI)(AX*8), Y6
	VMOVUPD 96(SI)(AX*8), Y7
	VSUBPD (DI)(AX*8), Y4, Y4
	VSUBPD 32(DI)(AX*8), Y5, Y5
	VSUBPD 64(DI)(AX*8), Y6, Y6
	VSUBPD 96(DI)(AX*8), Y7, Y7
	VFMADD231PD Y4, Y4, Y0
	VFMADD231PD Y5, Y5, Y1
	VFMADD231PD Y6, Y6, Y2
	VFMADD231PD Y7, Y7, Y3
	ADDQ $16, AX
	JMP sq16

sq4start:
	MOVQ CX, DX
	ANDQ $-4, DX

sq4:
	CMPQ AX, DX
	JGE sqreduce
	VMOVUPD (SI)(AX*8), Y4
	VSUBPD (DI)(AX*8), Y4, Y4
	VFMADD231PD Y4, Y4, Y0
	ADDQ $4, AX
	JMP sq4

sqreduce:
	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VADDPD Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VHADDPD X0, X0, X0

sqtail:
	CMPQ AX, CX
	JGE sqdone
	VMOVSD (SI)(AX*8), X4
	VSUBSD (DI)(AX*8), X4, X4
	VFMADD231SD X4, X4, X0
	INCQ AX
	JMP sqtail

sqdone:
	VZEROUPPER
	MOVSD X0, ret+24(FP)
	RET
