// Package benchutil contains what the benchmark programs under bench/ share:
// medians, timing loops that count heap allocations, the machine's load
// average, and the PyTorch anchor runner.
package benchutil
