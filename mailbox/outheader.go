package mailbox

import (
	"crypto/rand"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/mail/thread"
)

// The header fields a message gets before it is sealed and queued.

// withIDAndDate returns raw with CRLF line ends and, when missing, a
// Message-ID (RFC 5322 section 3.6.4, on the From address's domain) and a
// Date (section 3.6.1) added at the top.
func withIDAndDate(raw []byte, now time.Time) []byte {
	text := strings.ReplaceAll(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n", "\r\n")
	head, _, _ := strings.Cut(text, "\r\n\r\n")
	var add string
	if thread.MessageID([]byte(text)) == "" {
		var b [12]byte
		_, _ = rand.Read(b[:])
		domain := "sealdesk.invalid"
		if _, d, ok := strings.Cut(addrOf(headerValue(head, "From")), "@"); ok && d != "" {
			domain = d
		}
		add += "Message-ID: <" + hex.EncodeToString(b[:]) + "@" + domain + ">\r\n"
	}
	if headerValue(head, "Date") == "" {
		add += "Date: " + now.Format(time.RFC1123Z) + "\r\n"
	}
	return []byte(add + text)
}

// headerValue is the first value of a header field (unfolded enough for an
// address or a date), empty when absent.
func headerValue(head, name string) string {
	for _, line := range strings.Split(head, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// addrOf is the address of a header value ("Name <a@b>"), empty if none.
func addrOf(v string) string {
	a, err := mail.ParseAddress(v)
	if err != nil {
		return ""
	}
	return a.Address
}

// withAgent returns raw (CRLF, as withIDAndDate left it) with an
// X-SealDesk-Agent field naming this laptop's agent at the top, so the
// copy found in Sent shows on every laptop who sent it. Unchanged when no
// agent is set or the message names one already.
//
// WARNING: the field is a display hint, never a trust decision: it stays
// in the outer header (not covered by the signature) and anyone can write
// it, so nothing but a label ("sent by Anna") may come from it.
func withAgent(raw []byte, name, address string) []byte {
	if address == "" {
		return raw
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	if headerValue(head, thread.AgentField) != "" {
		return raw
	}
	v := (&mail.Address{Name: name, Address: address}).String()
	return append([]byte(thread.AgentField+": "+v+"\r\n"), raw...)
}
