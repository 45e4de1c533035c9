package nn

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"

	"github.com/gromov-monge/gmg/internal/atomicfile"
	"github.com/gromov-monge/gmg/tensor"
)

// ErrCorrupt is returned, wrapped with the file name, when a checkpoint or
// safetensors file is truncated or malformed.
var ErrCorrupt = errors.New("nn: corrupt file")

// maxHeader bounds the safetensors JSON header, as the reference
// implementation does (100 MB), so a corrupt length cannot exhaust memory.
const maxHeader = 100 << 20

// tensorEntry is one tensor's record in a safetensors header.
type tensorEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// WriteSafetensors writes the named tensors to path as float32 ("F32")
// safetensors, in the order given, with optional string metadata. The file
// is written to a temporary file in the same directory and renamed into
// place. It returns an error naming path on a duplicate or empty name or an
// I/O failure.
func WriteSafetensors(path string, names []string, tensors []*tensor.Tensor, metadata map[string]string) error {
	if len(names) != len(tensors) {
		return fmt.Errorf("nn: write %s: %d names for %d tensors", path, len(names), len(tensors))
	}
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	var offset int64
	for i, name := range names {
		if name == "" || name == "__metadata__" {
			return fmt.Errorf("nn: write %s: invalid tensor name %q", path, name)
		}
		if _, dup := header[name]; dup {
			return fmt.Errorf("nn: write %s: duplicate tensor name %q", path, name)
		}
		n := int64(tensors[i].Len()) * 4
		header[name] = tensorEntry{DType: "F32", Shape: append([]int{}, tensors[i].Shape()...), DataOffsets: [2]int64{offset, offset + n}}
		offset += n
	}
	js, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("nn: write %s: %v", path, err)
	}
	// Pad the header with spaces to a multiple of 8 bytes, as the format
	// recommends, so the data that follows is aligned.
	for (len(js) % 8) != 0 {
		js = append(js, ' ')
	}
	return writeAtomic(path, func(w io.Writer) error {
		var lenBuf [8]byte
		binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(js)))
		if _, err := w.Write(lenBuf[:]); err != nil {
			return err
		}
		if _, err := w.Write(js); err != nil {
			return err
		}
		buf := make([]byte, 0, 1<<16)
		for _, t := range tensors {
			for _, v := range t.Data() {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
				if len(buf) == cap(buf) {
					if _, err := w.Write(buf); err != nil {
						return err
					}
					buf = buf[:0]
				}
			}
		}
		_, err := w.Write(buf)
		return err
	})
}

// ReadSafetensors reads a safetensors file whose tensors are all float32
// ("F32"). It returns the tensors by name and the header's metadata. A
// truncated or malformed file, or another dtype, is an error wrapping
// ErrCorrupt that names path.
func ReadSafetensors(path string) (map[string]*tensor.Tensor, map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("nn: read %w", err)
	}
	ts, meta, err := parseSafetensors(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w %s: %v", ErrCorrupt, path, err)
	}
	return ts, meta, nil
}

// parseSafetensors decodes a safetensors file held in memory.
func parseSafetensors(data []byte) (map[string]*tensor.Tensor, map[string]string, error) {
	if len(data) < 8 {
		return nil, nil, fmt.Errorf("%d bytes, shorter than the 8-byte header length", len(data))
	}
	hlen := binary.LittleEndian.Uint64(data[:8])
	if hlen > maxHeader || hlen > uint64(len(data)-8) {
		return nil, nil, fmt.Errorf("header length %d exceeds the %d bytes that follow it", hlen, len(data)-8)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data[8:8+hlen], &raw); err != nil {
		return nil, nil, fmt.Errorf("header: %v", err)
	}
	body := data[8+hlen:]
	var meta map[string]string
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &meta); err != nil {
			return nil, nil, fmt.Errorf("header metadata: %v", err)
		}
		delete(raw, "__metadata__")
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make(map[string]*tensor.Tensor, len(raw))
	for _, name := range names {
		var e tensorEntry
		if err := json.Unmarshal(raw[name], &e); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %v", name, err)
		}
		if e.DType != "F32" {
			return nil, nil, fmt.Errorf("tensor %q has dtype %q, only F32 is supported", name, e.DType)
		}
		n := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && n > int64(len(body))/int64(d)) {
				return nil, nil, fmt.Errorf("tensor %q has invalid shape %v for %d data bytes", name, e.Shape, len(body))
			}
			n *= int64(d)
		}
		lo, hi := e.DataOffsets[0], e.DataOffsets[1]
		if lo < 0 || hi < lo || hi > int64(len(body)) || hi-lo != 4*n {
			return nil, nil, fmt.Errorf("tensor %q: data offsets [%d, %d] do not fit shape %v in %d data bytes", name, lo, hi, e.Shape, len(body))
		}
		t := tensor.New(e.Shape...)
		b := body[lo:hi]
		for i := range t.Data() {
			t.Data()[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		out[name] = t
	}
	return out, meta, nil
}

// writeAtomic writes the file at path through write with atomicfile.Write
// and prefixes its errors with the package name.
func writeAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("nn: %w", err)
	}
	return nil
}
