package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"syscall"

	gosmtp "github.com/emersion/go-smtp"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
)

var (
	// ErrAuthFailed means the server rejected the user name or password
	// (RFC 4954 section 6: 535).
	ErrAuthFailed = errors.New("smtp: wrong user name or password")
	// ErrConnRefused means nothing listens at the configured address.
	ErrConnRefused = errors.New("smtp: connection refused")
	// ErrConfig means the account's SMTP settings are unusable as written.
	ErrConfig = errors.New("smtp: invalid account settings")
	// ErrInsecure means plaintext was asked for towards a non-loopback host.
	ErrInsecure = errors.New("smtp: refusing to send the password unencrypted (TLS \"none\" is allowed for loopback addresses only)")
	// ErrUnknownOutcome means the connection broke after the whole message
	// was sent and before the server's reply: it may have been accepted.
	// Sending it again blindly could deliver it twice.
	ErrUnknownOutcome = errors.New("smtp: the message was sent but the server's answer was lost: it may have been delivered")
)

// RecipientError is a recipient the server refused at RCPT TO; nothing was
// sent. Temporary reports a 4xx refusal (try again later).
type RecipientError struct {
	Addr string
	Err  *gosmtp.SMTPError
}

func (e *RecipientError) Error() string {
	return fmt.Sprintf("smtp: the server refused the recipient %s: %d %s", e.Addr, e.Err.Code, e.Err.Message)
}

func (e *RecipientError) Unwrap() error { return e.Err }

// Temporary reports a 4xx refusal.
func (e *RecipientError) Temporary() bool { return e.Err.Temporary() }

// Permanent reports whether retrying err unchanged is pointless: a 5xx
// reply (a rejected recipient, message or password) or unusable settings.
// Everything else (4xx replies, lost connections, timeouts, a server that
// is down) may pass on a later try.
func Permanent(err error) bool {
	if errors.Is(err, ErrConfig) || errors.Is(err, ErrInsecure) {
		return true
	}
	var se *gosmtp.SMTPError
	return errors.As(err, &se) && se.Code/100 == 5
}

// explain prefixes a failed command and says what a reply means.
func explain(addr, what string, err error) error {
	var se *gosmtp.SMTPError
	if errors.As(err, &se) {
		kind := "refused"
		if se.Temporary() {
			kind = "temporarily refused (retried later)"
		}
		return fmt.Errorf("smtp: %s %s %s: %w", addr, kind, what, err)
	}
	return fmt.Errorf("smtp: %s on %s: %w", what, addr, err)
}

// dialError explains a failed TCP connect.
func dialError(ctx context.Context, addr string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("smtp: connect to %s: %w", addr, ctx.Err())
	}
	var dnsErr *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: %s: check the host and port (submission is 587 with STARTTLS, 465 with implicit TLS) and that the server is running: %w",
			ErrConnRefused, addr, err)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("smtp: cannot find the server %s: check the host name: %w", addr, err)
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("smtp: connect to %s timed out: check the host, port and any firewall: %w", addr, err)
	}
	return fmt.Errorf("smtp: connect to %s: %w", addr, err)
}

// tlsError explains a failed implicit-TLS handshake, naming the fingerprint
// to pin when the certificate did not verify.
func tlsError(addr string, err error) error {
	if certErr := imapx.AsCertificateError("smtp", addr, err); certErr != nil {
		return certErr
	}
	var recErr tls.RecordHeaderError
	if errors.As(err, &recErr) {
		return fmt.Errorf("smtp: %s does not speak TLS here (a STARTTLS port? try TLS %q on 587): %w", addr, TLSStartTLS, err)
	}
	return fmt.Errorf("smtp: TLS handshake with %s failed: %w", addr, err)
}
