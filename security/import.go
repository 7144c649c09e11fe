package security

import (
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// ImportResult says what an import stored and what it changed.
type ImportResult struct {
	Imported []store.Certificate `json:"imported"`
	// Skipped were in the input but already in the store.
	Skipped []store.Certificate `json:"skipped"`
	// Keys are the fingerprints of the certificates whose private key was
	// stored.
	Keys []string `json:"keys"`
	// Rechecked counts stored articles whose security result changed when
	// the engine ran again with the new material.
	Rechecked int `json:"rechecked"`
	// RecheckError is set when the import succeeded but the re-run did not
	// finish; the articles can be retried later.
	RecheckError string `json:"recheck_error,omitempty"`
	// NeedsChoice lists the self-signed certificates naming an e-mail
	// address of an import with SelfSignedAsk: nothing was stored, the
	// admin says whether they are contacts' own certificates or CAs.
	NeedsChoice []store.Certificate `json:"needs_choice,omitempty"`
}

// Input is one file handed to an import; Name, when set, prefixes errors
// so the agent knows which file to fix.
type Input struct {
	Name string
	Data []byte
}

// Import stores every certificate of every input (PEM with any
// number of blocks, DER, or PKCS #7) in one transaction: one bad input and
// nothing is stored. Certificates already present are skipped and
// reported; when nothing is new, a *DuplicateError names what is there.
// Afterwards failed articles are re-run. Self-signed certificates are
// stored as they say (SelfSignedAsIs).
func (s *Certificates) Import(ctx context.Context, inputs ...Input) (ImportResult, error) {
	return s.ImportWith(ctx, SelfSignedAsIs, inputs...)
}

// ImportWith is Import with a choice for the self-signed certificates
// that name an e-mail address (see SelfSigned).
func (s *Certificates) ImportWith(ctx context.Context, selfSigned SelfSigned, inputs ...Input) (ImportResult, error) {
	var certs []*x509.Certificate
	for _, in := range inputs {
		cs, err := smime.ParseCertificates(in.Data)
		if err != nil {
			if in.Name != "" {
				err = fmt.Errorf("%s: %w", in.Name, err)
			}
			return ImportResult{}, err
		}
		certs = append(certs, cs...)
	}
	if len(certs) == 0 {
		return ImportResult{}, fmt.Errorf("security: nothing to import: %w", smime.ErrEmpty)
	}
	rows := inventory(certs)
	ask, err := applySelfSigned(certs, rows, selfSigned)
	if err != nil {
		return ImportResult{}, err
	}
	if len(ask) > 0 {
		return ImportResult{Imported: []store.Certificate{}, Skipped: []store.Certificate{}, Keys: []string{}, NeedsChoice: ask}, nil
	}
	added, present, err := s.p.Store.AddCertificates(ctx, rows)
	if err != nil {
		return ImportResult{}, err
	}
	if len(added) == 0 {
		return ImportResult{}, &DuplicateError{Existing: present}
	}
	res := ImportResult{Imported: added, Skipped: orEmpty(present), Keys: []string{}}
	s.proc.recheck(ctx, verdict.TechSMIME, &res.Rechecked, &res.RecheckError)
	return res, nil
}

// ImportKey stores a private key (any PEM or DER form smime.ParsePrivateKey
// reads, encrypted or not) or a PKCS #12 file (key, certificate and chain).
// passphrase may be nil; an encrypted file then fails with
// smime.ErrPassphraseRequired. The caller zeroes passphrase.
func (s *Certificates) ImportKey(ctx context.Context, data, passphrase []byte) (ImportResult, error) {
	key, err := smime.ParsePrivateKey(data, passphrase)
	var ie *smime.ImportError
	if errors.As(err, &ie) && ie.Reason == smime.ReasonIsPKCS12 {
		return s.ImportPKCS12(ctx, data, passphrase)
	}
	if err != nil {
		return ImportResult{}, err
	}
	rows, err := s.p.Store.Certificates(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	var matches []store.Certificate
	for _, r := range rows {
		if c, err := x509.ParseCertificate(r.DER); err == nil && smime.KeyMatches(c, key) {
			matches = append(matches, r)
		}
	}
	if len(matches) == 0 {
		return ImportResult{}, ErrNoMatchingCertificate
	}
	var fresh []string
	for _, m := range matches {
		if !m.HasPrivate {
			fresh = append(fresh, m.Fingerprint)
		}
	}
	if len(fresh) == 0 {
		return ImportResult{}, &DuplicateError{Existing: matches, Key: true}
	}
	// Every certificate of the key (a renewal keeps the key) gets its item,
	// so deleting one certificate leaves the others usable.
	if err := s.storeKey(ctx, key, fresh, nil); err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Imported: []store.Certificate{}, Skipped: []store.Certificate{}, Keys: fresh}
	s.proc.recheck(ctx, verdict.TechSMIME, &res.Rechecked, &res.RecheckError)
	return res, nil
}

// ImportPKCS12 stores the key, its certificate and the chain of a PKCS #12
// file in one step. Certificates already present are skipped; when the
// certificate and its key are both present already, a *DuplicateError
// says so.
func (s *Certificates) ImportPKCS12(ctx context.Context, data, passphrase []byte) (ImportResult, error) {
	key, leaf, chain, err := smime.ParsePKCS12(data, passphrase)
	if err != nil {
		return ImportResult{}, err
	}
	fp := smime.Fingerprint(leaf)
	if old, err := s.p.Store.Certificate(ctx, fp); err == nil && old.HasPrivate {
		return ImportResult{}, &DuplicateError{Existing: []store.Certificate{old}, Key: true}
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return ImportResult{}, err
	}
	var res ImportResult
	err = s.storeKey(ctx, key, []string{fp}, func() error {
		added, present, err := s.p.Store.AddCertificates(ctx, inventory(append([]*x509.Certificate{leaf}, chain...)), fp)
		res = ImportResult{Imported: orEmpty(added), Skipped: orEmpty(present), Keys: []string{fp}}
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	s.proc.recheck(ctx, verdict.TechSMIME, &res.Rechecked, &res.RecheckError)
	return res, nil
}

// storeKey puts key into the keychain under each fingerprint, then records
// has_private (or runs record, which must). If recording fails, the items
// just written are deleted again, so the keychain holds no key the store
// does not know about.
func (s *Certificates) storeKey(ctx context.Context, key crypto.Signer, fps []string, record func() error) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("security: this key cannot be stored: %w", err)
	}
	defer keystore.Zero(der)
	var written []string
	undo := func() {
		for _, fp := range written {
			_ = s.p.Keys.Delete(KeyItemName(fp))
		}
	}
	for _, fp := range fps {
		if err := s.p.Keys.Put(KeyItemName(fp), der); err != nil {
			undo()
			return fmt.Errorf("security: storing the private key in the keychain: %w", err)
		}
		written = append(written, fp)
	}
	if record == nil {
		record = func() error {
			_, _, err := s.p.Store.AddCertificates(ctx, nil, fps...)
			return err
		}
	}
	if err := record(); err != nil {
		undo()
		return err
	}
	return nil
}

// recheck re-runs the failed articles of one technology after an import.
// Its failure does not undo the import: it is reported, and the articles
// stay retryable.
func (s *Processing) recheck(ctx context.Context, tech verdict.Technology, changed *int, errText *string) {
	n, err := s.recheckFailed(ctx, tech)
	*changed = n
	if err != nil {
		*errText = err.Error()
	}
}

// inventory describes certificates for the store, dropping repeats within
// one input (a bundle that lists its CA twice is not a duplicate import).
func inventory(certs []*x509.Certificate) []store.Certificate {
	seen := map[string]bool{}
	var out []store.Certificate
	for _, c := range certs {
		fp := smime.Fingerprint(c)
		if seen[fp] {
			continue
		}
		seen[fp] = true
		out = append(out, store.Certificate{
			Fingerprint: fp,
			Subject:     nameString(c.Subject),
			Issuer:      nameString(c.Issuer),
			Serial:      strings.ToUpper(c.SerialNumber.Text(16)),
			Emails:      orEmptyStrings(smime.Emails(c)),
			NotBefore:   c.NotBefore.UTC().Format(time.RFC3339),
			NotAfter:    c.NotAfter.UTC().Format(time.RFC3339),
			IsCA:        c.IsCA,
			KeyUsage:    keyUsageNames(c.KeyUsage),
			ExtKeyUsage: extKeyUsageNames(c),
			DER:         c.Raw,
		})
	}
	return out
}

var oidEmailAddress = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

// nameString is pkix.Name.String with the legacy emailAddress attribute
// written "E=…" instead of Go's "1.2.840.113549.1.9.1=#0c…", the same form
// the engine uses for signers, so the inventory and a verification result
// name a certificate alike. (smime.subjectString does this but is not
// exported.)
func nameString(n pkix.Name) string {
	var emails, kept []pkix.AttributeTypeAndValue
	for _, a := range n.Names {
		if a.Type.Equal(oidEmailAddress) {
			emails = append(emails, a)
		} else {
			kept = append(kept, a)
		}
	}
	if len(emails) == 0 {
		return n.String()
	}
	n.Names = kept
	parts := []string{}
	if s := n.String(); s != "" {
		parts = append(parts, s)
	}
	for _, e := range emails {
		parts = append(parts, fmt.Sprintf("E=%v", e.Value))
	}
	return strings.Join(parts, ",")
}

var keyUsages = []struct {
	bit  x509.KeyUsage
	name string
}{
	{x509.KeyUsageDigitalSignature, "digitalSignature"},
	{x509.KeyUsageContentCommitment, "contentCommitment"},
	{x509.KeyUsageKeyEncipherment, "keyEncipherment"},
	{x509.KeyUsageDataEncipherment, "dataEncipherment"},
	{x509.KeyUsageKeyAgreement, "keyAgreement"},
	{x509.KeyUsageCertSign, "keyCertSign"},
	{x509.KeyUsageCRLSign, "cRLSign"},
	{x509.KeyUsageEncipherOnly, "encipherOnly"},
	{x509.KeyUsageDecipherOnly, "decipherOnly"},
}

// keyUsageNames uses RFC 5280 section 4.2.1.3's names.
func keyUsageNames(ku x509.KeyUsage) []string {
	out := []string{}
	for _, u := range keyUsages {
		if ku&u.bit != 0 {
			out = append(out, u.name)
		}
	}
	return out
}

var extKeyUsages = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:             "any",
	x509.ExtKeyUsageServerAuth:      "serverAuth",
	x509.ExtKeyUsageClientAuth:      "clientAuth",
	x509.ExtKeyUsageCodeSigning:     "codeSigning",
	x509.ExtKeyUsageEmailProtection: "emailProtection",
	x509.ExtKeyUsageTimeStamping:    "timeStamping",
	x509.ExtKeyUsageOCSPSigning:     "OCSPSigning",
}

// extKeyUsageNames uses RFC 5280 section 4.2.1.12's names; others by OID.
func extKeyUsageNames(c *x509.Certificate) []string {
	out := []string{}
	for _, u := range c.ExtKeyUsage {
		if n, ok := extKeyUsages[u]; ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprintf("extKeyUsage(%d)", u))
		}
	}
	for _, oid := range c.UnknownExtKeyUsage {
		out = append(out, oid.String())
	}
	return out
}

func orEmpty(l []store.Certificate) []store.Certificate {
	if l == nil {
		return []store.Certificate{}
	}
	return l
}

func orEmptyStrings(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
