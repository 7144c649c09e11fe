package security

import (
	"context"
	"crypto"
	"crypto/x509"
	"time"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// keySet is the key material of one operation: each technology's keyring
// is loaded when an engine first needs it, so a plain or S/MIME message
// never touches the OpenPGP store and the reverse.
type keySet struct {
	s     *Service
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

func (s *Service) keySet(ctx context.Context) *keySet { return &keySet{s: s, ctx: ctx} }

func (ks *keySet) SMIME() (*Keyring, error) {
	if ks.smime == nil {
		kr, err := ks.s.Keyring(ks.ctx)
		if err != nil {
			return nil, err
		}
		ks.smime = kr
	}
	return ks.smime, nil
}

func (ks *keySet) PGP() (*PGPKeyring, error) {
	if ks.pgp == nil {
		kr, err := ks.s.PGPKeyring(ks.ctx)
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

// processed is one engine's outcome, in the terms the article needs.
type processed struct {
	Result verdict.Result
	Entity []byte
	Text   string
	// Subject is the protected Subject (RFC 9788) when the message has one.
	Subject string
	// Found are the OpenPGP keys the message offers (Autocrypt, attached).
	Found []pgp.FoundKey
}

// process runs the engine the message is for. A message is S/MIME or
// OpenPGP, never both: the S/MIME engine runs first because its detection
// (content types, CMS content types, its quirks) is the strictest, and
// when it finds nothing of its own the OpenPGP engine runs, which also
// handles plain mail (inline blocks, Autocrypt headers, attached keys).
// smime.Detect asks the S/MIME engine's own question first, over headers
// only: when it says no, the engine would have said TechNone, so it is
// not run (parsing, reducing the text, reading the certificate store for
// nothing cost about a sixth of an Ed25519 OpenPGP article).
// The engines' "key missing" becomes the real reason when the keychain
// could not be read.
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
	// The message as Detect parsed it goes on to the OpenPGP engine, which
	// then reads its header and parts once (see smime.DetectParsed).
	isSMIME, parsed, err := smime.DetectParsed(raw)
	if err != nil {
		return nil, err // smime.ErrNotMessage, as Process would say
	}
	if isSMIME {
		if p, err := ks.processSMIME(raw, at, on.SMIME); err != nil || p != nil {
			return p, err
		}
	}
	var pkr pgp.Keyring = pgp.NewMemoryKeyring()
	var pours *PGPKeyring
	if on.PGP {
		if pours, err = ks.PGP(); err != nil {
			return nil, err
		}
		pkr = pours
	}
	pp, err := pgp.NewEngine(pkr).Process(raw, pgp.ProcessOptions{Now: at, Parsed: parsed, NoText: ks.noText})
	if err != nil {
		return nil, err
	}
	found := pp.FoundKeys
	if on.PGP {
		keychainComment(&pp.Result, pours.KeychainErr())
	} else {
		switchedOff(&pp.Result)
		found = nil // keys in mail are proposed only while OpenPGP is on
	}
	return &processed{Result: pp.Result, Entity: pp.Entity, Text: pp.Text, Subject: pp.ProtectedSubject, Found: found}, nil
}

// processSMIME runs the S/MIME engine; it returns nil when the engine
// found nothing of its own (a certs-only message, say) and the message is
// the OpenPGP engine's.
func (ks *keySet) processSMIME(raw []byte, at time.Time, on bool) (*processed, error) {
	var skr smime.Keyring = smime.NewMemoryKeyring()
	lazy := &lazySMIME{ks: ks}
	if on {
		skr = lazy
	}
	sp, err := smime.NewEngine(skr).Process(raw, smime.ProcessOptions{Now: at})
	if err == nil {
		err = lazy.err
	}
	if err != nil {
		return nil, err
	}
	if sp.Result.Type != verdict.TechSMIME {
		return nil, nil
	}
	if on {
		keychainComment(&sp.Result, lazy.keychainErr())
	} else {
		switchedOff(&sp.Result)
	}
	return &processed{Result: sp.Result, Entity: sp.Entity, Text: sp.Text}, nil
}

// switchedOff turns an engine's outcome over an empty keyring into "this
// technology is off": nothing was checked, so nothing may read as valid.
func switchedOff(r *verdict.Result) {
	if r.Type == verdict.TechNone {
		return
	}
	comment := string(r.Type) + " is switched off in Settings > Integrations: switch it on to check this message."
	if r.Signed {
		r.Sign.Success, r.Sign.Comment, r.Sign.Checks, r.Sign.Reason = false, comment, nil, verdict.ReasonSwitchedOff
		for i := range r.Sign.Signers {
			r.Sign.Signers[i].Valid = false
		}
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

// lazySMIME hands the S/MIME engine our keyring, loaded on its first
// question: a mail with no S/MIME in it (most OpenPGP and plain mail) never
// reads the certificate store. A failure to load is kept and returned
// after the engine ran, never read as "no certificates".
type lazySMIME struct {
	ks  *keySet
	kr  *Keyring
	err error
}

var _ smime.Keyring = (*lazySMIME)(nil)

func (l *lazySMIME) load() *Keyring {
	if l.kr == nil && l.err == nil {
		l.kr, l.err = l.ks.SMIME()
	}
	return l.kr
}

func (l *lazySMIME) TrustAnchors() []*x509.Certificate {
	if k := l.load(); k != nil {
		return k.TrustAnchors()
	}
	return nil
}

func (l *lazySMIME) Certificates() []*x509.Certificate {
	if k := l.load(); k != nil {
		return k.Certificates()
	}
	return nil
}

func (l *lazySMIME) PrivateKey(fp string) (crypto.Signer, error) {
	if k := l.load(); k != nil {
		return k.PrivateKey(fp)
	}
	return nil, l.err
}

func (l *lazySMIME) keychainErr() error {
	if l.kr == nil {
		return nil
	}
	return l.kr.KeychainErr()
}
