#include "textflag.h"

// func adamAVX2(p, grad, m, v *float32, n int, h *adamScalars)
//
// Eight elements per iteration, with the operations of adamUpdate's Go loop:
// the two fused multiply-adds in float64 (four lanes per register) rounded
// to float32, then float32 square root, division and addition. A float32
// square root equals the float32 rounding of the float64 one, so VSQRTPS
// matches the Go loop's math.Sqrt.
TEXT ·adamAVX2(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), DX
	MOVQ v+24(FP), R8
	MOVQ n+32(FP), CX
	MOVQ h+40(FP), R9

	VBROADCASTSS 0(R9), Y8   // b1
	VBROADCASTSS 4(R9), Y9   // b2
	VBROADCASTSS 8(R9), X10  // c1, widened to float64
	VCVTPS2PD    X10, Y10
	VBROADCASTSS 12(R9), Y11 // c2
	VBROADCASTSS 16(R9), Y12 // negStepSize
	VBROADCASTSS 20(R9), Y13 // bc2Sqrt
	VBROADCASTSS 24(R9), Y14 // eps

loop:
	CMPQ    CX, $8
	JLT     done
	VMOVUPS (SI), Y0         // g
	VMOVUPS (DX), Y1         // m
	VMOVUPS (R8), Y2         // v

	// m = float32(c1·g + float64(m·b1))
	VMULPS       Y8, Y1, Y1
	VCVTPS2PD    X0, Y3      // g, low half
	VEXTRACTF128 $1, Y0, X4
	VCVTPS2PD    X4, Y4      // g, high half
	VCVTPS2PD    X1, Y5
	VEXTRACTF128 $1, Y1, X6
	VCVTPS2PD    X6, Y6
	VFMADD231PD  Y3, Y10, Y5
	VFMADD231PD  Y4, Y10, Y6
	VCVTPD2PSY   Y5, X5
	VCVTPD2PSY   Y6, X6
	VINSERTF128  $1, X6, Y5, Y1
	VMOVUPS      Y1, (DX)

	// v = float32(float64(c2·g)·g + float64(v·b2))
	VMULPS       Y11, Y0, Y7
	VMULPS       Y9, Y2, Y2
	VCVTPS2PD    X7, Y5
	VEXTRACTF128 $1, Y7, X7
	VCVTPS2PD    X7, Y6
	VCVTPS2PD    X2, Y7
	VEXTRACTF128 $1, Y2, X2
	VCVTPS2PD    X2, Y15
	VFMADD231PD  Y3, Y5, Y7
	VFMADD231PD  Y4, Y6, Y15
	VCVTPD2PSY   Y7, X7
	VCVTPD2PSY   Y15, X15
	VINSERTF128  $1, X15, Y7, Y2
	VMOVUPS      Y2, (R8)

	// p += negStepSize·m / (√v / bc2Sqrt + eps)
	VSQRTPS Y2, Y3
	VDIVPS  Y13, Y3, Y3
	VADDPS  Y14, Y3, Y3
	VMULPS  Y1, Y12, Y4
	VDIVPS  Y3, Y4, Y4
	VMOVUPS (DI), Y5
	VADDPS  Y4, Y5, Y5
	VMOVUPS Y5, (DI)

	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, R8
	SUBQ $8, CX
	JMP  loop

done:
	VZEROUPPER
	RET
