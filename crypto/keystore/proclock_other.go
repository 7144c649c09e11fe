//go:build !unix && !windows

package keystore

import (
	"errors"
	"os"
)

// No file lock here: writers go on under the write protocol alone.
func lockFile(*os.File) error   { return errors.ErrUnsupported }
func unlockFile(*os.File) error { return nil }
