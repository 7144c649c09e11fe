package verdict

// The codes of a verdict: what each check is (CheckKind), why a signature
// does not make the message valid (Reason), why a decryption failed
// (DecryptFailure). They are stable strings, the same in the stored
// result, `sealctl inspect --json` and the front end; the words people
// read for each code are written once, in security's wording table.
// New codes may be added: a script should read an unknown Reason or
// DecryptFailure as "not valid" / "not decrypted".

// Reason is a stable code for why a signature does not make the message
// valid. For the sender and date reasons the signature itself may be
// intact; the Comment beside it says the same for people.
type Reason string

// The identity and date reasons. RFC 5322 section 3.6 allows exactly one
// From field; a seal vouches for a sender only when that field holds one
// address that the signer's certificate or key proves.
const (
	ReasonFromMissing    Reason = "from_missing"           // no From field, or one with no address
	ReasonFromUnreadable Reason = "from_unreadable"        // From does not parse as RFC 5322 addresses
	ReasonFromHeaders    Reason = "from_several_headers"   // more than one From field
	ReasonFromAddresses  Reason = "from_several_addresses" // one From field naming several addresses
	ReasonFromName       Reason = "from_name_address"      // the display name shows another address
	ReasonFromMismatch   Reason = "from_mismatch"          // the signer's certificate or key does not prove From
	ReasonDateMismatch   Reason = "date_mismatch"          // signed more than an hour from the Date header
)

// The reasons of the signature's form (CheckStructure).
const (
	ReasonSwitchedOff         Reason = "switched_off"          // the technology is off in Settings: nothing was checked
	ReasonDamaged             Reason = "damaged"               // the signature cannot be read
	ReasonContentMismatch     Reason = "content_mismatch"      // the content inside the signature is not the displayed part
	ReasonNoContent           Reason = "no_signed_content"     // the signature holds no content and none is attached
	ReasonNoSigner            Reason = "no_signer"             // no signer, or no signature where one was announced
	ReasonTooManySigners      Reason = "too_many_signers"      // more signers than SealDesk reads
	ReasonTooManyCertificates Reason = "too_many_certificates" // more certificates than SealDesk reads
	ReasonPartial             Reason = "partially_signed"      // only a part of the message is signed
	ReasonNestedParts         Reason = "nested_parts"          // the signed content holds separately signed or encrypted parts
)

// The reasons of the signer's key and the signature value.
const (
	ReasonNoCertificate    Reason = "no_certificate"    // S/MIME: the signer's certificate is neither sent nor imported
	ReasonNoPublicKey      Reason = "no_public_key"     // OpenPGP: the signer's public key is not imported
	ReasonUnknownAlgorithm Reason = "unknown_algorithm" // a digest algorithm SealDesk does not know
	ReasonWeakDigest       Reason = "weak_digest"       // SHA-1, MD5: open to collisions
	ReasonWeakKey          Reason = "weak_key"          // a key too small or of a refused algorithm
	ReasonContentAltered   Reason = "content_altered"   // the content's digest is not the signed one
	ReasonBadSignature     Reason = "bad_signature"     // the signature value does not verify with the signer's key
)

// The reasons of the signer's certificate or key in time and trust.
const (
	ReasonExpired           Reason = "expired"             // the certificate or key has expired
	ReasonNotYetValid       Reason = "not_yet_valid"       // the certificate is not valid yet
	ReasonRevoked           Reason = "revoked"             // the OpenPGP key is revoked
	ReasonSignatureExpired  Reason = "signature_expired"   // the OpenPGP signature's own expiry passed
	ReasonSigningKeyInvalid Reason = "signing_key_invalid" // the OpenPGP subkey that signed is expired or revoked now
	ReasonUntrusted         Reason = "untrusted_chain"     // no chain to a trust anchor
	ReasonCAInvalid         Reason = "ca_not_valid"        // a CA of the chain is expired or not valid yet
	ReasonCAUsage           Reason = "ca_wrong_usage"      // a CA of the chain may not issue e-mail certificates
	ReasonKeyUsage          Reason = "wrong_key_usage"     // the certificate is not meant for e-mail signatures
)

// Reasons lists every Reason, for tables that must cover them all (the
// wording table, generated TypeScript).
func Reasons() []Reason {
	return []Reason{
		ReasonFromMissing, ReasonFromUnreadable, ReasonFromHeaders, ReasonFromAddresses, ReasonFromName,
		ReasonFromMismatch, ReasonDateMismatch,
		ReasonSwitchedOff, ReasonDamaged, ReasonContentMismatch, ReasonNoContent, ReasonNoSigner,
		ReasonTooManySigners, ReasonTooManyCertificates, ReasonPartial, ReasonNestedParts,
		ReasonNoCertificate, ReasonNoPublicKey, ReasonUnknownAlgorithm, ReasonWeakDigest, ReasonWeakKey,
		ReasonContentAltered, ReasonBadSignature,
		ReasonExpired, ReasonNotYetValid, ReasonRevoked, ReasonSignatureExpired, ReasonSigningKeyInvalid,
		ReasonUntrusted, ReasonCAInvalid, ReasonCAUsage, ReasonKeyUsage,
	}
}

// IsSender reports whether r is one of the sender or date reasons, whose
// signature may be intact although the message is not valid.
func (r Reason) IsSender() bool {
	switch r {
	case ReasonFromMissing, ReasonFromUnreadable, ReasonFromHeaders, ReasonFromAddresses, ReasonFromName,
		ReasonFromMismatch, ReasonDateMismatch:
		return true
	}
	return false
}

// ReasonOf returns the code of the first failed check that has one, or "".
func ReasonOf(checks []Check) Reason {
	for _, c := range checks {
		if !c.OK && c.Reason != "" {
			return c.Reason
		}
	}
	return ""
}

// DecryptFailure is a typed reason for a failed decryption. Nothing of the
// plaintext is shown or kept for any of them.
type DecryptFailure string

const (
	// DecryptMalformed: the decryption produced bytes that are not a MIME
	// entity (RFC 8551 section 3.3, RFC 3156 section 4 encrypt one): a
	// wrong key, a damaged or a tampered ciphertext (EFAIL's malleated
	// blocks), never content.
	DecryptMalformed DecryptFailure = "malformed_content"
	// DecryptIntegrity: the OpenPGP integrity check (MDC, RFC 4880
	// section 5.13; AEAD, RFC 9580 section 5.13) failed.
	DecryptIntegrity DecryptFailure = "integrity_check_failed"
	// DecryptTooLarge: the decrypted content would exceed MaxMessageSize,
	// so it was not kept (the raw message stays stored).
	DecryptTooLarge DecryptFailure = "too_large"
	// DecryptNoKey: the message is not encrypted to any key we hold.
	DecryptNoKey DecryptFailure = "no_key"
	// DecryptKeyLocked: our OpenPGP secret key could not be unlocked.
	DecryptKeyLocked DecryptFailure = "key_locked"
	// DecryptKeychain: our private key could not be read from the OS
	// keychain (locked, or the keychain is unavailable).
	DecryptKeychain DecryptFailure = "keychain_unavailable"
	// DecryptKeyFailed: our key is named but could not decrypt the
	// content key (a wrong or mismatched key).
	DecryptKeyFailed DecryptFailure = "key_failed"
	// DecryptDamaged: the encrypted part cannot be read or decrypted
	// (damaged, or changed on the way: CBC padding, a missing part).
	DecryptDamaged DecryptFailure = "damaged"
	// DecryptUnsupportedAlgorithm: a content cipher SealDesk does not
	// support (RC2, DES).
	DecryptUnsupportedAlgorithm DecryptFailure = "unsupported_algorithm"
	// DecryptUnsupported: a kind of protected part SealDesk does not open
	// (CMS compressed data, another content type).
	DecryptUnsupported DecryptFailure = "unsupported_format"
	// DecryptPassphraseOnly: OpenPGP encrypted to a passphrase only.
	DecryptPassphraseOnly DecryptFailure = "passphrase_only"
	// DecryptNotProtected: OpenPGP data without integrity protection
	// (the legacy SED packet), which RFC 9580 section 5.7 forbids to
	// decrypt (EFAIL).
	DecryptNotProtected DecryptFailure = "no_integrity_protection"
	// DecryptTooManyRecipients: more recipients than SealDesk reads.
	DecryptTooManyRecipients DecryptFailure = "too_many_recipients"
	// DecryptPartial: only a part of the message was encrypted (and
	// decrypted); the rest travelled readable by anyone.
	DecryptPartial DecryptFailure = "partially_encrypted"
	// DecryptSwitchedOff: the technology is off in Settings.
	DecryptSwitchedOff DecryptFailure = "switched_off"
	// DecryptNotOpened: the engine left an encryption closed: one inside a
	// signature, handed on to the layer walk (security), whose own result
	// replaces this one when the inside can be read.
	DecryptNotOpened DecryptFailure = "not_opened"
)

// DecryptFailures lists every DecryptFailure.
func DecryptFailures() []DecryptFailure {
	return []DecryptFailure{
		DecryptMalformed, DecryptIntegrity, DecryptTooLarge, DecryptNoKey, DecryptKeyLocked, DecryptKeychain,
		DecryptKeyFailed, DecryptDamaged, DecryptUnsupportedAlgorithm, DecryptUnsupported, DecryptPassphraseOnly,
		DecryptNotProtected, DecryptTooManyRecipients, DecryptPartial, DecryptSwitchedOff, DecryptNotOpened,
	}
}
