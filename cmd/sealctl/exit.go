package main

import (
	"errors"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/store"
)

// Exit codes. Scripts may rely on them; add new ones, never renumber.
const (
	exitOK = 0
	// exitFailed: the operation ran and failed (bad input, rejected import…).
	exitFailed = 1
	// exitUsage: the command line is wrong.
	exitUsage = 2
	// exitKeychain: the OS keychain is not reachable or is locked.
	exitKeychain = 3
	// exitNotFound: the named item (fingerprint, article, account) does not exist.
	exitNotFound = 4
	// exitIO: an input file cannot be read.
	exitIO = 5
)

// usageError marks a wrong command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// ioError marks an input that cannot be read.
type ioError struct{ err error }

func (e ioError) Error() string { return e.err.Error() }
func (e ioError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var u usageError
	var i ioError
	switch {
	case errors.As(err, &u), errors.Is(err, mailbox.ErrInvalid), errors.Is(err, mailbox.ErrBadChange):
		return exitUsage
	case errors.Is(err, keystore.ErrUnavailable):
		return exitKeychain
	case errors.Is(err, store.ErrNotFound):
		return exitNotFound
	case errors.As(err, &i):
		return exitIO
	}
	return exitFailed
}
