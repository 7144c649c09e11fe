package mailbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// ErrInvalid marks account settings the user must correct.
var ErrInvalid = errors.New("mailbox: invalid account")

// Service runs the mailbox use cases over one profile. It is safe for
// concurrent use.
type Service struct {
	p   *profile.Profile
	sec *security.Service
	// sent is the accounts' Sent folders (IMAP); now is the outbox clock.
	sent SentFolder
	now  func() time.Time
	// teamMu holds a *sync.Mutex per account name (teamLock).
	teamMu gosync.Map
	// running holds the *sync.Engine of each account's Run, for Refresh.
	running gosync.Map
}

// New returns the use cases; sec's Processing processes synced mail, its
// Sealing seals outgoing mail.
func New(p *profile.Profile, sec *security.Service) *Service {
	s := &Service{p: p, sec: sec, now: time.Now}
	s.sent = imapSent{s}
	return s
}

// PasswordItem is the keychain item holding an account's password.
func PasswordItem(name string) string { return "account-password:" + name }

// AccountInput is an account as a form or the command line gives it.
type AccountInput struct {
	Name string
	// IMAP and SMTP are host:port (a bare host gets 993, 143, 465 or 587
	// by its TLS mode) or imap://host:port, smtp://host:port.
	IMAP, SMTP string
	// IMAPTLS and SMTPTLS: implicit, starttls or none (loopback only);
	// empty means implicit for IMAP and starttls for SMTP.
	IMAPTLS, SMTPTLS string
	Username         string
	// Password is written to the keychain; nil keeps the stored one (an
	// edit), and a new account needs one.
	Password []byte
	// PinnedSHA256 trusts a self-signed IMAP server by its certificate's
	// fingerprint (see imap.Config.PinnedSHA256); SMTPPinnedSHA256 the
	// same for SMTP.
	PinnedSHA256, SMTPPinnedSHA256 string
	// Folders are mirrored besides INBOX and Sent, by their server names;
	// nil keeps the stored list, empty clears it.
	Folders []string
	// NoTeam turns the team desk's records off (docs/team.md); they are
	// on by default.
	NoTeam bool
}

// SaveAccount validates and stores an account: the password first, in the
// keychain, so that no account row exists without its password.
func (s *Service) SaveAccount(ctx context.Context, in AccountInput) (store.Account, error) {
	a, err := validate(in)
	if err != nil {
		return a, err
	}
	if in.Password != nil {
		if len(in.Password) == 0 {
			return a, fmt.Errorf("%w: the password is empty", ErrInvalid)
		}
		if err := s.p.Keys.Put(PasswordItem(a.Name), in.Password); err != nil {
			return a, fmt.Errorf("mailbox: storing the password of %q: %w", a.Name, err)
		}
	} else if _, err := s.p.Store.AccountByName(ctx, a.Name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return a, fmt.Errorf("%w: a new account needs a password", ErrInvalid)
		}
		return a, err
	}
	return s.p.Store.SaveAccount(ctx, a)
}

// Accounts lists the accounts; passwords are never read for it.
func (s *Service) Accounts(ctx context.Context) ([]store.Account, error) {
	return s.p.Store.Accounts(ctx)
}

// DeleteAccount removes the account row, then its password. Its articles
// stay in their tickets.
func (s *Service) DeleteAccount(ctx context.Context, name string) error {
	if err := s.p.Store.DeleteAccount(ctx, name); err != nil {
		return err
	}
	if err := s.p.Keys.Delete(PasswordItem(name)); err != nil && !errors.Is(err, keystore.ErrNotFound) {
		return fmt.Errorf("mailbox: deleting the password of %q: %w", name, err)
	}
	return nil
}

// IMAPConfig is how to reach the account's IMAP server, password included
// (read from the keychain now).
func (s *Service) IMAPConfig(a store.Account) (imapx.Config, error) {
	pw, err := s.p.Keys.Get(PasswordItem(a.Name))
	if errors.Is(err, keystore.ErrNotFound) {
		return imapx.Config{}, fmt.Errorf("mailbox: account %q has no password in the keychain: save the account again with its password", a.Name)
	}
	if err != nil {
		return imapx.Config{}, fmt.Errorf("mailbox: reading the password of %q: %w", a.Name, err)
	}
	return imapx.Config{
		Addr: net.JoinHostPort(a.IMAPHost, strconv.Itoa(a.IMAPPort)), TLS: imapx.TLSMode(a.IMAPTLS),
		Username: a.Username, Password: string(pw), PinnedSHA256: a.PinnedCert,
	}, nil
}

// TestConnection logs in to the account's IMAP server and out again. The
// error says what to fix (imap.ErrAuthFailed, *imap.CertificateError with
// the fingerprint to pin, …).
func (s *Service) TestConnection(ctx context.Context, name string) error {
	a, err := s.p.Store.AccountByName(ctx, name)
	if err != nil {
		return err
	}
	cfg, err := s.IMAPConfig(a)
	if err != nil {
		return err
	}
	c, err := imapx.Connect(ctx, cfg)
	if err != nil {
		return err
	}
	return c.Logout()
}

// validate checks a form and turns it into a row.
func validate(in AccountInput) (store.Account, error) {
	a := store.Account{Name: strings.TrimSpace(in.Name), Username: in.Username, PinnedCert: strings.TrimSpace(in.PinnedSHA256),
		SMTPPinnedCert: strings.TrimSpace(in.SMTPPinnedSHA256), NoTeam: in.NoTeam}
	if a.Name == "" || len(a.Name) > 64 || strings.ContainsAny(a.Name, "#/\\ \t\r\n") {
		return a, fmt.Errorf("%w: name %q: use 1 to 64 characters without spaces, '#', '/' or '\\'", ErrInvalid, in.Name)
	}
	if a.Username == "" {
		return a, fmt.Errorf("%w: the user name is empty", ErrInvalid)
	}
	var err error
	if a.IMAPHost, a.IMAPPort, a.IMAPTLS, err = server("IMAP", "imap", in.IMAP, in.IMAPTLS, "implicit", 993, 143); err != nil {
		return a, err
	}
	a.SMTPTLS = "starttls"
	if in.SMTP != "" {
		if a.SMTPHost, a.SMTPPort, a.SMTPTLS, err = server("SMTP", "smtp", in.SMTP, in.SMTPTLS, "starttls", 465, 587); err != nil {
			return a, err
		}
	}
	if a.Folders, err = folders(in.Folders); err != nil {
		return a, err
	}
	for _, pin := range []string{a.PinnedCert, a.SMTPPinnedCert} {
		if pin == "" {
			continue
		}
		clean := strings.NewReplacer(":", "", " ", "", "-", "").Replace(pin)
		if len(clean) != 64 || strings.Trim(strings.ToLower(clean), "0123456789abcdef") != "" {
			return a, fmt.Errorf("%w: pinned fingerprint %q is not a SHA-256 fingerprint (64 hex digits, colons allowed)", ErrInvalid, pin)
		}
	}
	return a, nil
}

// folders cleans the extra folder list: names trimmed, empty ones and
// repeats dropped, INBOX left out (always mirrored). Whether a folder
// exists is the server's to say at the next sync (sync.ErrNoSuchFolder).
func folders(in []string) ([]string, error) {
	if in == nil {
		return nil, nil
	}
	out := []string{}
	for _, f := range in {
		f = strings.TrimSpace(f)
		if f == "" || strings.EqualFold(f, "INBOX") || slices.Contains(out, f) {
			continue
		}
		if strings.ContainsAny(f, "\r\n") || len(f) > 255 {
			return nil, fmt.Errorf("%w: folder name %q: at most 255 characters, no line breaks", ErrInvalid, f)
		}
		out = append(out, f)
	}
	return out, nil
}

// server parses host:port or scheme://host:port and checks the TLS mode:
// none only towards loopback, where no one else can read the password.
func server(what, scheme, addr, mode, defMode string, implicitPort, plainPort int) (string, int, string, error) {
	if mode == "" {
		mode = defMode
	}
	switch mode {
	case "implicit", "starttls", "none":
	default:
		return "", 0, "", fmt.Errorf("%w: %s TLS %q: want implicit, starttls or none", ErrInvalid, what, mode)
	}
	hostport := strings.TrimSpace(addr)
	if strings.Contains(hostport, "://") {
		u, err := url.Parse(hostport)
		if err != nil || (u.Scheme != scheme && u.Scheme != scheme+"s") || u.Host == "" {
			return "", 0, "", fmt.Errorf("%w: %s server %q: want %s://HOST:PORT", ErrInvalid, what, addr, scheme)
		}
		hostport = u.Host
	}
	host, portText, err := net.SplitHostPort(hostport)
	if err != nil {
		host, portText = hostport, ""
	}
	port := plainPort
	if mode == "implicit" {
		port = implicitPort
	}
	if portText != "" {
		if port, err = strconv.Atoi(portText); err != nil || port < 1 || port > 65535 {
			return "", 0, "", fmt.Errorf("%w: %s server %q: the port must be a number from 1 to 65535", ErrInvalid, what, addr)
		}
	}
	if host == "" {
		return "", 0, "", fmt.Errorf("%w: %s server %q has no host", ErrInvalid, what, addr)
	}
	if mode == "none" && !imapx.IsLoopback(host) {
		return "", 0, "", fmt.Errorf("%w: %s TLS none sends the password in the clear and is allowed for loopback addresses only; use implicit or starttls for %s", ErrInvalid, what, host)
	}
	return host, port, mode, nil
}
