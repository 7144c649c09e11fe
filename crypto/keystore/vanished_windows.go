package keystore

import (
	"errors"
	"syscall"
)

// Windows error codes (winerror.h) for a credential that went away under a
// call: ERROR_NOT_FOUND from CredDelete when go-keyring's Delete, which
// reads the credential and then deletes it in two calls, lost the race to
// another process; ERROR_KEY_DELETED from Wine's registry-backed
// Credential Manager when another process removed the credential during
// a write.
const (
	errorNotFound   = syscall.Errno(1168)
	errorKeyDeleted = syscall.Errno(1018)
)

// vanished reports whether err says the credential went away under the
// call, so that the caller retries it (retryVanished).
func vanished(err error) bool {
	return errors.Is(err, errorNotFound) || errors.Is(err, errorKeyDeleted)
}
