package hdf5

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Sentinel errors. Every error the package returns wraps exactly one of them.
var (
	// ErrFormat is wrapped by errors about a file that is not valid HDF5:
	// a bad signature or checksum, a structure that points outside the file,
	// a truncated file.
	ErrFormat = errors.New("hdf5: invalid file")

	// ErrUnsupported is wrapped by errors about valid HDF5 features that this
	// reader does not implement; the message names the feature.
	ErrUnsupported = errors.New("hdf5: unsupported feature")

	// ErrNotFound is wrapped by errors about a path that names no object.
	ErrNotFound = errors.New("hdf5: object not found")
)

// signature starts the superblock.
const signature = "\x89HDF\r\n\x1a\n"

// undefinedAddress is the address with every bit set, which HDF5 uses for
// "not allocated".
const undefinedAddress = ^uint64(0)

// File is an open HDF5 file. Its methods are safe for concurrent use.
type File struct {
	name   string
	r      io.ReaderAt
	size   int64
	closer io.Closer

	superblockVersion int
	offsetSize        int    // bytes in an address ("size of offsets")
	lengthSize        int    // bytes in a length ("size of lengths")
	base              uint64 // absolute position that addresses are relative to
	root              uint64 // address of the root group's object header

	// rootSymbols is the root group's symbol table from a version 0 or 1
	// superblock's cache, used when the root object header has no symbol
	// table message.
	rootSymbols *symbolTable
}

// Open opens the HDF5 file at path. Nothing but the superblock is read until
// a dataset is opened. The caller must Close the file.
func Open(path string) (*File, error) {
	osf, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("hdf5: %w", err)
	}
	st, err := osf.Stat()
	if err != nil {
		osf.Close()
		return nil, fmt.Errorf("hdf5: %w", err)
	}
	f, err := NewFile(osf, st.Size(), path)
	if err != nil {
		osf.Close()
		return nil, err
	}
	f.closer = osf
	return f, nil
}

// NewFile reads the HDF5 file of size bytes that r holds. The name is used
// in error messages only. Close does not close r.
func NewFile(r io.ReaderAt, size int64, name string) (*File, error) {
	f := &File{name: name, r: r, size: size}
	if err := f.readSuperblock(); err != nil {
		return nil, err
	}
	return f, nil
}

// Close closes the underlying file if Open opened it.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }

// SuperblockVersion returns the version of the superblock: 0 or 1 for files
// written with HDF5's default ("earliest") format, 2 or 3 for newer ones.
func (f *File) SuperblockVersion() int { return f.superblockVersion }

// errorf returns an error wrapping sentinel whose message names the file.
func (f *File) errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", sentinel, f.name, fmt.Sprintf(format, args...))
}

// readAt returns n bytes at the absolute file position pos. A range that
// leaves the file is an ErrFormat error that calls the file truncated.
func (f *File) readAt(pos uint64, n int, what string) ([]byte, error) {
	if n < 0 || pos > uint64(f.size) || uint64(n) > uint64(f.size)-pos {
		return nil, f.errorf(ErrFormat, "%s at byte %d (%d bytes) lies past the end of the file (%d bytes); the file may be truncated", what, pos, n, f.size)
	}
	b := make([]byte, n)
	// io.ReaderAt may report io.EOF along with a full read that ends at the
	// end of the file.
	if got, err := f.r.ReadAt(b, int64(pos)); err != nil && !(err == io.EOF && got == n) {
		return nil, f.errorf(ErrFormat, "reading %s at byte %d: %v", what, pos, err)
	}
	return b, nil
}

// address converts a file address to an absolute position.
func (f *File) address(a uint64) uint64 { return f.base + a }

// readSuperblock finds the superblock at byte 0, 512, 1024, … and decodes it.
func (f *File) readSuperblock() error {
	var pos int64 = -1
	for p := int64(0); p+int64(len(signature)) <= f.size; p = nextSuperblockPosition(p) {
		b := make([]byte, len(signature))
		if _, err := f.r.ReadAt(b, p); err != nil {
			return f.errorf(ErrFormat, "reading the signature at byte %d: %v", p, err)
		}
		if string(b) == signature {
			pos = p
			break
		}
	}
	if pos < 0 {
		return f.errorf(ErrFormat, "no HDF5 signature at byte 0 or at any power of two from 512 on; not an HDF5 file")
	}

	head, err := f.readAt(uint64(pos), 10, "superblock")
	if err != nil {
		return err
	}
	f.superblockVersion = int(head[8])
	switch f.superblockVersion {
	case 0, 1:
		return f.readSuperblockV0(uint64(pos))
	case 2, 3:
		return f.readSuperblockV2(uint64(pos))
	default:
		return f.errorf(ErrUnsupported, "superblock version %d (supported: 0 to 3)", f.superblockVersion)
	}
}

// nextSuperblockPosition returns the next position where a superblock may
// start: 0, then 512, 1024, 2048 and so on.
func nextSuperblockPosition(p int64) int64 {
	if p == 0 {
		return 512
	}
	return p * 2
}

func (f *File) checkSizes() error {
	for _, s := range []int{f.offsetSize, f.lengthSize} {
		if s != 2 && s != 4 && s != 8 {
			return f.errorf(ErrFormat, "superblock gives %d-byte offsets and %d-byte lengths (valid: 2, 4 or 8)", f.offsetSize, f.lengthSize)
		}
	}
	return nil
}

func (f *File) checkEnd(end uint64) error {
	if end != undefinedAddress && f.address(end) > uint64(f.size) {
		return f.errorf(ErrFormat, "file has %d bytes but its superblock gives the end of file at byte %d; the file is truncated", f.size, f.address(end))
	}
	return nil
}

// readSuperblockV0 decodes a version 0 or 1 superblock at pos.
func (f *File) readSuperblockV0(pos uint64) error {
	b, err := f.readAt(pos, 24, "superblock")
	if err != nil {
		return err
	}
	f.offsetSize, f.lengthSize = int(b[13]), int(b[14])
	if err := f.checkSizes(); err != nil {
		return err
	}
	fixed := 24
	if f.superblockVersion == 1 {
		fixed += 4 // indexed storage internal node K and reserved bytes
	}
	n := fixed + 4*f.offsetSize + symbolEntrySize(f.offsetSize)
	b, err = f.readAt(pos, n, "superblock")
	if err != nil {
		return err
	}
	c := f.cursor(b[fixed:])
	f.base = c.offset()
	c.offset() // free-space info address
	end := c.offset()
	c.offset() // driver information block address
	entry := c.symbolEntry()
	if c.err != nil {
		return f.errorf(ErrFormat, "superblock: %v", c.err)
	}
	if f.base == undefinedAddress {
		return f.errorf(ErrFormat, "superblock gives no base address")
	}
	if err := f.checkEnd(end); err != nil {
		return err
	}
	f.root = entry.header
	if entry.cacheType == 1 {
		f.rootSymbols = &entry.symbols
	}
	return nil
}

// readSuperblockV2 decodes a version 2 or 3 superblock at pos.
func (f *File) readSuperblockV2(pos uint64) error {
	b, err := f.readAt(pos, 12, "superblock")
	if err != nil {
		return err
	}
	f.offsetSize, f.lengthSize = int(b[9]), int(b[10])
	if err := f.checkSizes(); err != nil {
		return err
	}
	n := 12 + 4*f.offsetSize + 4
	b, err = f.readAt(pos, n, "superblock")
	if err != nil {
		return err
	}
	if err := f.verifyChecksum(b, "superblock"); err != nil {
		return err
	}
	c := f.cursor(b[12:])
	f.base = c.offset()
	c.offset() // superblock extension address
	end := c.offset()
	f.root = c.offset()
	if c.err != nil {
		return f.errorf(ErrFormat, "superblock: %v", c.err)
	}
	if f.base == undefinedAddress || f.root == undefinedAddress {
		return f.errorf(ErrFormat, "superblock gives no base or root group address")
	}
	return f.checkEnd(end)
}

// verifyChecksum checks the Jenkins lookup3 checksum in the last four bytes
// of b, as version 2 metadata structures store it.
func (f *File) verifyChecksum(b []byte, what string) error {
	if len(b) < 4 {
		return f.errorf(ErrFormat, "%s is too short for its checksum", what)
	}
	n := len(b) - 4
	stored := le32(b[n:])
	if got := lookup3(b[:n], 0); got != stored {
		return f.errorf(ErrFormat, "%s checksum is %#08x, computed %#08x; the file is corrupt", what, stored, got)
	}
	return nil
}

// splitPath splits an object path such as "/group/data" into its link names.
func splitPath(path string) []string {
	var parts []string
	for _, p := range strings.Split(path, "/") {
		if p != "" && p != "." {
			parts = append(parts, p)
		}
	}
	return parts
}

// cursor decodes little-endian fields from a byte slice. The first read past
// the end sets err, and every later read returns zero.
type cursor struct {
	b          []byte
	off        int
	offsetSize int
	lengthSize int
	err        error
}

var errShort = errors.New("structure ends early")

func (f *File) cursor(b []byte) *cursor {
	return &cursor{b: b, offsetSize: f.offsetSize, lengthSize: f.lengthSize}
}

func (c *cursor) take(n int) []byte {
	if c.err != nil {
		return nil
	}
	if n < 0 || n > len(c.b)-c.off {
		c.err = errShort
		return nil
	}
	s := c.b[c.off : c.off+n]
	c.off += n
	return s
}

func (c *cursor) skip(n int)     { c.take(n) }
func (c *cursor) left() int      { return len(c.b) - c.off }
func (c *cursor) u8() uint8      { return uint8(c.uint(1)) }
func (c *cursor) u16() uint16    { return uint16(c.uint(2)) }
func (c *cursor) u32() uint32    { return uint32(c.uint(4)) }
func (c *cursor) u64() uint64    { return c.uint(8) }
func (c *cursor) length() uint64 { return c.uint(c.lengthSize) }

// offset reads an address; an address with all bits set reads as
// undefinedAddress whatever the offset size.
func (c *cursor) offset() uint64 {
	v := c.uint(c.offsetSize)
	if c.offsetSize < 8 && v == (uint64(1)<<(8*c.offsetSize))-1 {
		return undefinedAddress
	}
	return v
}

// uint reads an n-byte little-endian unsigned integer, n at most 8.
func (c *cursor) uint(n int) uint64 {
	s := c.take(n)
	if s == nil || n > 8 {
		if c.err == nil {
			c.err = errShort
		}
		return 0
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(s[i])
	}
	return v
}

// cstring reads a NUL-terminated string that starts at the cursor.
func (c *cursor) cstring() string {
	if c.err != nil {
		return ""
	}
	i := bytes.IndexByte(c.b[c.off:], 0)
	if i < 0 {
		c.err = errShort
		return ""
	}
	s := string(c.b[c.off : c.off+i])
	c.off += i + 1
	return s
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
