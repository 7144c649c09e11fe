package demo

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// The demo's submission server (RFC 6409) over go-smtp: in the clear on
// loopback, AUTH PLAIN (RFC 4954) with the demo account's credentials, and
// delivery inside the demo. A message with the helpdesk among its
// recipients goes to the helpdesk's INBOX, where the next sync finds it;
// the customers' copies are accepted and dropped: their addresses are
// under .test (RFC 2606) and lead nowhere, and the sent copy the app saves
// in Sent is what the agent sees of them.
//
// WARNING: nothing here is fit for a real network: no TLS, no rate limits,
// mail for anyone but the helpdesk vanishes.

// maxSubmission bounds one message (the composer's attachments included).
const maxSubmission = 32 << 20

// AUTH PLAIN is what mail/smtp.Send speaks.
var _ gosmtp.AuthSession = (*submitSession)(nil)

// newSubmission is m's submission server, not yet serving.
func newSubmission(m *Mailbox) *gosmtp.Server {
	s := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &submitSession{m: m}, nil
	}))
	s.Domain = "demo.sealdesk.test"
	// Plaintext AUTH on loopback only (the listener in Resume), as the
	// account's TLS mode none allows.
	s.AllowInsecureAuth = true
	s.MaxMessageBytes, s.MaxRecipients = maxSubmission, 100
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute
	s.ErrorLog = discard{}
	return s
}

// submitSession is one SMTP connection.
type submitSession struct {
	m      *Mailbox
	authed bool
	// from and forHelpdesk are the envelope of the message under way.
	from        string
	forHelpdesk bool
}

func (s *submitSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *submitSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if identity != "" && identity != user || user != s.m.user ||
			subtle.ConstantTimeCompare([]byte(pass), []byte(s.m.pass)) != 1 {
			return gosmtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

// Mail starts a message; only the demo account may submit (RFC 6409
// section 4.3).
func (s *submitSession) Mail(from string, _ *gosmtp.MailOptions) error {
	if !s.authed {
		return gosmtp.ErrAuthRequired
	}
	s.from, s.forHelpdesk = from, false
	return nil
}

// Rcpt accepts any recipient; see the top of this file.
func (s *submitSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if strings.EqualFold(to, HelpdeskAddr) {
		s.forHelpdesk = true
	}
	return nil
}

// Data reads the message and delivers it to INBOX when the helpdesk is a
// recipient, with the trace fields a delivering server adds on top
// (RFC 5321 section 4.4), outside any signed part.
func (s *submitSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil || !s.forHelpdesk {
		return err
	}
	now := time.Now()
	var b bytes.Buffer
	fmt.Fprintf(&b, "Return-Path: <%s>\r\nReceived: from localhost by demo.sealdesk.test with ESMTPA; %s\r\n",
		s.from, now.Format(time.RFC1123Z))
	b.Write(raw)
	if _, err := s.m.mail.Append("INBOX", newLiteral(b.Bytes()), &imap.AppendOptions{Time: now}); err != nil {
		return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "demo: delivery to INBOX failed: " + err.Error()}
	}
	return nil
}

func (s *submitSession) Reset()        { s.from, s.forHelpdesk = "", false }
func (s *submitSession) Logout() error { return nil }
