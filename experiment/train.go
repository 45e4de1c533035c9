package experiment

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/gromov-monge/gmg/vae"
)

// ErrInterrupted is returned, wrapped together with the context's error, by
// Train when its context is cancelled. The run was checkpointed first.
var ErrInterrupted = errors.New("experiment: training interrupted")

// Progress describes one finished training step.
type Progress struct {
	// Stats are the step's loss terms; Stats.Terms is valid only during the
	// callback.
	Stats vae.Stats
	// Steps is the run's step budget and StartStep the step this session
	// started from (0, or the checkpoint it resumed).
	Steps, StartStep int64
	// Elapsed is the wall-clock time since this session started training.
	Elapsed time.Duration
	// Line is the JSON object written to log.jsonl for this step, without
	// the newline, or nil when the step was not logged. Valid only during
	// the callback.
	Line []byte
}

// TrainOptions are the callbacks of Train; nil fields are skipped.
type TrainOptions struct {
	// Progress is called after every step.
	Progress func(Progress)
	// Evaluate is called after every Config.EvalEvery steps, except after
	// the last step, which the caller evaluates once training returns. An
	// error stops training.
	Evaluate func(ctx context.Context, step int64) error
}

// Train runs the trainer up to Config.Steps. It appends a line to
// log.jsonl every Config.LogEvery steps and at the last step, checkpoints
// every Config.CheckpointEvery steps and at the end, and calls the
// callbacks. When ctx is cancelled it checkpoints the current step and
// returns an error wrapping ErrInterrupted and ctx.Err(). When a step fails,
// for example with a NaN loss (vae.ErrNonFinite), it returns that error
// naming the last good checkpoint and saves nothing, so the checkpoint
// stays the last good state.
func (r *Run) Train(ctx context.Context, opts TrainOptions) error {
	cfg, tr := r.Config, r.Trainer
	logFile, err := os.OpenFile(filepath.Join(r.Dir, LogFile), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	defer logFile.Close()
	log := bufio.NewWriter(logFile)

	start := time.Now()
	startStep := tr.Steps()
	baseSeconds := r.checkpoint.TrainSeconds
	lastLogStep, lastLogTime := startStep, start
	var line []byte
	trainSeconds := func() float64 { return baseSeconds + time.Since(start).Seconds() }
	r.logger.Info("training", "run", r.Dir, "from_step", startStep, "steps", cfg.Steps)

	for tr.Steps() < cfg.Steps {
		if ctx.Err() != nil {
			if err := r.Checkpoint(trainSeconds()); err != nil {
				return fmt.Errorf("%w at step %d, and the checkpoint failed: %w", ErrInterrupted, tr.Steps(), err)
			}
			return fmt.Errorf("%w at step %d; checkpoint saved in %s: %w", ErrInterrupted, tr.Steps(), r.Dir, ctx.Err())
		}

		st, err := tr.Step()
		if err != nil {
			log.Flush()
			r.logger.Error("training step failed", "run", r.Dir, "error", err, "last_checkpoint", r.checkpoint.Step)
			return fmt.Errorf("%w; the last good checkpoint is step %d in %s", err, max(r.checkpoint.Step, 0), r.Dir)
		}

		line = line[:0]
		if st.Step%cfg.LogEvery == 0 || st.Step == cfg.Steps {
			now := time.Now()
			rate := 0.0
			if dt := now.Sub(lastLogTime).Seconds(); dt > 0 {
				rate = float64(st.Step-lastLogStep) / dt
			}
			lastLogStep, lastLogTime = st.Step, now
			line = appendLogLine(line, st, trainSeconds(), rate)
			log.Write(line)
			log.WriteByte('\n')
			if err := log.Flush(); err != nil {
				return fmt.Errorf("experiment: writing %s: %w", LogFile, err)
			}
		}
		if opts.Progress != nil {
			p := Progress{Stats: st, Steps: cfg.Steps, StartStep: startStep, Elapsed: time.Since(start)}
			if len(line) > 0 {
				p.Line = line
			}
			opts.Progress(p)
		}

		if cfg.CheckpointEvery > 0 && st.Step%cfg.CheckpointEvery == 0 {
			if err := r.Checkpoint(trainSeconds()); err != nil {
				return err
			}
		}
		if cfg.EvalEvery > 0 && st.Step%cfg.EvalEvery == 0 && st.Step < cfg.Steps && opts.Evaluate != nil {
			// Evaluation time does not count as training time.
			evalStart := time.Now()
			if err := opts.Evaluate(ctx, st.Step); err != nil {
				return err
			}
			start = start.Add(time.Since(evalStart))
			lastLogTime = lastLogTime.Add(time.Since(evalStart))
		}
	}
	return r.Checkpoint(trainSeconds())
}

// appendLogLine appends the JSON object of one log line: step, training
// time, steps per second since the previous line, then the loss terms in
// their order.
func appendLogLine(b []byte, st vae.Stats, seconds, rate float64) []byte {
	b = append(b, `{"step":`...)
	b = strconv.AppendInt(b, st.Step, 10)
	b = append(b, `,"time_s":`...)
	b = strconv.AppendFloat(b, seconds, 'f', 3, 64)
	b = append(b, `,"steps_per_s":`...)
	b = strconv.AppendFloat(b, rate, 'f', 3, 64)
	for _, t := range st.Terms {
		b = append(b, ',', '"')
		b = append(b, t.Name...)
		b = append(b, '"', ':')
		b = strconv.AppendFloat(b, t.Value, 'g', -1, 64)
	}
	return append(b, '}')
}

// LogEntry is one line of log.jsonl.
type LogEntry struct {
	// Step is the number of steps finished.
	Step int64
	// Seconds is the training time up to the step, over all sessions.
	Seconds float64
	// StepsPerSecond is the training speed since the previous line.
	StepsPerSecond float64
	// Terms are the step's loss terms in the order they were logged.
	Terms []vae.Term
}

// Value returns the value of the term called name and whether it exists.
func (e LogEntry) Value(name string) (float64, bool) {
	return vae.Stats{Terms: e.Terms}.Value(name)
}

// ReadLog returns the entries of the log.jsonl of the run in dir, in file
// order. A missing log gives no entries; a malformed line is an error
// naming its number.
func ReadLog(dir string) ([]LogEntry, error) {
	raw, err := os.ReadFile(filepath.Join(dir, LogFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	var entries []LogEntry
	number := 0
	for line := range bytes.Lines(raw) {
		number++
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		e, err := parseLogLine(line)
		if err != nil {
			return nil, fmt.Errorf("experiment: %s line %d: %w", filepath.Join(dir, LogFile), number, err)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// parseLogLine reads one log object, keeping the order of its terms.
func parseLogLine(line []byte) (LogEntry, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return LogEntry{}, fmt.Errorf("not a JSON object")
	}
	var e LogEntry
	hasStep := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return LogEntry{}, err
		}
		value, err := dec.Token()
		if err != nil {
			return LogEntry{}, err
		}
		num, ok := value.(json.Number)
		if !ok {
			return LogEntry{}, fmt.Errorf("value of %q is %v, not a number", key, value)
		}
		name := key.(string)
		switch name {
		case "step":
			e.Step, err = num.Int64()
			hasStep = true
		case "time_s":
			e.Seconds, err = num.Float64()
		case "steps_per_s":
			e.StepsPerSecond, err = num.Float64()
		default:
			var v float64
			v, err = num.Float64()
			e.Terms = append(e.Terms, vae.Term{Name: name, Value: v})
		}
		if err != nil {
			return LogEntry{}, fmt.Errorf("%q: %w", name, err)
		}
	}
	if _, err := dec.Token(); err != nil && err != io.EOF {
		return LogEntry{}, err
	}
	if !hasStep {
		return LogEntry{}, fmt.Errorf("no step")
	}
	return e, nil
}
