// Package teamtest hands the loopback IMAP server and the cutting proxy of
// mail/internal/imaptest to the team desk's tests outside mail/ (package
// mailbox, sealctl).
package teamtest

import (
	"testing"

	"github.com/sealdesk/sealdesk/mail/internal/imaptest"
)

// Server is go-imap's in-memory server: UIDPLUS, no CONDSTORE, so the
// team rules run without it.
type Server = imaptest.Server

// Proxy cuts connections on demand.
type Proxy = imaptest.Proxy

// NewServer starts a plaintext loopback server for the test.
func NewServer(t testing.TB) *Server { return imaptest.NewServer(t) }

// NewProxy forwards to target until the test ends.
func NewProxy(t testing.TB, target string) *Proxy { return imaptest.NewProxy(t, target) }

// Messages builds n messages with unique Message-IDs.
func Messages(prefix string, n, size int) ([][]byte, []string) {
	return imaptest.Messages(prefix, n, size)
}
