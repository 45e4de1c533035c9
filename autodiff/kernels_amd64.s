#include "textflag.h"

// AVX2 versions of the loops in kernels.go. Each performs, element by
// element, the operation of its Go loop with the operands in the same order,
// so the results are bit-identical. Lengths are multiples of 8 floats, one
// YMM register, and the Go callers handle the remainder.

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
