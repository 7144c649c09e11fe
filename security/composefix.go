package security

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/outgoing"
	"github.com/sealdesk/sealdesk/store"
)

// The composer's fixes for a Sign or Encrypt toggle that must stay off:
// pick one of several certificates or OpenPGP keys held for a recipient
// (KeyChoice; the OpenPGP side is in pgpchoice.go), and
// import the certificate a recipient's earlier signed mail in this ticket
// carried (CarriedFor, ImportCarried), or accept the OpenPGP key a mail in
// this ticket carried (composefix_pgp.go). All read public material only.

// KeyChoice maps a recipient address (any case) to the fingerprint of the
// S/MIME certificate or OpenPGP key the agent picked for it. Addresses not
// in it get the engine's pick: for S/MIME usable first, then the one that
// expires last; for OpenPGP usable first, then the newest.
type KeyChoice map[string]string

// lower is the choice with trimmed, lower-case addresses and lower-case
// fingerprints, without empty picks.
func (c KeyChoice) lower() map[string]string {
	out := make(map[string]string, len(c))
	for a, fp := range c {
		if fp != "" {
			out[normAddress(a)] = strings.ToLower(fp)
		}
	}
	return out
}

// normAddress is an address as choices and key lookups compare it.
func normAddress(a string) string { return strings.ToLower(strings.TrimSpace(a)) }

// keyring hides, for each chosen address, the other end-entity
// certificates naming that address (a contact's self-signed certificate
// trusted directly among them, smime.EndEntity), so that the engine can
// only pick the chosen one. CA certificates stay: chains are still built.
func (c KeyChoice) keyring(kr smime.Keyring) smime.Keyring {
	lower := c.lower()
	if len(lower) == 0 {
		return kr
	}
	return chosenKeyring{Keyring: kr, chosen: lower}
}

type chosenKeyring struct {
	smime.Keyring
	chosen map[string]string
}

func (k chosenKeyring) Certificates() []*x509.Certificate {
	all := k.Keyring.Certificates()
	direct := k.Keyring.TrustedDirectly()
	out := make([]*x509.Certificate, 0, len(all))
	for _, c := range all {
		if !k.hidden(c, direct) {
			out = append(out, c)
		}
	}
	return out
}

func (k chosenKeyring) hidden(c *x509.Certificate, direct []*x509.Certificate) bool {
	if !smime.EndEntity(c, direct) {
		return false
	}
	fp := smime.Fingerprint(c)
	for _, e := range smime.Emails(c) {
		if want, ok := k.chosen[strings.ToLower(e)]; ok && want != fp {
			return true
		}
	}
	return false
}

// KeyCandidate is one certificate or OpenPGP key held for an address,
// judged for encrypting to it.
type KeyCandidate struct {
	Fingerprint string `json:"fingerprint"`
	// Subject is the certificate's subject, or the key's user ID for the
	// address (see pgpCandidates).
	Subject string `json:"subject"`
	// Issuer is the certificate's issuer; an OpenPGP key has none, so it
	// names the primary key's algorithm (e.g. "EdDSA (Ed25519)").
	Issuer string `json:"issuer"`
	// NotAfter is the end of validity, YYYY-MM-DD; "" for an OpenPGP key
	// that never expires.
	NotAfter string `json:"not_after"`
	OK       bool   `json:"ok"`
	Comment  string `json:"comment"`
}

// candidates lists the end-entity certificates for addr (as the engine
// picks them: smime.EndEntity) when there are several; one or none needs
// no choice.
func candidates(e *smime.Engine, kr smime.Keyring, addr string, now time.Time) []KeyCandidate {
	out := []KeyCandidate{}
	direct := kr.TrustedDirectly()
	for _, c := range kr.Certificates() {
		if !smime.EndEntity(c, direct) || !containsFold(smime.Emails(c), addr) {
			continue
		}
		st := e.CheckRecipient(addr, c, now)
		out = append(out, KeyCandidate{Fingerprint: smime.Fingerprint(c), Subject: nameString(c.Subject), Issuer: nameString(c.Issuer),
			NotAfter: c.NotAfter.UTC().Format(time.DateOnly), OK: st.OK, Comment: st.Comment})
	}
	if len(out) < 2 {
		return []KeyCandidate{}
	}
	return out
}

// CarriedCertificate is a recipient's certificate found in a signed
// article of the ticket and not imported yet.
type CarriedCertificate struct {
	Fingerprint string `json:"fingerprint"`
	Subject     string `json:"subject"`
	NotAfter    string `json:"not_after"`
	ArticleID   int64  `json:"article_id"`
	cert        *x509.Certificate
}

// maxCarriedArticles bounds the articles of one ticket looked at.
const maxCarriedArticles = 200

// CarriedFor finds the end-entity certificates for addr that the ticket's
// signed articles carried (the outer signature, and the signature inside
// an encryption whose content was decrypted and cached), newest article
// first, without those already in the store.
func (s *Certificates) CarriedFor(ctx context.Context, ticketID int64, addr string) ([]CarriedCertificate, error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	arts, err := s.p.Store.TicketArticles(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	out := []CarriedCertificate{}
	seen := map[string]bool{}
	for i := len(arts) - 1; i >= 0 && len(arts)-i <= maxCarriedArticles; i-- {
		if arts[i].Security.Type != verdict.TechSMIME || !arts[i].Security.Signed {
			continue
		}
		a, err := s.p.Store.Article(ctx, arts[i].ID)
		if err != nil {
			return nil, err
		}
		certs := carriedCertificates(a.Raw)
		if inner := s.openContent(a); inner != nil {
			certs = append(certs, carriedCertificates(inner)...)
		}
		for _, c := range certs {
			fp := smime.Fingerprint(c)
			if c.IsCA || seen[fp] || !containsFold(smime.Emails(c), addr) {
				continue
			}
			seen[fp] = true
			if _, err := s.p.Store.Certificate(ctx, fp); !errors.Is(err, store.ErrNotFound) {
				continue // held already, or the store cannot say: nothing to offer
			}
			out = append(out, CarriedCertificate{Fingerprint: fp, Subject: nameString(c.Subject),
				NotAfter: c.NotAfter.UTC().Format(time.DateOnly), ArticleID: a.ID, cert: c})
		}
	}
	return out, nil
}

// ErrNothingCarried: the ticket holds no signed mail with a new
// certificate for the address.
var ErrNothingCarried = errors.New("security: no signed mail in this ticket carries a certificate for this address that is not imported yet: ask them for a signed message, or import their certificate")

// ImportCarried imports the certificate for addr carried by the ticket's
// newest signed article, through the import path (failed articles are
// re-run). Only the end-entity certificate is imported: a CA carried in
// mail is never trusted this way. When the certificate waits in the list
// of keys found in mail, it is accepted there, so both lists agree.
func (s *Certificates) ImportCarried(ctx context.Context, ticketID int64, addr string) (ImportResult, error) {
	found, err := s.CarriedFor(ctx, ticketID, addr)
	if err != nil {
		return ImportResult{}, err
	}
	if len(found) == 0 {
		return ImportResult{}, ErrNothingCarried
	}
	c := found[0]
	if pending, err := s.p.Store.PendingKeys(ctx, store.PendingOpen); err == nil {
		for _, pk := range pending {
			if pk.Technology == string(verdict.TechSMIME) && strings.EqualFold(pk.Fingerprint, c.Fingerprint) {
				r, err := s.found.Accept(ctx, pk.ID)
				if err != nil {
					return ImportResult{}, err
				}
				return ImportResult{Rechecked: r.Rechecked, RecheckError: r.RecheckError}, nil
			}
		}
	}
	in := Input{Name: fmt.Sprintf("the certificate in article %d", c.ArticleID),
		Data: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw})}
	return s.Import(ctx, in)
}

// QuoteSource is what a reply or forward takes from an article: its
// header fields and its text. Encrypted content is quoted only when the
// whole message was the encrypted part and was decrypted: then the
// decrypted entity (from the sealed cache, or the engines again, as the
// view reads it: displayEntity), or the text of an inline OpenPGP message
// protected as a whole. From any other message, only what travelled
// unencrypted is quoted, each encrypted part replaced by
// outgoing.EncryptedNote (see outgoing.PlainText): quoting a decrypted
// part of a partly encrypted mail is EFAIL's reply oracle.
func (s *Processing) QuoteSource(ctx context.Context, articleID int64) (outgoing.Original, store.Article, error) {
	a, err := s.p.Store.Article(ctx, articleID)
	if err != nil {
		return outgoing.Original{}, a, err
	}
	o := outgoing.HeaderOf(a.Raw)
	o.Outgoing = a.Direction == "out"
	if a.Subject != "" {
		o.Subject = a.Subject // the protected Subject, when processing revealed one (RFC 9788)
	}
	src := a.Raw
	if a.Security.Encrypted && a.Security.Encryption.Success || a.Security.Signed {
		ks := s.keySet(ctx)
		defer ks.Release()
		if inner, _ := s.displayEntity(ks, a); inner != nil {
			src = inner
		}
	}
	o.Text = outgoing.PlainText(src)
	return o, a, nil
}
