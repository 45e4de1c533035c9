// Package matfile reads numeric arrays from MATLAB Level 5 MAT-files (the
// format MATLAB writes with -v6 and -v7, and scipy.io.savemat by default),
// in pure Go.
//
// It implements the subset of the format that numeric arrays need. That is
// the 128-byte header in either byte order, miMATRIX elements, miCOMPRESSED
// (zlib) elements as MATLAB 7 writes them, and the small data element
// format. Numeric data may be stored in a narrower type than its class: a
// double array of small integers may be stored as miUINT8, for example. Arrays
// are column-major, as MATLAB stores them: element (i0, i1, …) of an array
// of dimensions (d0, d1, …) is at i0 + d0·(i1 + d1·(…)).
//
// Variables of other classes (char, cell, struct, object, sparse, function)
// are listed with their class and dimensions but their contents are skipped.
//
// MATLAB 7.3 files are HDF5 files behind a MAT-file header, and MATLAB 4
// files have no header; both are rejected with an error wrapping ErrVersion
// that names the version found.
//
// No MAT-file reader is among the Go modules this project may depend on, and
// gmg needs only numeric arrays, so this package is small and self-contained.
package matfile
