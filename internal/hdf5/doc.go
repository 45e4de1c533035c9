// Package hdf5 reads numeric datasets from HDF5 files, in pure Go.
//
// It implements the subset of the HDF5 file format that h5py writes for
// plain numeric arrays: superblocks of versions 0
// to 3; object headers of versions 1 and 2 with their continuation blocks;
// old-style groups (symbol tables: a version 1 B-tree, symbol table nodes and
// a local heap) and new-style groups with compact link storage; simple and
// scalar dataspaces; fixed-point and IEEE floating-point datatypes of either
// byte order; compact, contiguous and chunked layouts; chunk indexes of
// version 1 B-tree type (HDF5's default), single-chunk, implicit and fixed
// array type (the latest file format's default for fixed-size datasets);
// the deflate, shuffle and fletcher32 filters; and fill values for storage
// never written.
//
// Datasets are read lazily through io.ReaderAt: opening a file reads only
// its superblock, opening a dataset only its object header, and ReadRows
// reads the bytes or chunks that the requested rows occupy. Decoded chunks
// are kept in a per-dataset LRU cache (DefaultCacheBytes), so reading
// neighbouring rows does not inflate a chunk twice.
//
// Why not libhdf5: gmg ships as one static binary that runs offline. Loading
// the HDF5 C library at run time would make every machine that reads a
// Shapes3D file install a matching system library, and linking it through
// cgo would give up cross-compilation and the static binary. No pure-Go HDF5
// reader is among the modules this project may depend on.
//
// Limitations: groups with dense link storage (a fractal heap, used by the
// latest file format for groups of more than 8 members), extensible array
// and version 2 B-tree chunk indexes (datasets with unlimited dimensions
// written with the latest file format), shared (committed) datatypes,
// virtual datasets, external storage, attributes, and filters other than
// deflate, shuffle and fletcher32 (szip, n-bit, scale-offset, third-party
// compressors) are rejected with an error wrapping ErrUnsupported. Data
// layout messages of versions 1 and 2, written by HDF5 releases before 1.6.3
// (2004), are rejected the same way.
package hdf5
