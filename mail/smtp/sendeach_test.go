package smtp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
)

func TestEnvelopeRecipientLimit(t *testing.T) {
	list := func(n int) string {
		var a []string
		for i := range n {
			a = append(a, fmt.Sprintf("r%d@example.org", i))
		}
		return strings.Join(a, ", ")
	}
	for _, c := range []struct {
		name   string
		header string
		err    error
	}{
		{"at the limit, counted once", "To: " + list(60) + "\r\nCc: " + list(40) + "\r\nBcc: r0@example.org\r\n", nil},
		{"one over, with Bcc", "To: " + list(60) + "\r\nBcc: " + strings.ReplaceAll(list(41), "@", "@b.") + "\r\n", ErrTooManyRecipients},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := EnvelopeOf([]byte("From: desk@example.test\r\n" + c.header + "\r\nx\r\n"))
			if !errors.Is(err, c.err) {
				t.Fatalf("got %v, want %v", err, c.err)
			}
		})
	}
}

// TestSendEach: the copies of one message go out over one connection in
// order; each accepted one is reported before the next is sent, and the
// first refusal stops the rest.
func TestSendEach(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Options{Username: "u", Password: "p", Rcpt: func(addr string) error {
		if addr == "gone@example.org" {
			return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	}})
	cfg := Config{Addr: srv.Addr, TLS: TLSNone, Username: "u", Password: "p"}
	sub := func(to string) Submission {
		return Submission{Envelope: Envelope{From: "desk@example.test", To: []string{to}}, Msg: []byte("Subject: for " + to + "\r\n\r\nx\r\n")}
	}
	var accepted []int
	err := SendEach(ctx, cfg, []Submission{sub("a@example.org"), sub("b@example.org"), sub("gone@example.org"), sub("c@example.org")},
		func(i int) error { accepted = append(accepted, i); return nil })
	var re *RecipientError
	if !errors.As(err, &re) || re.Addr != "gone@example.org" || !Permanent(err) {
		t.Fatalf("err = %v", err)
	}
	msgs := srv.Messages()
	if len(accepted) != 2 || len(msgs) != 2 || msgs[0].To[0] != "a@example.org" || msgs[1].To[0] != "b@example.org" {
		t.Fatalf("accepted %v, server got %+v", accepted, msgs)
	}
	// A failure to record a delivery stops the rest too.
	stop := errors.New("cannot record")
	if err := SendEach(ctx, cfg, []Submission{sub("a@example.org"), sub("b@example.org")}, func(int) error { return stop }); !errors.Is(err, stop) || len(srv.Messages()) != 3 {
		t.Fatalf("err = %v, %d messages", err, len(srv.Messages()))
	}
}
