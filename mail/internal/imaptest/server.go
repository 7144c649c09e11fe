// Package imaptest gives the mail packages' tests a loopback IMAP server
// (go-imap's in-memory server), a TCP proxy that cuts connections on
// demand, a goroutine leak check and message builders.
package imaptest

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Server is a running in-memory IMAP server with one user and the
// mailboxes INBOX and Sent.
type Server struct {
	Addr       string
	User, Pass string
	user       *imapmemserver.User
	admin      *imapclient.Client
}

// Caps is what NewServer advertises: IMAP4rev1 with the extensions the
// in-memory server implements. It lacks CONDSTORE and SPECIAL-USE
// attributes, so the sync engine's fallbacks (full flag fetch, Sent by
// name) are what the fast tests exercise.
var Caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}, imap.CapESearch: {}, imap.CapMove: {}, imap.CapLiteralPlus: {}}

// NewServer starts a plaintext server on 127.0.0.1 and stops it when the
// test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	return NewTLSServer(t, nil, false)
}

// NewTLSServer starts a server with TLS: implicit TLS when implicit is
// true, else STARTTLS offered on a plaintext port.
func NewTLSServer(t testing.TB, cfg *tls.Config, implicit bool) *Server {
	t.Helper()
	s := &Server{User: "agent@example.test", Pass: "secret"}
	s.user = imapmemserver.NewUser(s.User, s.Pass)
	for _, mb := range []string{"INBOX", "Sent"} {
		if err := s.user.Create(mb, nil); err != nil {
			t.Fatalf("imaptest: create %s: %v", mb, err)
		}
	}
	mem := imapmemserver.New()
	mem.AddUser(s.user)
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         Caps,
		InsecureAuth: true,
		Logger:       discardLogger{},
	}
	if !implicit {
		opts.TLSConfig = cfg
	}
	srv := imapserver.New(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("imaptest: listen: %v", err)
	}
	if implicit {
		ln = tls.NewListener(ln, cfg)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	s.Addr = ln.Addr().String()
	t.Cleanup(func() {
		if s.admin != nil {
			_ = s.admin.Close()
		}
		// Close only closes listeners Serve has registered: close ours too,
		// or a cleanup that beats Serve there waits forever.
		_ = ln.Close()
		_ = srv.Close()
		<-done
	})
	return s
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// Admin returns a logged-in client for changing the mailboxes behind the
// engine's back.
func (s *Server) Admin(t testing.TB) *imapclient.Client {
	t.Helper()
	if s.admin != nil {
		return s.admin
	}
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatalf("imaptest: dial: %v", err)
	}
	if err := c.Login(s.User, s.Pass).Wait(); err != nil {
		t.Fatalf("imaptest: login: %v", err)
	}
	s.admin = c
	return c
}

// Append stores raw messages in mailbox and returns their UIDs.
func (s *Server) Append(t testing.TB, mailbox string, raws ...[]byte) []uint32 {
	t.Helper()
	var uids []uint32
	for _, raw := range raws {
		data, err := s.user.Append(mailbox, literal{bytes.NewReader(raw), int64(len(raw))}, &imap.AppendOptions{Time: time.Now()})
		if err != nil {
			t.Fatalf("imaptest: append to %s: %v", mailbox, err)
		}
		uids = append(uids, uint32(data.UID))
	}
	return uids
}

type literal struct {
	*bytes.Reader
	n int64
}

func (l literal) Size() int64 { return l.n }

// SetFlags replaces the flags of one message.
func (s *Server) SetFlags(t testing.TB, mailbox string, uid uint32, flags ...imap.Flag) {
	t.Helper()
	c := s.Admin(t)
	if _, err := c.Select(mailbox, nil).Wait(); err != nil {
		t.Fatalf("imaptest: select %s: %v", mailbox, err)
	}
	store := &imap.StoreFlags{Op: imap.StoreFlagsSet, Silent: true, Flags: flags}
	if err := c.Store(imap.UIDSetNum(imap.UID(uid)), store, nil).Close(); err != nil {
		t.Fatalf("imaptest: store flags: %v", err)
	}
}

// Expunge removes messages by UID.
func (s *Server) Expunge(t testing.TB, mailbox string, uids ...uint32) {
	t.Helper()
	c := s.Admin(t)
	if _, err := c.Select(mailbox, nil).Wait(); err != nil {
		t.Fatalf("imaptest: select %s: %v", mailbox, err)
	}
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := c.Store(set, store, nil).Close(); err != nil {
		t.Fatalf("imaptest: store \\Deleted: %v", err)
	}
	if err := c.UIDExpunge(set).Close(); err != nil {
		t.Fatalf("imaptest: UID EXPUNGE: %v", err)
	}
}

// Recreate deletes mailbox and creates it again (a new UIDVALIDITY), then
// appends raws to it.
func (s *Server) Recreate(t testing.TB, mailbox string, raws ...[]byte) []uint32 {
	t.Helper()
	if s.admin != nil {
		_ = s.admin.Unselect().Wait()
	}
	if err := s.user.Delete(mailbox); err != nil {
		t.Fatalf("imaptest: delete %s: %v", mailbox, err)
	}
	if err := s.user.Create(mailbox, nil); err != nil {
		t.Fatalf("imaptest: create %s: %v", mailbox, err)
	}
	return s.Append(t, mailbox, raws...)
}

// Message builds an RFC 5322 message with a unique Message-ID, which it
// returns without brackets. size pads the body to about that many bytes.
func Message(subject string, size int) (raw []byte, messageID string) {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	messageID = hex.EncodeToString(rnd[:]) + "@imaptest.example.test"
	var b strings.Builder
	fmt.Fprintf(&b, "From: Customer <customer@example.org>\r\nTo: help@example.test\r\nSubject: %s\r\n", subject)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", time.Now().Format(time.RFC1123Z), messageID)
	b.WriteString("Hello,\r\n")
	for b.Len() < size {
		b.WriteString("the printer on the third floor is on fire again, please help.\r\n")
	}
	return []byte(b.String()), messageID
}

// Messages builds n messages; see [Message].
func Messages(prefix string, n, size int) (raws [][]byte, ids []string) {
	for i := range n {
		raw, id := Message(fmt.Sprintf("%s %d", prefix, i), size)
		raws, ids = append(raws, raw), append(ids, id)
	}
	return raws, ids
}
