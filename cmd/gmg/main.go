package main

import (
	"os"

	"github.com/gromov-monge/gmg/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
