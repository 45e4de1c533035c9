package hdf5

import (
	"bytes"
	"compress/zlib"
	"container/list"
	"fmt"
	"io"
)

// maxChunkBytes bounds the size of one decoded chunk, so that a corrupt chunk
// shape cannot exhaust memory. h5py's automatic chunks are at most 1 MiB
// (CHUNK_MAX in h5py 3.7's filters.py).
const maxChunkBytes = 1 << 30

// maxDeflateRatio bounds how far inflating can expand a deflate stream. A
// longest match (258 bytes) costs at least 2 bits, about 1032 to 1, so a
// chunk whose decoded size exceeds its stored size times this bound is
// corrupt.
const maxDeflateRatio = 1040

// chunkRef locates one stored chunk.
type chunkRef struct {
	addr uint64 // file address
	size uint64 // stored (filtered) bytes
	mask uint32 // bit i set: filter i of the pipeline was skipped
}

// chunkIndex finds the stored chunk at a linear chunk position (row-major
// over the grid of chunks); ok is false for a chunk never written.
type chunkIndex interface {
	lookup(linear int) (ref chunkRef, ok bool)
}

// mapIndex is a chunk index loaded into memory.
type mapIndex map[int]chunkRef

func (m mapIndex) lookup(linear int) (chunkRef, bool) {
	r, ok := m[linear]
	return r, ok
}

// singleChunk is the index of a dataset stored as one chunk.
type singleChunk chunkRef

func (s singleChunk) lookup(linear int) (chunkRef, bool) {
	return chunkRef(s), linear == 0 && s.addr != undefinedAddress
}

// implicitIndex is the index of unfiltered chunks stored back to back.
type implicitIndex struct {
	addr, chunkBytes uint64
}

func (x implicitIndex) lookup(linear int) (chunkRef, bool) {
	if x.addr == undefinedAddress {
		return chunkRef{}, false
	}
	return chunkRef{addr: x.addr + uint64(linear)*x.chunkBytes, size: x.chunkBytes}, true
}

// grid returns the number of chunks along each dimension.
func (d *Dataset) grid() []int {
	g := make([]int, len(d.chunk))
	for i, c := range d.chunk {
		g[i] = (d.shape[i] + c - 1) / c
	}
	return g
}

// numChunks returns the number of chunks in the grid.
func (d *Dataset) numChunks() int {
	n := 1
	for _, g := range d.grid() {
		n *= g
	}
	return n
}

// readBTreeIndex loads the version 1 B-tree chunk index (node type 1) rooted
// at addr. Its leaf keys hold each chunk's stored size, filter mask and
// element offsets.
func (d *Dataset) readBTreeIndex(addr uint64) (chunkIndex, error) {
	f := d.f
	index := mapIndex{}
	if addr == undefinedAddress {
		return index, nil
	}
	rank := len(d.chunk)
	keySize := 8 + 8*(rank+1)
	grid := d.grid()
	seen := map[uint64]bool{}

	var walk func(addr uint64, parentLevel int) error
	walk = func(addr uint64, parentLevel int) error {
		node, err := f.readTreeNode(addr, 1, keySize, parentLevel, seen)
		if err != nil {
			return err
		}
		for i, child := range node.children {
			if node.level > 0 {
				if err := walk(child, node.level); err != nil {
					return err
				}
				continue
			}
			c := f.cursor(node.keys[i])
			ref := chunkRef{addr: child, size: uint64(c.u32()), mask: c.u32()}
			linear := 0
			for j := range rank {
				off := c.u64()
				if off%uint64(d.chunk[j]) != 0 || off/uint64(d.chunk[j]) >= uint64(grid[j]) {
					return f.errorf(ErrFormat, "chunk B-tree key has offset %d in dimension %d, not a chunk position within %s", off, j, shapeString(d.shape))
				}
				linear = linear*grid[j] + int(off/uint64(d.chunk[j]))
			}
			index[linear] = ref
		}
		return nil
	}
	if err := walk(addr, -1); err != nil {
		return nil, err
	}
	return index, nil
}

// readFixedArrayIndex loads the fixed array chunk index whose header (FAHD)
// is at addr. Its data block (FADB) lists one entry per chunk in linear
// order, split into pages of 2^pageBits entries when there are more.
func (d *Dataset) readFixedArrayIndex(addr uint64) (chunkIndex, error) {
	f := d.f
	headSize := 12 + f.lengthSize + f.offsetSize
	head, err := f.readAt(f.address(addr), headSize, "fixed array header")
	if err != nil {
		return nil, err
	}
	if string(head[:4]) != "FAHD" {
		return nil, f.errorf(ErrFormat, "fixed array header at address %d lacks the FAHD signature", addr)
	}
	if err := f.verifyChecksum(head, "fixed array header"); err != nil {
		return nil, err
	}
	c := f.cursor(head[4:])
	c.u8() // version
	client := c.u8()
	entrySize := int(c.u8())
	pageBits := int(c.u8())
	count := c.length()
	block := c.offset()
	filtered := client == 1
	want := f.offsetSize
	if filtered {
		want = f.offsetSize + 4 + 1 // at least one byte of chunk size
	}
	if c.err != nil || entrySize < want || entrySize > f.offsetSize+4+8 || pageBits > 32 {
		return nil, f.errorf(ErrFormat, "invalid fixed array header at address %d", addr)
	}
	if count != uint64(d.numChunks()) {
		return nil, f.errorf(ErrFormat, "fixed array of %d entries for %d chunks", count, d.numChunks())
	}
	index := mapIndex{}
	if block == undefinedAddress {
		return index, nil
	}

	decode := func(b []byte, first int) {
		c := f.cursor(b)
		for i := 0; c.left() >= entrySize; i++ {
			ref := chunkRef{addr: c.offset(), size: uint64(d.chunkBytes())}
			if filtered {
				ref.size = c.uint(entrySize - f.offsetSize - 4)
				ref.mask = c.u32()
			}
			if ref.addr != undefinedAddress {
				index[first+i] = ref
			}
		}
	}

	prefix := 6 + f.offsetSize
	n := int(count)
	pageEntries := 1 << pageBits
	if n <= pageEntries {
		b, err := f.readAt(f.address(block), prefix+n*entrySize+4, "fixed array data block")
		if err != nil {
			return nil, err
		}
		if err := d.checkFixedArrayBlock(b, addr); err != nil {
			return nil, err
		}
		decode(b[prefix:len(b)-4], 0)
		return index, nil
	}

	pages := (n + pageEntries - 1) / pageEntries
	bitmap := (pages + 7) / 8
	b, err := f.readAt(f.address(block), prefix+bitmap+4, "fixed array data block")
	if err != nil {
		return nil, err
	}
	if err := d.checkFixedArrayBlock(b, addr); err != nil {
		return nil, err
	}
	pos := f.address(block) + uint64(len(b))
	for p := range pages {
		entries := min(pageEntries, n-p*pageEntries)
		size := entries*entrySize + 4
		// Bit p of the bitmap, most significant bit first, marks an
		// initialised page; pages that were never written hold no chunks.
		if b[prefix+p/8]&(0x80>>(p%8)) != 0 {
			page, err := f.readAt(pos, size, "fixed array data block page")
			if err != nil {
				return nil, err
			}
			if err := f.verifyChecksum(page, "fixed array data block page"); err != nil {
				return nil, err
			}
			decode(page[:len(page)-4], p*pageEntries)
		}
		pos += uint64(size)
	}
	return index, nil
}

// checkFixedArrayBlock checks the signature, checksum and owner of a fixed
// array data block.
func (d *Dataset) checkFixedArrayBlock(b []byte, header uint64) error {
	f := d.f
	if string(b[:4]) != "FADB" {
		return f.errorf(ErrFormat, "fixed array data block lacks the FADB signature")
	}
	if err := f.verifyChecksum(b, "fixed array data block"); err != nil {
		return err
	}
	c := f.cursor(b[6:])
	if owner := c.offset(); owner != header {
		return f.errorf(ErrFormat, "fixed array data block belongs to the header at address %d, not %d", owner, header)
	}
	return nil
}

// readChunkedRows copies rows [start, start+count) of a chunked dataset into
// dst, chunk by chunk.
func (d *Dataset) readChunkedRows(start, count int, dst []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.index == nil {
		index, err := d.indexer()
		if err != nil {
			return fmt.Errorf("%w (dataset %q)", err, d.path)
		}
		d.index = index
	}

	rank := len(d.shape)
	grid := d.grid()
	size := d.dtype.Size

	// lo and hi bound the chunk coordinates that the rows touch.
	lo := make([]int, rank)
	hi := make([]int, rank)
	copy(hi, grid)
	lo[0] = start / d.chunk[0]
	hi[0] = (start+count-1)/d.chunk[0] + 1

	pos := append([]int(nil), lo...)
	for {
		linear := 0
		for i := range rank {
			linear = linear*grid[i] + pos[i]
		}
		data, skip, err := d.chunkRows(linear, pos[0], start, count)
		if err != nil {
			return err
		}
		d.copyChunk(data, skip, pos, start, count, dst, size)

		// Advance pos like an odometer over [lo, hi).
		i := rank - 1
		for ; i >= 0; i-- {
			pos[i]++
			if pos[i] < hi[i] {
				break
			}
			pos[i] = lo[i]
		}
		if i < 0 {
			return nil
		}
	}
}

// chunkRows returns the data of the chunk at a linear position and chunk
// row pos0, from its row skip on. An unfiltered chunk stores its rows one
// after another, so only the rows in [start, start+count) are read, and
// not cached; reading one image of a large chunk reads only that image.
// Other chunks are decoded whole, through the cache, with skip 0.
func (d *Dataset) chunkRows(linear, pos0, start, count int) (data []byte, skip int, err error) {
	if len(d.filters) > 0 {
		data, err = d.chunkData(linear)
		return data, 0, err
	}
	if data, ok := d.cache.get(linear); ok {
		return data, 0, nil
	}
	ref, ok := d.index.lookup(linear)
	if !ok {
		data, err = d.chunkData(linear)
		return data, 0, err
	}
	first := pos0 * d.chunk[0]
	skip = max(start, first) - first
	end := min(start+count, first+d.chunk[0], d.shape[0]) - first
	rowBytes := d.chunkBytes() / d.chunk[0]
	if ref.size != uint64(d.chunkBytes()) {
		return nil, 0, d.f.errorf(ErrFormat, "unfiltered chunk of dataset %q at address %d holds %d bytes, expected %d", d.path, ref.addr, ref.size, d.chunkBytes())
	}
	data, err = d.f.readAt(d.f.address(ref.addr)+uint64(skip*rowBytes), (end-skip)*rowBytes, "chunk")
	return data, skip, err
}

// copyChunk copies the part of the chunk at chunk coordinates pos that falls
// in rows [start, start+count) into dst, one run along the last dimension at
// a time. data holds the chunk from its row skip on.
func (d *Dataset) copyChunk(data []byte, skip int, pos []int, start, count int, dst []byte, size int) {
	rank := len(d.shape)
	first := make([]int, rank) // first element of the overlap, dataset coordinates
	extent := make([]int, rank)
	for i := range rank {
		first[i] = pos[i] * d.chunk[i]
		end := min(first[i]+d.chunk[i], d.shape[i])
		if i == 0 {
			first[0] = max(first[0], start)
			end = min(end, start+count)
		}
		extent[i] = end - first[i]
	}
	run := extent[rank-1] * size

	idx := make([]int, rank) // offset within the overlap
	for {
		src, out := 0, 0
		for i := range rank {
			c := first[i] + idx[i]
			offset := c - pos[i]*d.chunk[i]
			if i == 0 {
				offset -= skip
			}
			src = src*d.chunk[i] + offset
			if i == 0 {
				c -= start
			}
			dim := d.shape[i]
			if i == 0 {
				dim = count
			}
			out = out*dim + c
		}
		copy(dst[out*size:out*size+run], data[src*size:src*size+run])

		i := rank - 2
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < extent[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// chunkData returns the decoded chunk at a linear position, from the cache
// or the file. The caller holds d.mu.
func (d *Dataset) chunkData(linear int) ([]byte, error) {
	if data, ok := d.cache.get(linear); ok {
		return data, nil
	}
	n := d.chunkBytes()
	ref, ok := d.index.lookup(linear)
	if !ok {
		// Every chunk never written reads as the same fill pattern.
		if d.fillChunk == nil {
			d.fillChunk = make([]byte, n)
			d.fillBytes(d.fillChunk)
		}
		return d.fillChunk, nil
	}
	data, err := d.decodeChunk(ref, n)
	if err != nil {
		return nil, err
	}
	d.cache.put(linear, data)
	return data, nil
}

// decodeChunk reads a stored chunk and undoes its filters in reverse order.
func (d *Dataset) decodeChunk(ref chunkRef, n int) ([]byte, error) {
	f := d.f
	if ref.size > maxChunkBytes {
		return nil, f.errorf(ErrFormat, "stored chunk of %d bytes in dataset %q", ref.size, d.path)
	}
	data, err := f.readAt(f.address(ref.addr), int(ref.size), "chunk")
	if err != nil {
		return nil, err
	}
	for i := len(d.filters) - 1; i >= 0; i-- {
		if ref.mask&(1<<i) != 0 {
			continue
		}
		switch d.filters[i].id {
		case FilterDeflate:
			if uint64(n) > uint64(len(data))*maxDeflateRatio+1024 {
				return nil, f.errorf(ErrFormat, "deflated chunk of %d bytes cannot hold %d bytes in dataset %q", len(data), n, d.path)
			}
			if data, err = inflate(data, n); err != nil {
				return nil, f.errorf(ErrFormat, "inflating a chunk of dataset %q at address %d: %v", d.path, ref.addr, err)
			}
		case FilterShuffle:
			data = unshuffle(data, d.dtype.Size)
		case FilterFletcher32:
			if data, err = checkFletcher32(data); err != nil {
				return nil, f.errorf(ErrFormat, "chunk of dataset %q at address %d: %v", d.path, ref.addr, err)
			}
		}
	}
	if len(data) != n {
		return nil, f.errorf(ErrFormat, "chunk of dataset %q at address %d decodes to %d bytes, expected %d", d.path, ref.addr, len(data), n)
	}
	return data, nil
}

// inflate decompresses a zlib stream that should hold n bytes.
func inflate(src []byte, n int) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := make([]byte, n)
	got, err := io.ReadFull(r, out)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return out[:got], nil
	}
	if err != nil {
		return nil, err
	}
	// A stream with more than n bytes is as wrong as a short one.
	var extra [1]byte
	if k, _ := r.Read(extra[:]); k > 0 {
		return nil, fmt.Errorf("stream holds more than the %d bytes of a chunk", n)
	}
	return out, nil
}

// unshuffle undoes the shuffle filter, which stores byte j of every element
// together: all first bytes, then all second bytes, and so on. Trailing bytes
// that do not fill an element are stored as they are.
func unshuffle(src []byte, size int) []byte {
	if size <= 1 {
		return src
	}
	n := len(src) / size
	out := make([]byte, len(src))
	for j := range size {
		plane := src[j*n : (j+1)*n]
		for i, b := range plane {
			out[i*size+j] = b
		}
	}
	copy(out[n*size:], src[n*size:])
	return out
}

// checkFletcher32 verifies and strips the checksum that the fletcher32
// filter appends. HDF5 before 1.6.3 stored it byte-swapped, so both orders
// are accepted, as HDF5 itself does.
func checkFletcher32(src []byte) ([]byte, error) {
	if len(src) < 4 {
		return nil, fmt.Errorf("fletcher32 chunk of %d bytes has no checksum", len(src))
	}
	body := src[:len(src)-4]
	stored := le32(src[len(src)-4:])
	sum := fletcher32(body)
	swapped := sum>>24 | sum>>8&0xff00 | sum<<8&0xff0000 | sum<<24
	if stored != sum && stored != swapped {
		return nil, fmt.Errorf("fletcher32 checksum is %#08x, computed %#08x; the chunk is corrupt", stored, sum)
	}
	return body, nil
}

// chunkCache keeps the most recently used decoded chunks up to a byte
// budget.
type chunkCache struct {
	budget, used int
	order        *list.List // front: most recent
	entries      map[int]*list.Element
}

type cacheEntry struct {
	key  int
	data []byte
}

func newChunkCache(budget int) *chunkCache {
	return &chunkCache{budget: budget, order: list.New(), entries: map[int]*list.Element{}}
}

func (c *chunkCache) get(key int) ([]byte, bool) {
	e, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).data, true
}

func (c *chunkCache) put(key int, data []byte) {
	c.entries[key] = c.order.PushFront(&cacheEntry{key, data})
	c.used += len(data)
	for c.used > c.budget && c.order.Len() > 1 {
		last := c.order.Back()
		e := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.entries, e.key)
		c.used -= len(e.data)
	}
}
