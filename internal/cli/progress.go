package cli

import (
	"fmt"
	"strings"
	"time"
)

// progressBar draws a one-line bar on standard error when it is a terminal and
// does nothing otherwise, so that logs and pipes stay clean. Redraws are limited
// to ten per second.
type progressBar struct {
	e       *env
	label   string
	total   int
	start   time.Time
	last    time.Time
	drawn   bool
	enabled bool
}

// newProgressBar returns a bar for total units of work labelled label.
func newProgressBar(e *env, label string, total int) *progressBar {
	now := time.Now()
	return &progressBar{e: e, label: label, total: total, start: now, enabled: e.terminal && total > 0}
}

// update redraws the bar at done units with extra text (loss values, say) after
// the rate and the estimated time left.
func (b *progressBar) update(done int, extra string) {
	if !b.enabled {
		return
	}
	now := time.Now()
	if b.drawn && done < b.total && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last, b.drawn = now, true

	const width = 28
	frac := float64(done) / float64(b.total)
	frac = min(max(frac, 0), 1)
	filled := int(frac * width)
	elapsed := now.Sub(b.start).Seconds()
	rate, eta := 0.0, "?"
	if elapsed > 0 && done > 0 {
		rate = float64(done) / elapsed
		eta = (time.Duration(float64(b.total-done)/rate) * time.Second).Round(time.Second).String()
	}
	line := fmt.Sprintf("\r%s [%s%s] %d/%d %.1f/s ETA %s %s", b.label,
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done, b.total, rate, eta, extra)
	fmt.Fprintf(b.e.stderr, "%s\x1b[K", line)
}

// finish ends the bar's line so that later output starts on a fresh line.
func (b *progressBar) finish() {
	if b.enabled && b.drawn {
		fmt.Fprintln(b.e.stderr)
	}
}
