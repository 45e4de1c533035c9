package autodiff

import "math"

// The loops below run over whole activations and gradients several times a
// training step. On amd64 CPUs with AVX2 they hand the part of each slice
// that fills whole 8-float vectors to assembly (kernels_amd64.s) and finish
// the rest in Go. The assembly performs the same IEEE operations on every
// element, in the same order, as the Go loops, so both give the same bits,
// as TestKernelsMatchGo checks. NaN results can differ in sign and payload.

// fillRows sets every row of the [rows, len(row)] matrix y to row, or y to
// zero when row is nil. A transposed convolution starts its output from the
// bias this way, which saves a pass that adds it afterwards.
func fillRows(y, row []float32) {
	c := len(row)
	switch {
	case row == nil:
		clear(y)
	case c == 1:
		for i := range y {
			y[i] = row[0]
		}
	case haveAVX2 && c%8 == 0 && len(y) >= c:
		fillRowsAVX2(&y[0], &row[0], len(y)/c, c)
	default:
		// Copy the first row, then double the filled part with each copy.
		rows := len(y) / c
		if rows == 0 {
			return
		}
		copy(y, row)
		for done := 1; done < rows; done *= 2 {
			copy(y[done*c:rows*c], y[:done*c])
		}
	}
}

// addTo adds src into dst element-wise; dst must be at least as long.
func addTo(dst, src []float32) {
	dst = dst[:len(src)]
	i := 0
	if haveAVX2 && len(src) >= 8 {
		i = len(src) &^ 7
		addToAVX2(&dst[0], &src[0], i)
	}
	for ; i+4 <= len(src); i += 4 {
		d, s := dst[i:i+4:i+4], src[i:i+4:i+4]
		d[0] += s[0]
		d[1] += s[1]
		d[2] += s[2]
		d[3] += s[3]
	}
	for ; i < len(src); i++ {
		dst[i] += src[i]
	}
}

// copyRuns copies runs runs of run floats from src to dst, advancing
// srcStride floats in src and dstStride floats in dst from one run to the
// next. im2col uses it for the windows that need no clipping. It panics if
// the last run does not fit in src or dst.
func copyRuns(dst, src []float32, runs, run, dstStride, srcStride int) {
	if runs <= 0 || run <= 0 {
		return
	}
	_ = dst[(runs-1)*dstStride+run-1]
	_ = src[(runs-1)*srcStride+run-1]
	if haveAVX2 && run%4 == 0 {
		copyRunsAVX2(&dst[0], &src[0], runs, run, dstStride, srcStride)
		return
	}
	d, i := 0, 0
	switch run {
	case 4: // 4×4 kernel, one channel
		for range runs {
			*(*[4]float32)(dst[d:]) = *(*[4]float32)(src[i:])
			d, i = d+dstStride, i+srcStride
		}
	case 12: // 4×4 kernel, three channels
		for range runs {
			*(*[12]float32)(dst[d:]) = *(*[12]float32)(src[i:])
			d, i = d+dstStride, i+srcStride
		}
	default:
		for range runs {
			copyShort(dst[d:d+run], src[i:i+run])
			d, i = d+dstStride, i+srcStride
		}
	}
}

// addRuns adds runs runs of run floats from src into dst, with the strides
// of copyRuns, one run after another. Runs may overlap in dst, as the
// windows of a strided convolution do in col2im. Each element then receives
// its additions in the order of the runs. It panics if the last run does
// not fit in src or dst.
func addRuns(dst, src []float32, runs, run, dstStride, srcStride int) {
	if runs <= 0 || run <= 0 {
		return
	}
	_ = dst[(runs-1)*dstStride+run-1]
	_ = src[(runs-1)*srcStride+run-1]
	if haveAVX2 && run%4 == 0 {
		addRunsAVX2(&dst[0], &src[0], runs, run, dstStride, srcStride)
		return
	}
	d, i := 0, 0
	switch run {
	case 4:
		for range runs {
			o, c := (*[4]float32)(dst[d:]), (*[4]float32)(src[i:])
			o[0] += c[0]
			o[1] += c[1]
			o[2] += c[2]
			o[3] += c[3]
			d, i = d+dstStride, i+srcStride
		}
	case 12:
		for range runs {
			o, c := (*[12]float32)(dst[d:]), (*[12]float32)(src[i:])
			for j := range o {
				o[j] += c[j]
			}
			d, i = d+dstStride, i+srcStride
		}
	default:
		for range runs {
			addTo(dst[d:d+run], src[i:i+run])
			d, i = d+dstStride, i+srcStride
		}
	}
}

// copyShort is copy for the short runs of images with few channels, where
// the call into memmove costs more than a loop.
func copyShort(dst, src []float32) {
	if len(src) >= 16 {
		copy(dst, src)
		return
	}
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = v
	}
}

// biasActivate adds bias (nil for none) to every row of the [rows, c]
// matrix y and applies act.
func biasActivate(y, bias []float32, c int, act Activation) {
	if bias == nil && act == NoActivation {
		return
	}
	if bias == nil {
		reluInPlace(y)
		return
	}
	if haveAVX2 && c%8 == 0 && len(y) >= c {
		biasRowsAVX2(&y[0], &bias[0], len(y)/c, c, act == ReLUActivation)
		return
	}
	for r := 0; r+c <= len(y); r += c {
		row := y[r : r+c]
		b := bias[:len(row)]
		for j := range row {
			row[j] += b[j]
		}
		if act == ReLUActivation {
			reluInPlace(row)
		}
	}
}

// reluInPlace replaces negative values by +0. It clears bits instead of
// branching, because the signs of activations are unpredictable and a
// mispredicted branch per element costs more than the arithmetic. NaN with
// the sign bit clear passes through.
func reluInPlace(x []float32) {
	i := 0
	if haveAVX2 && len(x) >= 8 {
		i = len(x) &^ 7
		reluAVX2(&x[0], i)
	}
	for ; i < len(x); i++ {
		b := math.Float32bits(x[i])
		x[i] = math.Float32frombits(b &^ uint32(int32(b)>>31))
	}
}

// maskReLU zeroes dy where the fused ReLU's output y is not positive. ReLU
// outputs are +0 or positive, so y > 0 exactly when its bits, read as an
// int32, are positive.
func maskReLU(dy, y []float32) {
	y = y[:len(dy)]
	i := 0
	if haveAVX2 && len(dy) >= 8 {
		i = len(dy) &^ 7
		maskReLUAVX2(&dy[0], &y[0], i)
	}
	for ; i < len(dy); i++ {
		b := int32(math.Float32bits(y[i]))
		keep := uint32((^b & -b) >> 31) // all ones when b > 0
		dy[i] = math.Float32frombits(math.Float32bits(dy[i]) & keep)
	}
}

// maskAndSum applies the fused activation's gradient to dy, the [rows, c]
// gradient of an output y, and stores its column sums into db when db is not
// nil, in one pass over memory.
func maskAndSum(dy, y []float32, act Activation, db []float32, c int) {
	if act != ReLUActivation {
		if db != nil {
			addColumnSums(db, dy, c, false)
		}
		return
	}
	if db == nil || c == 1 {
		maskReLU(dy, y)
		if db != nil {
			addColumnSums(db, dy, c, false)
		}
		return
	}
	clear(db)
	db = db[:c]
	y = y[:len(dy)]
	if haveAVX2 && c%8 == 0 && len(dy) >= c {
		maskSumAVX2(&dy[0], &y[0], &db[0], len(dy)/c, c)
		return
	}
	for r := 0; r+c <= len(dy); r += c {
		g, out := dy[r:r+c:r+c], y[r:r+c:r+c]
		for j := range g {
			b := int32(math.Float32bits(out[j]))
			keep := uint32((^b & -b) >> 31)
			v := math.Float32frombits(math.Float32bits(g[j]) & keep)
			g[j] = v
			db[j] += v
		}
	}
}

// addColumnSums stores or adds the column sums of the [rows, c] matrix g
// into dst [c], summing rows in order.
func addColumnSums(dst, g []float32, c int, add bool) {
	if !add {
		clear(dst)
	}
	if c == 1 {
		// One channel: a plain sum, in four interleaved partial sums so the
		// additions do not wait on each other. The order is fixed.
		var s0, s1, s2, s3 float32
		i := 0
		for ; i+4 <= len(g); i += 4 {
			s0 += g[i]
			s1 += g[i+1]
			s2 += g[i+2]
			s3 += g[i+3]
		}
		for ; i < len(g); i++ {
			s0 += g[i]
		}
		dst[0] += (s0 + s1) + (s2 + s3)
		return
	}
	dst = dst[:c]
	if haveAVX2 && c%8 == 0 && len(g) >= c {
		columnSumsAVX2(&dst[0], &g[0], len(g)/c, c)
		return
	}
	if c == 3 {
		// Three channels: the same row order, with the sums in registers.
		s0, s1, s2 := dst[0], dst[1], dst[2]
		for r := 0; r+3 <= len(g); r += 3 {
			row := (*[3]float32)(g[r:])
			s0 += row[0]
			s1 += row[1]
			s2 += row[2]
		}
		dst[0], dst[1], dst[2] = s0, s1, s2
		return
	}
	for r := 0; r+c <= len(g); r += c {
		row := g[r : r+c]
		for j, v := range row {
			dst[j] += v
		}
	}
}
