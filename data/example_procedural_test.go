package data_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/gromov-monge/gmg/data"
)

// A procedural dataset needs no download: open it with an empty directory
// and draw a training batch from a seeded source.
func Example_procedural() {
	d, err := data.Open("shapes3d", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	var grid []string
	for _, f := range d.Factors() {
		grid = append(grid, fmt.Sprintf("%s:%d", f.Name, f.Size))
	}
	fmt.Println(strings.Join(grid, " "))

	rng := rand.New(rand.NewPCG(1, 2))
	images, factors, err := data.Batch(d, 8, rng)
	if err != nil {
		fmt.Println(err)
		return
	}
	shape := d.ImageShape()
	fmt.Printf("%d images of %d×%d×%d, %d factor values, source %s\n",
		len(images)/shape.Len(), shape.Height, shape.Width, shape.Channels, len(factors), d.Source())
	// Output:
	// floor_hue:10 wall_hue:10 object_hue:10 scale:8 shape:4 orientation:15
	// 8 images of 64×64×3, 48 factor values, source procedural
}
