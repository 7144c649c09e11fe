package pgp

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/sender"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// maxDepth bounds MIME nesting (a hostile message could nest forever).
const maxDepth = 20

// Engine processes and produces OpenPGP messages with the keys of a
// Keyring. It is safe for concurrent use if the Keyring is.
type Engine struct {
	kr Keyring
}

// NewEngine returns an engine that uses keys.
func NewEngine(keys Keyring) *Engine { return &Engine{kr: keys} }

// ProcessOptions tunes Process.
type ProcessOptions struct {
	// Now is the time keys and signatures are judged at; zero means time.Now().
	Now time.Time
	// Parsed, when set, is raw as smime.DetectParsed parsed it: Process
	// then reads the header and the parts from it instead of parsing them
	// again. It is used only when it is the parse of raw itself (the same
	// bytes); nil, or anything else, means Process parses raw.
	Parsed *mimepart.Entity
	// NoText, when set, leaves Processed.Text empty where it is only for
	// display (a PGP/MIME message's readable text): a caller that stores
	// the result and the entity, not the text, saves reducing every
	// message to text. Inline OpenPGP still reads the text, whose blocks
	// are what it judges. The result, the entity, the protected headers
	// and the keys found are the same either way.
	NoText bool
}

// Processed is what Process found.
type Processed struct {
	Result verdict.Result
	// Entity is the MIME entity to display after decryption and
	// unwrapping (the whole message when there was nothing to unwrap, nil
	// when decryption failed). It is covered by the signature only when
	// Result.Sign.Success is true.
	Entity []byte
	// Text is the readable text: Entity's text/plain parts (or its HTML
	// reduced to text), with inline OpenPGP blocks replaced by their
	// decrypted or verified content. Empty when decryption failed.
	Text string
	// ProtectedSubject is the Subject from inside the encryption (RFC 9788
	// header protection), empty when the message has none. Show it instead
	// of the outer Subject, which is often "[...]".
	ProtectedSubject string
	// ProtectedHeaders are all header fields found inside the encryption
	// or signature (Subject, From, To, Cc, Date, Reply-To, Message-ID, ...),
	// by canonical name.
	ProtectedHeaders map[string]string
	// Attachments are decrypted encrypted attachments (*.pgp, *.gpg, *.asc).
	Attachments []Attachment
	// FoundKeys are keys offered by the message (Autocrypt header,
	// application/pgp-keys parts) for the "pending acceptance" list. They
	// are never trusted or used automatically.
	FoundKeys []FoundKey
	// Inner, when set, is a whole PGP/MIME encryption that a PGP/MIME
	// signature covers (the signature of a gateway or a client that
	// signed the encrypted message), left closed, as a message of its
	// own under this message's header (see mimepart.Rehead): process it
	// as a layer of its own. Result then reports the signature as
	// Result.OuterSignature, never as Signed, and the encryption as not
	// opened; Entity is nil.
	Inner []byte
}

// Attachment is one decrypted attachment.
type Attachment struct {
	// Name is the attachment's file name with the .pgp/.gpg/.asc removed.
	Name string
	Data []byte
}

// FoundKey is a key found in a message.
type FoundKey struct {
	// Source is "autocrypt" or "attachment".
	Source string
	// Address is the Autocrypt addr (empty for attachments).
	Address string
	// PreferEncrypt is the Autocrypt prefer-encrypt value ("mutual" or "").
	PreferEncrypt string
	Key           *Key
	// Warning is set when the key is suspicious, e.g. an Autocrypt addr
	// that is not the From address or not on the key.
	Warning string
	// Finding says what the key is to the sender (see FoundFinding): only
	// FoundSender may be offered for one-click acceptance.
	Finding FoundFinding
}

// state is one Process run.
type state struct {
	kr     Keyring
	now    time.Time
	id     sender.Identity // From, Reply-To, Date, read once (crypto/sender)
	noText bool            // ProcessOptions.NoText
	p      *Processed
	// budget is the message's size budget, shared by all its decryptions.
	budget verdict.Budget
}

// Process detects, decrypts and verifies the OpenPGP layers of a raw
// RFC 5322 message. It returns an error only when raw is not a message;
// every OpenPGP failure is reported in the Result.
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
	top := opts.Parsed
	if !top.Is(raw) {
		if top, err = mimepart.Parse(raw); err != nil {
			return nil, ErrNotMessage
		}
	}
	if len(raw) == 0 || top.Header.Len() == 0 {
		return nil, ErrNotMessage
	}
	s := &state{kr: e.kr, now: now, noText: opts.NoText, p: &Processed{}}
	s.id = sender.Parse(&top.Header)
	s.p.Result.ProcessedAt = now
	s.p.Result.Sender = s.id.Info()
	s.p.FoundKeys = autocryptKeys(top.Header.Values("Autocrypt"), s.id.Address)
	s.process(top)
	if len(s.p.FoundKeys) > 0 {
		s.judgeFound(func(keys []*Key) verdict.SignResult {
			extra := NewMemoryKeyring()
			if _, err := extra.Add(keys...); err != nil {
				return verdict.SignResult{}
			}
			again := &state{kr: withKeys{Keyring: e.kr, extra: extra}, now: now, id: s.id, noText: true, p: &Processed{}}
			again.process(top)
			return again.p.Result.Sign
		})
	}
	if r := &s.p.Result.Sign; s.p.Result.Signed && !r.Success {
		r.Reason = verdict.ReasonOf(r.Checks)
	}
	if s.p.Result.Signed || s.p.Result.Encrypted {
		s.p.Result.Type = verdict.TechPGP
	}
	return s.p, nil
}

// process handles the top level: PGP/MIME encryption and signature
// layers first (RFC 3156 sections 4-6), then inline forms and parts.
func (s *state) process(top *mimepart.Entity) {
	res := &s.p.Result
	cur := top
	parts, repaired, encrypted := encryptedParts(cur)
	switch {
	case encrypted:
		if len(parts) == 2 && parts[1] != nil && s.clearsignedPayload(parts[1]) {
			return
		}
		res.Encrypted, res.Repaired = true, repaired
		if len(parts) < 2 {
			res.Encryption.Comment = "The encrypted message is damaged (a PGP/MIME part is missing): ask the sender to send it again."
			res.Encryption.Failure = verdict.DecryptDamaged
			return
		}
		payload := parts[1]
		var d decrypted
		if payload == nil {
			d.comment, d.failure = "The encrypted message is damaged: ask the sender to send it again.", verdict.DecryptDamaged
		} else {
			body, _ := payload.DecodedBody()
			d = s.decrypt(body)
		}
		s.setEncryption(d)
		if !d.ok {
			return
		}
		// Strictly: RFC 3156 section 4 encrypts a MIME entity; anything
		// else is a failed decryption, and its bytes are wiped.
		inner, err := mimepart.ParseStrict(canonicalCRLF(d.plain))
		if err != nil {
			wipe(d.plain)
			res.Encryption.Success, res.Encryption.Failure = false, verdict.DecryptMalformed
			res.Encryption.Comment = "The decrypted content is not a MIME entity (" + strings.TrimPrefix(err.Error(), mimepart.ErrNotEntity.Error()+": ") +
				"), so nothing of it is shown: the message was damaged or tampered with. Ask the sender to send it again."
			res.Signed, res.Sign = false, verdict.SignResult{}
			return
		}
		if d.md.IsSigned {
			// RFC 3156 section 6.2: one OpenPGP message, signed and
			// encrypted; the signature covers the whole inner entity.
			res.Signed = true
			res.Sign = s.judge(d.md)
		}
		cur = inner
		if isPGPSigned(cur) {
			// RFC 3156 section 6.1: multipart/signed inside the encryption.
			sres, signed := s.verifyPGPMIME(cur)
			if !res.Signed || !res.Sign.Success {
				res.Signed, res.Sign = true, sres
			}
			cur = signed
		}
		if cur == nil {
			return
		}
		s.protectedHeaders(cur)
		s.finish(cur)
	case isPGPSigned(cur):
		sign, signed := s.verifyPGPMIME(cur)
		if signed != nil && isPGPEncrypted(signed) {
			// A signature around a whole encryption covers ciphertext: it
			// proves nothing about the text inside, which is opened as a
			// layer of its own. An encryption beside other parts is not
			// handed on (finish reports it as a nested part).
			res.OuterSignature = &verdict.OuterSignature{Type: verdict.TechPGP, Sign: sign}
			res.Encrypted = true
			res.Encryption.Comment, res.Encryption.Failure = "The signed content is an encryption, which was not opened.", verdict.DecryptNotOpened
			s.p.Inner = mimepart.Rehead(top, signed)
			return
		}
		res.Signed, res.Sign = true, sign
		if signed == nil {
			return
		}
		s.protectedHeaders(signed)
		s.finish(signed)
	default:
		s.inline(cur)
	}
}

// finish records the displayed entity and looks inside it for parts that
// are themselves signed or encrypted, which the outer layer does not
// vouch for, and for keys.
func (s *state) finish(e *mimepart.Entity) {
	s.p.Entity = e.Raw
	if !s.noText {
		s.p.Text = stripLegacyDisplay(mimepart.ReadableText(e), e)
	}
	var nestedSigned, nestedEnc bool
	walkLeaves(e, 0, func(l *mimepart.Entity) {
		switch {
		case isPGPSigned(l):
			nestedSigned = true
		case isPGPEncrypted(l):
			nestedEnc = true
		case l.MediaType == "application/pgp-keys":
			s.attachedKey(l)
		}
	})
	if (nestedSigned || nestedEnc) && s.p.Result.Signed && s.p.Result.Sign.Success {
		s.p.Result.Sign.Success = false
		s.p.Result.Sign.Checks = append(s.p.Result.Sign.Checks, verdict.Check{Kind: verdict.CheckStructure, Reason: verdict.ReasonNestedParts, Detail: "the signed content holds separately signed or encrypted parts"})
		s.p.Result.Sign.Comment = "The signed content holds another signed or encrypted part, which this signature does not vouch for: treat the message as not signed."
	}
}

func (s *state) setEncryption(d decrypted) {
	s.p.Result.Encrypted = true
	// decrypt opens only SEIPD with MDC or AEAD (scanEncrypted), so what it
	// opened is integrity-protected.
	s.p.Result.Encryption = verdict.EncryptionResult{Success: d.ok, Comment: d.comment, Algorithm: d.algorithm, Key: d.key, IntegrityProtected: d.ok, Failure: d.failure}
	if d.ok && d.comment == "" {
		s.p.Result.Encryption.Comment = "Decrypted with your key " + d.key + "."
	}
}

// verifyPGPMIME checks a multipart/signed with protocol
// application/pgp-signature (RFC 3156 section 5): the signature covers the
// first part's exact bytes, line ends made CRLF. It returns the verdict
// and the signed part.
func (s *state) verifyPGPMIME(e *mimepart.Entity) (verdict.SignResult, *mimepart.Entity) {
	raw, parts := e.Parts()
	if len(parts) != 2 {
		var first *mimepart.Entity
		if len(parts) > 0 {
			first = parts[0]
		}
		return s.broken(fmt.Sprintf("multipart/signed with %d parts instead of 2", len(parts))), first
	}
	signed := parts[0]
	if signed == nil {
		return s.broken("the signed part cannot be read"), nil
	}
	sigPart := parts[1]
	if sigPart == nil || sigPart.MediaType != "application/pgp-signature" {
		return s.broken("the second part is not application/pgp-signature"), signed
	}
	sig, _ := sigPart.DecodedBody()
	return s.verifyDetached(canonicalCRLF(raw[0]), sig), signed
}

// canonicalCRLF is mimepart.CanonicalCRLF without its copy when every line
// feed in b already follows a carriage return (as in any mail that came
// through SMTP): the result is then b itself, which callers only read.
func canonicalCRLF(b []byte) []byte {
	if bytes.Count(b, []byte("\n")) == bytes.Count(b, []byte("\r\n")) {
		return b
	}
	return mimepart.CanonicalCRLF(b)
}

func isPGPEncrypted(e *mimepart.Entity) bool {
	return e.MediaType == "multipart/encrypted" && strings.EqualFold(e.Params["protocol"], "application/pgp-encrypted")
}

func isPGPSigned(e *mimepart.Entity) bool {
	return e.MediaType == "multipart/signed" && strings.EqualFold(e.Params["protocol"], "application/pgp-signature")
}

// walkLeaves calls f for every entity below e that is a leaf or a
// PGP/MIME multipart (which is not descended into).
func walkLeaves(e *mimepart.Entity, depth int, f func(*mimepart.Entity)) {
	if depth > maxDepth {
		return
	}
	if !strings.HasPrefix(e.MediaType, "multipart/") || isPGPSigned(e) || isPGPEncrypted(e) {
		if depth > 0 {
			f(e)
		}
		return
	}
	_, parts := e.Parts()
	for _, p := range parts {
		if p != nil {
			walkLeaves(p, depth+1, f)
		}
	}
}
