// Command gmg computes Gromov-Wasserstein couplings, distortions and Gromov-Monge
// gaps, fits geometry-preserving maps, trains regularised VAEs and scores their
// representations with the standard disentanglement metrics.
//
// Run "gmg help" for the list of subcommands and "gmg help COMMAND" for one.
package main
