package security

import (
	"fmt"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// The words people read about a verdict's codes, each written once, here:
// the app (warnings, the band's labels) and sealctl both read this table,
// and TestWording holds it to every code verdict lists. The engines'
// Comment and Detail stay as the precise detail of one message; no
// decision reads them.

// wording is what is said about one code.
type wording struct {
	// Label is the band's short word for the seal or the lock; empty:
	// the default ("Signature not valid", "Not decrypted").
	Label string
	// Kind, Title, Fix and Retry make the Warning (see Warning). "{tech}"
	// in Title stands for the technology ("S/MIME is switched off").
	Kind, Title, Fix string
	Retry            bool
}

// Labels shared by several codes, and the defaults.
const (
	labelValid        = "Signature valid"
	labelValidDirect  = "Signature valid (certificate trusted directly)"
	labelNotValid     = "Signature not valid"
	labelNotSigned    = "Not signed"
	labelDecrypted    = "Decrypted"
	labelNotDecrypted = "Not decrypted"
	labelNotEncrypted = "Not encrypted"
	labelSwitchedOff  = "Switched off"
	labelSignerKey    = "Signer unknown"
	labelChanged      = "Changed after signing"
	labelWeak         = "Weak signature"
	labelExpired      = "Signer expired"
	labelUntrusted    = "Signer not trusted"
	labelPartlySigned = "Only partly signed"
	titleNotProtected = "Not integrity-protected"
)

// The band's label no code chooses: the front end reads it from
// frontend/src/api/generated.ts (internal/tsgen), so it too is written
// once.
const (
	// LabelOuterSignature labels a signature around the encryption
	// (verdict.Result.OuterSignature), beside the lock, never the seal.
	LabelOuterSignature = "Signed outside the encryption"
)

var offWording = wording{Label: labelSwitchedOff, Kind: "switched_off", Title: "{tech} is switched off",
	Fix: "Switch it on in Settings > Integrations; the message is checked again then.", Retry: true}

// signWording says why a signature does not make the message valid.
var signWording = map[verdict.Reason]wording{
	// The sender and date: the signature itself may be intact. The
	// failed check's Detail is added to the Fix (it names the addresses).
	verdict.ReasonFromMismatch: {Label: "Signed by another address", Kind: "from_mismatch", Title: "Signed by a different address than the sender",
		Fix: "The signer is not the address in From: confirm with the sender through another channel before acting on it."},
	verdict.ReasonFromMissing: {Label: "No sender: not confirmed", Kind: string(verdict.ReasonFromMissing), Title: "The message names no sender",
		Fix: "There is no address in From for the signature to confirm: treat the message as not signed."},
	verdict.ReasonFromUnreadable: {Label: "Sender unreadable: not confirmed", Kind: string(verdict.ReasonFromUnreadable), Title: "The sender's address cannot be read",
		Fix: "The From field is malformed, so nobody can say whom the signature confirms: treat the message as not signed."},
	verdict.ReasonFromHeaders: {Label: "Several From fields: not confirmed", Kind: string(verdict.ReasonFromHeaders), Title: "The message has several From fields",
		Fix: "Mail programs show only one of them: the signature cannot say which sender it confirms. Treat the message as not signed."},
	verdict.ReasonFromAddresses: {Label: "Several senders: not confirmed", Kind: string(verdict.ReasonFromAddresses), Title: "The message names several senders",
		Fix: "From holds more than one address, so the signature cannot confirm the sender: treat the message as not signed."},
	verdict.ReasonFromName: {Label: "Sender name shows another address", Kind: string(verdict.ReasonFromName), Title: "The sender's name shows another address",
		Fix: "The display name pretends to be another address than the one the message comes from: treat the message as not signed and do not act on it."},
	verdict.ReasonDateMismatch: {Label: "Signed at another date", Kind: string(verdict.ReasonDateMismatch), Title: "Signed at another time than the message's date",
		Fix: "The signature was made more than an hour before or after the Date of the message: it may be an old signed message sent again. Confirm with the sender before acting on it."},

	// The signature's form.
	verdict.ReasonSwitchedOff: offWording,
	verdict.ReasonDamaged: {Kind: "damaged", Title: "The signature is damaged and cannot be checked",
		Fix: "Treat the message as not signed; ask the sender to send it again if it matters."},
	verdict.ReasonContentMismatch: {Label: "Signed text differs", Kind: "tampered", Title: "The displayed text is not what was signed",
		Fix: "The signature holds another text than the one shown: do not trust this message, and ask the sender to send it again."},
	verdict.ReasonNoContent: {Kind: "damaged", Title: "The signature covers no content",
		Fix: "Nothing displayed is signed: treat the message as not signed."},
	verdict.ReasonNoSigner: {Kind: "damaged", Title: "The message says it is signed, but holds no signature",
		Fix: "Nothing in it is signed: treat the message as not signed."},
	verdict.ReasonTooManySigners: {Kind: "damaged", Title: "The signature holds more signers than SealDesk checks",
		Fix: "None of them was checked: treat the message as not signed."},
	verdict.ReasonTooManyCertificates: {Kind: "damaged", Title: "The signature carries more certificates than SealDesk reads",
		Fix: "The signature was not checked: treat the message as not signed."},
	verdict.ReasonPartial: {Label: labelPartlySigned, Kind: "partial", Title: "Only part of this message is signed",
		Fix: "The text around the signed part, or its other parts, could have been changed or added by anyone: treat the message as not signed."},
	verdict.ReasonNestedParts: {Label: labelPartlySigned, Kind: "partial", Title: "The signed content holds other signed or encrypted parts",
		Fix: "This signature does not vouch for them: treat the message as not signed."},

	// The signer's key and the signature value.
	verdict.ReasonNoCertificate: {Label: labelSignerKey, Kind: "sender_key_missing", Title: "The sender's certificate is missing",
		Fix: "Import the sender's certificate in Certificates, then Retry.", Retry: true},
	verdict.ReasonNoPublicKey: {Label: labelSignerKey, Kind: "sender_key_missing", Title: "The sender's public key is missing",
		Fix: "Import the sender's public key in PGP keys, then Retry.", Retry: true},
	verdict.ReasonUnknownAlgorithm: {Kind: "weak", Title: "The signature uses an algorithm SealDesk does not know",
		Fix: "It cannot be checked: ask the sender to update their mail program."},
	verdict.ReasonWeakDigest: {Label: labelWeak, Kind: "weak", Title: "The signature uses a broken digest algorithm (SHA-1 or MD5)",
		Fix: "Such a signature can be forged: ask the sender to update their mail program."},
	verdict.ReasonWeakKey: {Label: labelWeak, Kind: "weak", Title: "The signer's key is too weak",
		Fix: "A key this small, or of this kind, proves nothing: ask the sender for a new certificate or key."},
	verdict.ReasonContentAltered: {Label: labelChanged, Kind: "tampered", Title: "The message was changed after it was signed",
		Fix: "Do not trust its content; ask the sender to send it again."},
	verdict.ReasonBadSignature: {Label: labelChanged, Kind: "tampered", Title: "The signature does not match the message",
		Fix: "The message was changed or forged: do not trust its content, and ask the sender to send it again."},

	// The signer's certificate or key in time and trust.
	verdict.ReasonExpired: {Label: labelExpired, Kind: "expired", Title: "The signer's certificate or key has expired",
		Fix: "Ask the sender for the renewed one, import it, then Retry.", Retry: true},
	verdict.ReasonNotYetValid: {Kind: "expired", Title: "The signer's certificate is not valid yet",
		Fix: "Check your computer's clock; otherwise ask the sender. Then Retry.", Retry: true},
	verdict.ReasonRevoked: {Label: "Signer revoked", Kind: "revoked", Title: "The signer's key is revoked",
		Fix: "Treat the message as not signed; ask the sender for their new key.", Retry: true},
	verdict.ReasonSignatureExpired: {Label: labelExpired, Kind: "expired", Title: "The signature has expired",
		Fix: "The signer gave this signature an end date, and it has passed: treat the message as not signed."},
	verdict.ReasonSigningKeyInvalid: {Label: labelExpired, Kind: "expired", Title: "The subkey that made the signature is expired or revoked",
		Fix: "Ask the sender for their renewed key, import it, then Retry.", Retry: true},
	verdict.ReasonUntrusted: {Label: labelUntrusted, Kind: "untrusted", Title: "The sender's certificate is not issued by a CA you trust",
		Fix: "If you trust that CA, import its certificate in Certificates, then Retry. Otherwise treat the message as not signed.", Retry: true},
	verdict.ReasonCAInvalid: {Label: labelUntrusted, Kind: "untrusted", Title: "A CA above the sender's certificate is expired or not valid yet",
		Fix: "Check your computer's clock, or import the CA's current certificate, then Retry.", Retry: true},
	verdict.ReasonCAUsage: {Label: labelUntrusted, Kind: "untrusted", Title: "A CA above the sender's certificate may not issue e-mail certificates",
		Fix: "Do not trust this signature."},
	verdict.ReasonKeyUsage: {Kind: "wrong_key_usage", Title: "The sender's certificate is not meant for e-mail signatures",
		Fix: "Treat the message as not signed; the sender needs an e-mail (S/MIME) certificate."},
}

// decryptWording says why a message was not decrypted.
var decryptWording = map[verdict.DecryptFailure]wording{
	verdict.DecryptSwitchedOff: offWording,
	verdict.DecryptMalformed: {Kind: "damaged", Title: "What the decryption produced is not a message",
		Fix: "Nothing of it is shown: the message was damaged or tampered with, or the wrong key was used. Ask the sender to send it again."},
	verdict.DecryptIntegrity: {Kind: "tampered", Title: "The message was altered on the way",
		Fix: "Its integrity check failed, so nothing of it is shown: ask the sender to send it again."},
	verdict.DecryptTooLarge: {Label: "Too large to show", Kind: "too_large", Title: "The message is too large to show once decrypted",
		Fix: "The message itself stays stored; ask the sender to send its content in smaller parts."},
	verdict.DecryptNoKey: {Kind: "our_key_missing", Title: "Our certificate and private key for this message are missing — maybe the sender used the wrong certificate",
		Fix: "Import the certificate and private key (or OpenPGP secret key) it was encrypted to, then Retry; or ask the sender to encrypt to your current certificate.", Retry: true},
	verdict.DecryptKeyLocked: {Kind: "our_key_locked", Title: "Our secret key could not be unlocked",
		Fix: "Check the key's passphrase in PGP keys, then Retry.", Retry: true},
	verdict.DecryptKeychain: {Kind: "keychain", Title: "Our private key could not be read from the OS keychain",
		Fix: "Unlock the keychain, then Retry.", Retry: true},
	verdict.DecryptKeyFailed: {Kind: "our_key_failed", Title: "Our key could not decrypt the message",
		Fix: "The sender may have used an old certificate or key of ours: import it, then Retry, or ask the sender to encrypt again to your current one.", Retry: true},
	verdict.DecryptDamaged: {Kind: "damaged", Title: "The encrypted part is damaged",
		Fix: "It cannot be read or decrypted: ask the sender to send it again."},
	verdict.DecryptUnsupportedAlgorithm: {Kind: "unsupported", Title: "The message is encrypted with an algorithm SealDesk does not support",
		Fix: "Ask the sender to use AES."},
	verdict.DecryptUnsupported: {Kind: "unsupported", Title: "The encrypted part is of a kind SealDesk cannot open",
		Fix: "Ask the sender to send it as an ordinary S/MIME or OpenPGP message."},
	verdict.DecryptPassphraseOnly: {Kind: "unsupported", Title: "The message is encrypted with a passphrase only",
		Fix: "SealDesk decrypts with keys only: ask the sender to encrypt to your certificate or key."},
	verdict.DecryptNotProtected: {Kind: "not_integrity_protected", Title: titleNotProtected,
		Fix: "The message uses an obsolete encryption format open to tampering and was not decrypted: ask the sender to update their OpenPGP software and send it again."},
	verdict.DecryptTooManyRecipients: {Kind: "damaged", Title: "The message lists more recipients than SealDesk reads",
		Fix: "It was not opened: ask the sender to send it to fewer recipients at once."},
	verdict.DecryptNotOpened: {Label: "Not opened", Kind: "unsupported", Title: "An encryption inside this message's signature was not opened",
		Fix: "SealDesk opens an encryption as the whole message, or as the whole content of a signature; ask the sender to send it again encrypted as a whole."},
	verdict.DecryptPartial: {Label: "Partly encrypted", Kind: "partial", Title: "Only part of this message was encrypted",
		Fix: "What is shown outside the encrypted part travelled readable by anyone: do not treat the message as confidential."},
}

// warning makes the Warning of w for a result of technology tech.
func (w wording) warning(tech verdict.Technology) Warning {
	return Warning{Kind: w.Kind, Title: strings.ReplaceAll(w.Title, "{tech}", string(tech)), Fix: w.Fix, Retry: w.Retry}
}

// Labels are the short words of an article's security band.
type Labels struct {
	Seal string `json:"seal"`
	Lock string `json:"lock"`
}

// BandLabels says in short what the seal and the lock of r show.
func BandLabels(r verdict.Result) Labels {
	var l Labels
	switch {
	case !r.Signed:
		l.Seal = labelNotSigned
	case r.Sign.Success && trustedDirectly(r.Sign.Signers):
		l.Seal = labelValidDirect
	case r.Sign.Success:
		l.Seal = labelValid
	default:
		l.Seal = orElse(signWording[r.Sign.Reason].Label, labelNotValid)
	}
	switch {
	case !r.Encrypted:
		l.Lock = labelNotEncrypted
	case r.Encryption.Success:
		l.Lock = labelDecrypted
	default:
		l.Lock = orElse(decryptWording[r.Encryption.Failure].Label, labelNotDecrypted)
	}
	return l
}

// trustedDirectly: a signer's certificate is trusted on its own for its
// addresses (an admin's decision, security/trust.go), not through a CA;
// the band says so, as no CA vouches for it.
func trustedDirectly(signers []verdict.Signer) bool {
	for _, sg := range signers {
		if sg.TrustedDirectly {
			return true
		}
	}
	return false
}

// noteWording is what the composer adds to the engine's Comment about a
// ReadinessNote (the Comment names the certificate or CA).
var noteWording = map[ReadinessNote]string{
	NoteRecipientsNeedOurCA: "Import your CA under Certificates, or send it to them.",
}

// noteText is the composer's sentence about a's Note; "" when it has none.
func noteText(a AddressStatus) string {
	fix, ok := noteWording[a.Note]
	if !ok {
		return ""
	}
	return strings.TrimSpace("Note: " + strings.TrimSuffix(a.Comment, ".") + ". " + fix)
}

// The team's key removals (teamunkeys.go): what the security log and the
// key lists say when a team member removed a key on their laptop. The
// screens are the app's (sealctl's `cert delete`, `pgp delete` do the
// same).
const (
	screenCertificates = "Certificates"
	screenPGPKeys      = "PGP keys"
)

// keyNoun is what a key of tech is called.
func keyNoun(tech verdict.Technology) string {
	if tech == verdict.TechPGP {
		return "OpenPGP key"
	}
	return "S/MIME certificate"
}

// teamRemovedNote is the sentence beside a held key a team member
// removed: "Anna removed it on their laptop on 2 Jun 2026. It stays here
// until an admin removes it under Certificates."
func teamRemovedNote(r store.TeamRemoval, screen string) string {
	when := ""
	if at, err := time.Parse(time.RFC3339, r.At); err == nil && !at.IsZero() {
		when = " on " + at.Format("2 Jan 2006")
	}
	return fmt.Sprintf("%s removed it on their laptop%s. It stays here until an admin removes it under %s.",
		teamWho(r.Agent, r.AgentName), when, screen)
}

// teamRemovedText is the security log's entry for a held key a team
// member removed.
func teamRemovedText(uid uint32, who, noun, label, screen string) string {
	return fmt.Sprintf("team record %d: %s removed the %s %s on their laptop. It stays here until an admin removes it under %s.",
		uid, who, noun, label, screen)
}

// teamWithdrawnText is the security log's entry for a candidate the team
// offered and withdrew.
func teamWithdrawnText(uid uint32, who, noun, label, address string) string {
	return fmt.Sprintf("team record %d: %s removed the %s %s for %s on their laptop: it is no longer offered in Found in mail.",
		uid, who, noun, label, address)
}
