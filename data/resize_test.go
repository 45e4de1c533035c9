package data

import (
	"fmt"
	"testing"

	"github.com/gromov-monge/gmg/internal/npy"
)

// lanczosTestImage is test_image() of testdata/lanczos_gen.py: hashed noise,
// a gradient and 0/255 stripes in three vertical bands, [h, w, c] row-major.
func lanczosTestImage(h, w, c int) []uint8 {
	img := make([]uint8, 0, h*w*c)
	for y := range h {
		for x := range w {
			for k := range c {
				var v int
				switch (3 * x) / w {
				case 0:
					v = ((x * 73856093) ^ (y * 19349663) ^ (k * 83492791)) % 256
				case 1:
					v = (2*x + 3*y + 40*k) % 256
				default:
					v = 255
					if (x/3+y/5+k)%2 == 0 {
						v = 0
					}
				}
				img = append(img, uint8(v))
			}
		}
	}
	return img
}

// TestLanczosMatchesPillow compares with Image.resize(..., Image.LANCZOS) of
// Pillow 9.4.0 (Debian bookworm), stored by testdata/lanczos_gen.py. The
// match must be exact: disentanglement_lib's images are Pillow's.
func TestLanczosMatchesPillow(t *testing.T) {
	tests := []struct {
		name                string
		h, w, c, outW, outH int
		int32Path           bool
	}{
		{"grey96", 96, 96, 1, 64, 64, false},
		{"rgb96", 96, 96, 3, 64, 64, false},
		{"grey128", 128, 128, 1, 64, 64, false},
		{"rgb128", 128, 128, 3, 64, 64, false},
		{"int96", 96, 96, 1, 64, 64, true},
		{"rgb23x37", 23, 37, 3, 16, 29, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := npy.ReadFile(fmt.Sprintf("testdata/lanczos_%s.npy", tt.name))
			if err != nil {
				t.Fatal(err)
			}
			if want := []int{tt.outH, tt.outW, tt.c}; fmt.Sprint(ref.Header.Shape) != fmt.Sprint(want) {
				t.Fatalf("reference shape %v, want %v", ref.Header.Shape, want)
			}
			want, err := ref.Int64()
			if err != nil {
				t.Fatal(err)
			}
			r := newLanczosResizer(tt.w, tt.h, tt.outW, tt.outH, tt.c)
			src := lanczosTestImage(tt.h, tt.w, tt.c)
			got := make([]int64, len(want))
			if tt.int32Path {
				out := make([]int32, len(want))
				r.resizeInt32(src, out)
				for i, v := range out {
					got[i] = int64(v)
				}
			} else {
				out := make([]uint8, len(want))
				r.resizeUint8(src, out)
				for i, v := range out {
					got[i] = int64(v)
				}
			}
			bad := 0
			for i := range want {
				if got[i] != want[i] {
					if bad < 5 {
						t.Errorf("value %d (row %d, column %d, channel %d) = %d, Pillow %d",
							i, i/(tt.outW*tt.c), i/tt.c%tt.outW, i%tt.c, got[i], want[i])
					}
					bad++
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d values differ from Pillow", bad, len(want))
			}
		})
	}
}

// BenchmarkLanczosResize measures one image of each reader's resize:
// SmallNORB's 96×96 grey (mode I arithmetic) and Cars3D's 128×128 RGB
// (8-bit arithmetic).
func BenchmarkLanczosResize(b *testing.B) {
	b.Run("smallnorb/96x96x1", func(b *testing.B) {
		r := newLanczosResizer(96, 96, 64, 64, 1)
		src := lanczosTestImage(96, 96, 1)
		dst := make([]uint8, 64*64)
		for b.Loop() {
			resizeNORB(r, src, dst)
		}
	})
	b.Run("cars3d/128x128x3", func(b *testing.B) {
		r := newLanczosResizer(128, 128, 64, 64, 3)
		src := lanczosTestImage(128, 128, 3)
		dst := make([]uint8, 64*64*3)
		for b.Loop() {
			r.resizeUint8(src, dst)
		}
	})
}
