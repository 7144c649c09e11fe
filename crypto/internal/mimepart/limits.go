package mimepart

import (
	"errors"
	"strings"

	"github.com/sealdesk/sealdesk/internal/mimelimit"
)

// Check walks e's multipart tree as the engines will (through Parts, whose
// results are cached, so the walk is not repeated by them) and returns
// the first limit of package mimelimit that e breaks, as a
// *mimelimit.Error: its size, the nesting of its multiparts, the number
// of its parts, the size of a part's header. The top entity's header was
// checked by Parse (ErrHeaderTooLarge). message/rfc822 parts are not
// entered: no engine opens them.
//
// Its cost is bounded by the limits: it stops at the first one broken,
// having parsed at most MaxParts part headers and split at most MaxDepth
// levels of bodies.
func Check(e *Entity) error {
	if len(e.Raw) > mimelimit.MaxMessageBytes {
		return mimelimit.MessageSize(len(e.Raw))
	}
	n := 0
	return check(e, 0, &n)
}

func check(e *Entity, depth int, n *int) error {
	if !strings.HasPrefix(e.MediaType, "multipart/") {
		return nil
	}
	if depth >= mimelimit.MaxDepth {
		return mimelimit.Depth()
	}
	raw, kids := e.Parts()
	if *n += len(raw); *n > mimelimit.MaxParts {
		return mimelimit.Parts(*n)
	}
	for i, k := range kids {
		if k == nil {
			if _, err := Parse(raw[i]); errors.Is(err, ErrHeaderTooLarge) {
				return mimelimit.HeaderSize(HeaderLen(raw[i]))
			}
			continue
		}
		if err := check(k, depth+1, n); err != nil {
			return err
		}
	}
	return nil
}
