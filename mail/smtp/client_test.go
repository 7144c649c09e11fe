package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/mail/internal/imaptest"
	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
)

const msg = "From: Desk <desk@example.test>\r\nTo: a@example.org\r\nCc: b@example.org\r\nBcc: Hidden <h@example.org>\r\n" +
	"Subject: hi\r\nMessage-ID: <m1@example.test>\r\n\r\nbody\r\nBcc: not a header\r\n"

func TestEnvelopeStripsBcc(t *testing.T) {
	env, wire, err := EnvelopeOf([]byte(msg))
	if err != nil || env.From != "desk@example.test" || strings.Join(env.To, ",") != "a@example.org,b@example.org,h@example.org" {
		t.Fatalf("envelope %+v, %v", env, err)
	}
	if strings.Contains(string(wire), "Hidden") || !strings.Contains(string(wire), "\r\nBcc: not a header\r\n") {
		t.Fatalf("wire copy:\n%s", wire)
	}
	if _, _, err := EnvelopeOf([]byte("To: a@example.org\r\n\r\nx")); err == nil {
		t.Fatal("no From accepted")
	}
}

func TestSend(t *testing.T) {
	ctx := context.Background()
	cert, leaf := imaptest.SelfSigned(t)
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	refuse := func(addr string) error {
		if addr == "nobody@example.org" {
			return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	}
	plain := smtptest.Start(t, smtptest.Options{Username: "u", Password: "p", Rcpt: refuse})
	starttls := smtptest.Start(t, smtptest.Options{Username: "u", Password: "p", TLS: tlsCfg})
	implicit := smtptest.Start(t, smtptest.Options{Username: "u", Password: "p", TLS: tlsCfg, Implicit: true})
	pin := imapx.Fingerprint(leaf)
	wrongPin := strings.Repeat("AB:", 31) + "AB"
	env := Envelope{From: "desk@example.test", To: []string{"a@example.org"}}
	cases := []struct {
		name string
		cfg  Config
		env  Envelope
		want func(error) bool
	}{
		{"plain on loopback", Config{Addr: plain.Addr, TLS: TLSNone, Username: "u", Password: "p"}, env, nil},
		{"starttls pinned", Config{Addr: starttls.Addr, TLS: TLSStartTLS, Username: "u", Password: "p", PinnedSHA256: pin}, env, nil},
		{"implicit pinned", Config{Addr: implicit.Addr, TLS: TLSImplicit, Username: "u", Password: "p", PinnedSHA256: pin}, env, nil},
		{"wrong password", Config{Addr: plain.Addr, TLS: TLSNone, Username: "u", Password: "x"}, env,
			func(err error) bool { return errors.Is(err, ErrAuthFailed) }},
		{"recipient refused", Config{Addr: plain.Addr, TLS: TLSNone, Username: "u", Password: "p"},
			Envelope{From: "desk@example.test", To: []string{"a@example.org", "nobody@example.org"}},
			func(err error) bool {
				var re *RecipientError
				return errors.As(err, &re) && re.Addr == "nobody@example.org" && strings.Contains(err.Error(), "nobody@example.org") && Permanent(err)
			}},
		{"unverified certificate", Config{Addr: implicit.Addr, TLS: TLSImplicit, Username: "u", Password: "p"}, env,
			func(err error) bool {
				var ce *imapx.CertificateError
				return errors.As(err, &ce) && ce.Fingerprint == pin && strings.HasPrefix(err.Error(), "smtp: ")
			}},
		{"pin mismatch", Config{Addr: starttls.Addr, TLS: TLSStartTLS, Username: "u", Password: "p", PinnedSHA256: wrongPin}, env,
			func(err error) bool {
				var ce *imapx.CertificateError
				return errors.As(err, &ce) && ce.Pinned != "" && strings.HasPrefix(err.Error(), "smtp: ")
			}},
		{"no STARTTLS offered", Config{Addr: plain.Addr, TLS: TLSStartTLS, Username: "u", Password: "p"}, env,
			func(err error) bool { return strings.Contains(err.Error(), "does not offer STARTTLS") }},
		{"plaintext off loopback", Config{Addr: "smtp.example.org:25", TLS: TLSNone}, env,
			func(err error) bool { return errors.Is(err, ErrInsecure) }},
		{"refused", Config{Addr: closedPort(t), TLS: TLSNone}, env,
			func(err error) bool { return errors.Is(err, ErrConnRefused) && !Permanent(err) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Send(ctx, tc.cfg, tc.env, []byte(msg))
			if tc.want == nil && err != nil || tc.want != nil && (err == nil || !tc.want(err)) {
				t.Fatalf("err = %v", err)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "smtp: ") {
				t.Fatalf("error without prefix: %v", err)
			}
		})
	}
	for _, s := range []*smtptest.Server{plain, starttls, implicit} {
		if m := s.Messages(); len(m) != 1 || m[0].From != "desk@example.test" || string(m[0].Data) != msg {
			t.Fatalf("server %s got %+v", s.Addr, m)
		}
	}
}

func TestTemporaryRefusal(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{Data: func(int, smtptest.Message) error { return smtptest.Temporary }})
	err := Send(context.Background(), Config{Addr: s.Addr, TLS: TLSNone}, Envelope{From: "a@b.test", To: []string{"c@d.test"}}, []byte(msg))
	if err == nil || Permanent(err) || !strings.Contains(err.Error(), "temporarily refused") {
		t.Fatalf("err = %v", err)
	}
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
