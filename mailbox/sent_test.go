package mailbox

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// memIMAP starts go-imap's in-memory server on loopback advertising caps,
// with INBOX and Sent, and returns its address and user.
func memIMAP(t *testing.T, caps goimap.CapSet) (string, *imapmemserver.User) {
	t.Helper()
	user := imapmemserver.NewUser("agent@example.test", "secret")
	for _, mb := range []string{"INBOX", "Sent"} {
		if err := user.Create(mb, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem := imapmemserver.New()
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps: caps, InsecureAuth: true,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = ln.Close(); _ = srv.Close(); <-done })
	return ln.Addr().String(), user
}

// gmailProxy forwards to the IMAP server at addr and adds X-GM-EXT-1 to
// every capability list it sends (go-imap's server advertises only the
// extensions it implements): the client then sees a Gmail server.
func gmailProxy(t *testing.T, addr string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", addr)
			if err != nil {
				client.Close()
				return
			}
			go func() { _, _ = io.Copy(server, client); server.Close() }()
			go func() {
				defer client.Close()
				r := bufio.NewReader(server)
				for {
					line, err := r.ReadBytes('\n')
					if bytes.Contains(line, []byte("CAPABILITY IMAP4rev1")) {
						line = bytes.Replace(line, []byte("IMAP4rev1"), []byte("IMAP4rev1 "+string(capGmail)), 1)
					}
					if _, werr := client.Write(line); werr != nil || err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// TestSentCopyNotAppendedWhereTheServerSavesIt: Gmail (X-GM-EXT-1) files
// sent mail itself, so our APPEND would be a second copy; elsewhere the
// copy is appended.
func TestSentCopyNotAppendedWhereTheServerSavesIt(t *testing.T) {
	ctx := context.Background()
	raw := outgoing("gm@example.test", "")
	for _, tc := range []struct {
		name  string
		gmail bool
		want  uint32
	}{{"plain server", false, 1}, {"Gmail", true, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			addr, user := memIMAP(t, goimap.CapSet{goimap.CapIMAP4rev1: {}})
			if tc.gmail {
				addr = gmailProxy(t, addr)
			}
			s, p := newService(t)
			if _, err := s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: addr, IMAPTLS: "none",
				Username: "agent@example.test", Password: []byte("secret")}); err != nil {
				t.Fatal(err)
			}
			a := mustAccount(t, p.Store, "help")
			folder, err := imapSent{s}.Append(ctx, a, raw)
			if err != nil || folder != "Sent" {
				t.Fatalf("Append: %q %v", folder, err)
			}
			st, err := user.Status("Sent", &goimap.StatusOptions{NumMessages: true})
			if err != nil {
				t.Fatal(err)
			}
			if *st.NumMessages != tc.want {
				t.Errorf("Sent holds %d messages, want %d", *st.NumMessages, tc.want)
			}
		})
	}
}
