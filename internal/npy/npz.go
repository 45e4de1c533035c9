package npy

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gromov-monge/gmg/internal/atomicfile"
)

// NPZ is an open .npz archive.
type NPZ struct {
	path    string
	r       *zip.ReadCloser
	members map[string]*zip.File
}

// OpenNPZ opens the .npz archive at path. The caller must Close it.
func OpenNPZ(path string) (*NPZ, error) {
	r, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable .npz (zip) archive: %w", path, err)
	}
	z := &NPZ{path: path, r: r, members: map[string]*zip.File{}}
	for _, f := range r.File {
		if key, ok := strings.CutSuffix(f.Name, ".npy"); ok {
			z.members[key] = f
		}
	}
	return z, nil
}

// Close closes the archive.
func (z *NPZ) Close() error { return z.r.Close() }

// Keys returns the names of the arrays in the archive, sorted.
func (z *NPZ) Keys() []string {
	keys := make([]string, 0, len(z.members))
	for k := range z.members {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Open returns the header of the array named key and a reader positioned at its
// first data byte, so that large arrays can be streamed. The caller must close
// the reader.
func (z *NPZ) Open(key string) (Header, io.ReadCloser, error) {
	f, ok := z.members[key]
	if !ok {
		return Header{}, nil, fmt.Errorf("%s: no array %q (found: %s)", z.path, key, strings.Join(z.Keys(), ", "))
	}
	rc, err := f.Open()
	if err != nil {
		return Header{}, nil, fmt.Errorf("%s: array %q: %w", z.path, key, err)
	}
	br := bufio.NewReaderSize(rc, 1<<16)
	h, err := ReadHeader(br)
	if err != nil {
		rc.Close()
		return Header{}, nil, fmt.Errorf("%s: array %q: %w", z.path, key, err)
	}
	return h, readCloser{br, rc}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Read reads the whole array named key.
func (z *NPZ) Read(key string) (*Array, error) {
	f, ok := z.members[key]
	if !ok {
		return nil, fmt.Errorf("%s: no array %q (found: %s)", z.path, key, strings.Join(z.Keys(), ", "))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: array %q: %w", z.path, key, err)
	}
	defer rc.Close()
	a, err := Read(bufio.NewReaderSize(rc, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("%s: array %q: %w", z.path, key, err)
	}
	return a, nil
}

// NamedArray is one member of an .npz archive to be written.
type NamedArray struct {
	Name  string
	Shape []int
	Data  any
}

// WriteNPZ writes the arrays to path as an .npz archive, atomically. With
// compress the members are deflated, as numpy.savez_compressed does; otherwise
// they are stored, as numpy.savez does.
func WriteNPZ(path string, arrays []NamedArray, compress bool) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		method := zip.Store
		if compress {
			method = zip.Deflate
		}
		for _, a := range arrays {
			mw, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: method})
			if err != nil {
				return err
			}
			if err := Write(mw, a.Shape, a.Data); err != nil {
				return fmt.Errorf("array %q: %w", a.Name, err)
			}
		}
		return zw.Close()
	})
}
