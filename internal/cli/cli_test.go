package cli

import (
	"strings"
	"testing"
)

func TestUnknownCommandIsShort(t *testing.T) {
	for _, args := range [][]string{{"foo"}, {"help", "foo"}} {
		status, stdout, stderr := runCommand(t, args...)
		if status != 2 {
			t.Errorf("gmg %s: exit status %d, want 2", strings.Join(args, " "), status)
		}
		if stdout != "" {
			t.Errorf("gmg %s: stdout %q, want nothing", strings.Join(args, " "), stdout)
		}
		want := "gmg: unknown command \"foo\"\nRun 'gmg help' for the list of commands.\n"
		if stderr != want {
			t.Errorf("gmg %s: stderr %q, want %q", strings.Join(args, " "), stderr, want)
		}
	}
}
