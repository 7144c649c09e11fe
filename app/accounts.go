package app

import (
	"context"

	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/store"
)

// Accounts is the bound service behind Settings → Accounts. Passwords only
// go in: List never returns one.
type Accounts struct {
	mb   *mailbox.Service
	emit Emitter
	// changed runs after an account was saved or deleted (the sync picks
	// the accounts up); nil does nothing.
	changed func()
}

func (a *Accounts) announce() {
	a.emit.Emit(EventAccountsChanged, struct{}{})
	if a.changed != nil {
		a.changed()
	}
}

// SaveAccountRequest creates or edits an account (by name).
type SaveAccountRequest struct {
	Name string `json:"name"`
	// IMAP and SMTP are host:port or imap://host:port, smtp://host:port;
	// SMTP empty means the account does not send.
	IMAP    string `json:"imap"`
	IMAPTLS string `json:"imap_tls"` // implicit, starttls, none (loopback only)
	SMTP    string `json:"smtp"`
	SMTPTLS string `json:"smtp_tls"`
	// Username and Password log in; an empty Password keeps the stored
	// one when editing. It goes to the OS keychain.
	Username string `json:"username"`
	Password string `json:"password"`
	// PinnedCert trusts a self-signed IMAP server by its SHA-256
	// fingerprint, as TestConnection reported it.
	PinnedCert string `json:"pinned_cert"`
	// SMTPPinnedCert is the same for the SMTP server. The form sends both
	// back as it got them, so that an edit keeps them.
	SMTPPinnedCert string `json:"smtp_pinned_cert"`
	// NoTeam turns the team desk's records off for this account
	// (docs/team.md); false, the default, shares tickets' numbers, state
	// and owner with the other agents on the mailbox.
	NoTeam bool `json:"no_team"`
}

// DeleteAccountRequest names the account to remove.
type DeleteAccountRequest struct {
	Name string `json:"name"`
}

// TestConnectionRequest names a saved account to log in to.
type TestConnectionRequest struct {
	Name string `json:"name"`
}

// ConnectionResult is a successful login.
type ConnectionResult struct {
	OK bool `json:"ok"`
}

// List returns the accounts, without passwords.
func (a *Accounts) List() ([]store.Account, error) {
	return a.mb.Accounts(context.Background())
}

// Save validates and stores an account; the password goes to the keychain.
func (a *Accounts) Save(req SaveAccountRequest) (store.Account, error) {
	in := mailbox.AccountInput{Name: req.Name, IMAP: req.IMAP, IMAPTLS: req.IMAPTLS, SMTP: req.SMTP, SMTPTLS: req.SMTPTLS,
		Username: req.Username, PinnedSHA256: req.PinnedCert, SMTPPinnedSHA256: req.SMTPPinnedCert, NoTeam: req.NoTeam}
	if req.Password != "" {
		in.Password = []byte(req.Password)
	}
	saved, err := a.mb.SaveAccount(context.Background(), in)
	if err != nil {
		return saved, err
	}
	a.announce()
	return saved, nil
}

// Delete removes an account and its password; its tickets stay.
func (a *Accounts) Delete(req DeleteAccountRequest) error {
	if err := a.mb.DeleteAccount(context.Background(), req.Name); err != nil {
		return err
	}
	a.announce()
	return nil
}

// TestConnection logs in to a saved account's IMAP server. A failure comes
// back as an error whose code says what to fix (auth_failed,
// certificate_untrusted with the fingerprint to check and pin,
// unreachable, invalid).
func (a *Accounts) TestConnection(req TestConnectionRequest) (ConnectionResult, error) {
	if err := a.mb.TestConnection(context.Background(), req.Name); err != nil {
		return ConnectionResult{}, err
	}
	return ConnectionResult{OK: true}, nil
}
