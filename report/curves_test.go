package report

import (
	"bytes"
	"image/png"
	"math"
	"path/filepath"
	"testing"
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
