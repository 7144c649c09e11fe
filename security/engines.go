package security

import (
	"context"
	"errors"
	"time"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// Engine is one security technology as processing and sealing use it: an
// adapter in this package over the technology's engine in crypto/ (see
// engine_smime.go, engine_pgp.go) and the profile's keys of that
// technology. Processing walks a message layer by layer and asks each
// engine, in the order of deps.engines, whether it claims the layer;
// sealing and readiness take the engine of SealRequest.Technology. The
// package doc says how a new engine plugs in.
//
// Its methods take this package's per-operation types (keySet, processed,
// sealer): an engine shares the operation's keyrings and switches, so it
// is written here, not outside.
type Engine interface {
	// Technology names the engine; it is what results, the security log
	// and SealRequest.Technology say.
	Technology() verdict.Technology
	// Enabled reads the engine's switch in Settings > Integrations.
	Enabled(on Integrations) bool
	// Detect says whether the engine claims the layer. It may look at
	// the layer's header and the bodies of parts announced as its own,
	// never decrypt or read a keyring. An error is about the layer
	// itself (not a message, beyond the limits of package mimelimit) and
	// ends the walk: no other engine would read it either.
	Detect(l *Layer) (bool, error)
	// Process runs the engine over a layer it claimed. on is its switch:
	// when off it runs over an empty keyring and says so (switchedOff).
	// A nil outcome and nil error hand the layer on to the next engine
	// that claims it (an S/MIME certs-only message is no S/MIME layer).
	Process(ks *keySet, l *Layer, at time.Time, on bool) (*processed, error)
	// Sealer opens the engine's sealing over our keys for one request;
	// its judge is the one Judge gives, over the same keys.
	Sealer(ctx context.Context, req SealRequest) (*sealer, error)
	// Judge opens the engine's public material for req (see judge):
	// Readiness and sealing both judge through it.
	Judge(ctx context.Context, req SealRequest) (*judge, error)
}

// Layer is one MIME layer of a received message as the engines are asked
// about it: the message itself (Depth 0), or an entity an engine left
// closed inside it (processed.Inner), such as a PGP/MIME
// multipart/encrypted that an S/MIME multipart/signed covers.
type Layer struct {
	// Raw is the layer as a MIME entity (a whole RFC 5322 message at
	// Depth 0).
	Raw   []byte
	Depth int
	// reuse hands the parse one engine's Detect made of Raw to the
	// OpenPGP engine (pgp.ProcessOptions.Parsed: its type is internal to
	// crypto/, so it travels as the option it fills); nil when none.
	// Parsing the header and parts twice cost a tenth of an Ed25519
	// OpenPGP article.
	reuse func(*pgp.ProcessOptions)
}

// maxLayers bounds the walk into inner layers; each layer is a whole
// engine run.
const maxLayers = 4

// errNoEngine: no engine claimed a layer. The OpenPGP engine claims every
// layer (plain mail included), so it means an engine list without it.
var errNoEngine = errors.New("security: no engine claims this message")

// keySet is the key material of one operation: each technology's keyring
// is loaded when an engine first needs it, so a plain or S/MIME message
// never touches the OpenPGP store and the reverse.
type keySet struct {
	s     *deps
	ctx   context.Context
	smime *Keyring
	pgp   *PGPKeyring
	// on, when set, are the Integrations switches for the whole
	// operation (ProcessStoredBatch sets them: a batch of tens of messages,
	// written in one transaction, is judged by one snapshot of the
	// settings as of the keyrings). Unset, they are read per message, so
	// that a long re-run notices a technology switched off midway.
	on *Integrations
	// noText, when set, spares the OpenPGP engine the readable text
	// (pgp.ProcessOptions.NoText): ProcessStoredBatch stores the result,
	// the sealed entity and the log, never the text.
	noText bool
}

func (s *deps) keySet(ctx context.Context) *keySet { return &keySet{s: s, ctx: ctx} }

// The keyrings of an operation, each loaded when its engine first needs
// it, so that a plain or S/MIME message never touches the OpenPGP store
// and the reverse. A new engine adds its own loader here and to Release.

func (ks *keySet) SMIME() (*Keyring, error) {
	if ks.smime == nil {
		kr, err := ks.s.smimeKeyring(ks.ctx)
		if err != nil {
			return nil, err
		}
		ks.smime = kr
	}
	return ks.smime, nil
}

func (ks *keySet) PGP() (*PGPKeyring, error) {
	if ks.pgp == nil {
		kr, err := ks.s.pgpKeyring(ks.ctx)
		if err != nil {
			return nil, err
		}
		ks.pgp = kr
	}
	return ks.pgp, nil
}

// Integrations are the switches: the operation's snapshot, else as they
// are now.
func (ks *keySet) Integrations() (Integrations, error) {
	if ks.on != nil {
		return *ks.on, nil
	}
	return ks.s.Integrations(ks.ctx)
}

// Release drops what the operation loaded (see Keyring.Release and
// PGPKeyring.Release).
func (ks *keySet) Release() {
	if ks.smime != nil {
		ks.smime.Release()
	}
	if ks.pgp != nil {
		ks.pgp.Release()
	}
}

// processed is one engine's outcome over a layer, in the terms the
// article needs.
type processed struct {
	Result verdict.Result
	Entity []byte
	Text   string
	// Subject is the protected Subject (RFC 9788) when the message has one.
	Subject string
	// Found are the OpenPGP keys the message offers (Autocrypt, attached).
	Found []pgp.FoundKey
	// Inner, when set, is an entity inside the layer that this engine
	// left closed for the engines to read as a layer of its own (a whole
	// PGP/MIME encryption under an S/MIME or OpenPGP signature), already
	// a message under the layer's header (mimepart.Rehead in crypto/):
	// the walk asks the engines about it and puts their outcome in
	// Inside. See article for what the message then reports.
	Inner  []byte
	Inside *processed
}

// article is what a walk's outcome reports for the message. A layer that
// is only a signature around a whole encryption (Result.OuterSignature,
// with Inner) is reported through its inside: the message's Signed and
// Sign are the signature inside the encryption (or none), Encrypted and
// Encryption its decryption, and the entity, text, protected subject and
// keys are the inside's; the signature around it stays
// Result.OuterSignature, which says nothing about who wrote the text.
// When layers nest, the outer signature nearest the encryption is kept.
// Without an inside (it could not be read), the outer layer stands: it
// reports the encryption as not opened, and nothing as signed.
func (p *processed) article() *processed {
	if p.Inside == nil || p.Result.OuterSignature == nil {
		return p
	}
	in := *p.Inside.article()
	if in.Result.OuterSignature == nil {
		in.Result.OuterSignature = p.Result.OuterSignature
	}
	return &in
}

// process runs the engines over a received message, layer by layer (see
// walk), and returns what the article reports (see processed.article).
// A message is one technology's at its top: the S/MIME engine is
// asked first because its detection (content types, CMS content types,
// its quirks) is the strictest, and when it claims nothing the OpenPGP
// engine runs, which also handles plain mail (inline blocks, Autocrypt
// headers, attached keys). smime.Detect asks the S/MIME engine's own
// question over headers only: when it says no, the engine would have
// said TechNone, so it is not run (parsing, reducing the text, reading
// the certificate store for nothing cost about a sixth of an Ed25519
// OpenPGP article). The engines' "key missing" becomes the real reason
// when the keychain could not be read.
//
// A technology switched off in Settings still has its engine run, but over
// an empty keyring: the article says what the message is (signed,
// encrypted, by which technology) and that the integration is off, and no
// key of ours is touched. Switching it on re-runs those articles.
func (ks *keySet) process(raw []byte, at time.Time) (*processed, error) {
	on, err := ks.Integrations()
	if err != nil {
		return nil, err
	}
	p, err := ks.walk(&Layer{Raw: raw}, at, on)
	if err != nil {
		return nil, err
	}
	return p.article(), nil
}

// walk asks each engine in turn whether it claims the layer; the first
// that claims it and does not hand it on processes it. When that engine
// left an inner layer closed (processed.Inner), the engines are asked
// about that one the same way, so that one technology's signature over
// another's encryption is verified by the one and opened by the other.
// An inner layer that cannot be processed leaves Inside nil: the outer
// layer's outcome stands (an engine that hands a layer on reports it as
// not opened, and nothing as signed).
func (ks *keySet) walk(l *Layer, at time.Time, on Integrations) (*processed, error) {
	for _, e := range ks.s.engines {
		claims, err := e.Detect(l)
		if err != nil {
			return nil, err
		}
		if !claims {
			continue
		}
		p, err := e.Process(ks, l, at, e.Enabled(on))
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue
		}
		if len(p.Inner) > 0 && l.Depth+1 < maxLayers {
			p.Inside, _ = ks.walk(&Layer{Raw: p.Inner, Depth: l.Depth + 1}, at, on)
		}
		return p, nil
	}
	return nil, errNoEngine
}

// switchedOff turns an engine's outcome over an empty keyring into "this
// technology is off": nothing was checked, so nothing may read as valid.
func switchedOff(r *verdict.Result) {
	if r.Type == verdict.TechNone {
		return
	}
	comment := string(r.Type) + " is switched off in Settings > Integrations: switch it on to check this message."
	unchecked := func(s *verdict.SignResult) {
		s.Success, s.Comment, s.Checks, s.Reason = false, comment, nil, verdict.ReasonSwitchedOff
		for i := range s.Signers {
			s.Signers[i].Valid = false
		}
	}
	if r.Signed {
		unchecked(&r.Sign)
	}
	if r.OuterSignature != nil {
		unchecked(&r.OuterSignature.Sign)
	}
	if r.Encrypted {
		r.Encryption.Success, r.Encryption.Comment, r.Encryption.Failure = false, comment, verdict.DecryptSwitchedOff
	}
}

func keychainComment(r *verdict.Result, kerr error) {
	if kerr != nil && r.Encrypted && !r.Encryption.Success {
		r.Encryption.Comment = "Our private key could not be read from the OS keychain (" + kerr.Error() + "): unlock it, then retry."
		r.Encryption.Failure = verdict.DecryptKeychain
	}
}
