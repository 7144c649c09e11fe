package smtp

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
)

// MaxRecipients is the most recipients (To, Cc and Bcc, each address
// once) one outgoing message may have. RFC 5321 section 4.5.3.1.8 asks
// servers to take at least 100 per transaction; beyond that a desk reply
// is a mass mailing, and every Bcc recipient costs a sealed copy of its
// own.
const MaxRecipients = 100

// ErrTooManyRecipients: the message has more than MaxRecipients.
var ErrTooManyRecipients = fmt.Errorf("smtp: a message may have at most %d recipients (To, Cc and Bcc together)", MaxRecipients)

// EnvelopeOf reads the envelope of an outgoing message from its header:
// the From address as the reverse path (RFC 6409 section 8.1 lets the
// server check it) and every To, Cc and Bcc address once as recipients
// (at most MaxRecipients, else ErrTooManyRecipients). It returns the
// message as it goes on the wire, without its Bcc fields (RFC 5322
// section 3.6.3: the blind recipients are not disclosed); the Bcc
// addresses live on only in the envelope.
func EnvelopeOf(raw []byte) (Envelope, []byte, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Envelope{}, nil, fmt.Errorf("smtp: the message's header does not parse: %w", err)
	}
	from, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil {
		return Envelope{}, nil, fmt.Errorf("smtp: the message has no usable From address: %w", err)
	}
	env := Envelope{From: from.Address}
	seen := map[string]bool{}
	for _, field := range []string{"To", "Cc", "Bcc"} {
		if len(msg.Header[field]) == 0 {
			continue
		}
		list, err := msg.Header.AddressList(field)
		if err != nil {
			return Envelope{}, nil, fmt.Errorf("smtp: the %s field does not parse: %w", field, err)
		}
		for _, a := range list {
			if k := strings.ToLower(a.Address); !seen[k] {
				seen[k] = true
				env.To = append(env.To, a.Address)
			}
		}
	}
	if len(env.To) > MaxRecipients {
		return Envelope{}, nil, fmt.Errorf("%w: this one has %d", ErrTooManyRecipients, len(env.To))
	}
	return env, StripBcc(raw), nil
}

// StripBcc returns raw without its Bcc header fields (continuation lines
// included); the body is untouched. raw itself is not modified.
func StripBcc(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	dropping := false
	rest := raw
	for len(rest) > 0 {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
		}
		rest = rest[len(line):]
		if len(bytes.TrimRight(line, "\r\n")) == 0 { // end of the header
			out = append(out, line...)
			return append(out, rest...)
		}
		if line[0] == ' ' || line[0] == '\t' {
			if !dropping {
				out = append(out, line...)
			}
			continue
		}
		name, _, _ := bytes.Cut(line, []byte(":"))
		dropping = strings.EqualFold(strings.TrimSpace(string(name)), "Bcc")
		if !dropping {
			out = append(out, line...)
		}
	}
	return out
}
