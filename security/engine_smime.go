package security

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"time"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// smimeEngine is the S/MIME Engine: crypto/smime over the certificate
// store (Keyring).
type smimeEngine struct{ d *deps }

var _ Engine = (*smimeEngine)(nil)

func (e *smimeEngine) Technology() verdict.Technology { return verdict.TechSMIME }

func (e *smimeEngine) Enabled(on Integrations) bool { return on.SMIME }

// Detect is smime.DetectParsed: the engine's own test, over headers and
// the parts announced as S/MIME. Its parse of the layer is handed on to
// the OpenPGP engine (Layer.reuse); its errors (smime.ErrNotMessage, a
// *mimelimit.Error) are the layer's, whatever engine would read it.
func (e *smimeEngine) Detect(l *Layer) (bool, error) {
	found, parsed, err := smime.DetectParsed(l.Raw)
	if err != nil {
		return false, err
	}
	l.reuse = func(o *pgp.ProcessOptions) { o.Parsed = parsed }
	return found, nil
}

// Process runs the S/MIME engine; it hands the layer on (nil) when the
// engine found nothing of its own (a certs-only message, say): the
// message is then the OpenPGP engine's.
func (e *smimeEngine) Process(ks *keySet, l *Layer, at time.Time, on bool) (*processed, error) {
	var skr smime.Keyring = smime.NewMemoryKeyring()
	lazy := &lazySMIME{ks: ks}
	if on {
		skr = lazy
	}
	sp, err := smime.NewEngine(skr).Process(l.Raw, smime.ProcessOptions{Now: at})
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
	// An S/MIME signature around a whole PGP/MIME encryption leaves it
	// closed (smime.Processed.Inner): the walk hands it to the engines.
	return &processed{Result: sp.Result, Entity: sp.Entity, Text: sp.Text, Inner: sp.Inner}, nil
}

// Sealer encrypts with AES-256-CBC, or AES-256-GCM AuthEnvelopedData
// when store.SettingSMIMEAESGCM is on.
func (e *smimeEngine) Sealer(ctx context.Context, req SealRequest) (*sealer, error) {
	gcm, err := e.d.p.Store.BoolSetting(ctx, store.SettingSMIMEAESGCM)
	if err != nil {
		return nil, err
	}
	kr, err := e.d.smimeKeyring(ctx)
	if err != nil {
		return nil, err
	}
	j := e.judgeOver(kr, req)
	eng := smime.NewEngine(req.Choices.keyring(kr))
	return &sealer{tech: verdict.TechSMIME, release: j.release, keychainErr: kr.KeychainErr, judge: j,
		failed: func(err error) (bool, bool) {
			var se *smime.SealError
			if errors.As(err, &se) {
				return se.Sign != nil, se.Recipients != nil
			}
			return false, false
		},
		seal: func(raw []byte, rcpts []string) ([]byte, error) {
			return eng.Seal(raw, req.Sign, req.Encrypt, smime.SealOptions{Now: e.d.now(),
				Encrypt: smime.EncryptOptions{AuthEnveloped: gcm}, Recipients: rcpts})
		}}, nil
}

func (e *smimeEngine) Judge(ctx context.Context, req SealRequest) (*judge, error) {
	kr, err := e.d.smimeKeyring(ctx)
	if err != nil {
		return nil, err
	}
	return e.judgeOver(kr, req), nil
}

// judgeOver judges with the certificates the agent picked; every address
// with several lists them as candidates.
func (e *smimeEngine) judgeOver(kr *Keyring, req SealRequest) *judge {
	now := e.d.now()
	eng := smime.NewEngine(req.Choices.keyring(kr))
	return &judge{release: kr.Release,
		sign: func(from string) AddressStatus {
			st := eng.CanSign(from, now)
			a := addressStatus(st.Address, st.OK, st.Reason, st.Comment, smimeFingerprint(st.Certificate))
			if st.Note == smime.SignNoteCANotImported {
				a.Note = NoteRecipientsNeedOurCA
				a.NoteText = noteText(a)
			}
			return a
		},
		recipients: func(addrs []string) []AddressStatus {
			out := make([]AddressStatus, 0, len(addrs))
			for _, rs := range eng.CanEncrypt(addrs, now) {
				a := addressStatus(rs.Address, rs.OK, rs.Reason, rs.Comment, smimeFingerprint(rs.Certificate))
				a.Candidates = candidates(smime.NewEngine(kr), kr, rs.Address, now)
				out = append(out, a)
			}
			return out
		}}
}

func smimeFingerprint(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return smime.Fingerprint(c)
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

func (l *lazySMIME) TrustedDirectly() []*x509.Certificate {
	if k := l.load(); k != nil {
		return k.TrustedDirectly()
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
