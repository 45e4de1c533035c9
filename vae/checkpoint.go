package vae

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/gromov-monge/gmg/nn"
)

// ErrCheckpointMismatch is returned, wrapped, by Trainer.Load for a
// checkpoint of another configuration.
var ErrCheckpointMismatch = errors.New("vae: checkpoint does not match the trainer")

// DiscriminatorSuffix is appended to a checkpoint prefix for the files of
// FactorVAE's discriminator.
const DiscriminatorSuffix = "-discriminator"

// trainerState is the caller part of a checkpoint's JSON: the configuration
// and the two random streams. The step and the Adam state are nn's fields.
type trainerState struct {
	Config   Config `json:"config"`
	DataRNG  []byte `json:"data_rng"`
	NoiseRNG []byte `json:"noise_rng"`
}

// Save writes the trainer's state to prefix.safetensors and prefix.json
// (nn.SaveCheckpoint's format, with the configuration and both random
// streams in its config field), and for FactorVAE the discriminator and its
// optimiser to prefix-discriminator.safetensors and .json. Each file is
// written atomically, but a crash between files can leave files of two
// saves under one prefix. Callers that overwrite checkpoints should
// therefore save to a new prefix and then record it, as package experiment
// does. Save returns
// an error wrapping ErrNonFinite, and writes nothing, when a parameter is
// NaN or ±Inf.
func (t *Trainer) Save(prefix string) error {
	params := t.model.Params()
	if t.disc != nil {
		params = append(params, t.disc.Params()...)
	}
	for _, p := range params {
		if p.Value.HasNaN() {
			return fmt.Errorf("%w: step %d: parameter %s has NaN or infinite values; not saved", ErrNonFinite, t.step, p.Name)
		}
	}
	state, err := t.marshalState()
	if err != nil {
		return err
	}
	if t.disc != nil {
		disc := &nn.Checkpoint{Params: t.disc.Params(), Optimizer: t.discOpt, Step: t.step}
		if err := nn.SaveCheckpoint(prefix+DiscriminatorSuffix, disc); err != nil {
			return err
		}
	}
	return nn.SaveCheckpoint(prefix, &nn.Checkpoint{Params: t.model.Params(), Optimizer: t.opt, Step: t.step, Config: state})
}

func (t *Trainer) marshalState() ([]byte, error) {
	dataRNG, err := t.dataSource.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("vae: data stream state: %w", err)
	}
	noiseRNG, err := t.noiseSource.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("vae: noise stream state: %w", err)
	}
	return json.Marshal(trainerState{Config: t.cfg, DataRNG: dataRNG, NoiseRNG: noiseRNG})
}

// Load restores a state written by Save: parameters, Adam moments, step and
// both random streams, so that the following Steps are bit-identical to
// those of the trainer that saved it (for the same BLAS backend). The
// checkpoint's configuration must equal the trainer's, else the error wraps
// ErrCheckpointMismatch. Errors of the files themselves wrap nn.ErrCorrupt.
// After an error the trainer may hold part of the checkpoint and should not
// be used.
func (t *Trainer) Load(prefix string) error {
	raw, err := os.ReadFile(prefix + ".json")
	if err != nil {
		return fmt.Errorf("vae: read checkpoint: %w", err)
	}
	var outer struct {
		Config json.RawMessage `json:"config"`
	}
	var state trainerState
	if err := json.Unmarshal(raw, &outer); err != nil {
		return fmt.Errorf("%w %s.json: %v", nn.ErrCorrupt, prefix, err)
	}
	if err := json.Unmarshal(outer.Config, &state); err != nil {
		return fmt.Errorf("%w %s.json: trainer state: %v", nn.ErrCorrupt, prefix, err)
	}
	if state.Config != t.cfg {
		saved, _ := json.Marshal(state.Config)
		want, _ := json.Marshal(t.cfg)
		return fmt.Errorf("%w: %s.json was saved with config %s, the trainer has %s", ErrCheckpointMismatch, prefix, saved, want)
	}
	if err := t.dataSource.UnmarshalBinary(state.DataRNG); err != nil {
		return fmt.Errorf("%w %s.json: data stream state: %v", nn.ErrCorrupt, prefix, err)
	}
	if err := t.noiseSource.UnmarshalBinary(state.NoiseRNG); err != nil {
		return fmt.Errorf("%w %s.json: noise stream state: %v", nn.ErrCorrupt, prefix, err)
	}

	c := &nn.Checkpoint{Params: t.model.Params(), Optimizer: t.opt}
	if err := nn.LoadCheckpoint(prefix, c); err != nil {
		return err
	}
	if t.disc != nil {
		d := &nn.Checkpoint{Params: t.disc.Params(), Optimizer: t.discOpt}
		if err := nn.LoadCheckpoint(prefix+DiscriminatorSuffix, d); err != nil {
			return err
		}
		if d.Step != c.Step {
			return fmt.Errorf("%w %s: discriminator saved at step %d, model at step %d", nn.ErrCorrupt, prefix+DiscriminatorSuffix, d.Step, c.Step)
		}
	}
	t.step = c.Step
	return nil
}
