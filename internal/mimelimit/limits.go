// Package mimelimit is the one place for the limits on the structure of a
// received message, shared by the security engines (crypto/internal/
// mimepart, crypto/smime, crypto/pgp), the processing use cases
// (security) and the article view (mail/mime), which cannot import each
// other's internals. A hostile message (10,000 nested multiparts, 100,000
// parts, a 10 MB header) must cost bounded time and memory and never stop
// the sync: beyond a limit the message is stored raw, as received, and its
// processing fails with a *Error that says which limit it broke.
//
// Real mail stays far below them: a deep forward chain nests perhaps ten
// multiparts, a large newsletter has tens of parts.
package mimelimit

import (
	"github.com/sealdesk/sealdesk/crypto/verdict"

	"errors"
	"fmt"
)

const (
	// MaxDepth is how many multipart levels are read below the top entity;
	// a message nesting deeper is refused by the engines, and the view
	// stops there with a notice.
	MaxDepth = 20
	// MaxParts is how many entities below the top one a message may hold
	// (all levels counted, multiparts included).
	MaxParts = 1000
	// MaxHeaderBytes bounds one header block (the top entity's or a
	// part's), as go-message's default (message.ReadOptions).
	MaxHeaderBytes = 1 << 20
	// MaxMessageBytes bounds a whole raw message the engines process and
	// the bytes the view decodes from one: the message's size budget,
	// shared by every decoder (crypto.MaxMessageSize).
	MaxMessageBytes = verdict.MaxMessageSize
)

// ErrExceeded is matched by every *Error.
var ErrExceeded = errors.New("the message exceeds a processing limit")

// Error says which limit a message broke.
type Error struct {
	// What is "nesting depth", "number of parts", "header size" or
	// "message size".
	What string
	// Limit is the limit, Got what was found (at least Limit+1; for
	// depth and parts, counting stops there).
	Limit, Got int
}

func (e *Error) Error() string {
	unit := ""
	if e.What == "header size" || e.What == "message size" {
		unit = " bytes"
	}
	return fmt.Sprintf("mime: the message exceeds the limit on its %s (%d%s, the limit is %d%s); it is kept as received, unprocessed",
		e.What, e.Got, unit, e.Limit, unit)
}

func (e *Error) Is(target error) bool { return target == ErrExceeded }

// The limits as errors.
func Depth() error             { return &Error{What: "nesting depth", Limit: MaxDepth, Got: MaxDepth + 1} }
func Parts(got int) error      { return &Error{What: "number of parts", Limit: MaxParts, Got: got} }
func HeaderSize(got int) error { return &Error{What: "header size", Limit: MaxHeaderBytes, Got: got} }
func MessageSize(got int) error {
	return &Error{What: "message size", Limit: MaxMessageBytes, Got: got}
}
