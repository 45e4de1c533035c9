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
//
// Open with a data directory reads the published files, found directly in
// that directory or in the subdirectory that disentanglement_lib uses:
//   - dSprites: dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz (or under
//     dsprites/), streamed once and kept bit-packed;
//   - Shapes3D: 3dshapes.h5 (or under 3dshapes/), read lazily, row by row;
//   - SmallNORB: the six smallnorb-…-{dat,cat,info}.mat files of the
//     training and testing splits, plain or .gz (or under small_norb/);
//   - Cars3D: the 183 .mat files of the cars/ (or data/cars/) directory of
//     nips2015-analogy-data.tar.gz, ordered by file name.
//
// SmallNORB and Cars3D images are resized to 64×64 when the files are read,
// with Pillow's Lanczos filter as disentanglement_lib does. A missing file is
// an error wrapping ErrMissingFile, and a file whose content does not match
// the publication is one wrapping ErrInvalidFile.
package data
