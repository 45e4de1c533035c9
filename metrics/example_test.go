package metrics_test

import (
	"context"
	"fmt"

	"github.com/gromov-monge/gmg/metrics"
)

// ExampleScoreCodes scores a two-code representation in which code 0 encodes
// factor 0 and code 1 encodes factor 1.
func ExampleScoreCodes() {
	const n = 600
	codes := make([]float64, 0, 2*n)
	factors := make([]int, 0, 2*n)
	for i := range n {
		a, b := i%3, (i/3)%4
		codes = append(codes, float64(a)+0.1*float64(i%5), float64(b)-0.1*float64(i%7))
		factors = append(factors, a, b)
	}
	sample, err := metrics.NewSample(codes, factors, 2, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := metrics.Config{NumTrain: 400, NumTest: 200}
	scores, err := metrics.ScoreCodes(context.Background(), sample, []metrics.Metric{metrics.MIGMetric, metrics.DCIMetric}, cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("MIG %.2f\n", scores.MIG.Score)
	fmt.Printf("DCI disentanglement %.2f, completeness %.2f, test accuracy %.2f\n",
		scores.DCI.Disentanglement, scores.DCI.Completeness, scores.DCI.InformativenessTest)
	// Output:
	// MIG 1.00
	// DCI disentanglement 1.00, completeness 1.00, test accuracy 1.00
}
