package imap

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Fingerprint returns the SHA-256 fingerprint of cert as upper-case hex
// pairs joined by colons, the form [Config.PinnedSHA256] accepts.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return formatFingerprint(sum[:])
}

func formatFingerprint(sum []byte) string {
	h := strings.ToUpper(hex.EncodeToString(sum))
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// normalizeFingerprint turns a pin into 32 raw bytes (nil for no pin).
func normalizeFingerprint(pin string) ([]byte, error) {
	if pin == "" {
		return nil, nil
	}
	clean := strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(pin))
	b, err := hex.DecodeString(clean)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("%w: pinned fingerprint %q is not a SHA-256 fingerprint (64 hex digits, colons allowed)", ErrConfig, pin)
	}
	return b, nil
}

// ClientTLSConfig is the TLS client configuration Dial uses, for the other
// servers of an account (SMTP submission, RFC 8314): normal verification
// against roots (nil: the system roots), or, with pin (a SHA-256
// fingerprint, hex, colons ignored), exactly the pinned leaf certificate.
// protocol ("smtp") prefixes the *CertificateError of a failed handshake;
// see [AsCertificateError].
//
// WARNING: as with Config.PinnedSHA256, a pinned certificate is not checked
// for expiry or host name.
func ClientTLSConfig(protocol, addr, serverName, pin string, roots *x509.CertPool) (*tls.Config, error) {
	b, err := normalizeFingerprint(pin)
	if err != nil {
		return nil, err
	}
	cfg := tlsConfig(addr, serverName, b, roots)
	if b != nil {
		verify := cfg.VerifyConnection
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			err := verify(cs)
			var ce *CertificateError
			if errors.As(err, &ce) {
				ce.Protocol = protocol
			}
			return err
		}
	}
	return cfg, nil
}

// AsCertificateError returns the *CertificateError (with the fingerprint
// to compare and pin) that a failed handshake with addr amounts to, or nil
// when err is not about the server's certificate.
func AsCertificateError(protocol, addr string, err error) *CertificateError {
	var certErr *CertificateError
	if errors.As(err, &certErr) {
		return certErr
	}
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) && len(verr.UnverifiedCertificates) > 0 {
		return &CertificateError{Protocol: protocol, Addr: addr, Fingerprint: Fingerprint(verr.UnverifiedCertificates[0]), Err: verr.Err}
	}
	return nil
}

// tlsConfig verifies normally, or, with a pin, accepts exactly the pinned
// leaf certificate.
func tlsConfig(addr, serverName string, pin []byte, roots *x509.CertPool) *tls.Config {
	cfg := &tls.Config{ServerName: serverName, RootCAs: roots, MinVersion: tls.VersionTLS12}
	if pin == nil {
		return cfg
	}
	// Verification is replaced, not skipped: VerifyConnection runs on
	// every handshake, resumed ones included.
	cfg.InsecureSkipVerify = true
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("imap: server sent no certificate")
		}
		sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
		if subtle.ConstantTimeCompare(sum[:], pin) != 1 {
			return &CertificateError{Addr: addr, Fingerprint: formatFingerprint(sum[:]), Pinned: formatFingerprint(pin)}
		}
		return nil
	}
	return cfg
}

// tlsError explains a failed handshake, naming the fingerprint to pin when
// the certificate did not verify.
func tlsError(ctx context.Context, addr string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("imap: TLS handshake with %s: %w", addr, ctx.Err())
	}
	if certErr := AsCertificateError("", addr, err); certErr != nil {
		return certErr
	}
	var recErr tls.RecordHeaderError
	if errors.As(err, &recErr) {
		return fmt.Errorf("imap: %s does not speak TLS here (plain IMAP port? try TLS %q on 143 or the IMAPS port 993): %w", addr, TLSStartTLS, err)
	}
	return fmt.Errorf("imap: TLS handshake with %s failed: %w", addr, err)
}
