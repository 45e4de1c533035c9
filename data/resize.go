package data

import (
	"fmt"
	"math"
)

// Lanczos resampling as Pillow 9.4 computes Image.resize(size,
// Image.LANCZOS) in its src/libImaging/Resample.c. Matching it bit for bit
// lets the SmallNORB and Cars3D readers produce disentanglement_lib's images.
//
// The filter is the Lanczos kernel of support a = 3, sinc(x)·sinc(x/3) for
// |x| < 3, stretched by the downscale factor when shrinking, so that every
// output pixel averages the input pixels it covers. Rows are resampled
// first, then columns. Each output pixel's weights are normalised to sum to
// one. Pillow has two arithmetic paths:
//   - 8-bit images (modes L and RGB): weights in fixed point with 22
//     fractional bits, each pass rounded half up and clipped to [0, 255];
//   - 32-bit integer images (mode I): weights and sums in float64, each
//     pass rounded half away from zero and never clipped.

// lanczosSupport is the half-width a of the Lanczos kernel.
const lanczosSupport = 3.0

// lanczosFractionBits is the number of fractional bits of the fixed-point
// weights of the 8-bit path: 32 bits less 8 for the pixel and 2 for the
// overshoot of negative lobes.
const lanczosFractionBits = 32 - 8 - 2

// sinc returns sin(πx)/(πx), and 1 at 0.
func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	x *= math.Pi
	return math.Sin(x) / x
}

// lanczos returns the Lanczos kernel with a = 3 at x.
func lanczos(x float64) float64 {
	if -lanczosSupport <= x && x < lanczosSupport {
		return sinc(x) * sinc(x/lanczosSupport)
	}
	return 0
}

// lanczosAxis holds the weights that resample one axis from inSize to
// outSize pixels: output pixel i is the weighted sum of input pixels
// first[i] … first[i]+len(weights[i])-1.
type lanczosAxis struct {
	first   []int
	weights [][]float64 // normalised to sum to one
	fixed   [][]int32   // weights · 2^22, rounded half away from zero
}

// newLanczosAxis computes the weights of one axis as Pillow's
// precompute_coeffs and normalize_coeffs_8bpc do.
func newLanczosAxis(inSize, outSize int) lanczosAxis {
	scale := float64(inSize) / float64(outSize)
	filterScale := max(scale, 1)
	support := lanczosSupport * filterScale
	inverseScale := 1 / filterScale
	ax := lanczosAxis{
		first:   make([]int, outSize),
		weights: make([][]float64, outSize),
		fixed:   make([][]int32, outSize),
	}
	for i := range outSize {
		center := (float64(i) + 0.5) * scale
		// Go's float-to-int conversion truncates toward zero, as C's does.
		lo := max(int(center-support+0.5), 0)
		hi := min(int(center+support+0.5), inSize)
		w := make([]float64, hi-lo)
		sum := 0.0
		for j := range w {
			w[j] = lanczos((float64(j+lo) - center + 0.5) * inverseScale)
			sum += w[j]
		}
		fixed := make([]int32, len(w))
		for j := range w {
			if sum != 0 {
				w[j] /= sum
			}
			if w[j] < 0 {
				fixed[j] = int32(-0.5 + w[j]*(1<<lanczosFractionBits))
			} else {
				fixed[j] = int32(0.5 + w[j]*(1<<lanczosFractionBits))
			}
		}
		ax.first[i], ax.weights[i], ax.fixed[i] = lo, w, fixed
	}
	return ax
}

// lanczosResizer resizes images of one size to another. It is safe for
// concurrent use.
type lanczosResizer struct {
	inWidth, inHeight, outWidth, outHeight, channels int
	rows, cols                                       lanczosAxis // horizontal and vertical weights
}

// newLanczosResizer returns a resizer from inWidth×inHeight to
// outWidth×outHeight images with the given number of interleaved channels.
func newLanczosResizer(inWidth, inHeight, outWidth, outHeight, channels int) *lanczosResizer {
	return &lanczosResizer{
		inWidth: inWidth, inHeight: inHeight, outWidth: outWidth, outHeight: outHeight, channels: channels,
		rows: newLanczosAxis(inWidth, outWidth),
		cols: newLanczosAxis(inHeight, outHeight),
	}
}

func (r *lanczosResizer) checkLengths(src, dst int) {
	if src != r.inWidth*r.inHeight*r.channels || dst != r.outWidth*r.outHeight*r.channels {
		panic(fmt.Sprintf("data: Lanczos resize from %d×%d×%d to %d×%d×%d given %d and %d values",
			r.inHeight, r.inWidth, r.channels, r.outHeight, r.outWidth, r.channels, src, dst))
	}
}

// clip8 converts a fixed-point sum to a pixel: the integer part, clipped to
// [0, 255].
func clip8(sum int32) uint8 {
	v := sum >> lanczosFractionBits
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// resizeUint8 resizes the row-major image src ([inHeight, inWidth,
// channels]) into dst ([outHeight, outWidth, channels]) with Pillow's 8-bit
// arithmetic, the path of modes L and RGB. It panics if a length is wrong.
func (r *lanczosResizer) resizeUint8(src, dst []uint8) {
	r.checkLengths(len(src), len(dst))
	c := r.channels
	const half = 1 << (lanczosFractionBits - 1)

	// Horizontal pass into tmp ([inHeight, outWidth, channels]). Pillow
	// skips a pass whose size does not change; so does this code.
	tmp := src
	if r.outWidth != r.inWidth {
		tmp = make([]uint8, r.inHeight*r.outWidth*c)
		sums := make([]int32, c)
		for y := range r.inHeight {
			in := src[y*r.inWidth*c : (y+1)*r.inWidth*c]
			out := tmp[y*r.outWidth*c : (y+1)*r.outWidth*c]
			for x := range r.outWidth {
				k := r.rows.fixed[x]
				seg := in[r.rows.first[x]*c : (r.rows.first[x]+len(k))*c]
				if c == 1 {
					sum := int32(half)
					for j, w := range k {
						sum += int32(seg[j]) * w
					}
					out[x] = clip8(sum)
					continue
				}
				if c == 3 {
					s0, s1, s2 := int32(half), int32(half), int32(half)
					for j, w := range k {
						p := seg[3*j : 3*j+3]
						s0 += int32(p[0]) * w
						s1 += int32(p[1]) * w
						s2 += int32(p[2]) * w
					}
					out[3*x], out[3*x+1], out[3*x+2] = clip8(s0), clip8(s1), clip8(s2)
					continue
				}
				for ch := range sums {
					sums[ch] = half
				}
				for j, w := range k {
					for ch, v := range seg[j*c : (j+1)*c] {
						sums[ch] += int32(v) * w
					}
				}
				for ch, sum := range sums {
					out[x*c+ch] = clip8(sum)
				}
			}
		}
	}
	if r.outHeight == r.inHeight {
		copy(dst, tmp)
		return
	}

	// Vertical pass, one input row at a time: acc[i] gathers the taps of
	// output value i in the same order as Pillow's loop.
	stride := r.outWidth * c
	acc := make([]int32, stride)
	for y := range r.outHeight {
		lo, k := r.cols.first[y], r.cols.fixed[y]
		for i := range acc {
			acc[i] = half
		}
		for j, w := range k {
			row := tmp[(lo+j)*stride : (lo+j+1)*stride]
			for i, v := range row {
				acc[i] += int32(v) * w
			}
		}
		out := dst[y*stride : (y+1)*stride]
		for i, sum := range acc {
			out[i] = clip8(sum)
		}
	}
}

// roundHalfAway rounds half away from zero, as Pillow's ROUND_UP macro does
// for mode I images.
func roundHalfAway(v float64) int32 {
	if v >= 0 {
		return int32(v + 0.5)
	}
	return int32(v - 0.5)
}

// resizeInt32 resizes like resizeUint8 with Pillow's arithmetic for 32-bit
// integer images (mode I): float64 weights and sums, rounding after each
// pass, and no clipping, so results may leave [0, 255] next to sharp edges.
// Each sum adds its products in Pillow's order, starting from zero.
func (r *lanczosResizer) resizeInt32(src []uint8, dst []int32) {
	r.checkLengths(len(src), len(dst))
	c := r.channels

	tmp := make([]int32, r.inHeight*r.outWidth*c)
	if r.outWidth == r.inWidth {
		for i, v := range src {
			tmp[i] = int32(v)
		}
	} else {
		sums := make([]float64, c)
		for y := range r.inHeight {
			in := src[y*r.inWidth*c : (y+1)*r.inWidth*c]
			out := tmp[y*r.outWidth*c : (y+1)*r.outWidth*c]
			for x := range r.outWidth {
				k := r.rows.weights[x]
				seg := in[r.rows.first[x]*c : (r.rows.first[x]+len(k))*c]
				// The explicit conversions round each product, which keeps
				// the compiler from fusing the multiply and add. Pillow's
				// x86-64 build rounds it too.
				if c == 1 {
					sum := 0.0
					for j, w := range k {
						sum += float64(float64(seg[j]) * w)
					}
					out[x] = roundHalfAway(sum)
					continue
				}
				clear(sums)
				for j, w := range k {
					for ch, v := range seg[j*c : (j+1)*c] {
						sums[ch] += float64(float64(v) * w)
					}
				}
				for ch, sum := range sums {
					out[x*c+ch] = roundHalfAway(sum)
				}
			}
		}
	}
	if r.outHeight == r.inHeight {
		copy(dst, tmp)
		return
	}

	stride := r.outWidth * c
	acc := make([]float64, stride)
	for y := range r.outHeight {
		lo, k := r.cols.first[y], r.cols.weights[y]
		clear(acc)
		for j, w := range k {
			row := tmp[(lo+j)*stride : (lo+j+1)*stride]
			for i, v := range row {
				acc[i] += float64(float64(v) * w)
			}
		}
		out := dst[y*stride : (y+1)*stride]
		for i, sum := range acc {
			out[i] = roundHalfAway(sum)
		}
	}
}
