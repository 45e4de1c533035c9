// Package atomicfile writes files through a temporary file and a rename, so
// that a reader sees either the old contents of a path or the complete new
// ones, never a partial file left by a crash or an interrupt.
package atomicfile
