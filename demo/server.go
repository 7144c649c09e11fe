// Package demo runs a demo mailbox: go-imap's in-memory IMAP server on
// loopback, seeded at start-up with a handful of helpdesk mails that show
// every security outcome (signed, encrypted, both, OpenPGP, tampered, an
// unknown sender, encrypted to a key we lack, plain, a threaded reply,
// HTML that tries scripts and remote content),
// and the key material to import so that they read as intended. All keys
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

// Mailbox is a running demo server. Close stops it.
type Mailbox struct {
	addr, user, pass string
	keys             Keys
	srv              *imapserver.Server
	done             chan struct{}
	stop             context.CancelFunc
	closeOnce        gosync.Once
}

// Start makes the demo keys and mails and serves them on 127.0.0.1 (a free
// port) until Close or until ctx ends.
func Start(ctx context.Context) (*Mailbox, error) {
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
	for _, mb := range []string{"INBOX", "Sent"} {
		if err := user.Create(mb, nil); err != nil {
			return nil, fmt.Errorf("demo: creating %s: %w", mb, err)
		}
	}
	for _, msg := range msgs {
		if _, err := user.Append(msg.folder, literal{bytes.NewReader(msg.raw), int64(len(msg.raw))}, &imap.AppendOptions{Time: msg.date}); err != nil {
			return nil, fmt.Errorf("demo: seeding %s: %w", msg.folder, err)
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: listening on loopback: %w", err)
	}
	m.addr = ln.Addr().String()
	ctx, m.stop = context.WithCancel(ctx)
	go func() {
		defer close(m.done)
		_ = m.srv.Serve(ln)
	}()
	go func() {
		<-ctx.Done()
		_ = m.srv.Close()
	}()
	return m, nil
}

// Account is the demo account as the account form would give it.
func (m *Mailbox) Account() mailbox.AccountInput {
	return mailbox.AccountInput{Name: AccountName, IMAP: m.addr, IMAPTLS: "none", Username: m.user, Password: []byte(m.pass)}
}

// Keys is the demo material to import.
func (m *Mailbox) Keys() Keys { return m.keys }

// Addr is the server's host:port.
func (m *Mailbox) Addr() string { return m.addr }

// Close stops the server and waits for it.
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

func (l literal) Size() int64 { return l.size }

type discard struct{}

func (discard) Printf(string, ...any) {}
