// Package imap is SealDesk's small wrapper around go-imap's client: it dials
// with the transport security the account asks for (implicit TLS, STARTTLS,
// or plaintext on loopback only), trusts a self-signed server by its pinned
// certificate fingerprint, logs in, finds INBOX and Sent, and turns failures
// into errors that tell a person what to fix.
//
// It knows nothing about the store or the UI; the sync engine (mail/sync)
// drives the connection it returns.
package imap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// TLSMode is the transport security of a connection.
type TLSMode string

const (
	// TLSImplicit is TLS from the first byte (IMAPS, usually port 993).
	// See RFC 9051 section 2.1 and RFC 8314.
	TLSImplicit TLSMode = "implicit"
	// TLSStartTLS upgrades a plaintext connection (usually port 143) with
	// STARTTLS before logging in. See RFC 9051 section 6.2.1.
	TLSStartTLS TLSMode = "starttls"
	// TLSNone sends everything, password included, in the clear. Only
	// allowed for loopback addresses (a local bridge, the test server).
	TLSNone TLSMode = "none"
)

// ContextDialer opens the TCP connection; *net.Dialer implements it.
type ContextDialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Config says how to reach and log in to one IMAP account.
type Config struct {
	// Addr is host:port.
	Addr string
	// TLS is the transport security; empty means TLSImplicit.
	TLS TLSMode
	// Username and Password are sent with LOGIN (RFC 9051 section 6.2.3),
	// only ever over TLS unless the server is on loopback.
	Username, Password string
	// PinnedSHA256 is the SHA-256 fingerprint of the server's certificate
	// (hex, colons and case ignored). When set, a certificate with that
	// fingerprint is trusted whoever issued it; any other is refused.
	// Empty means normal verification against RootCAs.
	//
	// WARNING: a pinned certificate is not checked for expiry or host name:
	// the pin is the whole trust decision.
	PinnedSHA256 string
	// RootCAs verifies the server when nothing is pinned; nil means the
	// system roots.
	RootCAs *x509.CertPool
	// ServerName overrides the name verified in the certificate; empty
	// means the host of Addr.
	ServerName string
	// Dialer opens the TCP connection; nil means a net.Dialer with a 30 s
	// timeout. Tests pass a proxying or isolated dialer.
	Dialer ContextDialer
	// Unilateral receives data the server pushes (EXISTS, EXPUNGE, FETCH
	// during IDLE); nil ignores it. The handlers run on the reading
	// goroutine and must not block.
	Unilateral *imapclient.UnilateralDataHandler
	// DebugWriter, when set, receives the raw protocol, credentials
	// included. Never set it in production.
	DebugWriter io.Writer
}

// Client is a connection to one IMAP server.
type Client struct {
	raw  *imapclient.Client
	cfg  Config
	addr string
}

// Raw returns the underlying go-imap client for the commands this wrapper
// does not cover. Use [Client.Guard] to make them cancellable.
func (c *Client) Raw() *imapclient.Client { return c.raw }

// Caps returns the server's capabilities (RFC 9051 section 6.1.1).
func (c *Client) Caps() goimap.CapSet { return c.raw.Caps() }

// Guard closes the connection if ctx ends before stop is called: go-imap's
// commands take no context, so cancelling means cutting the connection.
// After a cancellation the Client is unusable.
func (c *Client) Guard(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() { _ = c.raw.Close() })
}

// Close cuts the connection at once.
func (c *Client) Close() error { return c.raw.Close() }

// Logout says goodbye politely (RFC 9051 section 6.1.3), waiting at most a
// few seconds, then closes the connection.
func (c *Client) Logout() error {
	done := make(chan error, 1)
	go func() { done <- c.raw.Logout().Wait() }()
	t := time.NewTimer(3 * time.Second)
	defer t.Stop()
	select {
	case err := <-done:
		_ = c.raw.Close()
		return err
	case <-t.C:
		_ = c.raw.Close()
		<-done // Close completes every pending command.
		return errors.New("imap: LOGOUT timed out")
	}
}

// Connect dials and logs in.
func Connect(ctx context.Context, cfg Config) (*Client, error) {
	c, err := Dial(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := c.Login(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

// Dial opens the connection with the configured transport security and
// waits for the server greeting. It does not log in.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	mode := cfg.TLS
	if mode == "" {
		mode = TLSImplicit
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("%w: server address %q: want host:port, e.g. imap.example.org:993 (%v)", ErrConfig, cfg.Addr, err)
	}
	switch mode {
	case TLSImplicit, TLSStartTLS:
	case TLSNone:
		if !isLoopback(host) {
			return nil, fmt.Errorf("%w: %s is not a loopback address; use TLS %q (port 993) or %q (port 143)",
				ErrInsecure, cfg.Addr, TLSImplicit, TLSStartTLS)
		}
	default:
		return nil, fmt.Errorf("%w: unknown TLS mode %q: want %q, %q or %q", ErrConfig, cfg.TLS, TLSImplicit, TLSStartTLS, TLSNone)
	}
	pin, err := normalizeFingerprint(cfg.PinnedSHA256)
	if err != nil {
		return nil, err
	}

	dialer := cfg.Dialer
	if dialer == nil {
		dialer = &net.Dialer{Timeout: 30 * time.Second}
	}
	conn, err := dialer.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, dialError(ctx, cfg.Addr, err)
	}
	// Until the greeting is in, a cancelled ctx cuts the connection.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	serverName := cfg.ServerName
	if serverName == "" {
		serverName = host
	}
	tlsCfg := tlsConfig(cfg.Addr, serverName, pin, cfg.RootCAs)
	opts := &imapclient.Options{
		UnilateralDataHandler: cfg.Unilateral,
		DebugWriter:           cfg.DebugWriter,
		TLSConfig:             tlsCfg,
	}
	var raw *imapclient.Client
	switch mode {
	case TLSImplicit:
		tc := tls.Client(conn, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return nil, tlsError(ctx, cfg.Addr, err)
		}
		raw = imapclient.New(tc, opts)
	case TLSStartTLS:
		raw, err = imapclient.NewStartTLS(conn, opts)
		if err != nil {
			_ = conn.Close()
			var imapErr *goimap.Error
			if errors.As(err, &imapErr) {
				return nil, fmt.Errorf("imap: %s refused STARTTLS; try TLS %q on port 993: %w", cfg.Addr, TLSImplicit, err)
			}
			return nil, tlsError(ctx, cfg.Addr, err)
		}
	case TLSNone:
		raw = imapclient.New(conn, opts)
	}
	if err := raw.WaitGreeting(); err != nil {
		_ = raw.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("imap: connect to %s: %w", cfg.Addr, ctx.Err())
		}
		return nil, fmt.Errorf("imap: %s did not greet like an IMAP server (wrong port?): %w", cfg.Addr, err)
	}
	return &Client{raw: raw, cfg: cfg, addr: cfg.Addr}, nil
}

// Login authenticates with LOGIN (RFC 9051 section 6.2.3).
func (c *Client) Login(ctx context.Context) error {
	if c.raw.Caps().Has(goimap.CapLoginDisabled) {
		return fmt.Errorf("imap: %s does not accept a password on this connection (LOGINDISABLED); use TLS %q or %q", c.addr, TLSImplicit, TLSStartTLS)
	}
	stop := c.Guard(ctx)
	defer stop()
	err := c.raw.Login(c.cfg.Username, c.cfg.Password).Wait()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("imap: login to %s: %w", c.addr, ctx.Err())
	}
	var imapErr *goimap.Error
	if errors.As(err, &imapErr) && imapErr.Type == goimap.StatusResponseTypeNo {
		switch imapErr.Code {
		case "", goimap.ResponseCodeAuthenticationFailed, goimap.ResponseCodeAuthorizationFailed:
			return fmt.Errorf("%w for %q on %s (server said: %s)", ErrAuthFailed, c.cfg.Username, c.addr, imapErr.Text)
		}
		return fmt.Errorf("imap: login as %q on %s refused: %w", c.cfg.Username, c.addr, err)
	}
	return fmt.Errorf("imap: login to %s: %w", c.addr, err)
}

// isLoopback reports whether host names this machine: "localhost" or a
// loopback IP. Other names are not resolved: DNS could lie.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// dialError explains a failed TCP connect.
func dialError(ctx context.Context, addr string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("imap: connect to %s: %w", addr, ctx.Err())
	}
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: %s: check the host and port (IMAPS is usually 993, STARTTLS 143) and that the server is running: %w",
			ErrConnRefused, addr, err)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("imap: cannot find the server %s: check the host name: %w", addr, err)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("imap: connect to %s timed out: check the host, port and any firewall: %w", addr, err)
	}
	return fmt.Errorf("imap: connect to %s: %w", addr, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
