package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mail/mailfile"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
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

// newKeychain picks the keychain backend; nil means the OS keychain. Tests
// set it to an in-memory one (keystore.NewMemory).
var newKeychain func() keystore.Backend

// clock is what "now" is for certificate validity; tests pin it.
var clock = time.Now

func (e *env) openProfile() error {
	var kc keystore.Backend
	if newKeychain != nil {
		kc = newKeychain()
	}
	p, err := profile.Open(e.ctx, profile.Options{Dir: e.dataDir, Keychain: kc})
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

// security returns the mail-security use cases over the open profile.
func (e *env) security() *security.Service {
	return security.New(e.profile, security.Options{Now: clock})
}

// mailbox returns the account and sync use cases over the open profile.
func (e *env) mailbox() *mailbox.Service {
	return mailbox.New(e.profile, e.security())
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

// parseInterspersed parses flags that may come before, between or after
// the positional arguments (`cert export FP --private`), which the flag
// package alone stops at, and returns the positional ones.
func (e *env) parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := e.parse(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// readInput reads an input file; failing to is exit 5.
func readInput(name string) ([]byte, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, ioError{fmt.Errorf("cannot read %s: %w", name, err)}
	}
	return b, nil
}

// readMail reads a saved mail file (inspect, seal, send) through
// mailfile.Read: an mbox "From " line in front is skipped and line ends
// are made CRLF, so Thunderbird's, Outlook's and Unix tools' files read
// alike. A file with no message in it is exit 5, like one not read.
func readMail(name string) ([]byte, error) {
	b, err := readInput(name)
	if err != nil {
		return nil, err
	}
	m, err := mailfile.Read(b)
	if err != nil {
		return nil, ioError{fmt.Errorf("%s is not an e-mail message (RFC 5322): %w", name, err)}
	}
	return m, nil
}

// readPassphrase reads a passphrase file, dropping one trailing newline
// (what `echo pass > file` adds) and nothing else: spaces may be part of it.
func readPassphrase(name string) ([]byte, error) {
	b, err := readInput(name)
	if err != nil {
		return nil, err
	}
	n := len(b)
	if n > 0 && b[n-1] == '\n' {
		n--
		if n > 0 && b[n-1] == '\r' {
			n--
		}
	}
	return b[:n], nil
}

// printJSON writes v as indented JSON, the form scripts read.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
