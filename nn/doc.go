// Package nn provides named parameters, the Linear, Conv2D and
// ConvTranspose2D layers, Glorot-uniform and zero initialisers, the Adam
// optimiser, gradient clipping by global norm, and checkpoints.
//
// Layers record their operations on an autodiff.Tape; their weights follow
// autodiff's layouts (Linear [in, out], Conv2D [kh, kw, cin, cout],
// ConvTranspose2D [kh, kw, cout, cin]) and images are NHWC. DataParallel
// runs shards of a batch on their own tapes and adds their gradients in
// shard order.
//
// # Checkpoints
//
// SaveCheckpoint writes two files: PREFIX.safetensors with the parameter
// values (the safetensors format: an 8-byte little-endian header length, a
// JSON header, raw little-endian float32 data) and PREFIX.json with the step,
// the optimiser's moments, the RNG state and a free-form configuration. Each
// file is written to a temporary file and renamed into place, and the JSON
// file records the SHA-256 of the weights file, so a crash between the two
// renames is detected on load. A checkpoint saved and loaded gives
// bit-identical parameters and optimiser state.
package nn
