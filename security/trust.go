package security

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// Direct trust: an admin trusts a contact's certificate for the addresses
// it names, without its CA (the seed: "certificates belonging to your
// contacts, or their issuing certificate authority"). Such a certificate
// encrypts and verifies for those addresses only and is never a trust
// anchor, even when it says CA:TRUE (crypto/smime direct.go).

// ErrNoAddresses: a certificate that names no e-mail address cannot be
// trusted directly, as there is nothing it would be trusted for.
var ErrNoAddresses = errors.New("security: this certificate names no e-mail address, so trusting it for its own addresses proves nothing: import and trust its CA instead")

// SelfSigned says what an import makes of a self-signed certificate that
// names an e-mail address: a contact's own certificate and a CA look alike
// (OpenSSL marks self-signed certificates CA:TRUE by default), and a
// contact's certificate must not silently become a CA.
type SelfSigned string

const (
	// SelfSignedAsIs stores it as it says: a CA:TRUE one is a trust
	// anchor (the import of `sealctl cert import`).
	SelfSignedAsIs SelfSigned = ""
	// SelfSignedAsk stores nothing when the input holds one;
	// ImportResult.NeedsChoice lists them for the admin to decide.
	SelfSignedAsk SelfSigned = "ask"
	// SelfSignedContact: the contact's own certificate, trusted directly
	// for its addresses only.
	SelfSignedContact SelfSigned = "contact"
	// SelfSignedCA: a CA, trusted for everything it issues.
	SelfSignedCA SelfSigned = "ca"
)

// SelfSignedChoices are the answers an admin gives about a self-signed
// certificate (the front end's list, internal/tsgen).
func SelfSignedChoices() []SelfSigned { return []SelfSigned{SelfSignedContact, SelfSignedCA} }

// TrustResult is the certificate after a change of its direct trust, and
// what the re-run of failed articles changed.
type TrustResult struct {
	Certificate  store.Certificate `json:"certificate"`
	Rechecked    int               `json:"rechecked"`
	RecheckError string            `json:"recheck_error,omitempty"`
}

// TrustDirectly marks a certificate (fingerprint or unique prefix) as
// trusted for its own addresses, or, with on false, takes that back.
// Failed S/MIME articles are re-run either way.
func (s *Certificates) TrustDirectly(ctx context.Context, fingerprint string, on bool) (TrustResult, error) {
	c, err := s.Resolve(ctx, fingerprint)
	if err != nil {
		return TrustResult{}, err
	}
	if on && len(c.Emails) == 0 {
		return TrustResult{}, fmt.Errorf("%w (%s)", ErrNoAddresses, Describe(c))
	}
	if err := s.p.Store.SetCertificateTrustedDirectly(ctx, c.Fingerprint, on); err != nil {
		return TrustResult{}, err
	}
	c.TrustedDirectly = on
	res := TrustResult{Certificate: c}
	s.proc.recheck(ctx, verdict.TechSMIME, &res.Rechecked, &res.RecheckError)
	return res, nil
}

// selfSignedWithAddress: the certificate signed itself and names an
// e-mail address, so it may be a contact's own certificate or a CA.
func selfSignedWithAddress(c *x509.Certificate) bool {
	return len(smime.Emails(c)) > 0 && string(c.RawIssuer) == string(c.RawSubject) &&
		c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// applySelfSigned marks the self-signed certificates with an address
// among rows (inventory(certs)) as choice says; for SelfSignedAsk it
// returns them instead, and the caller stores nothing.
func applySelfSigned(certs []*x509.Certificate, rows []store.Certificate, choice SelfSigned) (ask []store.Certificate, err error) {
	self := map[string]bool{}
	for _, c := range certs {
		if selfSignedWithAddress(c) {
			self[smime.Fingerprint(c)] = true
		}
	}
	for i := range rows {
		if !self[rows[i].Fingerprint] {
			continue
		}
		switch choice {
		case SelfSignedAsk:
			ask = append(ask, rows[i])
		case SelfSignedContact:
			rows[i].TrustedDirectly = true
		case SelfSignedAsIs, SelfSignedCA:
		default:
			return nil, fmt.Errorf("security: unknown choice %q for a self-signed certificate: use contact or ca", choice)
		}
	}
	return ask, nil
}
