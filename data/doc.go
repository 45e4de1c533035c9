// Package data provides the ground-truth-factor datasets of the disentanglement
// benchmarks (dSprites, Shapes3D, SmallNORB, Cars3D): procedural generators that
// reproduce each dataset's factor grid with no download, and readers of the
// published files.
//
// A dataset is a grid of discrete factors of variation. A factor row (one value
// index per factor) identifies a grid point; Index and FactorsAt convert between
// a row and its position in the grid, with the last factor varying fastest, as in
// the published dSprites and Shapes3D files. Images are float32 in [0, 1], stored
// NHWC: [n, height, width, channels], row-major.
//
// Every random draw takes an explicit *rand.Rand, so a fixed seed gives a fixed
// batch.
package data
