package benchutil

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Median returns the median of v, the mean of the two middle values for an
// even length, and 0 for an empty slice. v is not modified.
func Median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// TimeCalls runs f n times and returns the median duration of one call in
// seconds and the heap allocations per call. It stops at the first error.
func TimeCalls(n int, f func() error) (seconds, allocs float64, err error) {
	times := make([]float64, n)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range times {
		start := time.Now()
		if err := f(); err != nil {
			return 0, 0, err
		}
		times[i] = time.Since(start).Seconds()
	}
	runtime.ReadMemStats(&after)
	return Median(times), float64(after.Mallocs-before.Mallocs) / float64(n), nil
}

// LoadAverage returns the 1-, 5- and 15-minute load averages from
// /proc/loadavg, or "unknown" where that file cannot be read.
func LoadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// TorchImagesPerSecond runs the PyTorch VAE-step anchor script with python
// (arguments THREADS STEPS CHANNELS BATCH) and returns the images/s of its
// median step, read from the JSON line it prints.
func TorchImagesPerSecond(python, script string, threads, steps, channels, batch int) (float64, error) {
	cmd := exec.Command(python, script, strconv.Itoa(threads), strconv.Itoa(steps), strconv.Itoa(channels), strconv.Itoa(batch))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("anchor %s failed: %w", script, err)
	}
	var res struct {
		ImagesPerS float64 `json:"images_per_s"`
	}
	if err := json.Unmarshal(out, &res); err != nil || res.ImagesPerS <= 0 {
		return 0, fmt.Errorf("anchor %s printed %q, expected a JSON line with images_per_s", script, out)
	}
	return res.ImagesPerS, nil
}
