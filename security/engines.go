package security

import (
	"context"
	"time"

	sdcrypto "github.com/sealdesk/sealdesk/crypto"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
)

// keySet is the key material of one operation: each technology's keyring
// is loaded when an engine first needs it, so a plain or S/MIME message
// never touches the OpenPGP store and the reverse.
type keySet struct {
	s     *Service
	ctx   context.Context
	smime *Keyring
	pgp   *PGPKeyring
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
	Result sdcrypto.Result
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
// The engines' "key missing" becomes the real reason when the keychain
// could not be read.
func (ks *keySet) process(raw []byte, at time.Time) (*processed, error) {
	skr, err := ks.SMIME()
	if err != nil {
		return nil, err
	}
	sp, err := smime.NewEngine(skr).Process(raw, smime.ProcessOptions{Now: at})
	if err != nil {
		return nil, err
	}
	if sp.Result.Type == sdcrypto.TechSMIME {
		keychainComment(&sp.Result, skr.KeychainErr())
		return &processed{Result: sp.Result, Entity: sp.Entity, Text: sp.Text}, nil
	}
	pkr, err := ks.PGP()
	if err != nil {
		return nil, err
	}
	pp, err := pgp.NewEngine(pkr).Process(raw, pgp.ProcessOptions{Now: at})
	if err != nil {
		return nil, err
	}
	keychainComment(&pp.Result, pkr.KeychainErr())
	return &processed{Result: pp.Result, Entity: pp.Entity, Text: pp.Text, Subject: pp.ProtectedSubject, Found: pp.FoundKeys}, nil
}

func keychainComment(r *sdcrypto.Result, kerr error) {
	if kerr != nil && r.Encrypted && !r.Encryption.Success {
		r.Encryption.Comment = "Our private key could not be read from the OS keychain (" + kerr.Error() + "): unlock it, then retry."
	}
}
