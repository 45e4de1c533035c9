package nn

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/gromov-monge/gmg/tensor"
)

// checkpointFormat names the JSON layout; LoadCheckpoint rejects others.
const checkpointFormat = "gmg-checkpoint-v1"

// Checkpoint is the state a training run saves and restores.
type Checkpoint struct {
	// Params are the parameters; their values go to the safetensors file.
	// LoadCheckpoint fills them in place, matched by name.
	Params []*Param
	// Optimizer, when not nil, has its moments and step saved and restored.
	// Its parameters must be Params (matched by name).
	Optimizer *Adam
	// RNG, when not nil, has its state saved and restored.
	RNG *rand.PCG
	// Step is the caller's training step.
	Step int64
	// Config is free-form JSON the caller saves with the run, e.g. its
	// hyper-parameters. LoadCheckpoint replaces it with the saved value.
	Config json.RawMessage
}

// checkpointJSON is the layout of PREFIX.json. Moments are little-endian
// float32 bytes, which encoding/json writes as base64, so they round-trip
// bit for bit.
type checkpointJSON struct {
	Format        string           `json:"format"`
	WeightsSHA256 string           `json:"weights_sha256"`
	Step          int64            `json:"step"`
	Adam          *adamJSON        `json:"adam,omitempty"`
	RNG           []byte           `json:"rng,omitempty"`
	Config        json.RawMessage  `json:"config,omitempty"`
	Shapes        map[string][]int `json:"shapes"`
}

type adamJSON struct {
	LR      float64           `json:"lr"`
	Beta1   float64           `json:"beta1"`
	Beta2   float64           `json:"beta2"`
	Epsilon float64           `json:"epsilon"`
	Step    int64             `json:"step"`
	M       map[string][]byte `json:"m"`
	V       map[string][]byte `json:"v"`
}

func float32Bytes(x []float32) []byte {
	b := make([]byte, 0, 4*len(x))
	for _, v := range x {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func bytesToFloat32(dst []float32, b []byte) bool {
	if len(b) != 4*len(dst) {
		return false
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return true
}

// SaveCheckpoint writes c to prefix+".safetensors" and prefix+".json", each
// atomically (temporary file and rename), the weights first.
func SaveCheckpoint(prefix string, c *Checkpoint) error {
	weights := prefix + ".safetensors"
	names := make([]string, len(c.Params))
	shapes := make(map[string][]int, len(c.Params))
	for i, p := range c.Params {
		names[i] = p.Name
		shapes[p.Name] = append([]int{}, p.Value.Shape()...)
	}
	tensors := make([]*tensor.Tensor, len(c.Params))
	for i, p := range c.Params {
		tensors[i] = p.Value
	}
	if err := WriteSafetensors(weights, names, tensors, map[string]string{"format": checkpointFormat}); err != nil {
		return err
	}
	sum, err := fileSHA256(weights)
	if err != nil {
		return fmt.Errorf("nn: checkpoint %s: %w", weights, err)
	}
	js := checkpointJSON{Format: checkpointFormat, WeightsSHA256: sum, Step: c.Step, Config: c.Config, Shapes: shapes}
	if a := c.Optimizer; a != nil {
		aj := &adamJSON{LR: a.LR, Beta1: a.Beta1, Beta2: a.Beta2, Epsilon: a.Epsilon, Step: a.step,
			M: map[string][]byte{}, V: map[string][]byte{}}
		for i, p := range a.params {
			aj.M[p.Name] = float32Bytes(a.m[i].Data())
			aj.V[p.Name] = float32Bytes(a.v[i].Data())
		}
		js.Adam = aj
	}
	if c.RNG != nil {
		state, err := c.RNG.MarshalBinary()
		if err != nil {
			return fmt.Errorf("nn: checkpoint %s.json: RNG state: %w", prefix, err)
		}
		js.RNG = state
	}
	out, err := json.Marshal(js)
	if err != nil {
		return fmt.Errorf("nn: checkpoint %s.json: %w", prefix, err)
	}
	return writeAtomic(prefix+".json", func(w io.Writer) error {
		_, err := w.Write(out)
		return err
	})
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// LoadCheckpoint reads prefix+".safetensors" and prefix+".json" into c. It
// restores the parameter values (every Param must be present with the same
// shape), Step and Config. It also restores the optimiser's moments, step and
// hyper-parameters when c.Optimizer is not nil, and the RNG state when c.RNG
// is not nil. It validates both
// files completely before changing c, so on error c is unchanged. Errors
// name the file; a truncated, malformed or mismatched file wraps ErrCorrupt.
func LoadCheckpoint(prefix string, c *Checkpoint) error {
	weights, jsonPath := prefix+".safetensors", prefix+".json"
	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		return fmt.Errorf("nn: read checkpoint: %w", err)
	}
	var js checkpointJSON
	if err := json.Unmarshal(raw, &js); err != nil {
		return fmt.Errorf("%w %s: %v", ErrCorrupt, jsonPath, err)
	}
	if js.Format != checkpointFormat {
		return fmt.Errorf("%w %s: format %q, want %q", ErrCorrupt, jsonPath, js.Format, checkpointFormat)
	}
	sum, err := fileSHA256(weights)
	if err != nil {
		return fmt.Errorf("nn: read checkpoint: %w", err)
	}
	if sum != js.WeightsSHA256 {
		return fmt.Errorf("%w %s: SHA-256 %s does not match %s, which records %s (a partial save or a modified file)", ErrCorrupt, weights, sum, jsonPath, js.WeightsSHA256)
	}
	ts, _, err := ReadSafetensors(weights)
	if err != nil {
		return err
	}
	for _, p := range c.Params {
		t, ok := ts[p.Name]
		if !ok {
			return fmt.Errorf("%w %s: parameter %q not found", ErrCorrupt, weights, p.Name)
		}
		if !tensor.SameShape(t.Shape(), p.Value.Shape()) {
			return fmt.Errorf("%w %s: parameter %q has shape %v, the model expects %v", ErrCorrupt, weights, p.Name, t.Shape(), p.Value.Shape())
		}
	}
	var rng rand.PCG
	if c.RNG != nil {
		if err := rng.UnmarshalBinary(js.RNG); err != nil {
			return fmt.Errorf("%w %s: RNG state: %v", ErrCorrupt, jsonPath, err)
		}
	}
	var m, v [][]float32
	if a := c.Optimizer; a != nil {
		if js.Adam == nil {
			return fmt.Errorf("%w %s: no optimiser state", ErrCorrupt, jsonPath)
		}
		for i, p := range a.params {
			mi := make([]float32, a.m[i].Len())
			vi := make([]float32, a.v[i].Len())
			if !bytesToFloat32(mi, js.Adam.M[p.Name]) || !bytesToFloat32(vi, js.Adam.V[p.Name]) {
				return fmt.Errorf("%w %s: optimiser moments of %q missing or of the wrong length", ErrCorrupt, jsonPath, p.Name)
			}
			m, v = append(m, mi), append(v, vi)
		}
	}

	for _, p := range c.Params {
		p.Value.CopyFrom(ts[p.Name])
	}
	if c.RNG != nil {
		*c.RNG = rng
	}
	if a := c.Optimizer; a != nil {
		a.LR, a.Beta1, a.Beta2, a.Epsilon, a.step = js.Adam.LR, js.Adam.Beta1, js.Adam.Beta2, js.Adam.Epsilon, js.Adam.Step
		for i := range a.params {
			copy(a.m[i].Data(), m[i])
			copy(a.v[i].Data(), v[i])
		}
	}
	c.Step = js.Step
	c.Config = js.Config
	return nil
}
