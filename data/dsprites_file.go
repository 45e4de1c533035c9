package data

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/gromov-monge/gmg/internal/npy"
)

// The published dSprites file, as disentanglement_lib reads it.
const (
	dspritesFileName = "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz"
	dspritesDownload = "https://github.com/deepmind/dsprites-dataset"
	dspritesSubdir   = "dsprites" // disentanglement_lib's directory
)

// dspritesPixels is the number of pixels of one image, 64×64.
const dspritesPixels = dspritesSize * dspritesSize

// dspritesFile serves the images of the published dSprites file. The images
// are kept bit-packed in grid order, 512 bytes each (about 377 MB for the
// 737,280 images), because their pixels are 0 or 1.
type dspritesFile struct {
	path    string
	factors []Factor
	values  [][]float64 // values[k][v]: latents_values of factor k at index v
	bits    []byte      // image g at bits[g·512 : (g+1)·512], pixel p at bit p%8 of byte p/8
}

func init() {
	readers["dsprites"] = func(dir string) (Dataset, error) {
		path, err := findPublished(dir, dspritesSubdir, dspritesFileName, dspritesDownload)
		if err != nil {
			return nil, err
		}
		return readDSpritesFile(path, dspritesFactors)
	}
}

// readDSpritesFile reads the dSprites .npz at path whose grid has the given
// factors (shape, scale, orientation, posX, posY; the published file's
// constant colour factor comes first in its latents and is dropped). The
// images are placed by their latents_classes row, so the file's row order
// does not matter. The imgs array is streamed, so the deflated published
// file never needs its 3 GB of pixels in memory at once.
func readDSpritesFile(path string, factors []Factor) (*dspritesFile, error) {
	z, err := npy.OpenNPZ(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}
	defer z.Close()
	for _, key := range []string{"imgs", "latents_classes", "latents_values"} {
		found := false
		for _, k := range z.Keys() {
			found = found || k == key
		}
		if !found {
			return nil, fmt.Errorf("%w: %s has no array %q (found: %s; expected imgs, latents_classes, latents_values)",
				ErrInvalidFile, path, key, strings.Join(z.Keys(), ", "))
		}
	}

	d := &dspritesFile{path: path, factors: factorsCopy(factors)}
	sizes := Sizes(d)
	n := NumPoints(sizes)
	positions, err := d.readLatents(z, n)
	if err != nil {
		return nil, err
	}
	if err := d.readImages(z, n, positions); err != nil {
		return nil, err
	}
	return d, nil
}

// readLatents reads latents_classes and latents_values ([n, 6]: colour,
// then the grid factors) and returns the grid index of each image.
func (d *dspritesFile) readLatents(z *npy.NPZ, n int) ([]int32, error) {
	k := len(d.factors)
	want := fmt.Sprintf("(%d, %d)", n, k+1)
	classes, err := d.readArray(z, "latents_classes", want, "iu", "integers")
	if err != nil {
		return nil, err
	}
	latents, err := classes.Int64()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: latents_classes: %w", ErrInvalidFile, d.path, err)
	}
	valuesArray, err := d.readArray(z, "latents_values", want, "f", "floats")
	if err != nil {
		return nil, err
	}
	values := valuesArray.Float64()

	// Drop the colour column, which must be constant.
	rows := make([]int, n*k)
	d.values = make([][]float64, k)
	for j, f := range d.factors {
		d.values[j] = make([]float64, f.Size)
	}
	for i := range n {
		if c := latents[i*(k+1)]; c != 0 {
			return nil, fmt.Errorf("%w: %s: image %d has colour class %d, expected 0 (the published file has one colour)", ErrInvalidFile, d.path, i, c)
		}
		for j := range k {
			v := latents[i*(k+1)+j+1]
			if v < 0 || v >= int64(d.factors[j].Size) {
				return nil, fmt.Errorf("%w: %s: image %d has %s class %d, valid range is [0, %d)", ErrInvalidFile, d.path, i, d.factors[j].Name, v, d.factors[j].Size)
			}
			rows[i*k+j] = int(v)
			d.values[j][v] = values[i*(k+1)+j+1]
		}
	}
	positions, err := gridPositions(Sizes(d), rows)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: latents_classes: %v", ErrInvalidFile, d.path, err)
	}
	return positions, nil
}

// readArray reads the array key after checking from its header that it has
// the shape want and a dtype kind in kinds, so that a corrupt header cannot
// make it allocate more than the published array needs.
func (d *dspritesFile) readArray(z *npy.NPZ, key, want, kinds, kindName string) (*npy.Array, error) {
	h, r, err := z.Open(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}
	r.Close()
	if h.ShapeString() != want || !strings.ContainsRune(kinds, rune(h.Kind())) {
		return nil, fmt.Errorf("%w: %s: %s has dtype %s and shape %s, expected %s of shape %s",
			ErrInvalidFile, d.path, key, h.DType, h.ShapeString(), kindName, want)
	}
	a, err := z.Read(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}
	return a, nil
}

// readImages streams imgs ([n, 64, 64] uint8 of 0 and 1) and packs each
// image at its grid position.
func (d *dspritesFile) readImages(z *npy.NPZ, n int, positions []int32) error {
	h, r, err := z.Open("imgs")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}
	defer r.Close()
	want := fmt.Sprintf("(%d, %d, %d)", n, dspritesSize, dspritesSize)
	if h.ShapeString() != want || h.ItemSize() != 1 || h.Kind() != 'u' || h.FortranOrder {
		return fmt.Errorf("%w: %s: imgs has dtype %s and shape %s (Fortran order %v), expected uint8 of shape %s in C order",
			ErrInvalidFile, d.path, h.DType, h.ShapeString(), h.FortranOrder, want)
	}

	const packed = dspritesPixels / 8
	d.bits = make([]byte, n*packed)
	img := make([]byte, dspritesPixels)
	for i := range n {
		if _, err := io.ReadFull(r, img); err != nil {
			return fmt.Errorf("%w: %s: reading image %d of %d: %v; the file is truncated or corrupt", ErrInvalidFile, d.path, i, n, err)
		}
		if !packBits(img, d.bits[int(positions[i])*packed:][:packed]) {
			return fmt.Errorf("%w: %s: image %d has a pixel value other than 0 and 1", ErrInvalidFile, d.path, i)
		}
	}
	return nil
}

// packBits packs pixels of 0 and 1 eight to a byte, pixel p at bit p%8 of
// byte p/8. It reports false if a pixel is neither 0 nor 1.
func packBits(pixels, out []byte) bool {
	for i := range out {
		x := binary.LittleEndian.Uint64(pixels[8*i:])
		if x&0xfefefefefefefefe != 0 {
			return false
		}
		// Byte j of x (0 or 1) lands on bit 56+j of the product: the
		// multiplier has bits 56-7j, and no two partial products share a
		// bit, so nothing carries.
		out[i] = byte(x * 0x0102040810204080 >> 56)
	}
	return true
}

func (d *dspritesFile) Name() string           { return "dsprites" }
func (d *dspritesFile) Factors() []Factor      { return factorsCopy(d.factors) }
func (d *dspritesFile) ImageShape() ImageShape { return ImageShape{dspritesSize, dspritesSize, 1} }
func (d *dspritesFile) Source() string         { return d.path }

// Describe reports the factor values that the file's latents_values holds.
func (d *dspritesFile) Describe() Description {
	desc := Description{
		Summary:   "dSprites images read from the published file " + d.path + ": 64×64 binary images.",
		NumImages: NumPoints(Sizes(d)),
	}
	for j, f := range d.factors {
		desc.FactorValues = append(desc.FactorValues, fmt.Sprintf("%s (%d values)", formatValues(d.values[j]), f.Size))
	}
	return desc
}

// Observe unpacks the images of the factor rows. It draws nothing from rng.
func (d *dspritesFile) Observe(factors []int, _ *rand.Rand, dst []float32) error {
	n, err := checkObservation(d, factors, dst)
	if err != nil {
		return err
	}
	sizes := Sizes(d)
	k := len(sizes)
	const packed = dspritesPixels / 8
	for i := range n {
		g := Index(sizes, factors[i*k:(i+1)*k])
		src := d.bits[g*packed:][:packed]
		out := dst[i*dspritesPixels:][:dspritesPixels]
		for p := range out {
			out[p] = float32(src[p/8] >> (p % 8) & 1)
		}
	}
	return nil
}
