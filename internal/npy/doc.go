// Package npy reads and writes NumPy's .npy array files and .npz archives.
//
// The .npy format (NumPy Enhancement Proposal 1, format versions 1.0, 2.0 and 3.0)
// is a magic string, a version, a little-endian header length, an ASCII Python
// dict literal with the keys descr, fortran_order and shape, and the raw array
// data. An .npz file is a zip archive of .npy members named KEY.npy, stored or
// deflated (numpy.savez and numpy.savez_compressed).
//
// Supported element types are booleans, signed and unsigned integers of 1, 2, 4
// and 8 bytes and IEEE floats of 4 and 8 bytes, in either byte order. Arrays saved
// in Fortran order are returned in C (row-major) order. Object arrays, strings
// and structured dtypes are rejected with an error naming the dtype.
package npy
