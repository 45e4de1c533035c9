package report

import (
	"slices"
	"testing"
)

func TestRoundTicks(t *testing.T) {
	cases := []struct {
		name      string
		lo, hi    float64
		intervals int
		want      []string
	}{
		// Training steps: every gridline gets a label, 0 included.
		{"100 steps", 0, 100, 8, []string{"0", "20", "40", "60", "80", "100"}},
		{"10000 steps", 0, 10000, 8, []string{"0", "2000", "4000", "6000", "8000", "10000"}},
		// 86/8 = 10.75 rounds up to a step of 20.
		{"range off the grid", 7, 93, 8, []string{"20", "40", "60", "80"}},
		// A loss axis: 1750/5 = 350 rounds up to a step of 500.
		{"loss", 1100, 2850, 5, []string{"1500", "2000", "2500"}},
		{"small values", 0, 0.0081, 5, []string{"0.000", "0.002", "0.004", "0.006", "0.008"}},
		{"symmetric", -1, 1, 4, []string{"-1.0", "-0.5", "0.0", "0.5", "1.0"}},
		{"negative", -37, -3, 4, []string{"-30", "-20", "-10"}},
		{"step of ten", 0, 99, 10, []string{"0", "10", "20", "30", "40", "50", "60", "70", "80", "90"}},
		{"large", 0, 4e7, 4, []string{"0", "1e+07", "2e+07", "3e+07", "4e+07"}},
		{"no extent", 0.3, 0.3, 8, []string{"0.3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ticks := roundTicks{intervals: c.intervals}.Ticks(c.lo, c.hi)
			var labels []string
			for _, tick := range ticks {
				if tick.IsMinor() {
					t.Errorf("tick at %v has no label", tick.Value)
				}
				if tick.Value < c.lo || tick.Value > c.hi {
					t.Errorf("tick at %v outside [%v, %v]", tick.Value, c.lo, c.hi)
				}
				labels = append(labels, tick.Label)
			}
			if !slices.Equal(labels, c.want) {
				t.Errorf("labels %q, want %q", labels, c.want)
			}
		})
	}
}

func TestRoundStep(t *testing.T) {
	cases := []struct {
		span         float64
		intervals    int
		want         float64
		wantDecimals int
	}{
		{100, 5, 20, 0},
		{100, 4, 50, 0},
		{1, 10, 0.1, 1},
		{0.9, 1, 1, 0},
		{3e-5, 3, 1e-5, 5},
		{0, 5, 0, 0},
		{1, 0, 0, 0},
	}
	for _, c := range cases {
		step, decimals := roundStep(c.span, c.intervals)
		// A step is a product of m and a power of 10, so it may differ from
		// the decimal literal by a rounding error of the last bit.
		if d := step - c.want; d > 1e-12*c.want || -d > 1e-12*c.want {
			t.Errorf("roundStep(%v, %d) step = %v, want %v", c.span, c.intervals, step, c.want)
		}
		if decimals != c.wantDecimals {
			t.Errorf("roundStep(%v, %d) decimals = %d, want %d", c.span, c.intervals, decimals, c.wantDecimals)
		}
	}
}
