package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Account is one mailbox account: how to reach its IMAP and SMTP servers.
// The password is not here: it lives in the OS keychain.
type Account struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	IMAPHost string `json:"imap_host"`
	IMAPPort int    `json:"imap_port"`
	// IMAPTLS and SMTPTLS are implicit, starttls or none.
	IMAPTLS  string `json:"imap_tls"`
	SMTPHost string `json:"smtp_host"` // empty: the account does not send
	SMTPPort int    `json:"smtp_port"`
	SMTPTLS  string `json:"smtp_tls"`
	Username string `json:"username"`
	// PinnedCert and SMTPPinnedCert are SHA-256 fingerprints of
	// self-signed server certificates the admin chose to trust; empty
	// means normal verification.
	PinnedCert     string `json:"pinned_cert"`
	SMTPPinnedCert string `json:"smtp_pinned_cert"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
	// Folders are mirrored besides INBOX and Sent. In SaveAccount nil
	// keeps the stored list (an edit that does not touch it) and an empty
	// non-nil list clears it.
	Folders []string `json:"folders,omitempty"`
	// NoTeam turns the team desk's records off for this account
	// (docs/team.md); the zero value, team records on, is the default.
	NoTeam bool `json:"no_team"`
}

const accountColumns = `id, name, imap_host, imap_port, imap_tls, smtp_host, smtp_port, smtp_tls, username,
    pinned_cert, smtp_pinned_cert, created_at, updated_at, folders, team = 0`

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var folders string
	err := row.Scan(&a.ID, &a.Name, &a.IMAPHost, &a.IMAPPort, &a.IMAPTLS, &a.SMTPHost, &a.SMTPPort, &a.SMTPTLS,
		&a.Username, &a.PinnedCert, &a.SMTPPinnedCert, &a.CreatedAt, &a.UpdatedAt, &folders, &a.NoTeam)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if folders != "" {
		a.Folders = strings.Split(folders, "\n")
	}
	return a, err
}

// SaveAccount inserts the account, or updates the one of the same name
// (its ID, mailboxes and articles stay).
func (s *Store) SaveAccount(ctx context.Context, a Account) (Account, error) {
	if a.SMTPTLS == "" {
		a.SMTPTLS = "starttls"
	}
	t := now()
	row := s.queryRow(ctx, `INSERT INTO accounts(name, imap_host, imap_port, imap_tls, smtp_host, smtp_port, smtp_tls,
	        username, pinned_cert, smtp_pinned_cert, created_at, updated_at, folders, team)
	    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	    ON CONFLICT(name) DO UPDATE SET imap_host = excluded.imap_host, imap_port = excluded.imap_port,
	        imap_tls = excluded.imap_tls, smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port,
	        smtp_tls = excluded.smtp_tls, username = excluded.username, pinned_cert = excluded.pinned_cert,
	        smtp_pinned_cert = excluded.smtp_pinned_cert, updated_at = excluded.updated_at, team = excluded.team,
	        folders = CASE WHEN ? THEN excluded.folders ELSE accounts.folders END
	    RETURNING `+accountColumns,
		a.Name, a.IMAPHost, a.IMAPPort, a.IMAPTLS, a.SMTPHost, a.SMTPPort, a.SMTPTLS, a.Username, a.PinnedCert,
		a.SMTPPinnedCert, t, t, strings.Join(a.Folders, "\n"), !a.NoTeam, a.Folders != nil)
	saved, err := scanAccount(row)
	if err != nil {
		return a, fmt.Errorf("store: saving account %q: %w", a.Name, err)
	}
	if saved.NoTeam {
		// Keys imported while records are off are not queued for this
		// account: when they are switched back on, the whole inventory
		// is published again (QueueTeamInventory).
		if _, err := s.exec(ctx, `UPDATE team_folders SET inventory_epoch = -1 WHERE account_id = ?`, saved.ID); err != nil {
			return saved, fmt.Errorf("store: saving account %q: %w", a.Name, err)
		}
	} else {
		// Team records on (again): tickets rooted while no team account
		// held them are rooted anew at the next team pass, and join it
		// (docs/team.md: a profile that worked alone keeps its numbers).
		if _, err := s.exec(ctx, `UPDATE tickets SET root_message_id = '' WHERE team_account_id = 0 AND root_message_id != ''`); err != nil {
			return saved, fmt.Errorf("store: saving account %q: %w", a.Name, err)
		}
	}
	return saved, nil
}

// Accounts lists the accounts by name.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := s.query(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccountByName returns one account, or an error matching ErrNotFound.
func (s *Store) AccountByName(ctx context.Context, name string) (Account, error) {
	a, err := scanAccount(s.queryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE name = ?`, name))
	if errors.Is(err, ErrNotFound) {
		return a, fmt.Errorf("store: no account named %q: %w", name, ErrNotFound)
	}
	return a, err
}

// DeleteAccount removes an account and its sync state. Its articles stay in
// their tickets (their mailbox becomes NULL); queued outgoing mail goes.
func (s *Store) DeleteAccount(ctx context.Context, name string) error {
	res, err := s.exec(ctx, `DELETE FROM accounts WHERE name = ?`, name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: no account named %q: %w", name, ErrNotFound)
	}
	return nil
}
