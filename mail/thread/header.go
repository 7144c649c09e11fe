// Package thread decides which ticket an incoming mail belongs to: the
// ticket of a message it replies to (RFC 5322 section 3.6.4: In-Reply-To
// and References), else the ticket whose number its Subject carries (e.g.
// "[Ticket#12345]"), else a new ticket.
//
// Everything here is a pure function of the message header; the caller
// answers "is this Message-ID already in a ticket?".
package thread

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // RFC 2047 words in legacy charsets
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/sealdesk/sealdesk/crypto/sender"
)

// Limits on untrusted input.
const (
	// MaxIDs is how many message identifiers of In-Reply-To plus
	// References are considered; the nearest ancestors are kept.
	MaxIDs = 100
	// MaxIDLen bounds one identifier (RFC 5322 lines are at most 998).
	MaxIDLen = 998
)

// Header is what threading needs from a message header, parsed leniently:
// a malformed field is left empty rather than failing the message.
type Header struct {
	// MessageID is the message's own identifier without angle brackets.
	MessageID string
	// InReplyTo holds the parents' identifiers (usually one).
	InReplyTo []string
	// References holds the ancestors' identifiers, oldest first.
	References []string
	// Subject is decoded (RFC 2047); the raw value if decoding failed.
	Subject string
	// Date is zero when missing or malformed.
	Date         time.Time
	From, To, Cc []*mail.Address
	// FromText is From for display (crypto/sender: every From field, a
	// name that could pass for an address quoted, the fields as written
	// when they cannot be read).
	FromText string
	// Agent is the X-SealDesk-Agent field (AgentField): which agent of the
	// team sent an outgoing message; nil when absent or unreadable.
	//
	// WARNING: a display hint, never a trust decision. Anyone can write
	// this field (it is not covered by any signature SealDesk checks), so
	// it only labels articles ("sent by Anna") and decides nothing.
	Agent *mail.Address
}

// AgentField names the agent who sent a message from SealDesk (see
// Header.Agent): "X-SealDesk-Agent: Anna Agent <anna@example.test>".
const AgentField = "X-SealDesk-Agent"

// ParseHeader reads the header block of a raw RFC 5322 message. On a
// malformed header it returns what it could read together with the error,
// so that callers may still thread by the fields before the damage.
func ParseHeader(raw []byte) (Header, error) {
	th, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	h := mail.Header{Header: message.Header{Header: th}}
	out := identifiers(th)
	out.Subject, _ = h.Subject() // the raw value on error
	if v := th.Get("Date"); v != "" {
		if d, derr := sender.ParseDate(v); derr == nil {
			out.Date = d
		}
	}
	id := sender.Parse(&th)
	out.From, out.FromText = id.From, id.Display()
	out.To, _ = h.AddressList("To")
	out.Cc, _ = h.AddressList("Cc")
	if as, aerr := h.AddressList(AgentField); aerr == nil && len(as) == 1 && len(as[0].Name) <= 200 && len(as[0].Address) <= 254 {
		out.Agent = as[0]
	}
	if err != nil {
		return out, fmt.Errorf("thread: header: %w", err)
	}
	return out, nil
}

// Parsed is what ParseHeader returned for a message: the header and the
// error, if any (the header then holds what could be read).
type Parsed struct {
	Header
	Err error
}

// Parse is ParseHeader's answer as one value, for code that reads a header
// once and hands it on (mail/sync to the store, as mirror.Message.Header).
func Parse(raw []byte) *Parsed {
	h, err := ParseHeader(raw)
	return &Parsed{Header: h, Err: err}
}

// ParseIDs is ParseHeader reading only the identifiers (MessageID,
// InReplyTo, References), for callers that need nothing else: decoding
// the addresses, the date and the subject is most of ParseHeader's work.
func ParseIDs(raw []byte) Header {
	th, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	return identifiers(th)
}

// identifiers reads MessageID, InReplyTo and References.
func identifiers(th textproto.Header) Header {
	var out Header
	if ids := parseIDs(th.Get("Message-Id"), 1); len(ids) > 0 {
		out.MessageID = ids[0]
	}
	out.InReplyTo = parseIDs(th.Get("In-Reply-To"), MaxIDs)
	out.References = lastN(parseIDs(th.Get("References"), -1), MaxIDs)
	return out
}

// MessageID returns the normalized Message-ID of a raw message, or "".
func MessageID(raw []byte) string {
	th, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if ids := parseIDs(th.Get("Message-Id"), 1); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// parseIDs extracts message identifiers (RFC 5322 section 3.6.4 msg-id,
// "<left@right>") from a field value, at most max of them (max < 0: all).
//
// QUIRK: some mailers omit the angle brackets or put comments and junk
// between identifiers; when a value has no bracketed identifier at all,
// whitespace-separated words containing "@" are taken instead.
func parseIDs(v string, max int) []string {
	var ids []string
	add := func(id string) bool {
		id = strings.TrimSpace(id)
		if id == "" || len(id) > MaxIDLen || strings.ContainsAny(id, "<> \t\r\n") {
			return true
		}
		for _, seen := range ids {
			if seen == id {
				return true
			}
		}
		ids = append(ids, id)
		return max < 0 || len(ids) < max
	}
	rest := v
	for {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i+1:], '>')
		if j < 0 {
			break
		}
		if !add(rest[i+1 : i+1+j]) {
			return ids
		}
		rest = rest[i+1+j+1:]
	}
	if len(ids) > 0 || strings.ContainsAny(v, "<>") {
		return ids
	}
	for _, w := range strings.Fields(v) {
		if strings.Contains(w, "@") && !add(w) {
			break
		}
	}
	return ids
}

func lastN(ids []string, n int) []string {
	if len(ids) > n {
		return ids[len(ids)-n:]
	}
	return ids
}
