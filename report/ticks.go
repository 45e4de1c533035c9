package report

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// roundTicks places labelled ticks at the multiples of a round step (1, 2 or
// 5 times a power of 10) inside an axis range, with no unlabelled
// minor ticks, so every gridline drawn at a tick carries its value.
type roundTicks struct {
	// intervals is the largest number of steps that may fit between the
	// ends of the range. The ticker picks the smallest round step that
	// keeps within it.
	intervals int
}

// Ticks returns the ticks of the range [lo, hi]. A range without extent, or
// with a non-finite end, gets one tick at lo.
func (t roundTicks) Ticks(lo, hi float64) []plot.Tick {
	step, decimals := roundStep(hi-lo, t.intervals)
	if step == 0 {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}

	// Tick values are integer multiples of step, computed from the integer
	// rather than by repeated addition, so no rounding error accumulates.
	// The 1e-9 slack keeps an end that equals a multiple up to rounding.
	first := math.Ceil(lo/step - 1e-9)
	last := math.Floor(hi/step + 1e-9)
	var ticks []plot.Tick
	for k := first; k <= last; k++ {
		v := k * step
		if v == 0 {
			v = 0 // turns −0 into 0, so no label reads "-0"
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: formatTick(v, decimals)})
	}
	return ticks
}

// roundStep returns the smallest step of the form m·10^e, m in {1, 2, 5},
// that divides span into at most intervals parts, and the number of decimals
// that writes every multiple of it exactly. A step of 2.5 is left out
// because its multiples need one decimal more than the step's power of 10. It returns a zero step
// for a span that is not positive and finite, or intervals below 1.
func roundStep(span float64, intervals int) (step float64, decimals int) {
	if !(span > 0) || math.IsInf(span, 0) || intervals < 1 {
		return 0, 0
	}
	raw := span / float64(intervals)
	exponent := int(math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		step = m * math.Pow10(exponent)
		// The relative slack absorbs the rounding of Log10 and Pow10, so
		// a span of exactly 5 steps of 20 picks 20 and not 50.
		if step >= raw*(1-1e-12) {
			if m == 10 {
				exponent++
			}
			return step, max(0, -exponent)
		}
	}
	panic("unreachable: the step 10·10^e is never below raw")
}

// formatTick writes a tick value with the given number of decimals, or in
// exponent notation when it would need more than six decimals or has more
// than seven digits before the point.
func formatTick(v float64, decimals int) string {
	if decimals > 6 || math.Abs(v) >= 1e7 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}
