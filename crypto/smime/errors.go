package smime

import (
	"errors"
	"fmt"
)

// Sentinel errors a caller is expected to react to.
var (
	// ErrEmpty: the input holds nothing.
	ErrEmpty = errors.New("smime: the input is empty")
	// ErrPassphraseRequired: the key or PKCS #12 file is encrypted and no
	// passphrase was given.
	ErrPassphraseRequired = errors.New("smime: this file is protected by a passphrase: enter it to import")
	// ErrWrongPassphrase: the passphrase does not open the file.
	ErrWrongPassphrase = errors.New("smime: the passphrase is wrong")
	// ErrNoPrivateKey: the keyring holds no private key for a certificate.
	ErrNoPrivateKey = errors.New("smime: no private key for this certificate")
	// ErrNotMessage: Process was handed something that is not a message.
	ErrNotMessage = errors.New("smime: not an e-mail message")
)

// ImportReason says why an import failed, for the UI to pick a message.
type ImportReason int

const (
	ReasonUnknown        ImportReason = iota
	ReasonEmpty                       // nothing in the input
	ReasonIsPrivateKey                // a private key where a certificate was expected
	ReasonIsCertificate               // a certificate where a private key was expected
	ReasonIsPKCS12                    // a PKCS #12 bundle (use Add private key or PKCS #12)
	ReasonIsCSR                       // a certificate request, not a certificate
	ReasonIsPublicKey                 // a bare public key, not a certificate
	ReasonIsCRL                       // a certificate revocation list
	ReasonIsPGP                       // an OpenPGP key or message
	ReasonTruncatedPEM                // BEGIN without END
	ReasonBadPEM                      // PEM whose base64 does not decode
	ReasonMalformed                   // the right kind of object, but broken
	ReasonUnsupported                 // valid but of a kind we do not support
	ReasonBinaryGarbage               // binary data that is no known structure
	ReasonText                        // text that is no known structure
	ReasonNoCertificates              // a PKCS #7 bundle with no certificate in it
)

// ImportError is returned by ParseCertificates and ParsePrivateKey; its
// message is written for a person and says what to do.
type ImportError struct {
	Reason ImportReason
	Msg    string
	Err    error // underlying cause, may be nil
}

func (e *ImportError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("smime: %s (%v)", e.Msg, e.Err)
	}
	return "smime: " + e.Msg
}

func (e *ImportError) Unwrap() error { return e.Err }

func importErr(r ImportReason, msg string, err error) error {
	return &ImportError{Reason: r, Msg: msg, Err: err}
}

// RecipientReason says why a message cannot be encrypted to an address.
type RecipientReason int

const (
	RecipientOK              RecipientReason = iota
	RecipientNoCertificate                   // no certificate names the address
	RecipientExpired                         // only expired certificates
	RecipientNotYetValid                     // only certificates not valid yet
	RecipientWrongKeyUsage                   // certificate not for e-mail encryption
	RecipientUntrusted                       // certificate does not chain to a trust anchor
	RecipientAddressMismatch                 // certificate does not name the address
	RecipientUnsupportedKey                  // key type we cannot encrypt to
)

// SignReason says why a message cannot be signed as an address.
type SignReason int

const (
	SignOK             SignReason = iota
	SignNoCertificate             // no certificate of ours names the address
	SignNoPrivateKey              // a certificate, but no private key for it
	SignExpired                   // our certificate expired or is not valid yet
	SignWrongKeyUsage             // certificate not for e-mail signing
	SignUnsupportedKey            // key type we cannot sign with
	SignUntrusted                 // our certificate does not chain to an imported trust anchor
)

// SealError is returned by Seal when it cannot do what was asked;
// Recipients and Sign tell the composer what to show, per address and for
// the sender's own certificate.
type SealError struct {
	Msg        string
	Recipients []RecipientStatus // set when encryption is impossible
	Sign       *SignStatus       // set when signing is impossible
	// Err, when set, is the sentinel the caller can test with errors.Is
	// (verdict.ErrBccNeedsCopies).
	Err error
}

func (e *SealError) Error() string { return "smime: " + e.Msg }

func (e *SealError) Unwrap() error { return e.Err }
