package nn

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromov-monge/gmg/autodiff"
	"github.com/gromov-monge/gmg/tensor"
)

func bits(x []float32) []uint32 {
	out := make([]uint32, len(x))
	for i, v := range x {
		out[i] = math.Float32bits(v)
	}
	return out
}

// TestAdamMatchesPyTorch compares three steps with PyTorch's bits. Generator:
// torch.optim.Adam(lr=1e-2), PyTorch 1.13.0a0 (Debian bookworm
// python3-torch), one thread, the same parameter and gradients as below.
// The five elements are repeated nine times, so that both the vector kernel
// (multiples of eight) and the scalar loop (the last five) compute them.
func TestAdamMatchesPyTorch(t *testing.T) {
	const copies = 9
	repeat := func(x []float32) []float32 {
		var out []float32
		for range copies {
			out = append(out, x...)
		}
		return out
	}
	p := NewParam("p", 5*copies)
	copy(p.Value.Data(), repeat([]float32{0.5, -1.25, 3.0, 1e-3, -7.0}))
	a := NewAdam([]*Param{p}, 1e-2)
	grads := [][]float32{{0.1, -0.2, 0.3, 1e-4, 5.0}, {-0.3, 0.25, 0.0, 2e-4, -4.0}, {0.7, 0.01, -0.5, -1e-3, 3.0}}
	for _, g := range grads {
		copy(p.Grad.Data(), repeat(g))
		a.Step()
	}
	want := map[string][]uint32{
		"param": {0x3efb3bf2, 0xbf9f1d62, 0x403f1c86, 0xbc661502, 0xc0e0703c},
		"m":     {0x3d514e3b, 0x3bef34d5, 0xbcd288cf, 0xb89afac4, 0x3eb0a3d7},
		"v":     {0x3a1aa2da, 0x38d6de7a, 0x39b229e2, 0x30904d7c, 0x3d4c87a0},
	}
	got := map[string][]uint32{"param": bits(p.Value.Data()), "m": bits(a.m[0].Data()), "v": bits(a.v[0].Data())}
	for name, w := range want {
		for i, g := range got[name] {
			if g != w[i%5] {
				t.Errorf("%s[%d] = %#08x (%g), PyTorch %#08x (%g)", name, i, g, math.Float32frombits(g), w[i%5], math.Float32frombits(w[i%5]))
			}
		}
	}
	if a.Steps() != 3 {
		t.Errorf("Steps() = %d, want 3", a.Steps())
	}
}

// TestAdamKernelMatchesGo runs Adam steps with the vector kernel and with
// the Go loop on the same random state, including zero gradients and
// moments, and requires the same bits.
func TestAdamKernelMatchesGo(t *testing.T) {
	if !haveAdamAsm {
		t.Log("no AVX2 and FMA on this CPU: both sides run the Go loop")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 8, 13, 64, 1001} {
		var params [2]*Param
		for k := range params {
			params[k] = NewParam("p", n)
		}
		for i := range n {
			params[0].Value.Data()[i] = float32(rng.NormFloat64())
		}
		copy(params[1].Value.Data(), params[0].Value.Data())
		opts := [2]*Adam{NewAdam(params[:1], 1e-3), NewAdam(params[1:], 1e-3)}
		for step := range 4 {
			for i := range n {
				g := float32(rng.NormFloat64()) * float32(math.Pow(10, float64(rng.IntN(9)-6)))
				if (i+step)%5 == 0 {
					g = 0
				}
				params[0].Grad.Data()[i], params[1].Grad.Data()[i] = g, g
			}
			opts[0].Step()
			saved := haveAdamAsm
			haveAdamAsm = false
			opts[1].Step()
			haveAdamAsm = saved
		}
		for name, pair := range map[string][2][]float32{
			"param": {params[0].Value.Data(), params[1].Value.Data()},
			"m":     {opts[0].m[0].Data(), opts[1].m[0].Data()},
			"v":     {opts[0].v[0].Data(), opts[1].v[0].Data()},
		} {
			for i := range n {
				if math.Float32bits(pair[0][i]) != math.Float32bits(pair[1][i]) {
					t.Fatalf("n=%d %s[%d]: kernel %g, Go loop %g", n, name, i, pair[0][i], pair[1][i])
				}
			}
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	p := NewParam("a", 2)
	q := NewParam("b", 1)
	copy(p.Grad.Data(), []float32{3, 0})
	copy(q.Grad.Data(), []float32{4})
	norm := ClipGradNorm([]*Param{p, q}, 1)
	if norm != 5 {
		t.Fatalf("norm = %g, want 5", norm)
	}
	// Scaled by 1/(5 + 1e-6): float32 of 3/5 and 4/5 up to 1 ulp.
	if g := p.Grad.Data()[0]; math.Abs(float64(g)-0.6) > 1e-6 {
		t.Errorf("clipped gradient %g, want 0.6", g)
	}
	if g := q.Grad.Data()[0]; math.Abs(float64(g)-0.8) > 1e-6 {
		t.Errorf("clipped gradient %g, want 0.8", g)
	}
	norm = ClipGradNorm([]*Param{p, q}, 10)
	if math.Abs(norm-1) > 1e-6 || p.Grad.Data()[0] != float32(3/(5+1e-6)) {
		t.Errorf("a norm below the limit changed the gradients: norm %g, grad %g", norm, p.Grad.Data()[0])
	}
}

func TestGlorotUniformRangeAndSeed(t *testing.T) {
	a := tensor.New(64, 32)
	b := tensor.New(64, 32)
	GlorotUniform(a, 64, 32, rand.New(rand.NewPCG(1, 2)))
	GlorotUniform(b, 64, 32, rand.New(rand.NewPCG(1, 2)))
	limit := math.Sqrt(6.0 / 96)
	var sumSq float64
	for i, v := range a.Data() {
		if math.Abs(float64(v)) > limit {
			t.Fatalf("value %g outside ±%g", v, limit)
		}
		if v != b.Data()[i] {
			t.Fatal("same seed gave different values")
		}
		sumSq += float64(v) * float64(v)
	}
	// The variance of U(−l, l) is l²/3; 2048 draws estimate it within a few
	// percent (standard error of the mean of v² is about 2.4% here).
	if v := sumSq / 2048; math.Abs(v-limit*limit/3) > 0.1*limit*limit/3 {
		t.Errorf("variance %g, want %g", v, limit*limit/3)
	}
}

// model returns a small network's parameters and an optimiser after two
// steps, so that moments and step are non-trivial.
func trainedModel(t *testing.T, seed uint64) ([]*Param, *Adam) {
	rng := rand.New(rand.NewPCG(seed, seed))
	conv := NewConv2D("enc.conv", 2, 3, 3, autodiff.ConvOptions{Stride: 2, Padding: autodiff.Padding{Same: true}, Activation: autodiff.ReLUActivation}, rng)
	lin := NewLinear("enc.fc", 3*3*3, 4, autodiff.NoActivation, rng)
	params := append(conv.Params(), lin.Params()...)
	opt := NewAdam(params, 1e-3)
	x := tensor.New(2, 5, 5, 2)
	for i := range x.Data() {
		x.Data()[i] = float32(rng.NormFloat64())
	}
	tp := autodiff.NewTape(tensor.GoBLAS())
	for range 2 {
		tp.Reset()
		h := conv.Forward(tp, tp.Const(x))
		y := lin.Forward(tp, tp.Reshape(h, 2, -1))
		if err := tp.Backward(tp.Sum(tp.Square(y))); err != nil {
			t.Fatal(err)
		}
		opt.Step()
	}
	return params, opt
}

func TestCheckpointRoundTripBitIdentical(t *testing.T) {
	params, opt := trainedModel(t, 1)
	pcg := rand.NewPCG(7, 8)
	rand.New(pcg).Uint64()
	prefix := filepath.Join(t.TempDir(), "ckpt")
	cfg := json.RawMessage(`{"beta":4}`)
	if err := SaveCheckpoint(prefix, &Checkpoint{Params: params, Optimizer: opt, RNG: pcg, Step: 2, Config: cfg}); err != nil {
		t.Fatal(err)
	}

	params2, opt2 := trainedModel(t, 99)
	pcg2 := rand.NewPCG(0, 0)
	c := &Checkpoint{Params: params2, Optimizer: opt2, RNG: pcg2}
	if err := LoadCheckpoint(prefix, c); err != nil {
		t.Fatal(err)
	}
	for i := range params {
		if a, b := bits(params[i].Value.Data()), bits(params2[i].Value.Data()); !equalU32(a, b) {
			t.Errorf("parameter %s differs after load", params[i].Name)
		}
		if !equalU32(bits(opt.m[i].Data()), bits(opt2.m[i].Data())) || !equalU32(bits(opt.v[i].Data()), bits(opt2.v[i].Data())) {
			t.Errorf("moments of %s differ after load", params[i].Name)
		}
	}
	if opt2.Steps() != 2 || c.Step != 2 || string(c.Config) != string(cfg) {
		t.Errorf("step %d, optimiser step %d, config %s", c.Step, opt2.Steps(), c.Config)
	}
	if rand.New(pcg).Uint64() != rand.New(pcg2).Uint64() {
		t.Error("RNG state differs after load")
	}
}

func equalU32(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCheckpointCorruptionNamesFile(t *testing.T) {
	params, opt := trainedModel(t, 2)
	dir := t.TempDir()
	prefix := filepath.Join(dir, "ckpt")
	if err := SaveCheckpoint(prefix, &Checkpoint{Params: params, Optimizer: opt}); err != nil {
		t.Fatal(err)
	}
	weights, err := os.ReadFile(prefix + ".safetensors")
	if err != nil {
		t.Fatal(err)
	}
	meta, err := os.ReadFile(prefix + ".json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, file string
		data       []byte
	}{
		{"weights truncated", ".safetensors", weights[:len(weights)/2]},
		{"weights empty", ".safetensors", nil},
		{"weights byte flipped", ".safetensors", flip(weights, len(weights)-3)},
		{"json truncated", ".json", meta[:len(meta)/2]},
		{"json wrong format", ".json", []byte(strings.Replace(string(meta), checkpointFormat, "other", 1))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "ckpt")
			w, m := weights, meta
			if c.file == ".safetensors" {
				w = c.data
			} else {
				m = c.data
			}
			os.WriteFile(p+".safetensors", w, 0o644)
			os.WriteFile(p+".json", m, 0o644)
			fresh, opt2 := trainedModel(t, 3)
			before := bits(fresh[0].Value.Data())
			err := LoadCheckpoint(p, &Checkpoint{Params: fresh, Optimizer: opt2})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v, want ErrCorrupt", err)
			}
			if !strings.Contains(err.Error(), p+c.file) {
				t.Errorf("error %q does not name %s", err, p+c.file)
			}
			if !equalU32(before, bits(fresh[0].Value.Data())) {
				t.Error("a failed load changed the parameters")
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x40
	return out
}

func TestReadSafetensorsCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := WriteSafetensors(path, []string{"a", "b"}, []*tensor.Tensor{tensor.New(2, 3), tensor.New(4)}, nil); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	for cut := 0; cut < len(good); cut++ {
		if err := os.WriteFile(path, good[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ReadSafetensors(path); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
			t.Fatalf("truncated to %d bytes: error %v, want ErrCorrupt naming the file", cut, err)
		}
	}
}

func FuzzReadSafetensors(f *testing.F) {
	path := filepath.Join(f.TempDir(), "seed.safetensors")
	if err := WriteSafetensors(path, []string{"w"}, []*tensor.Tensor{tensor.FromSlice([]float32{1, 2, 3}, 3)}, map[string]string{"k": "v"}); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add([]byte{})
	f.Add([]byte{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '})
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, _, err := parseSafetensors(data)
		if err != nil {
			return
		}
		for name, v := range ts {
			if v.Len()*4 > len(data) {
				t.Fatalf("tensor %q has %d values from %d bytes", name, v.Len(), len(data))
			}
		}
	})
}
