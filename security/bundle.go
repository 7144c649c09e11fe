package security

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/store"
)

// "Export for a colleague" (docs/team.md, bundles): the helpdesk's own key
// leaves SealDesk only as a passphrase-protected bundle, which the new
// agent imports with the passphrase (told out of band) through the
// ordinary imports (Certificates.ImportKey, PGPKeys.Import).

// MinBundlePassphrase is the shortest passphrase a bundle accepts, in
// characters. A bundle may sit in the team folder, readable by whoever has
// the mailbox password, so its passphrase is all that protects the key.
const MinBundlePassphrase = 12

// ErrWeakPassphrase: the bundle passphrase is shorter than
// MinBundlePassphrase characters.
var ErrWeakPassphrase = fmt.Errorf("security: a bundle passphrase needs at least %d characters (it is all that protects the key)", MinBundlePassphrase)

// maxChain bounds the issuers a bundle carries.
const maxChain = 8

// Bundle is an exported key, encrypted under the bundle passphrase.
type Bundle struct {
	// Format is "pkcs12" (Data: DER PFX) or "openpgp" (Data: an armored
	// secret key).
	Format string
	// Fingerprint of the certificate (SHA-256) or the OpenPGP key.
	Fingerprint string
	// Addresses the certificate or key is for; Label names it for people.
	Addresses []string
	Label     string
	Data      []byte
}

// The bundle formats.
const (
	BundlePKCS12  = "pkcs12"
	BundleOpenPGP = "openpgp"
)

// checkBundlePassphrase refuses an empty or short passphrase.
func checkBundlePassphrase(passphrase []byte) error {
	if len(passphrase) == 0 {
		return ErrNoPassphrase
	}
	if utf8.RuneCount(passphrase) < MinBundlePassphrase {
		return ErrWeakPassphrase
	}
	return nil
}

// ExportBundle returns the certificate, its private key and the issuers
// the store holds as a PKCS #12 file in go-pkcs12's Modern2023 form: key
// and certificates under PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, RFC 8018
// section 6.2) and an HMAC-SHA256 MAC (RFC 7292 appendix B), which OpenSSL
// 1.1.1+ reads without -legacy; with s.iter KDF iterations instead of the
// encoder's 2048. The caller zeroes passphrase.
func (s *Certificates) ExportBundle(ctx context.Context, fingerprint string, passphrase []byte) (Bundle, error) {
	if err := checkBundlePassphrase(passphrase); err != nil {
		return Bundle{}, err
	}
	if !utf8.Valid(passphrase) {
		return Bundle{}, fmt.Errorf("security: the bundle passphrase is not UTF-8 text: %w", ErrWeakPassphrase)
	}
	c, err := s.Resolve(ctx, fingerprint)
	if err != nil {
		return Bundle{}, err
	}
	if !c.HasPrivate {
		return Bundle{}, fmt.Errorf("security: %s has no private key in SealDesk: %w", Describe(c), smime.ErrNoPrivateKey)
	}
	leaf, err := x509.ParseCertificate(c.DER)
	if err != nil {
		return Bundle{}, fmt.Errorf("security: the stored certificate %s no longer reads: %w", Describe(c), err)
	}
	der, err := s.p.Keys.Get(KeyItemName(c.Fingerprint))
	if errors.Is(err, keystore.ErrNotFound) {
		return Bundle{}, fmt.Errorf("security: the keychain no longer holds the private key of %s (removed outside SealDesk?): %w", Describe(c), smime.ErrNoPrivateKey)
	}
	if err != nil {
		return Bundle{}, fmt.Errorf("security: reading the private key of %s: %w", Describe(c), err)
	}
	defer keystore.Zero(der)
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return Bundle{}, fmt.Errorf("security: the keychain item of %s is not a PKCS #8 key: %w", Describe(c), keystore.ErrCorrupt)
	}
	chain, err := s.issuers(ctx, leaf)
	if err != nil {
		return Bundle{}, err
	}
	pfx, err := pkcs12.Modern2023.WithIterations(s.iter).Encode(key, leaf, chain, string(passphrase))
	if err != nil {
		return Bundle{}, fmt.Errorf("security: writing the PKCS #12 bundle of %s: %w", Describe(c), err)
	}
	return Bundle{Format: BundlePKCS12, Fingerprint: c.Fingerprint, Addresses: leaf.EmailAddresses,
		Label: leaf.Subject.CommonName, Data: pfx}, nil
}

// issuers walks from leaf up through the certificates the store holds,
// each checked to have signed the one below, so the colleague gets the
// chain the sender had. It stops at a self-signed certificate, a missing
// issuer or maxChain.
func (s *Certificates) issuers(ctx context.Context, leaf *x509.Certificate) ([]*x509.Certificate, error) {
	rows, err := s.p.Store.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	pool := make([]*x509.Certificate, 0, len(rows))
	for _, r := range rows {
		if c, err := x509.ParseCertificate(r.DER); err == nil && c.IsCA {
			pool = append(pool, c)
		}
	}
	var chain []*x509.Certificate
	for cur := leaf; len(chain) < maxChain; {
		if isSelfSigned(cur) {
			break
		}
		next := issuerOf(cur, pool)
		if next == nil {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	return chain, nil
}

func isSelfSigned(c *x509.Certificate) bool {
	return string(c.RawIssuer) == string(c.RawSubject) && c.CheckSignatureFrom(c) == nil
}

func issuerOf(c *x509.Certificate, pool []*x509.Certificate) *x509.Certificate {
	for _, p := range pool {
		if string(p.RawSubject) == string(c.RawIssuer) && c.CheckSignatureFrom(p) == nil {
			return p
		}
	}
	return nil
}

// ExportBundle returns the secret key, ASCII-armored, its secret key
// material protected under passphrase (not the stored one) with the
// iterated and salted S2K and AES-256 (RFC 4880 sections 3.7.1.3 and 5.5.3;
// pgp.ExportSecret), which gpg --import reads with that passphrase.
// The caller zeroes passphrase.
func (s *PGPKeys) ExportBundle(ctx context.Context, fingerprint string, passphrase []byte) (Bundle, error) {
	if err := checkBundlePassphrase(passphrase); err != nil {
		return Bundle{}, err
	}
	row, full, err := s.secretForExport(ctx, fingerprint)
	if err != nil {
		return Bundle{}, err
	}
	defer full.Wipe()
	armored, err := pgp.ExportSecret(full, passphrase)
	if err != nil {
		return Bundle{}, err
	}
	return Bundle{Format: BundleOpenPGP, Fingerprint: row.Fingerprint, Addresses: full.Emails,
		Label: DescribePGP(row), Data: armored}, nil
}

// secretForExport is the stored secret key, unlocked, with every user ID
// and subkey merged into the public key since. The caller wipes it.
func (s *PGPKeys) secretForExport(ctx context.Context, fingerprint string) (store.PGPKey, *pgp.Key, error) {
	row, err := s.Resolve(ctx, fingerprint)
	if err != nil {
		return row, nil, err
	}
	if !row.HasSecret {
		return row, nil, fmt.Errorf("security: SealDesk holds only the public key of %s: %w", DescribePGP(row), pgp.ErrNoSecretKey)
	}
	secret, err := readSecretKey(s.p.Keys, row.Fingerprint)
	if err != nil {
		return row, nil, err
	}
	defer secret.Wipe()
	public, err := pgp.ParseKey(row.PublicKey)
	if err != nil {
		return row, nil, fmt.Errorf("security: the stored key %s no longer reads: %w", DescribePGP(row), err)
	}
	full, _, err := pgp.Merge(secret, public)
	return row, full, err
}

// ErrBundleMismatch: a bundle holds another key than the one its record
// names. A record is anyone's to write (docs/team.md), so what it says is
// checked against what the bundle holds before anything is stored.
var ErrBundleMismatch = errors.New("security: the bundle holds another key than it says")

// ImportBundle imports a PKCS #12 bundle whose certificate must be the
// one named by want (its SHA-256 fingerprint). The caller zeroes
// passphrase.
func (s *Certificates) ImportBundle(ctx context.Context, data, passphrase []byte, want string) (ImportResult, error) {
	_, leaf, _, err := smime.ParsePKCS12(data, passphrase)
	if err != nil {
		return ImportResult{}, err
	}
	if got := smime.Fingerprint(leaf); !strings.EqualFold(got, want) {
		return ImportResult{}, fmt.Errorf("%w: certificate %s, not %s", ErrBundleMismatch, got, want)
	}
	return s.ImportPKCS12(ctx, data, passphrase)
}

// ImportBundle imports an OpenPGP bundle that must hold exactly the secret
// key want. The caller zeroes passphrase.
func (s *PGPKeys) ImportBundle(ctx context.Context, data, passphrase []byte, want string) (PGPImportResult, error) {
	keys, err := pgp.ParseKeys(data)
	if err != nil {
		return PGPImportResult{}, err
	}
	if len(keys) != 1 || !keys[0].Secret || !strings.EqualFold(keys[0].Fingerprint, want) {
		return PGPImportResult{}, fmt.Errorf("%w: %d keys, not the secret key %s", ErrBundleMismatch, len(keys), want)
	}
	return s.Import(ctx, passphrase, Input{Name: "bundle", Data: data})
}
