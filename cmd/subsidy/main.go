// Command subsidy calculates interest-rate subsidies: it serves the web
// calculator and the JSON API (subsidy serve), runs batches and single
// calculations from files, and writes the batch template.
//
// Adding a subcommand: write it in a file of its own, with a run function
// that parses its flags through a cmdline (cli.go: --help, flag style,
// usage errors and --lang come with it) and writes files through
// writeFile (output.go), and register it in that file's init:
//
//	func init() {
//		register(command{name: "claim", summary: "compute a subsidy claim (JSON) into JSON, xlsx or csv", run: runClaim})
//	}
//
// main only dispatches; 'subsidy help' lists the commands in name order.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
)

// command is one subcommand: run gets the arguments after its name.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands is the table of subcommands, filled by register.
var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("subsidy: command " + c.name + " registered twice")
	}
	commands[c.name] = c
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: subsidy <command> [flags] [arguments]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "  help       show a command's help: subsidy help calc")
	fmt.Fprintln(w, "\nRun 'subsidy <command> --help' (or 'subsidy help <command>') for its flags;")
	fmt.Fprintln(w, "'subsidy version' (or --version) prints the version.")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// dispatch runs the command args name and returns the exit status: 0 on
// success and after help, 2 for a usage error, 1 (or the command's own
// status) when the work failed.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		usage(stdout)
		return 0
	case "-version", "--version":
		name = "version"
	case "help":
		if len(rest) == 0 {
			usage(stdout)
			return 0
		}
		name, rest = rest[0], []string{"--help"}
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "subsidy: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}
	err := c.run(ctx, rest, stdout, stderr)
	var code exitCode
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, &code):
		return int(code)
	}
	fmt.Fprintln(stderr, "subsidy "+c.name+":", err)
	return 1
}
