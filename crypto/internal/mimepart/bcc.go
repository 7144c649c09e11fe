package mimepart

import (
	"strings"

	"github.com/emersion/go-message/textproto"
)

// HasBcc reports whether h has a Bcc field naming anything (RFC 5322
// section 3.6.3). It looks at the text, not at parsed addresses, so that a
// Bcc field that does not parse still counts: the engines must not treat
// its recipients as absent.
func HasBcc(h textproto.Header) bool {
	for _, v := range h.Values("Bcc") {
		if strings.Trim(v, " \t\r\n,;") != "" {
			return true
		}
	}
	return false
}
