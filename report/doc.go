// Package report turns results into figures and documents: plots, image grids
// and reports.
//
// ImageGrid lays out images (float32, NHWC, values in [0, 1]) in rows and
// columns with optional row and column labels, in a font that grows with the
// cells, and writes the result as a PNG. gmg data show uses it for factor
// traversals, and training uses it for reconstructions and latent traversals.
//
// Like every library package of gmg, report never prints; it writes only to
// the writers and paths its caller passes.
package report
