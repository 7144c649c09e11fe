package imap

import (
	"errors"
	"fmt"
)

var (
	// ErrAuthFailed means the server rejected the user name or password.
	ErrAuthFailed = errors.New("imap: wrong user name or password")
	// ErrConnRefused means nothing listens at the configured address.
	ErrConnRefused = errors.New("imap: connection refused")
	// ErrConfig means the account settings are unusable as written.
	ErrConfig = errors.New("imap: invalid account settings")
	// ErrInsecure means plaintext was asked for towards a non-loopback host.
	ErrInsecure = errors.New("imap: refusing to send the password unencrypted (TLS \"none\" is allowed for loopback addresses only)")
)

// CertificateError is a failed check of the server's certificate. The UI
// shows Fingerprint so that the user can compare it out of band and pin it.
type CertificateError struct {
	// Protocol prefixes the message: "imap" when empty, "smtp" for the
	// account's submission server (see [ClientTLSConfig]).
	Protocol string
	Addr     string
	// Fingerprint is the SHA-256 of the server's leaf certificate, as
	// upper-case hex pairs joined by colons.
	Fingerprint string
	// Pinned is the configured pin when the failure is a pin mismatch;
	// empty when normal verification failed.
	Pinned string
	// Err is the verification error (nil for a pin mismatch).
	Err error
}

func (e *CertificateError) Error() string {
	proto := e.Protocol
	if proto == "" {
		proto = "imap"
	}
	if e.Pinned != "" {
		return fmt.Sprintf(proto+": the certificate of %s has SHA-256 fingerprint %s, not the pinned %s: "+
			"the server's certificate changed or someone is intercepting the connection; pin the new fingerprint only if you have checked it",
			e.Addr, e.Fingerprint, e.Pinned)
	}
	return fmt.Sprintf(proto+": TLS verification of %s failed (%v); if you trust this server, check and pin its certificate SHA-256 fingerprint %s",
		e.Addr, e.Err, e.Fingerprint)
}

func (e *CertificateError) Unwrap() error { return e.Err }
