package experiment_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gromov-monge/gmg/experiment"
	"github.com/gromov-monge/gmg/vae"
)

// A short run on procedural dSprites: create it, train it, and reopen it as
// a resumed session would.
func Example() {
	dir, err := os.MkdirTemp("", "run")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	v := vae.DefaultConfig()
	v.BatchSize = 8
	cfg := experiment.Config{
		Dataset: "dsprites", VAE: v,
		Steps: 4, LogEvery: 2, CheckpointEvery: 2,
		Eval: experiment.QuickEval(),
	}
	run, err := experiment.Create(filepath.Join(dir, "dsprites"), cfg, experiment.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := run.Train(context.Background(), experiment.TrainOptions{}); err != nil {
		fmt.Println(err)
		return
	}

	again, err := experiment.Open(run.Dir, experiment.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	entries, err := experiment.ReadLog(run.Dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("step", again.Trainer.Steps(), "checkpoint", again.LastCheckpoint(), "log lines", len(entries))
	// Output: step 4 checkpoint 4 log lines 2
}
