package keystore

import (
	"encoding/base64"
	"errors"
	"runtime"

	"github.com/zalando/go-keyring"
)

// Item limits of the platforms, in bytes of the stored string. Secrets are
// base64-encoded (go-keyring stores strings), so the usable raw size is 3/4.
const (
	// WindowsItemLimit is Credential Manager's CRED_MAX_CREDENTIAL_BLOB_SIZE.
	WindowsItemLimit = 2560
	// DarwinItemLimit keeps below go-keyring's ~3,000-byte macOS limit for
	// service, account and secret together.
	DarwinItemLimit = 2048
	// SecretServiceItemLimit: the Secret Service has no hard limit, but big
	// values slow it down; split above 64 KiB.
	SecretServiceItemLimit = 64 << 10
)

// OS is the operating system's keychain through go-keyring.
type OS struct {
	limit int
}

var _ Backend = (*OS)(nil)

// NewOS returns the OS keychain. limit overrides the platform item limit
// when > 0 (tests force the Windows limit on Linux to exercise splitting).
func NewOS(limit int) *OS {
	if limit <= 0 {
		switch runtime.GOOS {
		case "windows":
			limit = WindowsItemLimit
		case "darwin":
			limit = DarwinItemLimit
		default:
			limit = SecretServiceItemLimit
		}
	}
	return &OS{limit: limit}
}

func (o *OS) MaxItemSize() int { return o.limit * 3 / 4 }

func (o *OS) Set(service, account string, secret []byte) error {
	enc := base64.StdEncoding.EncodeToString(secret)
	if len(enc) > o.limit {
		return errTooBig
	}
	return osError(retryVanished(func() error { return keyring.Set(service, account, enc) }))
}

func (o *OS) Get(service, account string) ([]byte, error) {
	var enc string
	err := retryVanished(func() (err error) {
		enc, err = keyring.Get(service, account)
		return err
	})
	if err != nil {
		return nil, osError(err)
	}
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, ErrCorrupt
	}
	return b, nil
}

func (o *OS) Delete(service, account string) error {
	return osError(retryVanished(func() error { return keyring.Delete(service, account) }))
}

// osError maps go-keyring's errors onto this package's: a missing item stays
// ErrNotFound, a too-large item stays errTooBig, and anything else means the
// keychain itself could not be used.
func osError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return errTooBig
	}
	return &UnavailableError{Platform: platformName(), Hint: platformHint(), Err: err}
}

func platformName() string {
	switch runtime.GOOS {
	case "darwin":
		return "macOS Keychain"
	case "windows":
		return "Windows Credential Manager"
	}
	return "Secret Service"
}

func platformHint() string {
	switch runtime.GOOS {
	case "darwin":
		return "Unlock your login keychain in Keychain Access and try again."
	case "windows":
		return "Sign in to Windows with your own account (Credential Manager needs a user session) and try again."
	}
	return "SealDesk keeps private keys only in the Secret Service: start and unlock one " +
		"(GNOME Keyring: `gnome-keyring-daemon --start --components=secrets`, or KeePassXC with Secret Service integration) " +
		"in your desktop session and try again."
}

// vanishedTries bounds retryVanished: a race with another writer clears on
// the next try, a service that really lacks the method never does.
const vanishedTries = 4

// retryVanished runs op again while it fails because an item vanished
// under it (see vanished): the next search no longer finds the removed
// item, so the retry sees the keychain as the other process left it. What
// still fails after vanishedTries goes to osError like any failure.
func retryVanished(op func() error) error {
	var err error
	for range vanishedTries {
		if err = op(); !vanished(err) {
			break
		}
	}
	return err
}
