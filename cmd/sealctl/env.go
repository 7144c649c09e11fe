package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/sealdesk/sealdesk/profile"
)

// env is what a command runs with: its context, output streams and, for
// commands that need one, the open profile.
type env struct {
	ctx     context.Context
	stdout  io.Writer
	stderr  io.Writer
	dataDir string
	profile *profile.Profile
}

func (e *env) openProfile() error {
	p, err := profile.Open(e.ctx, profile.Options{Dir: e.dataDir})
	if err != nil {
		return err
	}
	e.profile = p
	return nil
}

func (e *env) close() {
	if e.profile != nil {
		e.profile.Close()
	}
}

// flags returns a command's flag set, printing its help to stdout on -h.
func (e *env) flags(name, argsUsage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "usage: sealctl [--data DIR] %s %s\n", name, argsUsage)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

// parse parses args and turns flag errors into usage errors.
func (e *env) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{msg: err.Error()}
	}
	return nil
}

// printJSON writes v as indented JSON, the form scripts read.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
