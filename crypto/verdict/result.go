// Package verdict holds the vocabulary shared by SealDesk's security
// engines (S/MIME in crypto/smime, OpenPGP in crypto/pgp) and their callers:
// the security result (the verdict) that is stored with every article and
// shown to the agent, and the per-message limits every engine keeps.
//
// The result is a verdict about exactly what is displayed. An engine that
// cannot tell whether a signature covers the displayed content must report
// the signature as not successful; "signed" only says that a signature was
// found, never that it holds.
//
// Limits: one message decodes to at most MaxMessageSize (64 MiB) in all,
// whichever decoders take part (see Budget); beyond, it is refused with
// ErrTooLarge, shown as EncryptionResult.Failure DecryptTooLarge or a part's
// notice, and
// its raw form stays stored.
package verdict

import "time"

// Technology names the security technology of an article, as shown in the
// UI and printed by `sealctl inspect --json`.
type Technology string

const (
	TechNone  Technology = ""
	TechSMIME Technology = "S/MIME"
	TechPGP   Technology = "PGP"
)

// Result is the security outcome of processing one message. Its JSON form
// is a stable contract (`sealctl inspect --json`, `sealctl tickets --json`).
type Result struct {
	Type       Technology       `json:"type"`
	Signed     bool             `json:"signed"`
	Encrypted  bool             `json:"encrypted"`
	Sign       SignResult       `json:"sign"`
	Encryption EncryptionResult `json:"encryption"`
	// ProcessedAt is when the engines last ran over the raw message.
	ProcessedAt time.Time `json:"processed_at,omitzero"`
	// Sender is who the header says sent the message and where a reply
	// would go (crypto/sender reads it once for both engines); nil in
	// results stored before it existed.
	Sender *Sender `json:"sender,omitempty"`
	// Repaired names the damage done on the way that the engine undid to
	// read the message as its sender sent it; empty when none was. The
	// verdict is about the repaired message.
	Repaired Repair `json:"repaired,omitempty"`
	// OuterSignature is a signature made around the encrypted content
	// (a gateway's or a client's signature over a whole PGP/MIME
	// multipart/encrypted, RFC 3156 section 4): it covers the ciphertext
	// only and says nothing about who wrote the text, so it is never
	// Signed or Sign, which are the signature inside the encryption (or
	// none). Shown as "signed outside the encryption"; nil when the
	// message has none. Failed does not look at it.
	OuterSignature *OuterSignature `json:"outer_signature,omitempty"`
}

// OuterSignature is a signature around encrypted content, as the engine
// of its technology judged it over the bytes it covers.
type OuterSignature struct {
	Type Technology `json:"type"`
	Sign SignResult `json:"sign"`
}

// OuterSignatureNote is what is said of every OuterSignature, whatever
// its verdict.
const OuterSignatureNote = "signed outside the encryption: says nothing about who wrote the text"

// TrustedDirectlyNote is what is said of a signer whose certificate an
// admin trusted directly (Signer.TrustedDirectly): the chain check's
// detail and the signer line of the app's tooltip.
const TrustedDirectlyNote = "trusted directly for its own addresses, not through a CA"

// Repair is a known mangling of a protected message that an engine
// recognises by its exact shape and reads through. New codes may be added.
type Repair string

const (
	// RepairExchangePGPMIME: Microsoft Exchange rewrote a PGP/MIME
	// multipart/encrypted (RFC 3156 section 4) into a multipart/mixed of
	// an empty text part, the application/pgp-encrypted control part and
	// encrypted.asc; it was read as the multipart/encrypted it was.
	RepairExchangePGPMIME Repair = "exchange_pgpmime"
	// RepairClearsignedInEncrypted: a multipart/encrypted whose payload is
	// a cleartext-signed text (RFC 9580 section 7), not ciphertext; it was
	// read as the signed text it is, not as encrypted.
	RepairClearsignedInEncrypted Repair = "clearsigned_in_encrypted"
	// RepairGatewayRFC822: a gateway or list server sent the S/MIME
	// message whole inside a message/rfc822 of the same From; the inner
	// message was read as the message.
	RepairGatewayRFC822 Repair = "gateway_rfc822"
)

// Sender is the identity the header claims, as the seal was judged
// against it. A Reply-To or Sender that points elsewhere is legitimate
// (a list, an assistant) but is shown beside the seal: a reply goes there.
type Sender struct {
	// From is the single From address (lower case); empty when the header
	// has no From, several, or one that cannot be read (see Problem).
	From string `json:"from"`
	// Name is From's display name, RFC 2047 words decoded.
	Name string `json:"name,omitempty"`
	// ASCII is From with an internationalized domain in its ASCII form
	// (RFC 5891 A-labels, "xn--"), set only when it differs from From, so
	// that a look-alike domain can be seen for what it is.
	ASCII string `json:"ascii,omitempty"`
	// Problem says why From cannot confirm anyone (empty when it can);
	// Detail says it precisely.
	Problem Reason `json:"problem,omitempty"`
	Detail  string `json:"detail,omitempty"`
	// ReplyTo lists the Reply-To addresses that differ from From.
	ReplyTo []string `json:"reply_to,omitempty"`
	// Agent is the Sender field's address when it differs from From
	// (RFC 5322 section 3.6.2: who actually transmitted the message).
	Agent string `json:"agent,omitempty"`
}

// SignResult describes the signature check. Success is true only when the
// signature is valid for exactly the displayed content and for the sender.
type SignResult struct {
	Success bool     `json:"success"`
	Comment string   `json:"comment"`
	Signers []Signer `json:"signers"`
	// Checks lists every step separately (structure, digest, chain, validity,
	// key usage, From match) so the article details can show each one.
	Checks []Check `json:"checks,omitempty"`
	// Reason is the code of the first failed check (ReasonOf), or why
	// there was nothing to check (ReasonSwitchedOff); empty when Success.
	// For the sender and date reasons the signature itself may be intact:
	// Signers says whose. Decisions read it, never Comment.
	Reason Reason `json:"reason,omitempty"`
}

// EncryptionResult describes the decryption.
type EncryptionResult struct {
	Success   bool   `json:"success"`
	Comment   string `json:"comment"`
	Algorithm string `json:"algorithm,omitempty"`
	// Key identifies the private key that decrypted the message (the
	// certificate or OpenPGP key fingerprint), empty when none did.
	Key string `json:"key,omitempty"`
	// IntegrityProtected: the decrypted content carried its own integrity
	// check, so a change on the way would have failed the decryption:
	// S/MIME AuthEnvelopedData with AES-GCM (RFC 5083), OpenPGP SEIPD with
	// MDC or AEAD (RFC 9580 section 5.13). False for CBC EnvelopedData,
	// which anyone on the way can alter undetected (EFAIL's malleability
	// gadgets); such content is trustworthy only when validly signed. It
	// is meaningful only when Success is true.
	IntegrityProtected bool `json:"integrity_protected"`
	// Failure says why a decryption failed, for callers to branch on:
	// one of the DecryptFailure constants, set whenever Encrypted and not
	// Success. Decisions read it, never Comment.
	Failure DecryptFailure `json:"failure,omitempty"`
}

// Signer is one signer of a message, with the certificate chain or key that
// was used to judge it.
type Signer struct {
	Subject     string    `json:"subject"`
	Fingerprint string    `json:"fingerprint"`
	Emails      []string  `json:"emails"`
	NotBefore   time.Time `json:"not_before,omitzero"`
	NotAfter    time.Time `json:"not_after,omitzero"`
	Valid       bool      `json:"valid"`
	Comment     string    `json:"comment,omitempty"`
	// Chain runs from the signer's issuer up to the trust anchor.
	Chain []ChainLink `json:"chain,omitempty"`
	// TrustedDirectly: the signer's certificate is trusted on its own for
	// the addresses it names (an admin's decision), not through a CA;
	// Chain is then empty.
	TrustedDirectly bool `json:"trusted_directly,omitempty"`
}

// ChainLink is one certificate authority in a signer's chain.
type ChainLink struct {
	Subject     string `json:"subject"`
	Fingerprint string `json:"fingerprint"`
	Anchor      bool   `json:"anchor"`
}

// Failed reports whether any part of the security process did not succeed,
// which makes the article a candidate for "Retry security process".
func (r Result) Failed() bool {
	return (r.Signed && !r.Sign.Success) || (r.Encrypted && !r.Encryption.Success)
}
