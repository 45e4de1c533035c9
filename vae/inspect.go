package vae

import (
	"fmt"
	"math"
	"sort"

	"github.com/gromov-monge/gmg/metrics"
	"github.com/gromov-monge/gmg/tensor"
)

// evalBatch is the largest number of images one encoder or decoder pass
// takes outside training; larger requests are split.
const evalBatch = 64

// Encode writes the posterior means and log-variances of the n images in
// images (NHWC, [n, h, w, c], values in [0, 1]) into mean and logVar, both
// [n, latent]. logVar may be nil. Encode runs on the trainer's evaluation
// tape, so it does not disturb training. It panics if a slice has the
// wrong length.
func (t *Trainer) Encode(images []float32, n int, mean, logVar []float32) {
	a := t.model.Arch
	size, d := a.Height*a.Width*a.Channels, a.Latent
	if len(images) != n*size || len(mean) != n*d || (logVar != nil && len(logVar) != n*d) {
		panic(fmt.Sprintf("vae: Encode of %d images: %d image values, %d means, %d log-variances; want %d, %d, %d",
			n, len(images), len(mean), len(logVar), n*size, n*d, n*d))
	}
	tp := t.evalTape
	for lo := 0; lo < n; lo += evalBatch {
		hi := min(lo+evalBatch, n)
		tp.Reset()
		x := tensor.Wrap(images[lo*size:hi*size], hi-lo, a.Height, a.Width, a.Channels)
		m, lv := t.model.Encode(tp, tp.Const(x))
		copy(mean[lo*d:hi*d], m.Value.Data())
		if logVar != nil {
			copy(logVar[lo*d:hi*d], lv.Value.Data())
		}
	}
}

// Decode writes the Bernoulli means sigmoid(logits) of the decoder for the
// n latent codes z ([n, latent]) into images ([n, h, w, c]). It panics if a
// slice has the wrong length.
func (t *Trainer) Decode(z []float32, n int, images []float32) {
	a := t.model.Arch
	size, d := a.Height*a.Width*a.Channels, a.Latent
	if len(z) != n*d || len(images) != n*size {
		panic(fmt.Sprintf("vae: Decode of %d codes: %d code values and %d image values, want %d and %d", n, len(z), len(images), n*d, n*size))
	}
	tp := t.evalTape
	for lo := 0; lo < n; lo += evalBatch {
		hi := min(lo+evalBatch, n)
		tp.Reset()
		logits := t.model.Decode(tp, tp.Const(tensor.Wrap(z[lo*d:hi*d], hi-lo, d)))
		copy(images[lo*size:hi*size], tp.Sigmoid(logits).Value.Data())
	}
}

// Reconstruct writes the reconstructions of the n images, the decoded
// posterior means, into dst ([n, h, w, c]).
func (t *Trainer) Reconstruct(images []float32, n int, dst []float32) {
	mean := make([]float32, n*t.cfg.Latent)
	t.Encode(images, n, mean, nil)
	t.Decode(mean, n, dst)
}

// Representation returns the encoder's posterior mean as the representation
// that package metrics scores.
func (t *Trainer) Representation() metrics.Representation {
	d := t.cfg.Latent
	var mean []float32
	return metrics.Representation{
		NumCodes: d,
		Encode: func(images []float32, n int, dst []float64) error {
			if cap(mean) < n*d {
				mean = make([]float32, n*d)
			}
			mean = mean[:n*d]
			t.Encode(images, n, mean, nil)
			for i, v := range mean {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return fmt.Errorf("%w: code %d of image %d is %g", ErrNonFinite, i%d, i/d, v)
				}
				dst[i] = float64(v)
			}
			return nil
		},
	}
}

// LatentKL returns, for each latent dimension, the mean over the n images of
// KL(q(z_k|x) ‖ N(0, 1)) = ½(μ² + σ² − 1 − log σ²), in nats. Dimensions with
// a KL near zero are unused by the encoder.
func (t *Trainer) LatentKL(images []float32, n int) []float64 {
	d := t.cfg.Latent
	mean, logVar := make([]float32, n*d), make([]float32, n*d)
	t.Encode(images, n, mean, logVar)
	kl := make([]float64, d)
	for i := range n * d {
		m, lv := float64(mean[i]), float64(logVar[i])
		kl[i%d] += 0.5 * (m*m + math.Exp(lv) - 1 - lv)
	}
	for k := range kl {
		kl[k] /= float64(n)
	}
	return kl
}

// Traversal is a latent traversal: the decoded images of a base code with
// one latent dimension at a time set to each of Values.
type Traversal struct {
	// Latents lists the traversed dimensions, by decreasing KL.
	Latents []int
	// KL is the mean KL in nats of each dimension, indexed by dimension.
	KL []float64
	// Values are the values each dimension takes, one image per value.
	Values []float32
	// Images holds len(Latents) rows of len(Values) images, row r for
	// dimension Latents[r]: [rows, values, h, w, c].
	Images []float32
}

// Traverse decodes the posterior mean of base (one image, [h, w, c]) with
// each latent dimension in turn replaced by each of values. It orders the
// rows by the dimensions' mean KL over the n images klImages, largest
// first.
func (t *Trainer) Traverse(base []float32, klImages []float32, n int, values []float32) *Traversal {
	d := t.cfg.Latent
	kl := t.LatentKL(klImages, n)
	order := make([]int, d)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return kl[order[a]] > kl[order[b]] })

	code := make([]float32, d)
	t.Encode(base, 1, code, nil)
	z := make([]float32, 0, d*len(values)*d)
	for _, k := range order {
		for _, v := range values {
			start := len(z)
			z = append(z, code...)
			z[start+k] = v
		}
	}
	size := len(base)
	rows := d * len(values)
	images := make([]float32, rows*size)
	t.Decode(z, rows, images)
	return &Traversal{Latents: order, KL: kl, Values: append([]float32(nil), values...), Images: images}
}
