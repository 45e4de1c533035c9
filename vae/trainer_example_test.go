package vae_test

import (
	"fmt"

	"github.com/gromov-monge/gmg/data"
	"github.com/gromov-monge/gmg/tensor"
	"github.com/gromov-monge/gmg/vae"
)

// Two steps of β-TCVAE with GMG on the decoder, batch 8, on procedural
// dSprites.
func ExampleTrainer() {
	d, err := data.Open("dsprites", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := vae.DefaultConfig()
	cfg.Objective = vae.BetaTCVAE
	cfg.Beta = 6
	cfg.BatchSize = 8
	tr, err := vae.NewTrainer(cfg, d, tensor.GoBLAS())
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 2 {
		st, err := tr.Step()
		if err != nil {
			fmt.Println(err)
			return
		}
		var names []string
		for _, t := range st.Terms {
			names = append(names, t.Name)
		}
		fmt.Println(st.Step, names)
	}
	// Output:
	// 1 [loss reconstruction kl tc gmg]
	// 2 [loss reconstruction kl tc gmg]
}
