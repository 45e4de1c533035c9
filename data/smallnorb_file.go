package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// The published SmallNORB files, two splits of three "binary matrix" files
// each, as disentanglement_lib reads them.
const (
	smallNORBDownload = "https://cs.nyu.edu/~ylclab/data/norb-v1.0-small/"
	smallNORBSubdir   = "small_norb"
	smallNORBInSize   = 96 // published images are 96×96, two cameras
)

// smallNORBSplits are the name stems of the two splits, in the order
// disentanglement_lib concatenates them.
var smallNORBSplits = []string{
	"smallnorb-5x46789x9x18x6x2x96x96-training",
	"smallnorb-5x01235x9x18x6x2x96x96-testing",
}

// NORB binary matrix magic numbers: the element type of the file.
const (
	norbMagicByte  = 0x1E3D4C55
	norbMagicInt32 = 0x1E3D4C54
)

// smallNORBLayout is the factor grid of a SmallNORB file set: category,
// elevation, azimuth (stored as 0, 2, …, 2·(size-1)) and lighting, each with
// every instance once.
type smallNORBLayout struct {
	factors   []Factor
	instances int
}

var publishedSmallNORB = smallNORBLayout{factors: smallNORBFactors, instances: 10}

// smallNORBFile serves the published SmallNORB images: the first camera's
// image of each example, resized to 64×64 once, when the files are read.
type smallNORBFile struct {
	dir    string // the data directory
	source string // the directory the files were found in: dir or dir/small_norb
	layout smallNORBLayout
	images []uint8 // example e at images[e·4096 : (e+1)·4096]
	lookup []int32 // example of grid index g and instance j at g·instances + j
}

func init() {
	readers["smallnorb"] = func(dir string) (Dataset, error) {
		return readSmallNORB(dir, publishedSmallNORB)
	}
}

// readSmallNORB reads both splits from dir (or dir/small_norb). Each file
// may also be gzip-compressed, as published, with a .gz suffix.
func readSmallNORB(dir string, layout smallNORBLayout) (*smallNORBFile, error) {
	d := &smallNORBFile{dir: dir, layout: layout}
	sizes := Sizes(d)
	total := NumPoints(sizes) * layout.instances
	d.lookup = make([]int32, total)
	for i := range d.lookup {
		d.lookup[i] = -1
	}

	for _, split := range smallNORBSplits {
		n, err := d.readLabels(split)
		if err != nil {
			return nil, err
		}
		if err := d.readImages(split, n); err != nil {
			return nil, err
		}
	}
	if got := len(d.images) / smallNORBPixels; got != total {
		return nil, fmt.Errorf("%w: %s: the two splits hold %d examples, expected %d (%d grid points × %d instances)",
			ErrInvalidFile, dir, got, total, NumPoints(sizes), layout.instances)
	}
	return d, nil
}

// smallNORBPixels is the number of pixels of one resized image.
const smallNORBPixels = 64 * 64

// norbHeader is the header of a NORB binary matrix file: a magic number
// giving the element type, the number of dimensions, and the dimensions,
// padded to at least three.
type norbHeader struct {
	magic uint32
	dims  []int
}

// readNORBHeader reads a binary matrix header (little-endian int32s).
func readNORBHeader(r io.Reader) (norbHeader, error) {
	var head [2]int32
	if err := binary.Read(r, binary.LittleEndian, &head); err != nil {
		return norbHeader{}, fmt.Errorf("reading the header: %w", err)
	}
	h := norbHeader{magic: uint32(head[0])}
	ndim := int(head[1])
	if ndim < 1 || ndim > 8 {
		return norbHeader{}, fmt.Errorf("header gives %d dimensions (valid: 1 to 8)", ndim)
	}
	raw := make([]int32, max(ndim, 3))
	if err := binary.Read(r, binary.LittleEndian, raw); err != nil {
		return norbHeader{}, fmt.Errorf("reading the dimensions: %w", err)
	}
	for _, v := range raw[:ndim] {
		if v < 0 {
			return norbHeader{}, fmt.Errorf("negative dimension %d", v)
		}
		h.dims = append(h.dims, int(v))
	}
	return h, nil
}

// norbFile is an open SmallNORB file, decompressed if it is gzipped.
type norbFile struct {
	path string
	r    *bufio.Reader
	c    []io.Closer
}

func (f *norbFile) Close() {
	for i := len(f.c) - 1; i >= 0; i-- {
		f.c[i].Close()
	}
}

// openNORB opens the file name in dir or dir/small_norb, plain or with a
// .gz suffix, and checks its header against magic and dims (a dimension of
// -1 takes any size). It returns the file positioned at its data and the
// dimensions found.
func (d *smallNORBFile) openNORB(name string, magic uint32, dims []int) (*norbFile, []int, error) {
	var candidates []string
	for _, suffix := range []string{"", ".gz"} {
		candidates = append(candidates, filepath.Join(d.dir, name+suffix), filepath.Join(d.dir, smallNORBSubdir, name+suffix))
	}
	var osf *os.File
	var path string
	for _, p := range candidates {
		var err error
		if osf, err = os.Open(p); err == nil {
			path = p
			break
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("data: %w", err)
		}
	}
	if osf == nil {
		return nil, nil, fmt.Errorf("%w: neither %s nor %s exists (nor either with .gz); download %s.gz from %s, or %s",
			ErrMissingFile, candidates[0], candidates[1], name, smallNORBDownload, proceduralHint)
	}

	if d.source == "" {
		d.source = filepath.Dir(path)
	}
	f := &norbFile{path: path, c: []io.Closer{osf}}
	var r io.Reader = osf
	if filepath.Ext(path) == ".gz" {
		zr, err := gzip.NewReader(bufio.NewReader(osf))
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%w: %s: %v", ErrInvalidFile, path, err)
		}
		f.c = append(f.c, zr)
		r = zr
	}
	f.r = bufio.NewReaderSize(r, 1<<16)

	h, err := readNORBHeader(f.r)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrInvalidFile, path, err)
	}
	if h.magic != magic {
		f.Close()
		return nil, nil, fmt.Errorf("%w: %s: magic number %#x, expected %#x (%s)", ErrInvalidFile, path, h.magic, magic, norbTypeName(magic))
	}
	ok := len(h.dims) == len(dims)
	for i := 0; ok && i < len(dims); i++ {
		ok = dims[i] < 0 || dims[i] == h.dims[i]
	}
	if !ok {
		f.Close()
		return nil, nil, fmt.Errorf("%w: %s: dimensions %v, expected %v (-1: any)", ErrInvalidFile, path, h.dims, dims)
	}
	return f, h.dims, nil
}

func norbTypeName(magic uint32) string {
	if magic == norbMagicByte {
		return "a byte matrix"
	}
	return "an int32 matrix"
}

// readInt32s reads n little-endian int32 values, then checks that the file
// ends there.
func (f *norbFile) readInt32s(n int) ([]int32, error) {
	out := make([]int32, n)
	if err := binary.Read(f.r, binary.LittleEndian, out); err != nil {
		return nil, fmt.Errorf("%w: %s: reading %d values: %v; the file is truncated", ErrInvalidFile, f.path, n, err)
	}
	return out, f.checkEnd()
}

// checkEnd returns an error if data follow the expected end of the file.
func (f *norbFile) checkEnd() error {
	if _, err := f.r.ReadByte(); err != io.EOF {
		return fmt.Errorf("%w: %s: data after the last example; the file is longer than its header says", ErrInvalidFile, f.path)
	}
	return nil
}

// readLabels reads the -cat and -info files of a split and enters their
// examples in d.lookup, numbered after the examples already read. It returns
// the number of examples of the split.
func (d *smallNORBFile) readLabels(split string) (int, error) {
	cat, dims, err := d.openNORB(split+"-cat.mat", norbMagicInt32, []int{-1})
	if err != nil {
		return 0, err
	}
	defer cat.Close()
	n := dims[0]
	// Check the count before allocating for it: the grid bounds it.
	first := len(d.images) / smallNORBPixels // examples of earlier splits
	if left := len(d.lookup) - first; n > left {
		return 0, fmt.Errorf("%w: %s: %d examples, but the grid has room for %d more (%d in all)",
			ErrInvalidFile, cat.path, n, left, len(d.lookup))
	}
	categories, err := cat.readInt32s(n)
	if err != nil {
		return 0, err
	}

	info, _, err := d.openNORB(split+"-info.mat", norbMagicInt32, []int{n, 4})
	if err != nil {
		return 0, err
	}
	defer info.Close()
	table, err := info.readInt32s(4 * n)
	if err != nil {
		return 0, err
	}

	sizes := Sizes(d)
	row := make([]int, 4)
	for i := range n {
		// info columns: instance, elevation, azimuth (0, 2, …), lighting.
		instance, azimuth := int(table[4*i]), int(table[4*i+2])
		row[0], row[1], row[3] = int(categories[i]), int(table[4*i+1]), int(table[4*i+3])
		row[2] = azimuth / 2
		if azimuth%2 != 0 || azimuth < 0 {
			return 0, fmt.Errorf("%w: %s: example %d has azimuth %d, expected an even number 0, 2, …, %d",
				ErrInvalidFile, info.path, i, azimuth, 2*(sizes[2]-1))
		}
		if instance < 0 || instance >= d.layout.instances {
			return 0, fmt.Errorf("%w: %s: example %d has instance %d, valid range is [0, %d)", ErrInvalidFile, info.path, i, instance, d.layout.instances)
		}
		for k, v := range row {
			if v < 0 || v >= sizes[k] {
				return 0, fmt.Errorf("%w: %s: example %d has %s %d, valid range is [0, %d)", ErrInvalidFile, info.path, i, d.layout.factors[k].Name, v, sizes[k])
			}
		}
		slot := Index(sizes, row)*d.layout.instances + instance
		if d.lookup[slot] >= 0 {
			return 0, fmt.Errorf("%w: %s: example %d repeats category %d, instance %d, elevation %d, azimuth %d, lighting %d",
				ErrInvalidFile, info.path, i, row[0], instance, row[1], azimuth, row[3])
		}
		d.lookup[slot] = int32(first + i)
	}
	return n, nil
}

// readImages reads the -dat file of a split (n examples of two 96×96
// images), keeps the first camera's image, as disentanglement_lib does, and
// resizes it to 64×64.
func (d *smallNORBFile) readImages(split string, n int) error {
	f, _, err := d.openNORB(split+"-dat.mat", norbMagicByte, []int{n, 2, smallNORBInSize, smallNORBInSize})
	if err != nil {
		return err
	}
	defer f.Close()

	const inPixels = smallNORBInSize * smallNORBInSize
	resizer := newLanczosResizer(smallNORBInSize, smallNORBInSize, 64, 64, 1)
	start := len(d.images)
	d.images = append(d.images, make([]uint8, n*smallNORBPixels)...)

	// Read a batch of examples, then resize it in parallel.
	const batch = 512
	buf := make([]uint8, batch*2*inPixels)
	for lo := 0; lo < n; lo += batch {
		m := min(batch, n-lo)
		if _, err := io.ReadFull(f.r, buf[:m*2*inPixels]); err != nil {
			return fmt.Errorf("%w: %s: reading example %d of %d: %v; the file is truncated", ErrInvalidFile, f.path, lo, n, err)
		}
		forEachImage(m, func(i int) {
			src := buf[i*2*inPixels:][:inPixels] // camera 0
			dst := d.images[start+(lo+i)*smallNORBPixels:][:smallNORBPixels]
			resizeNORB(resizer, src, dst)
		})
	}
	return f.checkEnd()
}

// resizeNORB resizes one 96×96 image to 64×64 with Pillow's arithmetic for
// mode "I" images, the mode Pillow 9.4 gives the int8 arrays that
// disentanglement_lib reads. Pillow leaves such results unclipped; here they
// are clipped to [0, 255] so that images stay in [0, 1].
//
// NOTE: disentanglement_lib's SmallNORB pixels can fall slightly outside
// [0, 1] next to sharp edges (Lanczos overshoot); those pixels differ here.
func resizeNORB(r *lanczosResizer, src, dst []uint8) {
	out := make([]int32, len(dst))
	r.resizeInt32(src, out)
	for i, v := range out {
		dst[i] = uint8(min(max(v, 0), 255))
	}
}

func (d *smallNORBFile) Name() string           { return "smallnorb" }
func (d *smallNORBFile) Factors() []Factor      { return factorsCopy(d.layout.factors) }
func (d *smallNORBFile) ImageShape() ImageShape { return ImageShape{64, 64, 1} }
func (d *smallNORBFile) Source() string         { return d.source }

// Describe states how the published images were prepared.
func (d *smallNORBFile) Describe() Description {
	sizes := Sizes(d)
	return Description{
		Summary: fmt.Sprintf("SmallNORB photographs read from the published files in %s: the first camera's image, "+
			"resized from 96×96 to 64×64 with Pillow's Lanczos filter as disentanglement_lib does; the instance "+
			"(%d per category) is a nuisance drawn at random for each image.", d.source, d.layout.instances),
		FactorValues: []string{
			fmt.Sprintf("category 0 to %d as stored in the -cat files", sizes[0]-1),
			fmt.Sprintf("elevation 0 to %d as stored in the -info files", sizes[1]-1),
			fmt.Sprintf("azimuth stored as 0, 2, …, %d in the -info files, halved", 2*(sizes[2]-1)),
			fmt.Sprintf("lighting 0 to %d as stored in the -info files", sizes[3]-1),
		},
		NumImages: NumPoints(sizes) * d.layout.instances,
	}
}

// Observe draws the instance of each row from rng (one rng.IntN call per
// row, in row order) and copies that example's image. rng must not be nil.
func (d *smallNORBFile) Observe(factors []int, rng *rand.Rand, dst []float32) error {
	n, err := checkObservation(d, factors, dst)
	if err != nil {
		return err
	}
	sizes := Sizes(d)
	k := len(sizes)
	for i := range n {
		g := Index(sizes, factors[i*k:(i+1)*k])
		e := int(d.lookup[g*d.layout.instances+rng.IntN(d.layout.instances)])
		bytesToUnit(d.images[e*smallNORBPixels:][:smallNORBPixels], dst[i*smallNORBPixels:][:smallNORBPixels])
	}
	return nil
}
