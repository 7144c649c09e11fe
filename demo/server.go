// Package demo runs a demo mailbox: go-imap's in-memory IMAP server on
// loopback, seeded at start-up with a handful of helpdesk mails that show
// every security outcome (signed, encrypted, both, OpenPGP, tampered, an
// unknown sender, encrypted to a key we lack, plain, a threaded reply,
// HTML that tries scripts and remote content),
// and the key material to import so that they read as intended; and a
// submission server (go-smtp, also on loopback) that delivers replies
// inside the demo, so that the composer can send. All keys
// are made at start-up and live only in memory; nothing is written to
// disk except through Setup, into the profile like any account.
package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	gosync "sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/sealdesk/sealdesk/mailbox"
)

// AccountName is the name of the demo account.
const AccountName = "Demo"

// Keys is the demo material the user is given, PEM and ASCII-armored as
// files would hold it. It leaves out on purpose the CA of the unknown
// sender and the key of the certificate one mail is encrypted to.
type Keys struct {
	// CA is the demo CA's certificate (trusted once imported).
	CA []byte
	// HelpdeskCert and HelpdeskKey are the helpdesk's S/MIME certificate
	// and its PKCS #8 private key.
	HelpdeskCert, HelpdeskKey []byte
	// PGPSecret is the helpdesk's OpenPGP secret key (unprotected);
	// PGPSender the public key of the demo's OpenPGP correspondent.
	PGPSecret, PGPSender []byte
}

// Mailbox is a running demo: its IMAP and submission servers. Close stops
// them.
type Mailbox struct {
	addr, smtpAddr, user, pass string
	keys                       Keys
	// mail is the helpdesk's in-memory mailbox, which the submission
	// server delivers into.
	mail      *imapmemserver.User
	srv       *imapserver.Server
	smtp      *gosmtp.Server
	done      chan struct{}
	stop      context.CancelFunc
	closeOnce gosync.Once
}

// folders are the demo's folders, created in this order: a folder's
// UIDVALIDITY is its place in it (imapmemserver counts creations), so a
// new folder goes at the end.
//
// QUIRK: Sent carries no \Sent attribute (RFC 6154): imapmemserver
// ignores CREATE's SPECIAL-USE option and never returns the attribute on a
// plain LIST. Clients find it by its name, as mail/imap does.
var folders = []string{"INBOX", "Sent"}

// Start makes the demo keys and mails and serves them on 127.0.0.1 (free
// ports) until Close or until ctx ends.
func Start(ctx context.Context) (*Mailbox, error) { return Resume(ctx, nil) }

// Resume is Start for a demo that ran before, in an earlier run of the
// app. The seeded mails get the same UIDVALIDITY and UIDs as then; what
// arrived later (replies the app saved in Sent, mail submitted to the
// helpdesk itself) lived only in the earlier server's memory and is gone.
// lastUID is, per folder, the highest UID the earlier server handed out as
// far as the client knows (its sync checkpoint): the new server skips the
// UIDs up to it, so that a UID is never given to a second message under
// the same UIDVALIDITY (RFC 9051 section 2.3.1.1) and the client's sync
// fetches what arrives next. nil means none.
func Resume(ctx context.Context, lastUID map[string]uint32) (*Mailbox, error) {
	now := time.Now()
	p, err := newPKI(now)
	if err != nil {
		return nil, err
	}
	msgs, err := messages(p, now)
	if err != nil {
		return nil, err
	}
	m := &Mailbox{user: HelpdeskAddr, done: make(chan struct{})}
	var pw [16]byte
	rand.Read(pw[:])
	m.pass = hex.EncodeToString(pw[:])
	if m.keys, err = keysOf(p); err != nil {
		return nil, err
	}
	user := imapmemserver.NewUser(m.user, m.pass)
	m.mail = user
	for _, mb := range folders {
		if err := user.Create(mb, nil); err != nil {
			return nil, fmt.Errorf("demo: creating %s: %w", mb, err)
		}
	}
	for _, msg := range msgs {
		if _, err := user.Append(msg.folder, newLiteral(msg.raw), &imap.AppendOptions{Time: msg.date}); err != nil {
			return nil, fmt.Errorf("demo: seeding %s: %w", msg.folder, err)
		}
	}
	for _, mb := range folders {
		if err := skipUIDs(user, mb, lastUID[mb]); err != nil {
			return nil, err
		}
	}
	mem := imapmemserver.New()
	mem.AddUser(user)
	m.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}, imap.CapESearch: {}, imap.CapMove: {}, imap.CapLiteralPlus: {}},
		// Plaintext LOGIN on loopback only (the listener below), as the
		// account's TLS mode none allows.
		InsecureAuth: true,
		Logger:       discard{},
	})
	m.smtp = newSubmission(m)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: listening on loopback: %w", err)
	}
	sln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("demo: listening on loopback: %w", err)
	}
	m.addr, m.smtpAddr = ln.Addr().String(), sln.Addr().String()
	ctx, m.stop = context.WithCancel(ctx)
	var served gosync.WaitGroup
	served.Add(2)
	go func() {
		defer served.Done()
		_ = m.srv.Serve(ln)
	}()
	go func() {
		defer served.Done()
		_ = m.smtp.Serve(sln)
	}()
	go func() {
		defer close(m.done)
		<-ctx.Done()
		// The listeners are closed here as well: a server's Close only
		// closes the listeners its Serve has registered, so a Close that
		// comes before Serve got that far would leave Serve accepting
		// forever (seen as a hung test).
		_ = ln.Close()
		_ = sln.Close()
		_ = m.srv.Close()
		_ = m.smtp.Close()
		served.Wait()
	}()
	return m, nil
}

// skipUIDs makes the next UID of folder at least last+1: it appends and
// expunges as many placeholder messages as needed. See Resume.
func skipUIDs(user *imapmemserver.User, folder string, last uint32) error {
	st, err := user.Status(folder, &imap.StatusOptions{UIDNext: true})
	if err != nil || uint32(st.UIDNext) > last {
		return err
	}
	deleted := &imap.AppendOptions{Flags: []imap.Flag{imap.FlagDeleted}}
	for range last + 1 - uint32(st.UIDNext) {
		if _, err := user.Append(folder, newLiteral([]byte("Subject: skipped\r\n\r\n")), deleted); err != nil {
			return fmt.Errorf("demo: skipping UIDs in %s: %w", folder, err)
		}
	}
	sess := imapmemserver.NewUserSession(user)
	defer sess.Close()
	if _, err := sess.Select(folder, nil); err != nil {
		return fmt.Errorf("demo: skipping UIDs in %s: %w", folder, err)
	}
	if err := sess.Expunge(nil, nil); err != nil {
		return fmt.Errorf("demo: skipping UIDs in %s: %w", folder, err)
	}
	return nil
}

// Account is the demo account as the account form would give it: both
// servers in the clear, which TLS mode none allows towards loopback only.
// The submission server takes the IMAP credentials, as the account's SMTP
// login does.
func (m *Mailbox) Account() mailbox.AccountInput {
	return mailbox.AccountInput{Name: AccountName, IMAP: m.addr, IMAPTLS: "none", SMTP: m.smtpAddr, SMTPTLS: "none",
		Username: m.user, Password: []byte(m.pass)}
}

// Keys is the demo material to import.
func (m *Mailbox) Keys() Keys { return m.keys }

// Addr is the IMAP server's host:port.
func (m *Mailbox) Addr() string { return m.addr }

// SMTPAddr is the submission server's host:port.
func (m *Mailbox) SMTPAddr() string { return m.smtpAddr }

// Close stops both servers and waits for them.
func (m *Mailbox) Close() error {
	m.closeOnce.Do(func() {
		m.stop()
		<-m.done
	})
	return nil
}

func keysOf(p *pki) (Keys, error) {
	k := Keys{CA: certPEM(p.ca.cert), HelpdeskCert: certPEM(p.helpdesk.cert)}
	var err error
	if k.HelpdeskKey, err = keyPEM(p.helpdesk.key); err != nil {
		return k, err
	}
	if k.PGPSecret, err = armoredPGP(p.pgpHelpdesk, true); err != nil {
		return k, err
	}
	k.PGPSender, err = armoredPGP(p.pgpCarol, false)
	return k, err
}

// literal is a message for imapmemserver's Append.
type literal struct {
	*bytes.Reader
	size int64
}

func newLiteral(b []byte) literal { return literal{bytes.NewReader(b), int64(len(b))} }

func (l literal) Size() int64 { return l.size }

// discard is the servers' logger: the demo has no log to write to.
type discard struct{}

func (discard) Printf(string, ...any) {}
func (discard) Println(...any)        {}
