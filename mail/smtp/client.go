// Package smtp submits outgoing mail to an account's message submission
// server (RFC 6409) over go-smtp: with implicit TLS (RFC 8314, usually port
// 465), STARTTLS (RFC 3207, usually 587) or, towards loopback only, in the
// clear; it verifies the server's certificate or trusts the one pinned by
// its SHA-256 fingerprint (the same helper as mail/imap), authenticates
// with AUTH PLAIN (RFC 4954) and turns failures into errors that tell a
// person what to fix.
//
// It knows nothing about the store or the outbox (package mailbox keeps
// that): Send returns nil exactly when the server acknowledged the message
// with 250 after DATA, the moment responsibility for it passed to the
// server (RFC 5321 section 4.1.1.4).
package smtp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
)

// TLSMode is the transport security of a submission connection.
type TLSMode string

const (
	// TLSImplicit is TLS from the first byte, port 465 (RFC 8314 section 3.3).
	TLSImplicit TLSMode = "implicit"
	// TLSStartTLS upgrades a plaintext connection, port 587, before AUTH
	// (RFC 3207); a server that does not offer STARTTLS is refused.
	TLSStartTLS TLSMode = "starttls"
	// TLSNone sends everything, password included, in the clear: loopback
	// addresses only (a local bridge, the test server).
	TLSNone TLSMode = "none"
)

// Config says how to reach and log in to one submission server.
type Config struct {
	// Addr is host:port.
	Addr string
	// TLS is the transport security; empty means TLSStartTLS.
	TLS TLSMode
	// Username and Password are sent with AUTH PLAIN (RFC 4954); an empty
	// Username skips AUTH (a relay that trusts the network).
	Username, Password string
	// PinnedSHA256 trusts a self-signed server by its certificate's SHA-256
	// fingerprint; empty means normal verification against RootCAs (nil:
	// the system roots). See imap.ClientTLSConfig.
	PinnedSHA256 string
	RootCAs      *x509.CertPool
	// ServerName overrides the name verified in the certificate; empty
	// means the host of Addr.
	ServerName string
	// Dialer opens the TCP connection; nil means a net.Dialer with a 30 s
	// timeout.
	Dialer imapx.ContextDialer
	// DebugWriter, when set, receives the raw protocol, credentials
	// included. Never set it in production.
	DebugWriter io.Writer
}

// Envelope is the SMTP envelope (RFC 5321 section 2.3.1): the reverse path
// and the recipients, Bcc included.
type Envelope struct {
	From string
	To   []string
}

// Send submits msg (CRLF lines, no Bcc header) for env. It returns nil
// exactly when the server answered 250 to the end of DATA; the QUIT after
// that is best effort. Cancelling ctx cuts the connection.
func Send(ctx context.Context, cfg Config, env Envelope, msg []byte) error {
	return SendEach(ctx, cfg, []Submission{{Envelope: env, Msg: msg}}, nil)
}

// Submission is one message and its envelope.
type Submission struct {
	Envelope Envelope
	Msg      []byte
}

// SendEach submits the messages in order over one connection, one mail
// transaction each (RFC 5321 section 3.3): the copies of one outgoing
// message that go to different recipients. After the server's 250 for
// message i it calls accepted(i) (nil: nothing to call), so the caller
// records that copy as delivered before the next goes out. It stops at
// the first failure, or at accepted's error, and returns it; the messages
// before it were accepted. Cancelling ctx cuts the connection.
func SendEach(ctx context.Context, cfg Config, subs []Submission, accepted func(i int) error) error {
	for _, sub := range subs {
		if len(sub.Envelope.To) == 0 {
			return errors.New("smtp: the message has no recipient (To, Cc or Bcc)")
		}
	}
	if len(subs) == 0 {
		return nil
	}
	c, err := dial(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	wrap := func(what string, err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("smtp: %s on %s: %w", what, cfg.Addr, ctx.Err())
		}
		return explain(cfg.Addr, what, err)
	}
	if cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok || !c.SupportsAuth(sasl.Plain) {
			return fmt.Errorf("smtp: %s does not offer AUTH PLAIN on this connection: check the port (submission is 587 with STARTTLS or 465 with implicit TLS)", cfg.Addr)
		}
		if err := c.Auth(sasl.NewPlainClient("", cfg.Username, cfg.Password)); err != nil {
			var se *gosmtp.SMTPError
			if errors.As(err, &se) && se.Code == 535 { // RFC 4954 section 6
				return fmt.Errorf("%w for %q on %s (server said: %d %s)", ErrAuthFailed, cfg.Username, cfg.Addr, se.Code, se.Message)
			}
			return wrap("AUTH", err)
		}
	}
	for i, sub := range subs {
		if err := transact(c, sub, wrap); err != nil {
			return err
		}
		if accepted != nil {
			if err := accepted(i); err != nil {
				return err
			}
		}
	}
	// Accepted. QUIT is a courtesy: its failure changes nothing.
	stop()
	quit := make(chan struct{})
	go func() { _ = c.Quit(); close(quit) }()
	select {
	case <-quit:
	case <-time.After(3 * time.Second):
		_ = c.Close()
		<-quit
	}
	return nil
}

// transact runs one mail transaction: MAIL, RCPT for each recipient, DATA.
func transact(c *gosmtp.Client, sub Submission, wrap func(string, error) error) error {
	env := sub.Envelope
	if err := c.Mail(env.From, nil); err != nil {
		return wrap("MAIL FROM:<"+env.From+">", err)
	}
	for _, rcpt := range env.To {
		if err := c.Rcpt(rcpt, nil); err != nil {
			var se *gosmtp.SMTPError
			if errors.As(err, &se) {
				return &RecipientError{Addr: rcpt, Err: se}
			}
			return wrap("RCPT TO:<"+rcpt+">", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return wrap("DATA", err)
	}
	if _, err := w.Write(sub.Msg); err != nil {
		return wrap("DATA", err)
	}
	if _, err := w.CloseWithResponse(); err != nil {
		var se *gosmtp.SMTPError
		if errors.As(err, &se) {
			return wrap("the message", err)
		}
		// The whole message went out but no reply came back: the server
		// may have accepted it.
		return fmt.Errorf("%w: %w", ErrUnknownOutcome, wrap("end of DATA", err))
	}
	return nil
}

// dial connects with the configured transport security and says EHLO.
func dial(ctx context.Context, cfg Config) (*gosmtp.Client, error) {
	mode := cfg.TLS
	if mode == "" {
		mode = TLSStartTLS
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("%w: server address %q: want host:port, e.g. smtp.example.org:587 (%v)", ErrConfig, cfg.Addr, err)
	}
	switch mode {
	case TLSImplicit, TLSStartTLS:
	case TLSNone:
		if !imapx.IsLoopback(host) {
			return nil, fmt.Errorf("%w: %s is not a loopback address; use TLS %q (port 587) or %q (port 465)", ErrInsecure, cfg.Addr, TLSStartTLS, TLSImplicit)
		}
	default:
		return nil, fmt.Errorf("%w: unknown TLS mode %q: want %q, %q or %q", ErrConfig, cfg.TLS, TLSImplicit, TLSStartTLS, TLSNone)
	}
	serverName := cfg.ServerName
	if serverName == "" {
		serverName = host
	}
	tlsCfg, err := imapx.ClientTLSConfig("smtp", cfg.Addr, serverName, cfg.PinnedSHA256, cfg.RootCAs)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	dialer := cfg.Dialer
	if dialer == nil {
		dialer = &net.Dialer{Timeout: 30 * time.Second}
	}
	conn, err := dialer.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, dialError(ctx, cfg.Addr, err)
	}
	// Until EHLO is answered, a cancelled ctx cuts the connection.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	fail := func(err error) (*gosmtp.Client, error) {
		_ = conn.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("smtp: connect to %s: %w", cfg.Addr, ctx.Err())
		}
		return nil, err
	}
	if mode == TLSImplicit {
		tc := tls.Client(conn, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail(tlsError(cfg.Addr, err))
		}
		conn = tc
	}
	var c *gosmtp.Client
	if mode == TLSStartTLS {
		// RFC 3207: EHLO, STARTTLS, the handshake, EHLO again, then AUTH.
		c, err = gosmtp.NewClientStartTLS(conn, tlsCfg)
		if err != nil {
			var se *gosmtp.SMTPError
			if errors.As(err, &se) {
				return fail(fmt.Errorf("smtp: %s refused STARTTLS; try TLS %q on port 465: %w", cfg.Addr, TLSImplicit, err))
			}
			if certErr := imapx.AsCertificateError("smtp", cfg.Addr, err); certErr != nil {
				return fail(certErr)
			}
			if err.Error() == "smtp: server doesn't support STARTTLS" {
				return fail(fmt.Errorf("smtp: %s does not offer STARTTLS (RFC 3207); use TLS %q on port 465, or check the port", cfg.Addr, TLSImplicit))
			}
			return fail(fmt.Errorf("smtp: %s: no STARTTLS session (not an SMTP server, or implicit TLS expected on this port?): %w", cfg.Addr, err))
		}
		// go-smtp hands over the TLS connection unshaken: the EHLO after
		// STARTTLS runs the handshake, so its failure is the TLS failure.
		if err := c.Hello("localhost"); err != nil {
			return fail(tlsError(cfg.Addr, err))
		}
	} else {
		c = gosmtp.NewClient(conn)
		if err := c.Hello("localhost"); err != nil {
			return fail(fmt.Errorf("smtp: %s did not greet like an SMTP server (wrong port, or implicit TLS expected?): %w", cfg.Addr, err))
		}
	}
	c.DebugWriter = cfg.DebugWriter
	c.CommandTimeout = time.Minute
	c.SubmissionTimeout = 5 * time.Minute
	return c, nil
}
