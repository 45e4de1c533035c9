#include "textflag.h"

// AVX2 versions of the loops in kernels.go. Each performs, element by
// element, the operation of its Go loop with the operands in the same order,
// so the results are bit-identical except for the payloads of NaNs. Lengths
// are multiples of 8 floats, one YMM register, and the Go callers handle the
// remainder.

// func addToAVX2(dst, src *float32, n int)
// dst[i] += src[i] for i < n.
TEXT ·addToAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

add32:
	CMPQ    CX, $32
	JLT     add8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VADDPS  (SI), Y0, Y0
	VADDPS  32(SI), Y1, Y1
	VADDPS  64(SI), Y2, Y2
	VADDPS  96(SI), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	SUBQ    $32, CX
	JMP     add32

add8:
	CMPQ    CX, $8
	JLT     addDone
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     add8

addDone:
	VZEROUPPER
	RET

// func reluAVX2(x *float32, n int)
// Clears x[i] to +0 where its sign bit is set: x &^ (x >> 31, arithmetic).
TEXT ·reluAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX

relu16:
	CMPQ    CX, $16
	JLT     relu8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VPSRAD  $31, Y0, Y2
	VPSRAD  $31, Y1, Y3
	VPANDN  Y0, Y2, Y0
	VPANDN  Y1, Y3, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     relu16

relu8:
	CMPQ    CX, $8
	JLT     reluDone
	VMOVUPS (DI), Y0
	VPSRAD  $31, Y0, Y2
	VPANDN  Y0, Y2, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     relu8

reluDone:
	VZEROUPPER
	RET

// func maskReLUAVX2(dy, y *float32, n int)
// Keeps dy[i] where y[i], read as an int32, is positive, and clears it
// elsewhere.
TEXT ·maskReLUAVX2(SB), NOSPLIT, $0-24
	MOVQ  dy+0(FP), DI
	MOVQ  y+8(FP), SI
	MOVQ  n+16(FP), CX
	VPXOR Y15, Y15, Y15

mask8:
	CMPQ     CX, $8
	JLT      maskDone
	VMOVUPS  (SI), Y0
	VPCMPGTD Y15, Y0, Y0
	VPAND    (DI), Y0, Y0
	VMOVUPS  Y0, (DI)
	ADDQ     $32, DI
	ADDQ     $32, SI
	SUBQ     $8, CX
	JMP      mask8

maskDone:
	VZEROUPPER
	RET

// func fillRowsAVX2(y, row *float32, rows, c int)
// Copies the c floats at row into each of the rows rows of y.
TEXT ·fillRowsAVX2(SB), NOSPLIT, $0-32
	MOVQ y+0(FP), DI
	MOVQ rows+16(FP), BX
	MOVQ c+24(FP), DX
	SHRQ $3, DX
	JZ   fillDone

fillRow:
	CMPQ BX, $0
	JLE  fillDone
	MOVQ row+8(FP), SI
	MOVQ DX, CX

fillCol:
	VMOVUPS (SI), Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     fillCol
	DECQ    BX
	JMP     fillRow

fillDone:
	VZEROUPPER
	RET

// func biasRowsAVX2(y, bias *float32, rows, c int, relu bool)
// Adds the c floats at bias to each row of y (y + bias) and then, if relu
// is set, applies the bit mask of reluAVX2.
TEXT ·biasRowsAVX2(SB), NOSPLIT, $0-33
	MOVQ    y+0(FP), DI
	MOVQ    rows+16(FP), BX
	MOVQ    c+24(FP), DX
	MOVBLZX relu+32(FP), AX
	SHRQ    $3, DX
	JZ      biasDone

biasRow:
	CMPQ BX, $0
	JLE  biasDone
	MOVQ bias+8(FP), SI
	MOVQ DX, CX

biasCol:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	TESTQ   AX, AX
	JZ      biasStore
	VPSRAD  $31, Y0, Y2
	VPANDN  Y0, Y2, Y0

biasStore:
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     biasCol
	DECQ    BX
	JMP     biasRow

biasDone:
	VZEROUPPER
	RET

// func maskSumAVX2(dy, y, db *float32, rows, c int)
// For each row in order: masks dy as maskReLUAVX2 does, stores it, and adds
// it to db (db + dy), so each column is summed in row order.
TEXT ·maskSumAVX2(SB), NOSPLIT, $0-40
	MOVQ  dy+0(FP), DI
	MOVQ  y+8(FP), SI
	MOVQ  rows+24(FP), BX
	MOVQ  c+32(FP), DX
	SHRQ  $3, DX
	JZ    maskSumDone
	VPXOR Y15, Y15, Y15

maskSumRow:
	CMPQ BX, $0
	JLE  maskSumDone
	MOVQ db+16(FP), R8
	MOVQ DX, CX

maskSumCol:
	VMOVUPS  (SI), Y0
	VPCMPGTD Y15, Y0, Y0
	VPAND    (DI), Y0, Y0
	VMOVUPS  Y0, (DI)
	VMOVUPS  (R8), Y1
	VADDPS   Y0, Y1, Y1
	VMOVUPS  Y1, (R8)
	ADDQ     $32, DI
	ADDQ     $32, SI
	ADDQ     $32, R8
	DECQ     CX
	JNZ      maskSumCol
	DECQ     BX
	JMP      maskSumRow

maskSumDone:
	VZEROUPPER
	RET

// func columnSumsAVX2(dst, m *float32, rows, c int)
// Adds each row of the [rows, c] matrix m to dst (dst + row), in row order.
TEXT ·columnSumsAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ rows+16(FP), BX
	MOVQ c+24(FP), DX
	SHRQ $3, DX
	JZ   sumDone

sumRow:
	CMPQ BX, $0
	JLE  sumDone
	MOVQ DI, R8
	MOVQ DX, CX

sumCol:
	VMOVUPS (R8), Y1
	VADDPS  (SI), Y1, Y1
	VMOVUPS Y1, (R8)
	ADDQ    $32, SI
	ADDQ    $32, R8
	DECQ    CX
	JNZ     sumCol
	DECQ    BX
	JMP     sumRow

sumDone:
	VZEROUPPER
	RET

// func bceSumAVX2(x, z, sig *float32, n int, consts *[21][8]float32, lanes *[8]float64)
// For eight logits x and labels z at a time: the steps of bceTerm with the
// constants of bceVectors (consts), the sigmoid stored to sig, and the
// cross-entropy added in float64 to lanes[i mod 8]. Results equal the Go
// loop's for every logit but NaN, whose NaN results may differ in sign or
// payload.
TEXT ·bceSumAVX2(SB), NOSPLIT, $0-48
	MOVQ         x+0(FP), DI
	MOVQ         z+8(FP), SI
	MOVQ         sig+16(FP), DX
	MOVQ         n+24(FP), CX
	MOVQ         consts+32(FP), R9
	MOVQ         lanes+40(FP), R8
	VMOVUPD      0(R8), Y12
	VMOVUPD      32(R8), Y13
	MOVL         $127, AX
	VMOVD        AX, X14
	VPBROADCASTD X14, Y14
	VXORPS       Y15, Y15, Y15

bceLoop:
	CMPQ    CX, $8
	JLT     bceDone
	VMOVUPS (DI), Y0

	// t = −|x|, which is min(x, −x)
	VORPS 0(R9), Y0, Y1

	// k = float32(int32(t·log2e − 0.5)), r = (t − k·ln2Hi) − k·ln2Lo
	VMULPS     32(R9), Y1, Y2
	VSUBPS     64(R9), Y2, Y2
	VCVTTPS2DQ Y2, Y3
	VCVTDQ2PS  Y3, Y2
	VMULPS     96(R9), Y2, Y4
	VSUBPS     Y4, Y1, Y4
	VMULPS     128(R9), Y2, Y5
	VSUBPS     Y5, Y4, Y4

	// p = 1 + r·(1 + r·(1/2 + r·(1/6 + r·(1/24 + r·(1/120 + r·(1/720))))))
	VMULPS 192(R9), Y4, Y5
	VADDPS 224(R9), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS 256(R9), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS 288(R9), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS 320(R9), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS 352(R9), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS 352(R9), Y5, Y5

	// e = p·2^k, or 0 where t < −87
	VPADDD  Y14, Y3, Y3
	VPSLLD  $23, Y3, Y3
	VMULPS  Y3, Y5, Y5
	VCMPPS  $1, 160(R9), Y1, Y6
	VANDNPS Y5, Y6, Y5

	// inv = 1/(1 + e)
	VADDPS  352(R9), Y5, Y6
	VMOVUPS 352(R9), Y7
	VDIVPS  Y6, Y7, Y7

	// loss = (max(x, 0) − x·z) + e·q(e)
	VMOVUPS (SI), Y8
	VMULPS  Y8, Y0, Y8
	VMAXPS  Y15, Y0, Y9
	VSUBPS  Y8, Y9, Y9
	VMOVUPS 384(R9), Y10
	VMULPS  Y5, Y10, Y10
	VADDPS  416(R9), Y10, Y10
	VMULPS  Y5, Y10, Y10
	VADDPS  448(R9), Y10, Y10
	VMULPS  Y5, Y10, Y10
	VADDPS  480(R9), Y10, Y10
	VMULPS  Y5, Y10, Y10
	VADDPS  512(R9), Y10, Y10
	VMULPS  Y5, Y10, Y10
	VADDPS  544(R9), Y10, Y10
	VMULPS  Y5, Y10, Y10
	VADDPS  576(R9), Y10, Y10
	VMULPS  Y5, Y10, Y10
	VADDPS  608(R9), Y10, Y10
	VMULPS  Y5, Y10, Y10
	VADDPS  640(R9), Y10, Y10
	VMULPS  Y10, Y5, Y10
	VADDPS  Y10, Y9, Y9

	// sig = inv where x ≥ 0, e·inv elsewhere
	VMULPS  Y7, Y5, Y10
	VCMPPS  $0x1d, Y15, Y0, Y11
	VANDPS  Y11, Y7, Y7
	VANDNPS Y10, Y11, Y10
	VORPS   Y10, Y7, Y7
	VMOVUPS Y7, (DX)

	// lanes += float64(loss)
	VCVTPS2PD    X9, Y10
	VADDPD       Y10, Y12, Y12
	VEXTRACTF128 $1, Y9, X9
	VCVTPS2PD    X9, Y10
	VADDPD       Y10, Y13, Y13

	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	SUBQ $8, CX
	JMP  bceLoop

bceDone:
	VMOVUPD Y12, 0(R8)
	VMOVUPD Y13, 32(R8)
	VZEROUPPER
	RET

// func scaledDifferenceAVX2(dst, a, b *float32, n int, c float32, add bool)
// dst = c·(a − b), or dst + c·(a − b) when add is set.
TEXT ·scaledDifferenceAVX2(SB), NOSPLIT, $0-37
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         b+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS c+32(FP), Y3
	MOVBLZX      add+36(FP), AX

diffLoop:
	CMPQ    CX, $8
	JLT     diffDone
	VMOVUPS (SI), Y0
	VSUBPS  (DX), Y0, Y0
	VMULPS  Y0, Y3, Y0
	TESTQ   AX, AX
	JZ      diffStore
	VMOVUPS (DI), Y1
	VADDPS  Y0, Y1, Y0

diffStore:
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	SUBQ    $8, CX
	JMP     diffLoop

diffDone:
	VZEROUPPER
	RET

// func copyRunsAVX2(dst, src *float32, runs, run, dstStride, srcStride int)
// Copies runs runs of run floats, run a multiple of 4, from src to dst,
// stepping srcStride and dstStride floats between the starts of runs.
TEXT ·copyRunsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ runs+16(FP), BX
	MOVQ run+24(FP), DX
	MOVQ dstStride+32(FP), R8
	MOVQ srcStride+40(FP), R9
	SHLQ $2, R8
	SHLQ $2, R9

copyRun:
	CMPQ BX, $0
	JLE  copyDone
	MOVQ DI, R10
	MOVQ SI, R11
	MOVQ DX, CX

copy8:
	CMPQ    CX, $8
	JLT     copy4
	VMOVUPS (R11), Y0
	VMOVUPS Y0, (R10)
	ADDQ    $32, R10
	ADDQ    $32, R11
	SUBQ    $8, CX
	JMP     copy8

copy4:
	CMPQ    CX, $4
	JLT     copyNext
	VMOVUPS (R11), X0
	VMOVUPS X0, (R10)

copyNext:
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ BX
	JMP  copyRun

copyDone:
	VZEROUPPER
	RET

// func addRunsAVX2(dst, src *float32, runs, run, dstStride, srcStride int)
// Adds runs runs of run floats, run a multiple of 4, from src into dst
// (dst + src), one run after another, so runs that overlap in dst add up as
// in a loop over the runs in order.
TEXT ·addRunsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ runs+16(FP), BX
	MOVQ run+24(FP), DX
	MOVQ dstStride+32(FP), R8
	MOVQ srcStride+40(FP), R9
	SHLQ $2, R8
	SHLQ $2, R9

addRun:
	CMPQ BX, $0
	JLE  addRunsDone
	MOVQ DI, R10
	MOVQ SI, R11
	MOVQ DX, CX

addRun8:
	CMPQ    CX, $8
	JLT     addRun4
	VMOVUPS (R10), Y0
	VADDPS  (R11), Y0, Y0
	VMOVUPS Y0, (R10)
	ADDQ    $32, R10
	ADDQ    $32, R11
	SUBQ    $8, CX
	JMP     addRun8

addRun4:
	CMPQ    CX, $4
	JLT     addRunNext
	VMOVUPS (R10), X0
	VADDPS  (R11), X0, X0
	VMOVUPS X0, (R10)

addRunNext:
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ BX
	JMP  addRun

addRunsDone:
	VZEROUPPER
	RET
