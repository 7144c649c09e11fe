// Package smtptest is an in-process submission server (go-smtp's server
// package) for fast tests of sending: AUTH PLAIN, optional STARTTLS or
// implicit TLS, and hooks that refuse recipients or messages.
package smtptest

import (
	"crypto/tls"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// Message is one accepted submission.
type Message struct {
	From string
	To   []string
	Data []byte
}

// Options configure a Server. The zero value is plaintext without AUTH.
type Options struct {
	// Username and Password, when set, are required with AUTH PLAIN.
	Username, Password string
	// TLS offers STARTTLS (RFC 3207), or with Implicit wraps the listener
	// (RFC 8314).
	TLS      *tls.Config
	Implicit bool
	// Rcpt, when set, may refuse a recipient (return a *gosmtp.SMTPError).
	Rcpt func(addr string) error
	// Data, when set, may refuse the n-th message (1-based) after reading it.
	Data func(n int, msg Message) error
}

// Server is a running test server; it stops with the test.
type Server struct {
	Addr string
	opts Options
	mu   sync.Mutex
	msgs []Message
	n    int
}

// Start listens on 127.0.0.1 and serves until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Implicit {
		l = tls.NewListener(l, opts.TLS)
	}
	s := &Server{Addr: l.Addr().String(), opts: opts}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if !opts.Implicit {
		srv.TLSConfig = opts.TLS
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = l.Close(); _ = srv.Close() }) // l too: Close only closes what Serve registered
	return s
}

// Messages returns the accepted messages in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Attempts is how many messages reached the end of DATA, accepted or not.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

type session struct {
	s      *Server
	authed bool
	msg    Message
}

var _ gosmtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.opts.Username || pass != ss.s.opts.Password {
			return &gosmtp.SMTPError{Code: 535, EnhancedCode: gosmtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if ss.s.opts.Username != "" && !ss.authed {
		return gosmtp.ErrAuthRequired
	}
	ss.msg = Message{From: from}
	return nil
}

func (ss *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if ss.s.opts.Rcpt != nil {
		if err := ss.s.opts.Rcpt(to); err != nil {
			return err
		}
	}
	ss.msg.To = append(ss.msg.To, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.msg.Data = b
	ss.s.mu.Lock()
	ss.s.n++
	n := ss.s.n
	ss.s.mu.Unlock()
	if ss.s.opts.Data != nil {
		if err := ss.s.opts.Data(n, ss.msg); err != nil {
			return err
		}
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, ss.msg)
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Reset()        { ss.msg = Message{} }
func (ss *session) Logout() error { return nil }

// Temporary is a 451 reply, for Options.Data or Options.Rcpt.
var Temporary = &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
