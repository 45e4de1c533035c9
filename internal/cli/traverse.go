package cli

import (
	"flag"
	"fmt"
	"path/filepath"

	"github.com/gromov-monge/gmg/experiment"
)

func init() {
	register(&command{name: "traverse", summary: "draw the latent traversals of a trained run", run: runTraverse})
}

const traverseDescription = `
Draw the latent traversals of the model in a run directory (its latest
checkpoint) as a PNG: one row per latent dimension, sorted by the mean KL
divergence of that dimension over 256 images, largest first, and labelled with
the dimension and its KL in nats. Each row decodes the encoder mean of one
image with that dimension set to ten values from -2 to 2 (two prior standard
deviations either side). The images come from --seed; the default is the
run's evaluation seed, which gmg train used for its traversal.png.`

func runTraverse(e *env, args []string) error {
	fs := newFlagSet(e, "traverse", "gmg traverse --run DIR [--out FILE.png] [--seed S] [--scale N]", traverseDescription)
	dir := fs.String("run", "", "run directory written by gmg train (required)")
	out := fs.String("out", "", "PNG file to write; empty means DIR/"+experiment.TraversalFigure)
	seed := fs.Uint64("seed", 0, "seed of the base image and of the images behind the KL ordering; unset uses the run's evaluation seed")
	scale := fs.Int("scale", 1, "magnification, 1 to 16: each image pixel becomes N×N pixels, and the labels grow with the images")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("missing --run: give the directory of a run written by gmg train")
	}
	if *scale < 1 || *scale > 16 {
		return usagef("invalid --scale %d: valid range is 1 to 16", *scale)
	}
	if *out != "" {
		if err := pngPath("out", *out); err != nil {
			return err
		}
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })

	run, err := openTrainedRun(e, *dir)
	if err != nil {
		return err
	}
	s := run.Config.Eval.Seed
	if seedSet {
		s = *seed
	}
	path := *out
	if path == "" {
		path = filepath.Join(*dir, experiment.TraversalFigure)
	}
	if err := drawTraversal(run, s, path, *scale); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: traversals of %d latents at step %d\n", path, run.Config.VAE.Latent, run.Trainer.Steps())
	return nil
}
