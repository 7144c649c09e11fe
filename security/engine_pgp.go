package security

import (
	"context"
	"errors"
	"time"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// pgpEngine is the OpenPGP Engine: crypto/pgp over the OpenPGP key store
// (PGPKeyring).
type pgpEngine struct{ d *deps }

var _ Engine = (*pgpEngine)(nil)

func (e *pgpEngine) Technology() verdict.Technology { return verdict.TechPGP }

func (e *pgpEngine) Enabled(on Integrations) bool { return on.PGP }

// Detect claims every layer: the OpenPGP engine reads plain mail too
// (inline blocks, Autocrypt headers, attached keys), and its TechNone
// result is the verdict of a message without protection. It is therefore
// the last engine asked.
func (e *pgpEngine) Detect(*Layer) (bool, error) { return true, nil }

// Process runs the OpenPGP engine. Keys in mail are proposed only while
// OpenPGP is on.
func (e *pgpEngine) Process(ks *keySet, l *Layer, at time.Time, on bool) (*processed, error) {
	var pkr pgp.Keyring
	var ours *PGPKeyring
	if on {
		var err error
		if ours, err = ks.PGP(); err != nil {
			return nil, err
		}
		pkr = ours
	} else {
		pkr = pgp.NewMemoryKeyring()
	}
	opts := pgp.ProcessOptions{Now: at, NoText: ks.noText}
	if l.reuse != nil {
		l.reuse(&opts)
	}
	pp, err := pgp.NewEngine(pkr).Process(l.Raw, opts)
	if err != nil {
		return nil, err
	}
	found := pp.FoundKeys
	if on {
		keychainComment(&pp.Result, ours.KeychainErr())
	} else {
		switchedOff(&pp.Result)
		found = nil
	}
	// A PGP/MIME signature around a whole PGP/MIME encryption leaves it
	// closed (pgp.Processed.Inner): the walk asks the engines about it.
	return &processed{Result: pp.Result, Entity: pp.Entity, Text: pp.Text, Subject: pp.ProtectedSubject, Found: found, Inner: pp.Inner}, nil
}

// Sealer writes PGP/MIME (RFC 3156), signed with our key for req.From,
// encrypted to the recipients and the sender.
func (e *pgpEngine) Sealer(ctx context.Context, req SealRequest) (*sealer, error) {
	kr, err := e.d.pgpKeyring(ctx)
	if err != nil {
		return nil, err
	}
	j := e.judgeOver(kr, req)
	eng := pgp.NewEngine(req.Choices.pgpKeyring(kr, req.From))
	o := req.PGP
	return &sealer{tech: verdict.TechPGP, release: j.release, keychainErr: kr.KeychainErr, judge: j,
		failed: func(err error) (bool, bool) {
			var pe *pgp.SealError
			if errors.As(err, &pe) {
				return pe.Sign != nil, pe.Recipients != nil
			}
			return false, false
		},
		seal: func(raw []byte, rcpts []string) ([]byte, error) {
			return eng.Seal(raw, req.Sign, req.Encrypt, pgp.SealOptions{Now: e.d.now(), Autocrypt: o.Autocrypt,
				PreferEncrypt: o.PreferEncrypt, HideSubject: o.HideSubject, Recipients: rcpts})
		}}, nil
}

func (e *pgpEngine) Judge(ctx context.Context, req SealRequest) (*judge, error) {
	kr, err := e.d.pgpKeyring(ctx)
	if err != nil {
		return nil, err
	}
	return e.judgeOver(kr, req), nil
}

// judgeOver judges with the keys the agent picked. It lists no candidates
// for the sender's own address: a pick applies to recipients only (see
// KeyChoice.pgpKeyring).
func (e *pgpEngine) judgeOver(kr *PGPKeyring, req SealRequest) *judge {
	now := e.d.now()
	eng := pgp.NewEngine(req.Choices.pgpKeyring(kr, req.From))
	return &judge{release: kr.Release,
		sign: func(from string) AddressStatus {
			st := eng.CanSign(from, now)
			return addressStatus(st.Address, st.OK, st.Reason, st.Comment, pgpFingerprint(st.Key))
		},
		recipients: func(addrs []string) []AddressStatus {
			out := make([]AddressStatus, 0, len(addrs))
			for _, rs := range eng.CanEncrypt(addrs, now) {
				a := addressStatus(rs.Address, rs.OK, rs.Reason, rs.Comment, pgpFingerprint(rs.Key))
				if rs.Address != normAddress(req.From) {
					a.Candidates = pgpCandidates(kr, rs.Address, now)
				}
				out = append(out, a)
			}
			return out
		}}
}

func pgpFingerprint(k *pgp.Key) string {
	if k == nil {
		return ""
	}
	return k.Fingerprint
}
