package mimepart

import (
	"bytes"
	"strings"
)

// Rehead returns inner, an entity found inside the message msg, as a
// message of its own: msg's header fields other than Content-* (From,
// Date, Subject, Autocrypt, ...) followed by inner's Content-* fields and
// inner's body. An engine that leaves inner closed for another engine
// (a PGP/MIME multipart/encrypted under an S/MIME or OpenPGP signature)
// hands it on in this form, so that the next engine judges its signer
// against the From that the message shows, as it would for the same
// entity at the top (RFC 8551 section 3.1, RFC 3156 section 6: the
// message header stays outside every layer).
//
// inner's own fields other than Content-* are dropped: a signer that
// signed the whole message (From, To, ... inside the signed part) copied
// them there, and a From there would be one the article does not show.
func Rehead(msg, inner *Entity) []byte {
	var out bytes.Buffer
	out.Grow(len(inner.Raw) + msg.Header.Len()*64)
	write := func(e *Entity, content bool) {
		fields := e.Header.Fields()
		for fields.Next() {
			if strings.HasPrefix(strings.ToLower(fields.Key()), "content-") != content {
				continue
			}
			raw, err := fields.Raw()
			if err != nil {
				continue
			}
			out.Write(CanonicalCRLF(bytes.TrimRight(raw, "\r\n")))
			out.WriteString("\r\n")
		}
	}
	write(msg, false)
	write(inner, true)
	out.WriteString("\r\n")
	out.Write(inner.Body)
	return out.Bytes()
}
