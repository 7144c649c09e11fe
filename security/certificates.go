package security

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/store"
)

// Certificates is the S/MIME inventory of a profile: certificates in
// SQLite, their private keys in the OS keychain, every CA certificate a
// trust anchor except one trusted directly (trust.go, see the package
// doc).
type Certificates struct {
	*deps
	// proc re-runs the failed articles after an import.
	proc *Processing
	// found is where ImportCarried accepts a certificate that waits there.
	found *FoundKeys
}

// Keyring loads the profile's current certificates as an smime.Keyring.
func (s *Certificates) Keyring(ctx context.Context) (*Keyring, error) {
	return s.smimeKeyring(ctx)
}

// Errors a caller is expected to react to.
var (
	// ErrDuplicate is matched by a *DuplicateError.
	ErrDuplicate = errors.New("security: already imported")
	// ErrNoMatchingCertificate: a private key was imported whose
	// certificate is not in the store.
	ErrNoMatchingCertificate = errors.New("security: this key matches no imported certificate: import its certificate first")
	// ErrAmbiguous: a fingerprint prefix names more than one certificate.
	ErrAmbiguous = errors.New("security: the fingerprint prefix matches several certificates: give more of it")
	// ErrBadFingerprint: not hex, or too short to be a useful prefix.
	ErrBadFingerprint = errors.New("security: a fingerprint is the certificate's SHA-256 in hex (colons allowed); give at least 8 hex digits")
	// ErrNoPassphrase: a private key export needs a passphrase to protect it.
	ErrNoPassphrase = errors.New("security: a passphrase is required to export a private key")
)

// DuplicateError says that everything an import brought is already in the
// store, and names what is there, so the agent knows which entry to look at.
type DuplicateError struct {
	Existing []store.Certificate
	// Key is true when the duplicate is a private key already imported.
	Key bool
	// PGPKeys are OpenPGP keys already present and unchanged by the import.
	PGPKeys []store.PGPKey
}

func (e *DuplicateError) Error() string {
	var names []string
	for _, c := range e.Existing {
		names = append(names, Describe(c))
	}
	for _, k := range e.PGPKeys {
		names = append(names, DescribePGP(k))
	}
	what := "this certificate is already imported"
	switch {
	case len(e.PGPKeys) == 1:
		what = "this OpenPGP key is already present, unchanged"
	case len(e.PGPKeys) > 1:
		what = fmt.Sprintf("all %d OpenPGP keys are already present, unchanged", len(e.PGPKeys))
	case e.Key:
		what = "this private key is already imported, for"
	case len(e.Existing) > 1:
		what = fmt.Sprintf("all %d certificates are already imported", len(e.Existing))
	}
	return "security: " + what + ": " + strings.Join(names, "; ")
}

func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// Describe names a certificate for a person: subject and fingerprint.
func Describe(c store.Certificate) string {
	return fmt.Sprintf("%s (SHA-256 fingerprint %s)", c.Subject, FormatFingerprint(c.Fingerprint))
}

// FormatFingerprint writes a fingerprint the way certificate viewers do:
// upper case, colon-separated bytes.
func FormatFingerprint(fp string) string { return groupHex(fp, 2, ':') }

// groupHex writes hex upper case in groups of n separated by sep.
func groupHex(fp string, n int, sep byte) string {
	fp = strings.ToUpper(fp)
	var b strings.Builder
	for i := 0; i < len(fp); i += n {
		if i > 0 {
			b.WriteByte(sep)
		}
		b.WriteString(fp[i:min(i+n, len(fp))])
	}
	return b.String()
}

// NormalizeFingerprint accepts a fingerprint or a prefix of one with or
// without colons or spaces, in any case, and returns lowercase hex.
func NormalizeFingerprint(s string) (string, error) {
	s = strings.ToLower(strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(s)))
	s = strings.TrimPrefix(s, "sha256")
	if len(s) < 8 || len(s) > 64 || strings.Trim(s, "0123456789abcdef") != "" {
		return "", ErrBadFingerprint
	}
	return s, nil
}

// Resolve finds the certificate a fingerprint, or a unique prefix of at
// least 8 hex digits, names. Unknown is store.ErrNotFound.
func (s *Certificates) Resolve(ctx context.Context, fingerprint string) (store.Certificate, error) {
	return resolve(ctx, fingerprint, "certificate", strings.ToLower, s.p.Store.CertificatesByPrefix, Describe)
}

// resolve looks a fingerprint or unique prefix up with byPrefix, which
// returns at most two matches; norm puts the hex in the store's case.
func resolve[T any](ctx context.Context, fingerprint, what string, norm func(string) string,
	byPrefix func(context.Context, string) ([]T, error), describe func(T) string) (T, error) {
	var zero T
	fp, err := NormalizeFingerprint(fingerprint)
	if err != nil {
		return zero, err
	}
	found, err := byPrefix(ctx, norm(fp))
	switch {
	case err != nil:
		return zero, err
	case len(found) == 0:
		return zero, fmt.Errorf("security: no %s has the fingerprint %s: %w", what, fingerprint, store.ErrNotFound)
	case len(found) > 1:
		return zero, fmt.Errorf("%w (%s, %s, …)", ErrAmbiguous, describe(found[0]), describe(found[1]))
	}
	return found[0], nil
}

// Certificate is one inventory entry with what the list shows about it at
// the service's clock.
type Certificate struct {
	store.Certificate
	Expired bool `json:"expired"`
	// ExpiresSoon: valid now but not 30 days from now.
	ExpiresSoon bool `json:"expires_soon"`
	NotYetValid bool `json:"not_yet_valid"`
	// TeamRemoved: a team member removed this certificate on their
	// laptop; it stays here until an admin removes it (teamunkeys.go).
	// nil: no one did.
	TeamRemoved *TeamRemovedNote `json:"team_removed,omitempty"`
}

// ExpiryWarning is how early a certificate is flagged as expiring.
const ExpiryWarning = 30 * 24 * time.Hour

// List returns the inventory.
func (s *Certificates) List(ctx context.Context) ([]Certificate, error) {
	rows, err := s.p.Store.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	removed, err := s.teamRemovedNotes(ctx, store.KeyFormatSMIME)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]Certificate, 0, len(rows))
	for _, r := range rows {
		c := Certificate{Certificate: r, TeamRemoved: removed[r.Fingerprint]}
		nb, _ := time.Parse(time.RFC3339, r.NotBefore)
		c.NotYetValid = now.Before(nb)
		c.Expired, c.ExpiresSoon = expiry(now, r.NotAfter)
		out = append(out, c)
	}
	return out, nil
}

// expiry judges an RFC 3339 end of validity at now; "" never expires.
func expiry(now time.Time, end string) (expired, soon bool) {
	if end == "" {
		return false, false
	}
	t, _ := time.Parse(time.RFC3339, end)
	expired = now.After(t)
	return expired, !expired && now.Add(ExpiryWarning).After(t)
}

// Delete removes a certificate and its private key. The key goes first: a
// keychain that cannot be reached leaves both in place rather than an
// orphaned key nobody can see or delete.
func (s *Certificates) Delete(ctx context.Context, fingerprint string) (store.Certificate, error) {
	c, err := s.Resolve(ctx, fingerprint)
	if err != nil {
		return c, err
	}
	if c.HasPrivate {
		if err := s.p.Keys.Delete(KeyItemName(c.Fingerprint)); err != nil && !errors.Is(err, keystore.ErrNotFound) {
			return c, fmt.Errorf("security: deleting the private key of %s: %w", Describe(c), err)
		}
	}
	return c, s.p.Store.DeleteCertificate(ctx, c.Fingerprint)
}
