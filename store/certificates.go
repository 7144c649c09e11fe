package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Certificate is one imported S/MIME certificate: its DER and the inventory
// fields the certificate list shows. The private key, when there is one,
// lives in the keychain, never here; HasPrivate only says that it does.
type Certificate struct {
	ID          int64    `json:"id"`
	Fingerprint string   `json:"fingerprint"` // SHA-256 of the DER, lowercase hex
	Subject     string   `json:"subject"`
	Issuer      string   `json:"issuer"`
	Serial      string   `json:"serial"`
	Emails      []string `json:"emails"`
	NotBefore   string   `json:"not_before"` // RFC 3339, UTC
	NotAfter    string   `json:"not_after"`
	IsCA        bool     `json:"is_ca"`
	KeyUsage    []string `json:"key_usage"`
	ExtKeyUsage []string `json:"ext_key_usage"`
	HasPrivate  bool     `json:"has_private"`
	// TrustedDirectly: trusted for its own addresses, not through a CA and
	// never as one (an admin's decision, see SetCertificateTrustedDirectly).
	TrustedDirectly bool   `json:"trusted_directly"`
	DER             []byte `json:"-"`
	CreatedAt       string `json:"created_at"`
}

const certColumns = `id, fingerprint, subject, issuer, serial, emails, not_before, not_after,
	is_ca, key_usage, ext_key_usage, has_private, trusted_directly, der, created_at`

// Certificates returns every imported certificate, CAs first, then by
// subject.
func (s *Store) Certificates(ctx context.Context) ([]Certificate, error) {
	rows, err := s.query(ctx, `SELECT `+certColumns+` FROM smime_certificates ORDER BY is_ca DESC, subject, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Certificate{}
	for rows.Next() {
		c, err := scanCert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CertificatesByPrefix returns the certificates whose fingerprint starts
// with prefix (lowercase hex), at most two: enough to tell "unique" from
// "ambiguous".
func (s *Store) CertificatesByPrefix(ctx context.Context, prefix string) ([]Certificate, error) {
	rows, err := s.query(ctx, `SELECT `+certColumns+` FROM smime_certificates
	    WHERE substr(fingerprint, 1, ?) = ? ORDER BY fingerprint LIMIT 2`, len(prefix), prefix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		c, err := scanCert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Certificate returns the certificate with this exact fingerprint, or
// ErrNotFound.
func (s *Store) Certificate(ctx context.Context, fingerprint string) (Certificate, error) {
	c, err := scanCert(s.queryRow(ctx, `SELECT `+certColumns+` FROM smime_certificates WHERE fingerprint = ?`, fingerprint))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// AddCertificates inserts the certificates that are not stored yet, in one
// transaction, and returns which were inserted and which were already
// present (as stored). privateFor names fingerprints whose HasPrivate is
// set, whether inserted now or present before: a PKCS #12 import brings
// the key of a certificate that may have been imported alone earlier.
func (s *Store) AddCertificates(ctx context.Context, certs []Certificate, privateFor ...string) (added, present []Certificate, err error) {
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		added, present = nil, nil
		for _, c := range certs {
			old, err := scanCert(tx.QueryRowContext(ctx, `SELECT `+certColumns+` FROM smime_certificates WHERE fingerprint = ?`, c.Fingerprint))
			if err == nil {
				present = append(present, old)
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			c.CreatedAt = now()
			// with_key: stored with our private key, or in its PKCS #12
			// file (the chain): ours, never published, not even when the
			// inventory is published again (QueueTeamInventory).
			withKey := len(privateFor) > 0 || c.HasPrivate
			err = tx.QueryRowContext(ctx, `INSERT INTO smime_certificates(fingerprint, subject, issuer, serial, emails,
			    not_before, not_after, is_ca, key_usage, ext_key_usage, has_private, trusted_directly, der, created_at, with_key)
			    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				c.Fingerprint, c.Subject, c.Issuer, c.Serial, joinList(c.Emails), c.NotBefore, c.NotAfter,
				c.IsCA, joinList(c.KeyUsage), joinList(c.ExtKeyUsage), c.HasPrivate, c.TrustedDirectly, c.DER, c.CreatedAt, withKey).Scan(&c.ID)
			if err != nil {
				return fmt.Errorf("store: inserting certificate %s: %w", c.Fingerprint, err)
			}
			// A public certificate is published for the team; one that
			// comes with our private key (a PKCS #12 import, its chain
			// included) is ours and is not (docs/team.md).
			if !withKey {
				if err := queueTeamKey(ctx, tx, KeyFormatSMIME, c.Fingerprint, c.DER); err != nil {
					return err
				}
			}
			added = append(added, c)
		}
		for _, fp := range privateFor {
			if _, err := tx.ExecContext(ctx, `UPDATE smime_certificates SET has_private = 1 WHERE fingerprint = ?`, fp); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return added, present, nil
}

// SetCertificatePrivate records whether the keychain holds the private key
// of a certificate.
func (s *Store) SetCertificatePrivate(ctx context.Context, fingerprint string, has bool) error {
	return s.setCertificateFlag(ctx, `UPDATE smime_certificates SET has_private = ? WHERE fingerprint = ?`, fingerprint, has)
}

// SetCertificateTrustedDirectly records whether a certificate is trusted
// directly for its own addresses, or returns ErrNotFound.
func (s *Store) SetCertificateTrustedDirectly(ctx context.Context, fingerprint string, on bool) error {
	return s.setCertificateFlag(ctx, `UPDATE smime_certificates SET trusted_directly = ? WHERE fingerprint = ?`, fingerprint, on)
}

// setCertificateFlag runs an UPDATE of one boolean column of one
// certificate, or returns ErrNotFound.
func (s *Store) setCertificateFlag(ctx context.Context, update, fingerprint string, v bool) error {
	res, err := s.exec(ctx, update, v, fingerprint)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteCertificate removes a certificate row, or returns ErrNotFound. A
// public certificate (not ours, nor of our key's chain) leaves with the
// queueing of its removal for the team, in the same transaction
// (docs/team.md: the shared key directory).
func (s *Store) DeleteCertificate(ctx context.Context, fingerprint string) error {
	return s.deleteKey(ctx, KeyFormatSMIME, fingerprint,
		`SELECT has_private = 0 AND with_key = 0, emails FROM smime_certificates WHERE fingerprint = ?`,
		`DELETE FROM smime_certificates WHERE fingerprint = ?`)
}

type scanner interface{ Scan(...any) error }

func scanCert(r scanner) (Certificate, error) {
	var c Certificate
	var emails, ku, eku string
	err := r.Scan(&c.ID, &c.Fingerprint, &c.Subject, &c.Issuer, &c.Serial, &emails, &c.NotBefore, &c.NotAfter,
		&c.IsCA, &ku, &eku, &c.HasPrivate, &c.TrustedDirectly, &c.DER, &c.CreatedAt)
	c.Emails, c.KeyUsage, c.ExtKeyUsage = splitList(emails), splitList(ku), splitList(eku)
	return c, err
}

// Lists are stored comma-separated: e-mail addresses and usage names
// contain no commas, and the columns stay readable in the SQLite shell.
func joinList(l []string) string { return strings.Join(l, ",") }

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}
