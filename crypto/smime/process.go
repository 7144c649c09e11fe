package smime

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/sender"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// maxLayers bounds nesting (a hostile message could nest forever).
const maxLayers = 8

// Engine processes and produces S/MIME messages with the certificates and
// keys of a Keyring. It is safe for concurrent use if the Keyring is.
type Engine struct {
	keys Keyring
}

// NewEngine returns an engine that uses keys.
func NewEngine(keys Keyring) *Engine { return &Engine{keys: keys} }

// ProcessOptions tunes Process.
type ProcessOptions struct {
	// Now is the time certificates are judged at; zero means time.Now().
	Now time.Time
}

// Processed is what Process found.
type Processed struct {
	Result verdict.Result
	// Entity is the MIME entity to display after decryption and
	// unwrapping (the whole message when there was nothing to unwrap, nil
	// when decryption failed). It is covered by the signature only when
	// Result.Sign.Success is true.
	Entity []byte
	// Text is Entity's readable text: its text/plain parts, or its HTML
	// reduced to text when there is no plain text.
	Text string
	// Inner, when set, is another technology's encryption that the
	// signature covers whole (a PGP/MIME multipart/encrypted, RFC 3156
	// section 4), left closed, as a message of its own under this
	// message's header (see mimepart.Rehead): the OpenPGP engine opens
	// it. Result then reports the signature as Result.OuterSignature,
	// never as Signed, and the encryption as not opened; Entity is nil.
	Inner []byte
}

// ErrInternal wraps a recovered panic; it is a bug, never expected.
var ErrInternal = errors.New("smime: internal error")

// Process detects, decrypts and verifies the S/MIME layers of a raw
// RFC 5322 message. It returns an error only when raw is not a message;
// every S/MIME failure is reported in the Result.
func (e *Engine) Process(raw []byte, opts ProcessOptions) (p *Processed, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("%w: %v", ErrInternal, r)
		}
	}()
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	top, err := mimepart.Parse(raw)
	if err != nil || len(raw) == 0 || top.Header.Len() == 0 {
		return nil, ErrNotMessage
	}
	// A gateway's message/rfc822 wrapper: the inner message is judged,
	// against its own header (see gatewayUnwrap).
	top, wrapped := gatewayUnwrap(top)
	env := e.trustEnv(now)
	env.certs, env.id = e.keys.Certificates(), sender.Parse(&top.Header)
	res := verdict.Result{ProcessedAt: now, Sender: env.id.Info()}
	var (
		layers  []*signedLayer
		ignored int
		dec     *decrypted
		cur     = top
		stopped string // why unwrapping stopped early
		notes   []string
	)
	// kind and obj describe cur; every S/MIME part is classified (its BER
	// converted to DER) once, and the layer that opens it reuses that.
	kind, obj := classify(cur)
loop:
	for depth := 0; depth < maxLayers; depth++ {
		switch {
		case kind.encrypted():
			res.Type = verdict.TechSMIME
			if len(layers) > 0 {
				// Encrypted content inside a signature that is not inside
				// encryption: not opened (Thunderbird does the same).
				stopped = "The signed content is an encrypted part, which was not opened."
				break loop
			}
			d := decryptCMS(obj, e.keys)
			dec = &d
			if !d.ok {
				cur = nil
				break loop
			}
			// Strictly: output that is not a MIME entity is a failed
			// decryption, never text to show (see mimepart.ParseStrict).
			next, err := mimepart.ParseStrict(d.content)
			if err != nil {
				d.ok, d.failure = false, verdict.DecryptMalformed
				d.comment = "The decrypted content is not a MIME entity (" + strings.TrimPrefix(err.Error(), mimepart.ErrNotEntity.Error()+": ") +
					"), so nothing of it is shown: the message was damaged or tampered with, or the wrong key was used. Ask the sender to send it again."
				cur = nil
				break loop
			}
			cur = next
			kind, obj = classify(cur)
		case kind.signed():
			res.Type = verdict.TechSMIME
			lenv := *env
			if len(layers) > 0 {
				// QUIRK: nested signatures. An opaque signature inside an
				// opaque one is vouched for by the outer signer; any nesting
				// with multipart/signed must name the sender at every layer
				// (Thunderbird's behaviour, which the corpus encodes).
				prev := layers[len(layers)-1]
				lenv.skipFrom = prev.form == "opaque" && kind == kindOpaqueSigned
			}
			l := e.verifyLayer(cur, kind, obj, &lenv)
			inner, err := mimepart.Parse(l.UnverifiedBody)
			if err != nil {
				layers = append(layers, l)
				cur = nil
				break loop
			}
			innerKind, innerObj := classify(inner)
			if innerKind.encrypted() && len(layers) == 0 && (dec == nil || !dec.ok) {
				// A signature around ciphertext proves nothing about the
				// plaintext (often a gateway's): ignore it, as Thunderbird
				// does since bug 1806161. RFC 8551 section 3.7.
				ignored++
				cur, kind, obj = inner, innerKind, innerObj
				continue
			}
			layers = append(layers, l)
			cur, kind, obj = inner, innerKind, innerObj
		case kind == kindUnsupportedCMS:
			res.Type = verdict.TechSMIME
			notes = append(notes, "This S/MIME part is of a kind SealDesk cannot open (for example compressed data).")
			break loop
		case kind == kindBrokenCMS:
			// Announced as S/MIME but unreadable: report it as a failed
			// decryption (or signature, if smime-type says so) so that the
			// article is offered for "Retry security process".
			res.Type = verdict.TechSMIME
			broken := "This S/MIME part is damaged and cannot be read: ask the sender to send it again."
			if strings.Contains(strings.ToLower(cur.Params["smime-type"]), "signed") {
				l := &signedLayer{form: "opaque"}
				l.broken(verdict.ReasonDamaged, "the signed-data cannot be decoded", broken)
				layers = append(layers, l)
			} else {
				dec = &decrypted{comment: broken, failure: verdict.DecryptDamaged}
			}
			cur = nil
			break loop
		default:
			break loop
		}
	}

	if cur != nil && dec == nil && len(layers) > 0 && pgpEncrypted(cur) {
		// A gateway's or a client's signature around a whole OpenPGP
		// encryption: it covers ciphertext, so it proves nothing about the
		// text inside (RFC 8551 section 3.7), and the text is not ours to
		// open. An encryption beside other parts is not handed on: it is
		// an attachment of the signed content, as before.
		res.Type = verdict.TechSMIME
		res.OuterSignature = &verdict.OuterSignature{Type: verdict.TechSMIME, Sign: summarize(layers)}
		res.Encrypted = true
		res.Encryption.Comment = "The signed content is an OpenPGP (PGP/MIME) encryption, which the S/MIME engine does not open."
		res.Encryption.Failure = verdict.DecryptNotOpened
		if wrapped {
			res.Repaired = verdict.RepairGatewayRFC822
		}
		return &Processed{Result: res, Inner: mimepart.Rehead(top, cur)}, nil
	}

	// Nested S/MIME parts beside other parts are not the message's own
	// layers: they never make a valid message signature. Neither do
	// layers left unopened because the nesting was too deep.
	var nestedSigned, nestedEnc bool
	if cur != nil {
		nestedSigned, nestedEnc = nestedSMIME(cur, 0)
		if stopped == "" && (kind.signed() || kind.encrypted()) {
			notes = append(notes, fmt.Sprintf("The message nests more than %d S/MIME layers; the innermost were not opened.", maxLayers))
			nestedSigned, nestedEnc = nestedSigned || kind.signed(), nestedEnc || kind.encrypted()
		}
		if nestedSigned || nestedEnc {
			res.Type = verdict.TechSMIME
		}
	}

	if dec != nil {
		res.Encrypted = true
		res.Encryption = verdict.EncryptionResult{Success: dec.ok, Comment: dec.comment, Algorithm: dec.algorithm, Key: dec.key,
			IntegrityProtected: dec.ok && dec.integrity, Failure: dec.failure}
	} else if nestedEnc {
		res.Encryption.Comment = "An encrypted part inside this message was not opened: only the message as a whole is decrypted."
	}

	switch {
	case len(layers) > 0:
		res.Signed = true
		res.Sign = summarize(layers)
		if stopped != "" {
			res.Sign.Comment += " " + stopped
		}
		if nestedSigned || nestedEnc {
			res.Sign.Checks = append(res.Sign.Checks, verdict.Check{Kind: verdict.CheckStructure, Reason: verdict.ReasonNestedParts, Detail: "the signed content holds separately signed or encrypted parts"})
			note := "The signed content holds another signed or encrypted part, which this signature does not vouch for: treat the message as not signed."
			if res.Sign.Success {
				res.Sign.Comment = note
			} else {
				res.Sign.Comment += " " + note
			}
			res.Sign.Success = false
		}
	case nestedSigned:
		res.Signed = true
		res.Sign = verdict.SignResult{Comment: "Only a part of this message is signed, not the message itself: treat it as not signed.",
			Checks: []verdict.Check{{Kind: verdict.CheckStructure, Reason: verdict.ReasonPartial, Detail: "a signed part inside an unsigned multipart"}}}
	case ignored > 0:
		res.Sign.Comment = "A signature around the encrypted content was ignored: it covers only the ciphertext, not what you read."
	}
	if len(notes) > 0 {
		if res.Sign.Comment == "" {
			res.Sign.Comment = strings.Join(notes, " ")
		} else {
			res.Encryption.Comment = strings.TrimSpace(res.Encryption.Comment + " " + strings.Join(notes, " "))
		}
	}

	if wrapped && res.Type == verdict.TechSMIME {
		res.Repaired = verdict.RepairGatewayRFC822
	}
	if res.Signed && !res.Sign.Success {
		res.Sign.Reason = verdict.ReasonOf(res.Sign.Checks)
	}
	p = &Processed{Result: res}
	if cur != nil {
		p.Entity = cur.Raw
		p.Text = mimepart.ReadableText(cur)
	}
	return p, nil
}

// pgpEncrypted reports a PGP/MIME multipart/encrypted (RFC 3156 section
// 4), which S/MIME never writes.
func pgpEncrypted(e *mimepart.Entity) bool {
	return e.MediaType == "multipart/encrypted" && strings.EqualFold(e.Params["protocol"], "application/pgp-encrypted")
}

// verifyLayer checks a multipart/signed or opaque signed-data layer.
func (e *Engine) verifyLayer(cur *mimepart.Entity, kind layerKind, obj *cmsObject, env *verifyEnv) *signedLayer {
	if kind == kindOpaqueSigned {
		return verifySignedData(obj, nil, env)
	}
	parts, closed := mimepart.SplitMultipart(cur.Body, cur.Params["boundary"])
	if len(parts) != 2 || !closed {
		l := &signedLayer{form: "multipart/signed"}
		if len(parts) > 0 {
			l.UnverifiedBody = mimepart.CanonicalCRLF(parts[0])
		}
		l.broken(verdict.ReasonDamaged, fmt.Sprintf("multipart/signed has %d parts, want 2 (RFC 8551 section 3.5)", len(parts)),
			"The signature part is missing or the signed message is damaged: the content is not signed.")
		return l
	}
	// RFC 8551 section 3.1.1: the first part is hashed as on the wire,
	// with CRLF line ends.
	content := mimepart.CanonicalCRLF(parts[0])
	sigEnt, err := mimepart.Parse(parts[1])
	var sig []byte
	if err == nil {
		sig, err = sigEnt.DecodedBody()
	}
	if err != nil || len(sig) == 0 {
		l := &signedLayer{form: "multipart/signed", UnverifiedBody: content}
		l.broken(verdict.ReasonDamaged, "the signature part cannot be decoded", "The signature part is damaged: the content is not signed.")
		return l
	}
	sigObj, _ := parseCMS(sig) // nil: reported as damaged
	return verifyDetachedContent(sigObj, content, env)
}

// summarize turns the signature layers, outermost first, into the
// message's SignResult: the outermost signer is reported, and every layer
// must hold.
func summarize(layers []*signedLayer) verdict.SignResult {
	outer := layers[0]
	r := verdict.SignResult{Success: outer.valid, Signers: outer.signers, Checks: outer.checks, Comment: outer.comment}
	for i, l := range layers[1:] {
		for _, c := range l.checks {
			c.Layer = i + 1
			r.Checks = append(r.Checks, c)
		}
		if !l.valid && r.Success {
			r.Success = false
			r.Comment = "The outer signature is valid, but an inner signature is not: " + l.comment
		}
	}
	if r.Success {
		s := outer.signers[0]
		who := strings.Join(s.Emails, ", ")
		r.Comment = fmt.Sprintf("Valid signature by %s (%s).", who, subjectCN(outer.signerCerts[0]))
		if len(layers) > 1 {
			r.Comment += " It wraps further valid signatures."
		}
	}
	return r
}
