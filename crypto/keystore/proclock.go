package keystore

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
)

// The keychain offers no lock and no compare-and-set, and the app and
// sealctl write one profile's secrets from two processes. Put's write
// protocol keeps a secret readable against one concurrent writer in most
// interleavings, but not all: a writer removing the generation it
// replaced can remove the parts another writer has just put there. So
// writers of one name also take an OS file lock (flock(2), LockFileEx) on
// a lock file of that name in the user's cache directory: between
// processes of one user on one machine, the writers are then serialised
// and the protocol is left for what no lock covers (a process killed
// mid-write, a keychain shared with another machine's process).

// lockAcrossProcesses takes the lock file of service and name and returns
// its release. The file holds nothing (its name is a hash); when it cannot
// be made or locked, writers go on under the protocol alone.
func lockAcrossProcesses(service, name string) (unlock func()) {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "sealdesk", "keychain-locks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return func() {}
	}
	sum := sha256.Sum256([]byte(service + "\x00" + name))
	f, err := os.OpenFile(filepath.Join(dir, hex.EncodeToString(sum[:12])+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return func() {}
	}
	if err := lockFile(f); err != nil {
		_ = f.Close()
		return func() {}
	}
	return func() {
		_ = unlockFile(f)
		_ = f.Close()
	}
}
