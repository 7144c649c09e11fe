package imap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/mail/internal/imaptest"
)

type refuseDialer struct{ t *testing.T }

func (d refuseDialer) DialContext(context.Context, string, string) (net.Conn, error) {
	d.t.Fatal("dialled although the settings should have been refused")
	return nil, nil
}

func TestConfigRefused(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want error
		text string
	}{
		{"plaintext to a remote host", Config{Addr: "192.0.2.1:143", TLS: TLSNone}, ErrInsecure, "not a loopback address"},
		{"plaintext to a remote name", Config{Addr: "imap.example.org:143", TLS: TLSNone}, ErrInsecure, `use TLS "implicit"`},
		{"unknown mode", Config{Addr: "127.0.0.1:993", TLS: "ssl"}, ErrConfig, `unknown TLS mode "ssl"`},
		{"no port", Config{Addr: "imap.example.org"}, ErrConfig, "want host:port"},
		{"bad pin", Config{Addr: "127.0.0.1:993", PinnedSHA256: "abcd"}, ErrConfig, "64 hex digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Dialer = refuseDialer{t}
			_, err := Dial(context.Background(), tt.cfg)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) || !strings.HasPrefix(err.Error(), "imap: ") {
				t.Fatalf("Dial = %v, want %v mentioning %q", err, tt.want, tt.text)
			}
		})
	}
}

func TestLoopbackPlaintextAllowed(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "127.5.6.7", "::1", "localhost", "LOCALHOST"} {
		if !isLoopback(host) {
			t.Errorf("isLoopback(%q) = false", host)
		}
	}
	for _, host := range []string{"10.0.0.1", "localhost.example.org", "::ffff:10.0.0.1", ""} {
		if isLoopback(host) {
			t.Errorf("isLoopback(%q) = true", host)
		}
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Dial(context.Background(), Config{Addr: addr, TLS: TLSNone})
	if !errors.Is(err, ErrConnRefused) || !strings.Contains(err.Error(), "993") {
		t.Fatalf("Dial = %v, want ErrConnRefused with a hint about ports", err)
	}
}

func TestLoginAndMailboxes(t *testing.T) {
	srv := imaptest.NewServer(t)
	ctx := context.Background()
	c, err := Connect(ctx, Config{Addr: srv.Addr, TLS: TLSNone, Username: srv.User, Password: srv.Pass})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer c.Logout()
	mb, err := c.Mailboxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if mb.Inbox != "INBOX" || mb.Sent != "Sent" || len(mb.All) != 2 {
		t.Errorf("Mailboxes = %+v", mb)
	}
}

func TestWrongPassword(t *testing.T) {
	srv := imaptest.NewServer(t)
	_, err := Connect(context.Background(), Config{Addr: srv.Addr, TLS: TLSNone, Username: srv.User, Password: "nope"})
	if !errors.Is(err, ErrAuthFailed) || !strings.Contains(err.Error(), srv.User) {
		t.Fatalf("Connect = %v, want ErrAuthFailed naming the user", err)
	}
}

func TestCancelDuringGreeting(t *testing.T) {
	// A server that accepts and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			time.Sleep(2 * time.Second)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = Dial(ctx, Config{Addr: ln.Addr().String(), TLS: TLSNone})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("Dial = %v after %v, want a prompt deadline error", err, time.Since(start))
	}
}

func TestTLSVerificationAndPinning(t *testing.T) {
	cert, leaf := imaptest.SelfSigned(t)
	fp := Fingerprint(leaf)
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
	for _, mode := range []TLSMode{TLSImplicit, TLSStartTLS} {
		srv := imaptest.NewTLSServer(t, serverTLS, mode == TLSImplicit)
		base := Config{Addr: srv.Addr, TLS: mode, Username: srv.User, Password: srv.Pass}
		otherPin := strings.Repeat("ab", 32)
		tests := []struct {
			name   string
			change func(*Config)
			ok     bool
			pinned string
		}{
			{"untrusted self-signed names the fingerprint", func(*Config) {}, false, ""},
			{"pinned fingerprint", func(c *Config) { c.PinnedSHA256 = fp }, true, ""},
			{"pin in lower case without colons", func(c *Config) { c.PinnedSHA256 = strings.ToLower(strings.ReplaceAll(fp, ":", "")) }, true, ""},
			{"other pin refused", func(c *Config) { c.PinnedSHA256 = otherPin }, false, "AB:AB"},
			{"trusted root", func(c *Config) { c.RootCAs = roots }, true, ""},
			{"trusted root, wrong name", func(c *Config) { c.RootCAs = roots; c.ServerName = "imap.example.org" }, false, ""},
		}
		for _, tt := range tests {
			t.Run(string(mode)+"/"+tt.name, func(t *testing.T) {
				cfg := base
				tt.change(&cfg)
				c, err := Connect(context.Background(), cfg)
				if tt.ok {
					if err != nil {
						t.Fatalf("Connect: %v", err)
					}
					c.Logout()
					return
				}
				var certErr *CertificateError
				if !errors.As(err, &certErr) {
					t.Fatalf("Connect = %v, want a CertificateError", err)
				}
				if certErr.Fingerprint != fp || !strings.Contains(err.Error(), fp) {
					t.Errorf("error %q does not name the fingerprint %s", err, fp)
				}
				if tt.pinned != "" && !strings.HasPrefix(certErr.Pinned, tt.pinned) {
					t.Errorf("Pinned = %q", certErr.Pinned)
				}
			})
		}
	}
}
