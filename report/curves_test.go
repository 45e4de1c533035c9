package report

import (
	"bytes"
	"image/png"
	"math"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
)

func TestLossCurvesPNG(t *testing.T) {
	var loss, gap Series
	loss.Name, gap.Name = "loss", "gmg"
	for i := range 200 {
		step := float64(10 * (i + 1))
		loss.X, loss.Y = append(loss.X, step), append(loss.Y, 3000*math.Exp(-step/300)+100)
		gap.X, gap.Y = append(gap.X, step), append(gap.Y, 1e-3*math.Sin(step/50))
	}
	// A NaN point is left out, not drawn.
	gap.Y[5] = math.NaN()
	fig := LossCurves{Title: "test run", XLabel: "step", Series: []Series{loss, gap}}
	b, err := fig.WritePNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// 7 × 3.2 inches at 96 dots per inch.
	if got := img.Bounds().Size(); got.X != 672 || got.Y != 307 {
		t.Errorf("image %v, want 672×307", got)
	}
	path := filepath.Join(t.TempDir(), "loss.png")
	if err := fig.SavePNG(path); err != nil {
		t.Fatal(err)
	}
}

func TestLossCurvesRejectsBadSeries(t *testing.T) {
	cases := []struct {
		name   string
		series []Series
	}{
		{"no series", nil},
		{"lengths differ", []Series{{Name: "kl", X: []float64{1, 2}, Y: []float64{1}}}},
		{"no finite point", []Series{{Name: "kl", X: []float64{1}, Y: []float64{math.Inf(1)}}}},
	}
	for _, c := range cases {
		if _, err := (LossCurves{Series: c.series}).WritePNG(); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestLossCurvesAxes(t *testing.T) {
	s := Series{Name: "loss"}
	for step := 10; step <= 100; step += 10 {
		s.X, s.Y = append(s.X, float64(step)), append(s.Y, 3000-20*float64(step))
	}
	p, err := LossCurves{XLabel: "step", Series: []Series{s}}.panel(s, true, true)
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min != 0 || p.X.Max != 100 {
		t.Errorf("x range [%v, %v], want [0, 100]", p.X.Min, p.X.Max)
	}
	axes := []struct {
		name     string
		ticks    []plot.Tick
		wantLast string
	}{
		{"x", p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max), "100"},
		// y runs from 1000 to 2800: 1800/5 = 360 rounds up to a step of 500.
		{"y", p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max), "2500"},
	}
	for _, a := range axes {
		if len(a.ticks) < 3 {
			t.Errorf("%s axis: %d ticks, want at least 3", a.name, len(a.ticks))
			continue
		}
		for _, tick := range a.ticks {
			if tick.IsMinor() {
				t.Errorf("%s axis: gridline at %v without a label", a.name, tick.Value)
			}
		}
		if got := a.ticks[len(a.ticks)-1].Label; got != a.wantLast {
			t.Errorf("%s axis: last label %q, want %q", a.name, got, a.wantLast)
		}
	}
	if got := p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max)[0].Label; got != "0" {
		t.Errorf("x axis: first label %q, want 0", got)
	}
}
