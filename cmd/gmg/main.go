// Command gmg computes Gromov-Wasserstein couplings, distortions and Gromov-Monge
// gaps, fits geometry-preserving maps, trains regularised VAEs and scores their
// representations with the standard disentanglement metrics.
//
// Run "gmg help" for the list of subcommands and "gmg help COMMAND" for one.
package main

import (
	"os"

	"github.com/gromov-monge/gmg/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
