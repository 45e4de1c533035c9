package hdf5

import (
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"sync"
)

// Layout is how a dataset's elements are stored. The zero value is
// LayoutCompact.
type Layout uint8

// The storage layouts of the HDF5 data layout message.
const (
	LayoutCompact    Layout = iota // in the object header
	LayoutContiguous               // one block of the file, row-major
	LayoutChunked                  // equal-shaped chunks, each filtered and stored apart
)

// String returns the layout's name.
func (l Layout) String() string {
	switch l {
	case LayoutCompact:
		return "compact"
	case LayoutContiguous:
		return "contiguous"
	case LayoutChunked:
		return "chunked"
	}
	return fmt.Sprintf("Layout(%d)", uint8(l))
}

// Filter identifies a filter of a chunked dataset's pipeline.
type Filter uint16

// The filters this reader applies. Others, such as szip or third-party
// compressors, are an ErrUnsupported error when a dataset is opened.
const (
	FilterDeflate    Filter = 1 // zlib; h5py's "gzip"
	FilterShuffle    Filter = 2 // byte shuffle
	FilterFletcher32 Filter = 3 // Fletcher-32 checksum appended to each chunk
)

// String returns the filter's name.
func (id Filter) String() string {
	switch id {
	case FilterDeflate:
		return "deflate"
	case FilterShuffle:
		return "shuffle"
	case FilterFletcher32:
		return "fletcher32"
	}
	return "filter " + strconv.Itoa(int(id))
}

// DefaultCacheBytes is the default capacity of a dataset's cache of decoded
// chunks.
const DefaultCacheBytes = 64 << 20

// maxElements bounds a dataset's element count, so that a corrupt dataspace
// cannot make sizes overflow.
const maxElements = 1 << 48

// Dataset is an open dataset. Its methods are safe for concurrent use.
type Dataset struct {
	f     *File
	path  string
	shape []int
	dtype Datatype

	layout   Layout
	compact  []byte // compact layout: the data
	addr     uint64 // contiguous layout: file address, or undefinedAddress
	chunk    []int  // chunked layout: the chunk shape
	filters  []filter
	fill     []byte // one element of fill value; nil for zeros
	indexer  func() (chunkIndex, error)
	rowBytes int

	mu        sync.Mutex
	index     chunkIndex
	cache     *chunkCache
	fillChunk []byte // a chunk of fill values, made on first use
}

// filter is one stage of a filter pipeline.
type filter struct {
	id       Filter
	optional bool
	params   []uint32
}

// Dataset opens the dataset at path, such as "images" or "/group/labels".
func (f *File) Dataset(path string) (*Dataset, error) {
	h, err := f.resolve(path)
	if err != nil {
		return nil, err
	}
	d := &Dataset{f: f, path: path, addr: undefinedAddress}
	if err := d.decode(h); err != nil {
		return nil, fmt.Errorf("%w (dataset %q)", err, path)
	}
	d.cache = newChunkCache(DefaultCacheBytes)
	return d, nil
}

// Path returns the path the dataset was opened with.
func (d *Dataset) Path() string { return d.path }

// Shape returns the dataset's dimensions, slowest-varying first; a scalar
// has none.
func (d *Dataset) Shape() []int { return append([]int(nil), d.shape...) }

// Datatype returns the type of the dataset's elements.
func (d *Dataset) Datatype() Datatype { return d.dtype }

// Layout returns how the dataset is stored.
func (d *Dataset) Layout() Layout { return d.layout }

// ChunkShape returns the chunk dimensions of a chunked dataset, nil otherwise.
func (d *Dataset) ChunkShape() []int { return append([]int(nil), d.chunk...) }

// Filters returns the filter pipeline of a chunked dataset in the order the
// writer applied it.
func (d *Dataset) Filters() []Filter {
	ids := make([]Filter, len(d.filters))
	for i, p := range d.filters {
		ids[i] = p.id
	}
	return ids
}

// SetCacheBytes sets the capacity of the cache of decoded chunks (default
// DefaultCacheBytes). A capacity smaller than one chunk still keeps the most
// recent chunk.
func (d *Dataset) SetCacheBytes(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cache = newChunkCache(n)
}

// Rows returns the length of the first dimension, 1 for a scalar.
func (d *Dataset) Rows() int {
	if len(d.shape) == 0 {
		return 1
	}
	return d.shape[0]
}

// RowBytes returns the bytes of one row: the elements that share the first
// index.
func (d *Dataset) RowBytes() int { return d.rowBytes }

// shapeString formats a shape as NumPy prints it, e.g. "(3, 4)" or "(5,)".
func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, n := range shape {
		parts[i] = strconv.Itoa(n)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// decode fills d from the messages of its object header.
func (d *Dataset) decode(h *objectHeader) error {
	f := d.f
	for _, typ := range []uint16{msgDataspace, msgDatatype, msgLayout} {
		m := h.find(typ)
		if m == nil {
			if typ == msgDataspace && (h.find(msgSymbolTable) != nil || h.find(msgLink) != nil || h.find(msgLinkInfo) != nil) {
				return f.errorf(ErrNotFound, "object is a group, not a dataset")
			}
			return f.errorf(ErrFormat, "object header has no message of type %#x; not a dataset", typ)
		}
		if m.flags&messageShared != 0 {
			return f.errorf(ErrUnsupported, "shared (committed) message of type %#x", typ)
		}
	}

	var err error
	if d.shape, err = f.decodeDataspace(h.find(msgDataspace).data); err != nil {
		return err
	}
	if d.dtype, err = f.decodeDatatype(h.find(msgDatatype).data); err != nil {
		return err
	}
	n := 1
	for _, s := range d.shape {
		hi, lo := bits.Mul64(uint64(n), uint64(s))
		if hi != 0 || lo > maxElements {
			return f.errorf(ErrFormat, "dataspace %s has more than 2^48 elements", shapeString(d.shape))
		}
		n = int(lo)
	}
	if hi, lo := bits.Mul64(uint64(n), uint64(d.dtype.Size)); hi != 0 || lo > maxElements {
		return f.errorf(ErrFormat, "dataset of %d elements of %d bytes is too large", n, d.dtype.Size)
	}
	d.rowBytes = n * d.dtype.Size
	if len(d.shape) > 0 {
		d.rowBytes = 0
		if d.shape[0] > 0 {
			d.rowBytes = n / d.shape[0] * d.dtype.Size
		}
	}

	if m := h.find(msgFilters); m != nil {
		if d.filters, err = f.decodeFilters(m.data); err != nil {
			return err
		}
	}
	if err := d.decodeFill(h); err != nil {
		return err
	}
	return d.decodeLayout(h.find(msgLayout).data, n)
}

// decodeDataspace decodes a dataspace message into a shape. A scalar has an
// empty shape.
func (f *File) decodeDataspace(data []byte) ([]int, error) {
	c := f.cursor(data)
	version := c.u8()
	rank := int(c.u8())
	flags := c.u8()
	switch version {
	case 1:
		c.skip(5)
	case 2:
		switch kind := c.u8(); kind {
		case 0:
			rank = 0
		case 1:
		case 2:
			return nil, f.errorf(ErrUnsupported, "dataset with a null dataspace (no elements)")
		default:
			return nil, f.errorf(ErrFormat, "dataspace type %d (valid: 0 to 2)", kind)
		}
	default:
		return nil, f.errorf(ErrFormat, "dataspace message version %d (valid: 1, 2)", version)
	}
	if rank > 32 {
		return nil, f.errorf(ErrFormat, "dataspace of rank %d (at most 32)", rank)
	}
	shape := make([]int, rank)
	for i := range shape {
		v := c.length()
		if v > maxElements {
			return nil, f.errorf(ErrFormat, "dataspace dimension %d has size %d", i, v)
		}
		shape[i] = int(v)
	}
	_ = flags // maximum dimensions and permutations do not affect reading
	if c.err != nil {
		return nil, f.errorf(ErrFormat, "dataspace message ends early")
	}
	return shape, nil
}

// decodeFilters decodes a filter pipeline message and rejects filters this
// reader cannot undo.
func (f *File) decodeFilters(data []byte) ([]filter, error) {
	c := f.cursor(data)
	version := c.u8()
	count := int(c.u8())
	if version == 1 {
		c.skip(6)
	} else if version != 2 {
		return nil, f.errorf(ErrFormat, "filter pipeline message version %d (valid: 1, 2)", version)
	}
	var out []filter
	for range count {
		id := Filter(c.u16())
		nameLen := 0
		if version == 1 || id >= 256 {
			nameLen = int(c.u16())
		}
		flags := c.u16()
		nParams := int(c.u16())
		name := c.take(nameLen)
		p := filter{id: id, optional: flags&0x01 != 0}
		for range nParams {
			p.params = append(p.params, c.u32())
		}
		if version == 1 && nParams%2 == 1 {
			c.skip(4)
		}
		if c.err != nil {
			return nil, f.errorf(ErrFormat, "filter pipeline message ends early")
		}
		switch id {
		case FilterDeflate, FilterShuffle, FilterFletcher32:
		default:
			label := strings.TrimRight(string(name), "\x00")
			if label == "" {
				label = "no name"
			}
			return nil, f.errorf(ErrUnsupported, "filter %d (%s); only deflate, shuffle and fletcher32 are implemented", id, label)
		}
		out = append(out, p)
	}
	return out, nil
}

// decodeFill reads the fill value of unallocated storage from a fill value
// message (new or old); without one, the fill value is zero.
func (d *Dataset) decodeFill(h *objectHeader) error {
	f := d.f
	var value []byte
	if m := h.find(msgFillValue); m != nil {
		c := f.cursor(m.data)
		switch version := c.u8(); version {
		case 1, 2:
			c.skip(2) // allocation and write times
			defined := c.u8()
			if version == 1 || defined != 0 {
				size := c.u32()
				value = c.take(int(min(size, uint32(len(m.data)+1))))
			}
		case 3:
			flags := c.u8()
			if flags&0x20 != 0 {
				size := c.u32()
				value = c.take(int(min(size, uint32(len(m.data)+1))))
			}
		default:
			return f.errorf(ErrFormat, "fill value message version %d (valid: 1 to 3)", version)
		}
		if c.err != nil {
			return f.errorf(ErrFormat, "fill value message ends early")
		}
	} else if m := h.find(msgFillValueOld); m != nil {
		c := f.cursor(m.data)
		size := c.u32()
		value = c.take(int(min(size, uint32(len(m.data)+1))))
		if c.err != nil {
			return f.errorf(ErrFormat, "fill value message ends early")
		}
	}
	if len(value) == 0 {
		return nil
	}
	if len(value) != d.dtype.Size {
		return f.errorf(ErrFormat, "fill value of %d bytes for elements of %d bytes", len(value), d.dtype.Size)
	}
	d.fill = append([]byte(nil), value...)
	return nil
}

// decodeLayout decodes a data layout message of version 3 or 4 for a
// dataset of n elements.
func (d *Dataset) decodeLayout(data []byte, n int) error {
	f := d.f
	c := f.cursor(data)
	version := c.u8()
	if version < 3 || version > 4 {
		return f.errorf(ErrUnsupported, "data layout message version %d (supported: 3 and 4, written by HDF5 1.6.3 and later)", version)
	}
	total := uint64(n) * uint64(d.dtype.Size)
	switch class := c.u8(); class {
	case 0:
		d.layout = LayoutCompact
		size := int(c.u16())
		d.compact = c.take(size)
		if c.err != nil || uint64(size) != total {
			return f.errorf(ErrFormat, "compact layout holds %d bytes, the dataspace needs %d", size, total)
		}
	case 1:
		d.layout = LayoutContiguous
		d.addr = c.offset()
		size := c.length()
		if c.err != nil {
			return f.errorf(ErrFormat, "data layout message ends early")
		}
		if d.addr != undefinedAddress && size < total {
			return f.errorf(ErrFormat, "contiguous storage holds %d bytes, the dataspace needs %d", size, total)
		}
		if d.addr != undefinedAddress && (d.f.address(d.addr) > uint64(f.size) || total > uint64(f.size)-d.f.address(d.addr)) {
			return f.errorf(ErrFormat, "contiguous data of %d bytes at byte %d lies past the end of the %d-byte file; the file is truncated", total, d.f.address(d.addr), f.size)
		}
	case 2:
		d.layout = LayoutChunked
		if version == 3 {
			return d.decodeChunkedV3(c)
		}
		return d.decodeChunkedV4(c)
	case 3:
		return f.errorf(ErrUnsupported, "virtual dataset layout")
	default:
		return f.errorf(ErrFormat, "layout class %d (valid: 0 to 3)", class)
	}
	if len(d.filters) > 0 {
		return f.errorf(ErrFormat, "filter pipeline on a %s dataset", d.layout)
	}
	return nil
}

// setChunkShape checks the chunk dimensions read from a layout message:
// rank plus one values, the last being the element size.
func (d *Dataset) setChunkShape(dims []uint64) error {
	f := d.f
	rank := len(d.shape)
	if rank == 0 {
		return f.errorf(ErrFormat, "chunked layout for a scalar dataspace")
	}
	if len(dims) != rank+1 {
		return f.errorf(ErrFormat, "chunk of %d dimensions for a dataspace of rank %d", len(dims)-1, len(d.shape))
	}
	if dims[rank] != uint64(d.dtype.Size) {
		return f.errorf(ErrFormat, "chunk element size %d for elements of %d bytes", dims[rank], d.dtype.Size)
	}
	d.chunk = make([]int, rank)
	bytes := uint64(d.dtype.Size)
	for i := range rank {
		if dims[i] == 0 || dims[i] > 1<<32 {
			return f.errorf(ErrFormat, "chunk dimension %d has size %d", i, dims[i])
		}
		d.chunk[i] = int(dims[i])
		bytes *= dims[i]
		if bytes > maxChunkBytes {
			return f.errorf(ErrUnsupported, "chunks larger than %d bytes", maxChunkBytes)
		}
	}
	return nil
}

func (d *Dataset) decodeChunkedV3(c *cursor) error {
	f := d.f
	dimensionality := int(c.u8())
	btree := c.offset()
	dims := make([]uint64, dimensionality)
	for i := range dims {
		dims[i] = uint64(c.u32())
	}
	if c.err != nil {
		return f.errorf(ErrFormat, "data layout message ends early")
	}
	if err := d.setChunkShape(dims); err != nil {
		return err
	}
	d.indexer = func() (chunkIndex, error) { return d.readBTreeIndex(btree) }
	return nil
}

func (d *Dataset) decodeChunkedV4(c *cursor) error {
	f := d.f
	flags := c.u8()
	dimensionality := int(c.u8())
	width := int(c.u8())
	if width < 1 || width > 8 {
		return f.errorf(ErrFormat, "chunk dimensions encoded in %d bytes (valid: 1 to 8)", width)
	}
	dims := make([]uint64, dimensionality)
	for i := range dims {
		dims[i] = c.uint(width)
	}
	indexType := c.u8()
	if c.err != nil {
		return f.errorf(ErrFormat, "data layout message ends early")
	}
	if err := d.setChunkShape(dims); err != nil {
		return err
	}

	switch indexType {
	case 1: // single chunk
		ref := chunkRef{size: uint64(d.chunkBytes())}
		if flags&0x02 != 0 {
			ref.size = c.length()
			ref.mask = c.u32()
		}
		ref.addr = c.offset()
		if c.err != nil {
			return f.errorf(ErrFormat, "data layout message ends early")
		}
		d.indexer = func() (chunkIndex, error) { return singleChunk(ref), nil }
	case 2: // implicit: unfiltered chunks stored one after another
		addr := c.offset()
		if c.err != nil {
			return f.errorf(ErrFormat, "data layout message ends early")
		}
		d.indexer = func() (chunkIndex, error) { return implicitIndex{addr, uint64(d.chunkBytes())}, nil }
	case 3: // fixed array
		c.u8() // page bits, repeated in the array header
		addr := c.offset()
		if c.err != nil {
			return f.errorf(ErrFormat, "data layout message ends early")
		}
		d.indexer = func() (chunkIndex, error) { return d.readFixedArrayIndex(addr) }
	case 4:
		return f.errorf(ErrUnsupported, "extensible array chunk index (a dataset with one unlimited dimension written with the latest file format)")
	case 5:
		return f.errorf(ErrUnsupported, "version 2 B-tree chunk index (a dataset with several unlimited dimensions written with the latest file format)")
	default:
		return f.errorf(ErrFormat, "chunk index type %d (valid: 1 to 5)", indexType)
	}
	return nil
}

// chunkBytes returns the bytes of one decoded chunk.
func (d *Dataset) chunkBytes() int {
	n := d.dtype.Size
	for _, s := range d.chunk {
		n *= s
	}
	return n
}

// ReadRows copies rows start to start+count-1 into dst, which must hold
// count·RowBytes() bytes: the raw elements in the file's byte order,
// row-major. It panics if dst has another length, and returns an error for
// rows out of range or a read failure.
func (d *Dataset) ReadRows(start, count int, dst []byte) error {
	if count < 0 || len(dst) != count*d.rowBytes {
		panic(fmt.Sprintf("hdf5: ReadRows of %d rows of %d bytes into a buffer of %d bytes", count, d.rowBytes, len(dst)))
	}
	if start < 0 || start > d.Rows() || count > d.Rows()-start {
		return fmt.Errorf("hdf5: %s: rows [%d, %d) of dataset %q are out of range [0, %d)", d.f.name, start, start+count, d.path, d.Rows())
	}
	if len(dst) == 0 {
		return nil
	}
	offset := start * d.rowBytes
	switch d.layout {
	case LayoutCompact:
		copy(dst, d.compact[offset:])
		return nil
	case LayoutContiguous:
		if d.addr == undefinedAddress {
			d.fillBytes(dst)
			return nil
		}
		pos := d.f.address(d.addr) + uint64(offset)
		// io.ReaderAt may report io.EOF along with a full read that ends
		// at the end of the file.
		if n, err := d.f.r.ReadAt(dst, int64(pos)); err != nil && !(err == io.EOF && n == len(dst)) {
			return d.f.errorf(ErrFormat, "reading rows [%d, %d) of dataset %q at byte %d: %v", start, start+count, d.path, pos, err)
		}
		return nil
	default:
		return d.readChunkedRows(start, count, dst)
	}
}

// fillBytes writes the fill value into every element of dst.
func (d *Dataset) fillBytes(dst []byte) {
	if d.fill == nil {
		clear(dst)
		return
	}
	for i := 0; i < len(dst); i += len(d.fill) {
		copy(dst[i:], d.fill)
	}
}

// ReadUint8 reads rows start to start+count-1 of a dataset of unsigned bytes
// into dst, which must hold count·RowBytes() values.
func (d *Dataset) ReadUint8(start, count int, dst []uint8) error {
	if d.dtype.Class != ClassFixedPoint || d.dtype.Size != 1 || d.dtype.Signed {
		return fmt.Errorf("%w: %s: dataset %q has elements of type %s, expected |u1 (uint8)", ErrUnsupported, d.f.name, d.path, d.dtype)
	}
	return d.ReadRows(start, count, dst)
}

// ReadFloat64 reads rows start to start+count-1 of a numeric dataset into
// dst, which must hold count·RowBytes()/Datatype().Size values, converting
// each element to float64.
func (d *Dataset) ReadFloat64(start, count int, dst []float64) error {
	raw := make([]byte, count*d.rowBytes)
	if len(dst)*d.dtype.Size != len(raw) {
		panic(fmt.Sprintf("hdf5: ReadFloat64 of %d rows of %d elements into a buffer of %d values", count, d.rowBytes/d.dtype.Size, len(dst)))
	}
	if err := d.ReadRows(start, count, raw); err != nil {
		return err
	}
	if err := d.dtype.toFloat64(raw, dst); err != nil {
		return fmt.Errorf("%w (%s: dataset %q)", err, d.f.name, d.path)
	}
	return nil
}
