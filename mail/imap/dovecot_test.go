package imap

// Against the harness's real Dovecot; skipped unless run through
// scripts/with-services.sh (or `make test`).

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"testing"

	"github.com/sealdesk/sealdesk/internal/testenv"
)

func harnessCert(t *testing.T) *x509.Certificate {
	b, err := os.ReadFile(testenv.TLSCert(t))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatal("no PEM block in the harness certificate")
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestDovecotIMAPS(t *testing.T) {
	addr := testenv.IMAPS(t)
	user, pass := testenv.MailUser(t)
	fp := Fingerprint(harnessCert(t))
	ctx := context.Background()

	_, err := Connect(ctx, Config{Addr: addr, Username: user, Password: pass})
	var certErr *CertificateError
	if !errors.As(err, &certErr) || certErr.Fingerprint != fp {
		t.Fatalf("unpinned self-signed Dovecot: %v, want a CertificateError naming %s", err, fp)
	}
	t.Logf("error shown to the user: %v", err)

	c, err := Connect(ctx, Config{Addr: addr, Username: user, Password: pass, PinnedSHA256: fp})
	if err != nil {
		t.Fatalf("pinned: %v", err)
	}
	mb, err := c.Mailboxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if mb.Inbox != "INBOX" || mb.Sent != "Sent" {
		t.Errorf("Mailboxes: inbox %q sent %q", mb.Inbox, mb.Sent)
	}
	if err := c.Logout(); err != nil {
		t.Errorf("Logout: %v", err)
	}

	c, err = Connect(ctx, Config{Addr: addr, Username: user, Password: pass, RootCAs: testenv.TLSConfig(t).RootCAs, ServerName: "localhost"})
	if err != nil {
		t.Fatalf("with the harness root: %v", err)
	}
	c.Logout()
}

func TestDovecotSTARTTLS(t *testing.T) {
	addr := testenv.IMAP(t)
	user, pass := testenv.MailUser(t)
	c, err := Connect(context.Background(), Config{Addr: addr, TLS: TLSStartTLS, Username: user, Password: pass, PinnedSHA256: Fingerprint(harnessCert(t))})
	if err != nil {
		t.Fatalf("STARTTLS with pin: %v", err)
	}
	c.Logout()
}

func TestDovecotWrongPassword(t *testing.T) {
	addr := testenv.IMAP(t)
	user, pass := testenv.MailUser(t)
	// From a random loopback address: Dovecot delays the next logins from
	// an address that failed one.
	_, err := Connect(context.Background(), Config{Addr: addr, TLS: TLSNone, Username: user, Password: "wrong-" + pass, Dialer: testenv.IsolatedDialer()})
	if !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("Connect = %v, want ErrAuthFailed", err)
	}
	t.Logf("error shown to the user: %v", err)
}
