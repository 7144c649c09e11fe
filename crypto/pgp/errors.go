package pgp

import (
	"errors"
	"fmt"
)

// Sentinel errors a caller is expected to react to.
var (
	// ErrEmpty: the input holds nothing.
	ErrEmpty = errors.New("pgp: the input is empty")
	// ErrWrongPassphrase: the passphrase does not unlock the secret key.
	ErrWrongPassphrase = errors.New("pgp: the passphrase is wrong")
	// ErrPassphraseRequired: exporting a secret key needs a passphrase.
	ErrPassphraseRequired = errors.New("pgp: a passphrase is required to protect the exported secret key")
	// ErrNoSecretKey: the keyring holds no secret key for a fingerprint.
	ErrNoSecretKey = errors.New("pgp: no secret key for this key")
	// ErrKeyNotFound: the keyring holds no key with this fingerprint.
	ErrKeyNotFound = errors.New("pgp: no such key")
	// ErrLocked: the secret key is passphrase-protected and not unlocked.
	ErrLocked = errors.New("pgp: the secret key is locked: unlock it with its passphrase first")
	// ErrNotMessage: Process was handed something that is not a message.
	ErrNotMessage = errors.New("pgp: not an e-mail message")
	// ErrDifferentKeys: Merge was handed two different keys.
	ErrDifferentKeys = errors.New("pgp: the keys have different fingerprints and cannot be merged")
	// ErrUnverifiedUserID: a key carries a user ID without a valid
	// self-signature (someone other than its owner may have appended it);
	// Merge refuses to add such a user ID, ParseKeys a key left with none.
	ErrUnverifiedUserID = errors.New("pgp: a user ID of the key carries no valid self-signature")
)

// ErrInternal wraps a recovered panic; it is a bug, never expected.
var ErrInternal = errors.New("pgp: internal error")

// ImportReason says why an import failed, for the UI to pick a message.
type ImportReason int

const (
	ReasonUnknown         ImportReason = iota
	ReasonEmpty                        // nothing in the input
	ReasonIsSMIME                      // an X.509 certificate, key, PKCS #12 or CMS object
	ReasonIsPGPMessage                 // an OpenPGP message, not a key
	ReasonIsPGPSignature               // an OpenPGP signature, not a key
	ReasonIsSignedMessage              // a cleartext-signed text, not a key
	ReasonIsSSHKey                     // an SSH key
	ReasonTruncatedArmor               // BEGIN without END, or cut in the middle
	ReasonBadArmor                     // armor whose base64 does not decode
	ReasonBadChecksum                  // armor whose CRC-24 does not match
	ReasonMalformed                    // OpenPGP packets, but no usable key
	ReasonUnsupported                  // a key of a kind we do not support
	ReasonBinaryGarbage                // binary data that is no known structure
	ReasonText                         // text that is no known structure
	ReasonWrongPassphrase              // the passphrase does not unlock the key
)

// ImportError is returned by ParseKeys and UnlockKey; its message is
// written for a person and says what to do.
type ImportError struct {
	Reason ImportReason
	Msg    string
	Err    error // underlying cause, may be nil
}

func (e *ImportError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("pgp: %s (%v)", e.Msg, e.Err)
	}
	return "pgp: " + e.Msg
}

func (e *ImportError) Unwrap() error { return e.Err }

func importErr(r ImportReason, msg string, err error) error {
	return &ImportError{Reason: r, Msg: msg, Err: err}
}

// RecipientReason says why a message cannot be encrypted to an address.
type RecipientReason int

const (
	RecipientOK              RecipientReason = iota
	RecipientNoKey                           // no key carries the address
	RecipientExpired                         // only expired keys
	RecipientRevoked                         // only revoked keys
	RecipientNoEncryptionKey                 // a key, but no valid encryption (sub)key
	RecipientAddressMismatch                 // the key does not carry the address
)

// SignReason says why a message cannot be signed as an address.
type SignReason int

const (
	SignOK           SignReason = iota
	SignNoKey                   // no key of ours carries the address
	SignNoSecretKey             // a key, but no secret key for it
	SignExpired                 // our key expired
	SignRevoked                 // our key is revoked
	SignNoSigningKey            // no valid signing (sub)key
	SignLocked                  // the secret key could not be unlocked
)

// SealError is returned by Seal when it cannot do what was asked.
type SealError struct {
	Msg        string
	Recipients []RecipientStatus // set when encryption is impossible
	Sign       *SignStatus       // set when signing is impossible
	// Err, when set, is the sentinel the caller can test with errors.Is
	// (verdict.ErrBccNeedsCopies).
	Err error
}

func (e *SealError) Error() string { return "pgp: " + e.Msg }

func (e *SealError) Unwrap() error { return e.Err }
