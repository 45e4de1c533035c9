package toy_test

import (
	"context"
	"fmt"

	"github.com/gromov-monge/gmg/toy"
)

// Run the study on the ring only, with a short budget, and print the metrics
// of each fitted map. It is not run as a test because it trains three maps.
func ExampleRun() {
	res, err := toy.Run(context.Background(), toy.Config{Steps: 100, Rows: []toy.Row{toy.Ring}})
	if err != nil {
		panic(err)
	}
	for _, m := range res.Rows[0].Methods {
		fmt.Printf("%-4v fit %.3f  DST %.4f  GMG %.4f\n", m.Method, m.Fit, m.DST, m.GMG)
	}
}
