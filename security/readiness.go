package security

import (
	"context"
	"crypto/x509"
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// AddressStatus says whether one address can be signed as or encrypted to,
// and if not, why, in words the composer shows beside the address.
type AddressStatus struct {
	Address string `json:"address"`
	OK      bool   `json:"ok"`
	// Reason is the engine's reason code (e.g. "no certificate",
	// "expired"); empty when OK.
	Reason  string `json:"reason"`
	Comment string `json:"comment"`
	// Key is the certificate or OpenPGP key fingerprint that would be used.
	Key string `json:"key"`
	// Candidates are the S/MIME certificates or OpenPGP keys held for the
	// address when there are several, to pick from (see KeyChoice); empty
	// otherwise, and always for the sender's own address with OpenPGP
	// (a pick applies to recipients only, see pgpKeyring).
	Candidates []KeyCandidate `json:"candidates"`
}

// Readiness is what the composer needs before a send with one technology:
// whether it is switched on, whether the sender can sign, and per
// recipient whether the message can be encrypted to them. Encryption is
// possible only when every recipient is OK.
type Readiness struct {
	Technology verdict.Technology `json:"technology"`
	Enabled    bool               `json:"enabled"`
	CanSign    bool               `json:"can_sign"`
	CanEncrypt bool               `json:"can_encrypt"`
	Sign       AddressStatus      `json:"sign"`
	Recipients []AddressStatus    `json:"recipients"`
}

// Readiness judges req.From and req.Recipients for req.Technology at the
// service's clock, with the certificates or OpenPGP keys the agent picked
// (req.Choices, see KeyChoice): a picked one is judged instead of the
// engine's best one, and every recipient with several lists them as
// Candidates. It reads public material only: no private key is unlocked
// to answer it. req.Raw, Sign and Encrypt are not read.
func (s *Sealing) Readiness(ctx context.Context, req SealRequest) (Readiness, error) {
	tech, from, recipients, chosen := req.Technology, req.From, req.Recipients, req.Choices
	r := Readiness{Technology: tech, Recipients: []AddressStatus{}}
	on, err := s.Integrations(ctx)
	if err != nil {
		return r, err
	}
	now := s.now()
	switch tech {
	case verdict.TechSMIME:
		r.Enabled = on.SMIME
		kr, err := s.smimeKeyring(ctx)
		if err != nil {
			return r, err
		}
		defer kr.Release()
		e := smime.NewEngine(chosen.keyring(kr))
		st := e.CanSign(from, now)
		r.Sign = addressStatus(st.Address, st.OK, st.Reason, st.Comment, smimeFingerprint(st.Certificate))
		for _, rs := range e.CanEncrypt(recipients, now) {
			a := addressStatus(rs.Address, rs.OK, rs.Reason, rs.Comment, smimeFingerprint(rs.Certificate))
			a.Candidates = candidates(smime.NewEngine(kr), kr, rs.Address, now)
			r.Recipients = append(r.Recipients, a)
		}
	case verdict.TechPGP:
		r.Enabled = on.PGP
		kr, err := s.pgpKeyring(ctx)
		if err != nil {
			return r, err
		}
		defer kr.Release()
		e := pgp.NewEngine(chosen.pgpKeyring(kr, from))
		st := e.CanSign(from, now)
		r.Sign = addressStatus(st.Address, st.OK, st.Reason, st.Comment, pgpFingerprint(st.Key))
		for _, rs := range e.CanEncrypt(recipients, now) {
			a := addressStatus(rs.Address, rs.OK, rs.Reason, rs.Comment, pgpFingerprint(rs.Key))
			if rs.Address != normAddress(from) {
				a.Candidates = pgpCandidates(kr, rs.Address, now)
			}
			r.Recipients = append(r.Recipients, a)
		}
	default:
		return r, fmt.Errorf("security: unknown technology %q: use S/MIME or PGP", tech)
	}
	r.CanSign = r.Enabled && r.Sign.OK
	r.CanEncrypt = r.Enabled && len(r.Recipients) > 0
	for _, a := range r.Recipients {
		r.CanEncrypt = r.CanEncrypt && a.OK
	}
	return r, nil
}

func addressStatus(addr string, ok bool, reason fmt.Stringer, comment, key string) AddressStatus {
	a := AddressStatus{Address: addr, OK: ok, Comment: comment, Key: key, Candidates: []KeyCandidate{}}
	if !ok {
		a.Reason = reason.String()
	}
	return a
}

func smimeFingerprint(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return smime.Fingerprint(c)
}

func pgpFingerprint(k *pgp.Key) string {
	if k == nil {
		return ""
	}
	return k.Fingerprint
}
