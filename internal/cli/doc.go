// Package cli implements the gmg command line. Each subcommand lives in its own
// file and registers itself with register in an init function; Main dispatches on
// the first argument.
//
// The CLI owns all output: results go to standard output (tables, or JSON with
// --json), progress bars and diagnostics go to standard error, and bars are drawn
// only when standard error is a terminal. Library packages report progress through
// callbacks that the subcommands turn into bars.
package cli
