// Package keystore keeps SealDesk's secrets — private keys, passphrases,
// account passwords and the store key — in the operating system's keychain:
// macOS Keychain, Windows Credential Manager or the freedesktop Secret
// Service (GNOME Keyring, KeePassXC) on Linux.
//
// Limits:
//   - Secrets never touch the disk through this package. When no keychain is
//     reachable, every call fails with ErrUnavailable; there is deliberately
//     no file fallback.
//   - Platform item limits (Windows Credential Manager: 2,560 bytes; macOS
//     through go-keyring: about 3,000) are smaller than an RSA-4096 key or an
//     OpenPGP secret key with subkeys. Store splits larger secrets across
//     several items and writes a checksummed manifest last, so a half-written
//     secret is never read as valid. Secrets are at most MaxSecretSize.
//   - Writers of one secret are serialised within a process. The app and
//     sealctl share the keychain, which has no lock: the write protocol
//     (Store.Put) keeps one of two concurrent writers' values whole, never a
//     mix, but does not say which; see Store.Put for what is not guaranteed.
//   - A damaged item reads as ErrCorrupt and Delete still removes it with
//     every part it may have left.
//   - Items are namespaced by profile, so two data directories on one laptop
//     never see each other's secrets.
package keystore

import (
	"errors"
	"fmt"
)

// ErrNotFound is returned when no secret is stored under a name.
var ErrNotFound = errors.New("keystore: secret not found")

// ErrCorrupt is returned when a split secret's parts do not match its
// manifest: a write was interrupted or an item was changed outside SealDesk.
var ErrCorrupt = errors.New("keystore: secret is incomplete or damaged")

// ErrUnavailable wraps every failure to reach the OS keychain.
var ErrUnavailable = errors.New("keystore: the OS keychain is not reachable")

// Backend is one keychain: a flat map of (service, account) to a secret,
// with a per-item size limit. The OS implementation wraps go-keyring; Memory
// is for unit tests.
type Backend interface {
	Set(service, account string, secret []byte) error
	// Get returns ErrNotFound when the item does not exist.
	Get(service, account string) ([]byte, error)
	// Delete returns ErrNotFound when the item does not exist.
	Delete(service, account string) error
	// MaxItemSize is the largest secret one item holds, in bytes.
	MaxItemSize() int
}

// UnavailableError explains why the keychain cannot be used and how to fix
// it. It matches ErrUnavailable with errors.Is.
type UnavailableError struct {
	Platform string
	Hint     string
	Err      error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("the OS keychain (%s) is not reachable: %v. %s", e.Platform, e.Err, e.Hint)
}

func (e *UnavailableError) Unwrap() []error { return []error{ErrUnavailable, e.Err} }
