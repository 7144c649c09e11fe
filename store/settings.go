package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
)

// Setting names. Values are strings; booleans are "true"/"false".
const (
	SettingSMIMEEnabled     = "integration.smime.enabled"
	SettingPGPEnabled       = "integration.pgp.enabled"
	SettingTrustSystemRoots = "integration.smime.trust_system_roots"
	// SettingSMIMEAESGCM sends S/MIME encrypted mail as AuthEnvelopedData
	// with AES-256-GCM (RFC 5083) instead of AES-256-CBC, which every
	// client reads; off by default for compatibility.
	SettingSMIMEAESGCM   = "integration.smime.aes_gcm"
	SettingTicketPattern = "tickets.subject_pattern"
)

// settingDefaults are what an unset setting reads as.
var settingDefaults = map[string]string{
	SettingSMIMEEnabled:     "true",
	SettingPGPEnabled:       "true",
	SettingTrustSystemRoots: "false",
	SettingSMIMEAESGCM:      "false",
	SettingTicketPattern:    `[Ticket#NNNNN]`,
}

// Setting returns a setting's value, or its default when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return settingDefaults[key], nil
	}
	return v, err
}

// BoolSetting reads a boolean setting.
func (s *Store) BoolSetting(ctx context.Context, key string) (bool, error) {
	v, err := s.Setting(ctx, key)
	if err != nil {
		return false, err
	}
	b, _ := strconv.ParseBool(v)
	return b, nil
}

// SetSetting stores a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.exec(ctx,
		`INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
