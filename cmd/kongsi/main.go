// Command kongsi runs and checks Kongsi registers: an open, verifiable
// register for China–ASEAN cooperation in which every record is signed by the
// party that makes it and appended to a public Merkle log.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/klog/v2"
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"demo", "serve a demonstration register, populated with real public facts", runDemo},
		{"serve", "serve a register from its data directory", runServe},
		{"init", "found a register from a signed charter", runInit},
		{"keygen", "make a party's key pair", runKeygen},
		{"sign", "sign a record (a JSON body in, a signed record out)", runSign},
		{"submit", "submit signed records to a register", runSubmit},
		{"desk", "a party's desk: write, sign and submit records from a browser", runDesk},
		{"verify", "check a record against the public log alone", runVerify},
		{"audit", "replay a whole log and check every rule", runAudit},
		{"rebuild", "rebuild a register's projections from its log", runRebuild},
		{"import", "import outside data (trade statistics, projects…) as signed records", runImport},
		{"export", "export a register's data in outside formats", runExport},
		{"mirror", "serve a read-only, checked copy of another node's register, and catch split views", runMirror},
		{"witness", "run a witness that cosigns the checkpoints of logs (C2SP tlog-witness)", runWitness},
		{"bench", "measure the write path, audit, rebuild and reads", runBench},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "kongsi: an open, verifiable register for China–ASEAN cooperation")
	fmt.Fprintln(w, "\nUsage: kongsi <command> [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun kongsi <command> -h for a command's flags.")
}

// errUsage means the command line was wrong; the command has said how.
var errUsage = errors.New("usage")

func main() {
	// Tessera logs through klog; keep its chatter out of the way.
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage(os.Stdout)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, c := range commands {
		if c.name == os.Args[1] {
			err := c.run(ctx, os.Args[2:])
			switch {
			case err == nil:
				return
			case errors.Is(err, flag.ErrHelp):
				return
			case errors.Is(err, errUsage):
				os.Exit(2)
			default:
				fmt.Fprintf(os.Stderr, "kongsi %s: %v\n", c.name, err)
				var ec exitCode
				if errors.As(err, &ec) {
					os.Exit(int(ec))
				}
				os.Exit(1)
			}
		}
	}
	fmt.Fprintf(os.Stderr, "kongsi: no command %q\n\n", os.Args[1])
	usage(os.Stderr)
	os.Exit(2)
}

// exitCode is an error that chooses the process's exit status.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: kongsi %s %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// logger logs to standard error: text for people, or JSON with -log-json.
// serverLogger is the logger of a command that serves: in JSON or text, and
// with every request (debug) when verbose.
func serverLogger(json, verbose bool) *slog.Logger {
	if verbose {
		return logger(json, slog.LevelDebug)
	}
	return logger(json, slog.LevelInfo)
}

func logger(json bool, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if json {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
