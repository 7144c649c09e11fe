package smime

import (
	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/sender"
)

// gatewayUnwrap returns the message a gateway wrapped whole: a message
// whose own content is one message/rfc822 (RFC 2046 section 5.2.1), as
// mail gateways and list servers (Mailman's "wrap message") send on an
// S/MIME message they must not alter. The inner message is what the
// sender sent and signed; it is read as the message only when both claim
// the same single From address, so the wrapper cannot lend the inner
// message's seal to a sender of its own. Anything else, a
// message/rfc822 beside other parts included, stays an attached message
// that the engine does not open (see nestedSMIME).
// QUIRK: not a standard form; Thunderbird shows such mail as an attached
// message with its own security status.
func gatewayUnwrap(e *mimepart.Entity) (*mimepart.Entity, bool) {
	if e.MediaType != "message/rfc822" {
		return e, false
	}
	body, err := e.DecodedBody()
	if err != nil {
		return e, false
	}
	inner, err := mimepart.Parse(body)
	if err != nil || inner.Header.Len() == 0 {
		return e, false
	}
	outer, in := sender.Parse(&e.Header), sender.Parse(&inner.Header)
	if outer.Address == "" || outer.Address != in.Address {
		return e, false
	}
	return inner, true
}
