package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/gromov-monge/gmg/tensor"
)

// Version is gmg's release version. Builds from a source checkout report it with
// the VCS revision appended when the Go toolchain recorded one.
const Version = "0.1.0-dev"

func init() {
	register(&command{name: "version", summary: "print gmg's version, the Go version and the BLAS backend", run: runVersion})
}

func runVersion(e *env, args []string) error {
	fs := newFlagSet(e, "version", "gmg version", "Print gmg's version, the Go toolchain that built it, and the active BLAS backend.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "gmg %s%s\n", Version, revision())
	fmt.Fprintf(e.stdout, "go  %s %s/%s, %d CPUs\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	blas, err := tensor.DefaultBLAS()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "blas %s, core %s\n", blas.Name(), blas.Core())
	return nil
}

// revision returns " (rev abcdef123456)" when the binary carries VCS build
// information, with "+dirty" for a modified work tree, and "" otherwise.
func revision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return ""
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return " (rev " + rev + dirty + ")"
}
