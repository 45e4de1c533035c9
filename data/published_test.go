package data

import (
	"reflect"
	"strings"
	"testing"
)

// TestPixelScaleMatchesFloat32Division checks that one table serves all
// readers. disentanglement_lib divides Cars3D and SmallNORB pixels by 255 in
// float64 and casts to float32, but Shapes3D pixels in float32; both give
// the same float32 for every byte.
func TestPixelScaleMatchesFloat32Division(t *testing.T) {
	for v := range 256 {
		if f32 := float32(v) / float32(255); pixelScale[v] != f32 {
			t.Errorf("byte %d: float64 path %v, float32 path %v", v, pixelScale[v], f32)
		}
	}
	if pixelScale[0] != 0 || pixelScale[255] != 1 {
		t.Errorf("pixelScale[0], [255] = %v, %v, want 0, 1", pixelScale[0], pixelScale[255])
	}
}

func TestValueGrid(t *testing.T) {
	// Values computed in floating point: 0.1·3 is 0.30000000000000004.
	column := []float64{0.1 * 3, 0, 0.3, 0.9, 0.1, 0}
	idx, values, err := valueGrid(column, 4)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 0, 2, 3, 1, 0}; !reflect.DeepEqual(idx, want) {
		t.Errorf("index = %v, want %v", idx, want)
	}
	if len(values) != 4 || values[0] != 0 || values[3] != 0.9 {
		t.Errorf("values = %v, want 0, 0.1, 0.3, 0.9", values)
	}

	_, _, err = valueGrid(column, 5)
	if err == nil || !strings.Contains(err.Error(), "4 distinct values (0, 0.1, 0.3, 0.9), expected 5") {
		t.Errorf("size 5: error = %v, want one listing the 4 values found", err)
	}
}

func TestGridPositions(t *testing.T) {
	sizes := []int{2, 3}
	rows := []int{1, 2, 0, 0, 1, 0, 0, 2, 1, 1, 0, 1}
	got, err := gridPositions(sizes, rows)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int32{5, 0, 3, 2, 4, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("positions = %v, want %v", got, want)
	}
	rows[10] = 1 // repeats row 4 = (1, 1)
	if _, err := gridPositions(sizes, rows); err == nil || !strings.Contains(err.Error(), "image 5 repeats") {
		t.Errorf("repeated row: error = %v", err)
	}
	if _, err := gridPositions(sizes, rows[:10]); err == nil {
		t.Error("5 rows for 6 grid points: no error")
	}
}

// TestReaderGridRoundTrip opens each reader on its small test files and
// checks Index ∘ FactorsAt over the whole grid, and that each reader reports
// a factor list matching its sizes.
func TestReaderGridRoundTrip(t *testing.T) {
	dsprites, err := readDSpritesFile(writeNPZ(t, newDSpritesFixture(smallDSpritesFactors, 7).arrays, true), smallDSpritesFactors)
	if err != nil {
		t.Fatal(err)
	}
	shapes, err := readShapes3DFile("testdata/shapes3d_chunked.h5", smallShapes3DFactors)
	if err != nil {
		t.Fatal(err)
	}
	norbDir := t.TempDir()
	writeNORB(t, norbDir, norbTestExamples(7), false)
	norb, err := readSmallNORB(norbDir, smallNORBTestLayout)
	if err != nil {
		t.Fatal(err)
	}
	cars, err := readCars3D("testdata/cars3d", smallCars3DLayout)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		d     Dataset
		sizes []int
	}{
		{dsprites, []int{3, 2, 2, 2, 2}},
		{shapes, []int{2, 1, 1, 1, 2, 2}},
		{norb, []int{2, 2, 2, 1}},
		{cars, []int{2, 3, 2}},
	}
	for _, tt := range tests {
		sizes := Sizes(tt.d)
		if !reflect.DeepEqual(sizes, tt.sizes) {
			t.Errorf("%s: sizes %v, want %v", tt.d.Name(), sizes, tt.sizes)
		}
		row := make([]int, len(sizes))
		for g := range NumPoints(sizes) {
			FactorsAt(sizes, g, row)
			if back := Index(sizes, row); back != g {
				t.Errorf("%s: Index(FactorsAt(%d)) = %d", tt.d.Name(), g, back)
			}
		}
		if _, ok := tt.d.(Describer); !ok {
			t.Errorf("%s reader does not describe itself", tt.d.Name())
		}
	}
}
