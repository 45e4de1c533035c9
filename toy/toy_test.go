package toy

import (
	"context"
	"errors"
	"math"
	"testing"
)

func TestStudyOrdering(t *testing.T) {
	// A small budget with a fixed seed: 200 steps per map instead of the
	// default 400 keeps the test near 10 s on two cores.
	res, err := Run(context.Background(), Config{Steps: 200, Seed: 0})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != len(Rows) {
		t.Fatalf("%d rows, want %d", len(res.Rows), len(Rows))
	}
	for _, r := range res.Rows {
		none, dst, gap := r.Methods[0], r.Methods[1], r.Methods[2]
		if none.Method != Unregularized || dst.Method != WithDST || gap.Method != WithGMG {
			t.Fatalf("%v: methods in the order %v, %v, %v", r.Row, none.Method, dst.Method, gap.Method)
		}
		t.Logf("%v: fit %.4f %.4f %.4f, DST %.4g %.4g %.4g, GMG %.4g %.4g %.4g", r.Row,
			none.Fit, dst.Fit, gap.Fit, none.DST, dst.DST, gap.DST, none.GMG, dst.GMG, gap.GMG)

		// DST forbids the stretching that the targets need: the lowest
		// distortion, at a much worse fit.
		if !(dst.DST < none.DST && dst.DST < gap.DST) {
			t.Errorf("%v: DST of the DST map %.4g is not the lowest (none %.4g, GMG %.4g)", r.Row, dst.DST, none.DST, gap.DST)
		}
		if !(dst.Fit > 1.5*none.Fit) {
			t.Errorf("%v: fit of the DST map %.4g, want above 1.5× the unregularised %.4g", r.Row, dst.Fit, none.Fit)
		}
		// GMG allows the stretching but not the mixing of components, so
		// its fit stays within 2× the unregularised one and its gap falls
		// well below. Its fit can also be the better one: two independent
		// samples of 512 target points are already 0.007 to 0.014 apart.
		if !(gap.Fit <= 2*none.Fit) {
			t.Errorf("%v: fit of the GMG map %.4g, want at most 2× the unregularised %.4g", r.Row, gap.Fit, none.Fit)
		}
		if !(gap.GMG < 0.5*none.GMG) {
			t.Errorf("%v: GMG of the GMG map %.4g, want below half the unregularised %.4g", r.Row, gap.GMG, none.GMG)
		}
		for _, m := range r.Methods {
			if m.GMG < 0 {
				t.Errorf("%v/%v: exact GMG %.4g is negative", r.Row, m.Method, m.GMG)
			}
			if m.Mapped == nil || m.Mapped.Rows != r.Source.Rows {
				t.Errorf("%v/%v: mapped points missing or of the wrong size", r.Row, m.Method)
			}
		}
	}
}

func TestRunIsDeterministic(t *testing.T) {
	cfg := Config{Steps: 5, Seed: 7, EvalPoints: 64, Rows: []Row{Ring}}
	a, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for k, m := range a.Rows[0].Methods {
		n := b.Rows[0].Methods[k]
		if m.Fit != n.Fit || m.DST != n.DST || m.GMG != n.GMG || m.FinalLoss != n.FinalLoss {
			t.Errorf("%v: runs differ: %+v vs %+v", m.Method, m, n)
		}
		for i, v := range m.Mapped.Data {
			if v != n.Mapped.Data[i] {
				t.Fatalf("%v: mapped point value %d differs: %v vs %v", m.Method, i, v, n.Mapped.Data[i])
			}
		}
	}
}

func TestProgressReportsEveryStep(t *testing.T) {
	var steps int
	cfg := Config{Steps: 3, EvalPoints: 16, Rows: []Row{Square}, Progress: func(p Progress) {
		steps++
		if p.Steps != 3 || p.Step < 1 || p.Step > 3 || math.IsNaN(p.Fit) {
			t.Errorf("progress %+v", p)
		}
	}}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if want := 3 * len(Methods); steps != want {
		t.Errorf("%d progress calls, want %d", steps, want)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Config{Steps: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []Config{
		{Steps: -1},
		{Lambda: -2},
		{Lambda: math.Inf(1)},
		{Batch: 1},
		{LearningRate: -1},
		{SinkhornEpsilon: math.NaN()},
		{EvalPoints: 1},
		{Rows: []Row{Row(5)}},
	}
	for _, c := range cases {
		if _, err := Run(context.Background(), c); !errors.Is(err, ErrSettings) {
			t.Errorf("config %+v: error %v, want ErrSettings", c, err)
		}
	}
}
