package security

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// PendingResult is the outcome of accepting a found key.
type PendingResult struct {
	Pending      store.PendingKey `json:"pending"`
	Rechecked    int              `json:"rechecked"`
	RecheckError string           `json:"recheck_error,omitempty"`
	// Superseded are the fingerprints of the keys an accepted key change
	// replaced for the pending key's address (see Accept).
	Superseded []string `json:"superseded,omitempty"`
	// Note says what accepting did beyond the import, for a person.
	Note string `json:"note,omitempty"`
}

// FoundKeys are the OpenPGP keys and S/MIME certificates that processed
// mail carried (Autocrypt headers, attached keys, the certificates of a
// signature), proposed but never used until an agent accepts them.
type FoundKeys struct {
	*deps
	// Accepting a found key imports it through its inventory.
	certs *Certificates
	pgp   *PGPKeys
}

// List returns the found keys waiting for a decision.
func (s *FoundKeys) List(ctx context.Context) ([]store.PendingKey, error) {
	return s.p.Store.PendingKeys(ctx, store.PendingOpen)
}

// Accept imports a found key through the normal import path (so
// failed articles are re-run) and marks it accepted. A key that meanwhile
// arrived by another way is accepted as it is; an update of a key we hold
// is merged into it (PGPKeys.Import).
//
// Accepting an OpenPGP key CHANGE (a different key for an address we hold
// a key for) means the admin trusts the new key for that address, so the
// old one must no longer be picked when encrypting to it: it is marked
// superseded for that address (store.SupersedePGPKey), not deleted, so
// that signatures it made on old mail still check, and deleting the new
// key brings it back. Two exceptions, said in Note: a key of ours (we
// hold its secret key) is never superseded by a key from mail, and
// nothing is superseded when the new key does not carry the address.
func (s *FoundKeys) Accept(ctx context.Context, id int64) (PendingResult, error) {
	k, err := s.openPending(ctx, id)
	if err != nil {
		return PendingResult{}, err
	}
	var res PendingResult
	in := Input{Name: fmt.Sprintf("found key %d", id), Data: k.Key}
	if k.Technology == string(verdict.TechPGP) {
		r, ierr := s.pgp.Import(ctx, nil, in)
		res.Rechecked, res.RecheckError, err = r.Rechecked, r.RecheckError, ierr
	} else {
		// A self-signed certificate naming an address that came with a
		// signature is the signer's own: trusted for its addresses, never
		// made a CA by accepting it (issue 14).
		r, ierr := s.certs.ImportWith(ctx, SelfSignedContact, in)
		res.Rechecked, res.RecheckError, err = r.Rechecked, r.RecheckError, ierr
	}
	if err != nil && !errors.Is(err, ErrDuplicate) {
		return PendingResult{}, err
	}
	if k.Origin == store.OriginTeam {
		// The team's log holds this key already: the import's queueing
		// is no news to publish, and if the key is removed from the log
		// before the next pass, publishing it then would undo a team
		// member's removal (docs/team.md, the shared key directory).
		if err := s.p.Store.UnqueueTeamKey(ctx, teamFormat(verdict.Technology(k.Technology)), k.Fingerprint); err != nil {
			return PendingResult{}, err
		}
	}
	if k.Technology == string(verdict.TechPGP) && k.KeyChange {
		if err := s.supersede(ctx, k, &res); err != nil {
			return PendingResult{}, err
		}
	}
	if err := s.p.Store.DecidePendingKey(ctx, id, store.PendingAccepted); err != nil {
		return PendingResult{}, err
	}
	res.Pending, err = s.p.Store.PendingKey(ctx, id)
	return res, err
}

// supersede marks the keys an accepted key change replaces for its address
// (see Accept).
func (s *FoundKeys) supersede(ctx context.Context, k store.PendingKey, res *PendingResult) error {
	addr := strings.ToLower(k.Address)
	nk, err := s.p.Store.PGPKey(ctx, k.Fingerprint)
	if err != nil {
		return err
	}
	if addr == "" || !containsFold(nk.Emails, addr) {
		res.Note = fmt.Sprintf("The accepted key does not carry %s: the keys held for it stay in use.", addr)
		return nil
	}
	held, err := s.p.Store.PGPKeysByEmail(ctx, addr)
	if err != nil {
		return err
	}
	var ours []string
	for _, h := range held {
		switch {
		case h.Fingerprint == k.Fingerprint:
		case h.HasSecret:
			ours = append(ours, FormatPGPFingerprint(h.Fingerprint))
		default:
			if err := s.p.Store.SupersedePGPKey(ctx, h.Fingerprint, addr, k.Fingerprint); err != nil {
				return err
			}
			res.Superseded = append(res.Superseded, h.Fingerprint)
		}
	}
	if len(res.Superseded) > 0 {
		res.Note = fmt.Sprintf("The new key replaces %d older key(s) for %s; they are kept only to check old signatures.", len(res.Superseded), addr)
	}
	if len(ours) > 0 {
		res.Note = strings.TrimSpace(res.Note + fmt.Sprintf(" Our own key %s for %s stays in use: a key found in mail never replaces one of ours; delete it under PGP keys if it is really retired.", strings.Join(ours, ", "), addr))
	}
	return nil
}

// Reject marks a found key rejected: it is not used, and the same
// key found again later is not proposed again.
func (s *FoundKeys) Reject(ctx context.Context, id int64) (store.PendingKey, error) {
	if _, err := s.openPending(ctx, id); err != nil {
		return store.PendingKey{}, err
	}
	if err := s.p.Store.DecidePendingKey(ctx, id, store.PendingRejected); err != nil {
		return store.PendingKey{}, err
	}
	return s.p.Store.PendingKey(ctx, id)
}

func (s *FoundKeys) openPending(ctx context.Context, id int64) (store.PendingKey, error) {
	k, err := s.p.Store.PendingKey(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return k, fmt.Errorf("security: no found key has the ID %d: %w", id, err)
	}
	if err == nil && k.Status != store.PendingOpen {
		err = fmt.Errorf("security: found key %d was %s already: %w", id, k.Status, store.ErrDecided)
	}
	return k, err
}

// proposeFound records the keys a processed message carries and that the
// store does not hold yet (see carried). Failing to record them does not
// fail the processing: they are offered again when the article is re-run.
func (s *FoundKeys) proposeFound(ctx context.Context, articleID int64, raw []byte, p *processed, at time.Time) []store.PendingKey {
	added, err := s.p.Store.AddPendingKeys(ctx, s.carried(ctx, articleID, raw, p, at, nil))
	if err != nil || added == nil {
		return []store.PendingKey{}
	}
	return added
}

// carried returns, as proposals for articleID, the keys a processed
// message carries and that the store does not hold yet: OpenPGP keys from
// Autocrypt headers and attachments, and the certificates of an S/MIME
// signature. None is used until the agent accepts it; a different key for
// an address we hold a key for is flagged as a key change. held, when set,
// keeps the store's answers about certificates for a batch.
func (s *FoundKeys) carried(ctx context.Context, articleID int64, raw []byte, p *processed, at time.Time, held *heldCerts) []store.PendingKey {
	var found []store.PendingKey
	for _, fk := range p.Found {
		if pk, ok := s.foundPGP(ctx, fk, at); ok {
			found = append(found, pk)
		}
	}
	if p.Result.Type == verdict.TechSMIME && p.Result.Signed {
		for _, c := range carriedCertificates(raw) {
			if pk, ok := s.foundCertificate(ctx, c, p.Result.Sign, held); ok {
				found = append(found, pk)
			}
		}
	}
	for i := range found {
		found[i].ArticleID = articleID
	}
	return found
}

// heldCerts keeps, for one batch of processing (which imports no
// certificate), what foundCertificate asks the store: whether a
// fingerprint is held (or the store could not say), and the held
// certificates. The zero value is ready to use.
type heldCerts struct {
	skip   map[string]bool
	all    []store.Certificate
	allErr error
	loaded bool
}

// isHeld reports whether the store holds the certificate fp, or could not
// say (nil h asks the store every time).
func (h *heldCerts) isHeld(ctx context.Context, st *store.Store, fp string) bool {
	if h != nil {
		if v, ok := h.skip[fp]; ok {
			return v
		}
	}
	_, err := st.Certificate(ctx, fp)
	v := !errors.Is(err, store.ErrNotFound)
	if h != nil {
		if h.skip == nil {
			h.skip = map[string]bool{}
		}
		h.skip[fp] = v
	}
	return v
}

// certificates returns the held certificates (nil h asks the store).
func (h *heldCerts) certificates(ctx context.Context, st *store.Store) ([]store.Certificate, error) {
	if h == nil {
		return st.Certificates(ctx)
	}
	if !h.loaded {
		h.all, h.allErr = st.Certificates(ctx)
		h.loaded = true
	}
	return h.all, h.allErr
}

func (s *FoundKeys) foundPGP(ctx context.Context, fk pgp.FoundKey, at time.Time) (store.PendingKey, bool) {
	k := fk.Key
	update, ok := s.pgpUpdate(ctx, k)
	if !ok {
		return store.PendingKey{}, false
	}
	pub, err := k.PublicBytes()
	if err != nil {
		return store.PendingKey{}, false
	}
	pk := store.PendingKey{Technology: string(verdict.TechPGP), Source: fk.Source, Address: fk.Address,
		Fingerprint: k.Fingerprint, Label: k.String(), Key: pub, Update: update != "", UpdateSummary: update}
	if pk.Address == "" && len(k.Emails) > 0 {
		pk.Address = k.Emails[0]
	}
	pk.Warning = strings.Join(append(nonEmpty(fk.Warning), k.Warnings(at)...), "; ")
	pk.Finding = string(fk.Finding)
	if held, err := s.p.Store.PGPKeysByEmail(ctx, pk.Address); err == nil && pk.Address != "" && !pk.Update {
		for _, h := range held {
			if h.Fingerprint != k.Fingerprint {
				pk.KeyChange, pk.Replaces = true, h.Fingerprint
				pk.Finding = string(pgp.FoundKeyChange)
				break
			}
		}
	}
	return pk, true
}

// pgpUpdate says whether a found key is worth proposing: one we do not
// hold is (update ""); one we hold only when the found copy brings
// something new, which update says for a person ("a new expiry date
// (2027-01-31), 1 new subkey"). Accepting it merges (PGPKeys.Import). A store
// that cannot answer proposes nothing: the key is offered again when the
// article is re-run.
func (s *FoundKeys) pgpUpdate(ctx context.Context, k *pgp.Key) (update string, ok bool) {
	old, err := s.p.Store.PGPKey(ctx, k.Fingerprint)
	if errors.Is(err, store.ErrNotFound) {
		return "", true
	}
	if err != nil {
		return "", false
	}
	known, err := s.parsed.pgpKey(old.PublicKey)
	if err != nil {
		return "", false
	}
	_, rep, err := pgp.Merge(known, k)
	if err != nil || !rep.Changed() {
		return "", false
	}
	return mergeSummary(rep, false), true
}

func (s *FoundKeys) foundCertificate(ctx context.Context, c *x509.Certificate, sign verdict.SignResult, held *heldCerts) (store.PendingKey, bool) {
	fp := smime.Fingerprint(c)
	if held.isHeld(ctx, s.p.Store, fp) {
		return store.PendingKey{}, false
	}
	pk := store.PendingKey{Technology: string(verdict.TechSMIME), Source: "signature", Fingerprint: fp,
		Label: nameString(c.Subject), Key: c.Raw}
	if emails := smime.Emails(c); len(emails) > 0 {
		pk.Address = strings.ToLower(emails[0])
	}
	var warn []string
	switch {
	case selfSignedWithAddress(c):
		warn = append(warn, "self-signed: accepting it trusts it for "+strings.Join(smime.Emails(c), ", ")+" only, not as a CA; compare its fingerprint with the sender first")
	case c.IsCA:
		warn = append(warn, "a certificate authority: accepting it trusts every certificate it issued")
	}
	if !sign.Success {
		warn = append(warn, "the signature of the message that carried it is not valid: "+sign.Comment)
	}
	pk.Warning = strings.Join(warn, "; ")
	if pk.Address != "" {
		if all, err := held.certificates(ctx, s.p.Store); err == nil {
			for _, h := range all {
				if !h.IsCA && h.Fingerprint != fp && containsFold(h.Emails, pk.Address) {
					pk.KeyChange, pk.Replaces = true, h.Fingerprint
					break
				}
			}
		}
	}
	return pk, true
}

// carriedCertificates returns the certificates of the message's outer
// S/MIME signature: the detached signature of multipart/signed (RFC 8551
// section 3.5) or an opaque signed-data (section 3.2). WARNING: a
// signature inside the encryption is not reached, as the engine does not
// hand out the certificates it verified with.
func carriedCertificates(raw []byte) []*x509.Certificate {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return nil
	}
	body := msg.Body
	cte := msg.Header.Get("Content-Transfer-Encoding")
	if mt == "multipart/signed" {
		mr := multipart.NewReader(msg.Body, params["boundary"])
		if _, err := mr.NextRawPart(); err != nil {
			return nil
		}
		sig, err := mr.NextRawPart()
		if err != nil {
			return nil
		}
		if mt, _, _ = mime.ParseMediaType(sig.Header.Get("Content-Type")); !strings.Contains(mt, "pkcs7-signature") {
			return nil
		}
		body, cte = sig, sig.Header.Get("Content-Transfer-Encoding")
	} else if !strings.Contains(mt, "pkcs7-mime") {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(body, 16<<20))
	if err != nil {
		return nil
	}
	if strings.EqualFold(strings.TrimSpace(cte), "base64") {
		if data, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), "")); err != nil {
			return nil
		}
	}
	certs, _ := smime.ParseCertificates(data)
	return certs
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
