package data

import (
	"math"
	"testing"
)

// spriteStats measures the lit pixels of a 64×64 dSprites image: the bounding
// box size in pixels and the centroid in pixel coordinates (pixel k's centre
// is at k).
type spriteStats struct {
	width, height            int
	centroidX, centroidY     float64
	left, right, top, bottom int // extreme lit columns and rows
}

func measureSprite(img []float32) spriteStats {
	minR, maxR, minC, maxC := 64, -1, 64, -1
	var sumR, sumC, n float64
	for r := range 64 {
		for c := range 64 {
			if img[r*64+c] == 0 {
				continue
			}
			minR, maxR = min(minR, r), max(maxR, r)
			minC, maxC = min(minC, c), max(maxC, c)
			sumR += float64(r)
			sumC += float64(c)
			n++
		}
	}
	return spriteStats{
		width: maxC - minC + 1, height: maxR - minR + 1,
		centroidX: sumC / n, centroidY: sumR / n,
		left: minC, right: maxC, top: minR, bottom: maxR,
	}
}

func TestDSpritesGeometry(t *testing.T) {
	// Sizes and centres as measured on the published images. A shape of
	// width w covers the w or w+1 pixel centres in an interval of length w,
	// so sizes hold within one pixel. The heart's extent along y is within
	// 1.5 pixels because its lobes are round. Centroids of
	// the symmetric square and ellipse are exact to sampling (0.5 pixel);
	// the heart's centroid is the rotation centre within 1 pixel.
	d := openProcedural(t, "dsprites")
	cases := []struct {
		name          string
		shape, scale  int // factor values
		width, height float64
		centreTol     float64
		sizeTol       float64
	}{
		{"square scale 1", 0, 5, 20, 20, 0.5, 1},
		{"square scale 0.5", 0, 0, 10, 10, 0.5, 1},
		{"ellipse scale 1", 1, 5, 26, 14, 0.5, 1},
		{"ellipse scale 0.7", 1, 2, 26 * 0.7, 14 * 0.7, 0.5, 1},
		{"heart scale 1", 2, 5, 20, 17, 1, 1.5},
		{"heart scale 0.5", 2, 0, 10, 8.5, 1, 1.5},
	}
	for _, c := range cases {
		for _, pos := range [][2]int{{0, 0}, {31, 31}, {10, 25}, {16, 3}} {
			img := observeOne(t, d, []int{c.shape, c.scale, 0, pos[0], pos[1]}, 0)
			s := measureSprite(img)
			wantX := 16 + 32*float64(pos[0])/31
			wantY := 16 + 32*float64(pos[1])/31
			if math.Abs(s.centroidX-wantX) > c.centreTol || math.Abs(s.centroidY-wantY) > c.centreTol {
				t.Errorf("%s at pos %v: centroid (%.2f, %.2f), want (%.2f, %.2f)", c.name, pos, s.centroidX, s.centroidY, wantX, wantY)
			}
			if math.Abs(float64(s.width)-c.width) > c.sizeTol {
				t.Errorf("%s at pos %v: width %d px, want %.1f", c.name, pos, s.width, c.width)
			}
			if math.Abs(float64(s.height)-c.height) > c.sizeTol {
				t.Errorf("%s at pos %v: height %d px, want %.1f", c.name, pos, s.height, c.height)
			}
		}
	}
}

func TestDSpritesRotation(t *testing.T) {
	// Orientation 10 is 2π·10/39 ≈ 92.3°. The ellipse is then upright: its
	// 26-pixel axis becomes the height, within 2 pixels for the 2.3° tilt.
	// The heart's tip points down at 0° and right after the counter-clockwise
	// turn.
	d := openProcedural(t, "dsprites")
	e := measureSprite(observeOne(t, d, []int{1, 5, 10, 16, 16}, 0))
	if math.Abs(float64(e.width)-14) > 2 || math.Abs(float64(e.height)-26) > 2 {
		t.Errorf("ellipse at 92°: %d×%d px, want about 14×26", e.width, e.height)
	}
	// The heart's tip is 9.8 pixels from its centroid and its lobes 7.2. So
	// the tip's side reaches 2.6 pixels farther, less a 1-pixel margin for
	// sampling.
	h := measureSprite(observeOne(t, d, []int{2, 5, 10, 16, 16}, 0))
	if tip, lobes := float64(h.right)-h.centroidX, h.centroidX-float64(h.left); tip < lobes+1 {
		t.Errorf("heart at 92°: reaches %.1f px right and %.1f px left of its centroid; want the tip on the right", tip, lobes)
	}
	up := measureSprite(observeOne(t, d, []int{2, 5, 0, 16, 16}, 0))
	if tip, lobes := float64(up.bottom)-up.centroidY, up.centroidY-float64(up.top); tip < lobes+1 {
		t.Errorf("heart at 0°: reaches %.1f px down and %.1f px up from its centroid; want the tip at the bottom", tip, lobes)
	}
}
