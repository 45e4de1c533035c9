package report_test

import (
	"bytes"
	"fmt"

	"github.com/gromov-monge/gmg/report"
)

func ExampleImageGrid() {
	// Two rows of three 8×8 grey images: a dark-to-light ramp in the first
	// row; the second row is left empty.
	g := report.NewImageGrid(2, 3, 8, 8, 1)
	g.RowLabels = []string{"ramp", "empty"}
	for col := range 3 {
		img := make([]float32, 8*8)
		for i := range img {
			img[i] = float32(col) / 2
		}
		if err := g.Set(0, col, img); err != nil {
			fmt.Println(err)
			return
		}
	}

	var png bytes.Buffer
	if err := g.WritePNG(&png); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("PNG of", g.Bounds().Dx(), "×", g.Bounds().Dy(), "pixels")
	// Output: PNG of 75 × 22 pixels
}
