package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// command is one gmg subcommand.
type command struct {
	// name is the word that selects the command, e.g. "gw".
	name string
	// summary is a one-line description for "gmg help".
	summary string
	// run executes the command with the arguments that follow its name.
	run func(e *env, args []string) error
}

var commands = map[string]*command{}

// register adds c to the command table. It panics on a duplicate name, which is
// a programming error caught by any test that imports the package.
func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("cli: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// env carries what a command may touch: its output streams, whether standard
// error is a terminal (progress bars are drawn only then), and a context that is
// cancelled on SIGINT or SIGTERM.
type env struct {
	ctx      context.Context
	stdout   io.Writer
	stderr   io.Writer
	terminal bool
}

// usageError marks an error in the command line itself; Main exits with status 2
// for it and 1 for every other error.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// Main runs gmg with the given arguments (without the program name) and returns
// the process exit status: 0 on success, 1 when the command failed, 2 when the
// command line was invalid.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{
		ctx:      ctx,
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		terminal: term.IsTerminal(int(os.Stderr.Fd())),
	}
	return run(e, args)
}

// run dispatches args to a registered command and maps its error to an exit status.
func run(e *env, args []string) int {
	if len(args) == 0 {
		printCommands(e.stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return exitStatus(e, c.name, c.run(e, []string{"-help"}))
			}
			fmt.Fprintf(e.stderr, "gmg: unknown command %q\nRun 'gmg help' for the list of commands.\n", args[1])
			return 2
		}
		printCommands(e.stdout)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.stderr, "gmg: unknown command %q\nRun 'gmg help' for the list of commands.\n", name)
		return 2
	}
	return exitStatus(e, c.name, c.run(e, args[1:]))
}

// exitStatus prints err (if any) and returns the matching exit status.
func exitStatus(e *env, name string, err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(*usageError)):
		fmt.Fprintf(e.stderr, "gmg %s: %v\nRun 'gmg help %s' for usage.\n", name, err, name)
		return 2
	default:
		fmt.Fprintf(e.stderr, "gmg %s: %v\n", name, err)
		return 1
	}
}

// printCommands writes the list of commands with their summaries.
func printCommands(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "gmg: Gromov-Wasserstein, Gromov-Monge gap and disentangled representation learning.")
	fmt.Fprintln(w, "\nUsage:\n  gmg COMMAND [flags]\n\nCommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'gmg help COMMAND' for the flags of one command.")
}

// newFlagSet returns a flag set whose usage text shows synopsis, then the
// description, then every flag with its default. Parsing errors are returned,
// not printed twice.
func newFlagSet(e *env, name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage:\n  %s\n\n%s\n", synopsis, strings.TrimSpace(description))
		numFlags := 0
		fs.VisitAll(func(*flag.Flag) { numFlags++ })
		if numFlags > 0 {
			fmt.Fprintf(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args with fs and rejects positional arguments: every gmg
// command takes its inputs as flags.
func parseFlags(fs *flag.FlagSet, args []string) error {
	// The flag package prints the whole help after a parse error. Main prints
	// the error alone with a pointer to 'gmg help', which is easier to read.
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
			return err
		}
		return &usageError{msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (all inputs are given as flags)", fs.Arg(0))
	}
	return nil
}

// choice checks that value is one of valid for the flag named flagName and
// returns a usage error listing the valid values otherwise.
func choice(flagName, value string, valid ...string) error {
	for _, v := range valid {
		if value == v {
			return nil
		}
	}
	return usagef("invalid --%s %q: valid values are %s", flagName, value, strings.Join(valid, ", "))
}
