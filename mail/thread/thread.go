package thread

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// DefaultPattern is the ticket marker in subjects; NNNNN stands for the
// ticket number.
const DefaultPattern = "[Ticket#NNNNN]"

// placeholder stands for the digits in a pattern.
const placeholder = "NNNNN"

// maxDigits keeps numbers within uint64.
const maxDigits = 18

// Pattern finds and writes the ticket number in a subject.
type Pattern struct {
	src            string
	prefix, suffix string
	re             *regexp.Regexp
}

// NewPattern compiles a ticket marker such as "[Ticket#NNNNN]" or
// "(Case NNNNN)": the text around NNNNN is matched literally but ignoring
// case, NNNNN matches 1 to 18 digits. The pattern must contain NNNNN once
// and some other non-space text, so that a bare number never matches.
func NewPattern(p string) (*Pattern, error) {
	if strings.Count(p, placeholder) != 1 {
		return nil, fmt.Errorf("thread: ticket pattern %q must contain %s exactly once", p, placeholder)
	}
	prefix, suffix, _ := strings.Cut(p, placeholder)
	if strings.TrimSpace(prefix+suffix) == "" {
		return nil, fmt.Errorf("thread: ticket pattern %q needs some text around %s", p, placeholder)
	}
	// A digit next to NNNNN would make the number ambiguous.
	before, after := `(?:^|[^0-9])`, `(?:[^0-9]|$)`
	if prefix != "" {
		before = ""
	}
	if suffix != "" {
		after = ""
	}
	re, err := regexp.Compile(`(?i)` + regexp.QuoteMeta(prefix) + before + `([0-9]{1,` + strconv.Itoa(maxDigits) + `})` + after + regexp.QuoteMeta(suffix))
	if err != nil {
		return nil, fmt.Errorf("thread: ticket pattern %q: %w", p, err)
	}
	return &Pattern{src: p, prefix: prefix, suffix: suffix, re: re}, nil
}

// MustPattern is NewPattern for constants; it panics on a bad pattern.
func MustPattern(p string) *Pattern {
	pat, err := NewPattern(p)
	if err != nil {
		panic(err)
	}
	return pat
}

var defaultPattern = MustPattern(DefaultPattern)

// String returns the pattern as given.
func (p *Pattern) String() string { return p.src }

// Find returns the first ticket number in subject.
func (p *Pattern) Find(subject string) (uint64, bool) {
	m := p.re.FindStringSubmatch(subject)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseUint(m[1], 10, 64)
	return n, err == nil
}

// Format writes the marker for ticket n, zero-padded to as many digits as
// the placeholder has (five).
func (p *Pattern) Format(n uint64) string {
	return fmt.Sprintf("%s%0*d%s", p.prefix, len(placeholder), n, p.suffix)
}

// Kind says how a message was threaded.
type Kind int

const (
	// New: nothing links the message to a ticket.
	New Kind = iota
	// ByMessage: it replies to a message that is in a ticket.
	ByMessage
	// ByNumber: its subject names a ticket number.
	ByNumber
)

func (k Kind) String() string {
	switch k {
	case ByMessage:
		return "by-message"
	case ByNumber:
		return "by-number"
	}
	return "new"
}

// Decision is the outcome of [Resolve].
type Decision struct {
	Kind Kind
	// MessageID is the known message whose ticket to join (ByMessage).
	MessageID string
	// Number is the ticket number from the subject (ByNumber). The caller
	// checks that such a ticket exists; if not, it is a new ticket.
	Number uint64
}

func (d Decision) String() string {
	switch d.Kind {
	case ByMessage:
		return "ticket of message <" + d.MessageID + ">"
	case ByNumber:
		return "ticket number " + strconv.FormatUint(d.Number, 10)
	}
	return "new ticket"
}

// Known reports whether a message with this Message-ID is in a ticket.
type Known func(messageID string) bool

// Candidates returns the identifiers to look up, best first: the parents
// (In-Reply-To), then the References from the nearest ancestor back to the
// thread's root (RFC 5322 section 3.6.4). The message's own identifier is
// left out. At most MaxIDs are returned.
func Candidates(h Header) []string {
	out := make([]string, 0, len(h.InReplyTo)+len(h.References))
	seen := map[string]bool{h.MessageID: true, "": true}
	add := func(id string) {
		if !seen[id] && len(out) < MaxIDs {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, id := range h.InReplyTo {
		add(id)
	}
	for i := len(h.References) - 1; i >= 0; i-- {
		add(h.References[i])
	}
	return out
}

// Resolve threads a message: the ticket of the first known candidate
// (see [Candidates]), else the ticket number pattern p finds in the
// Subject (nil p means [DefaultPattern]), else a new ticket. known may be
// nil when nothing is known yet.
func Resolve(h Header, p *Pattern, known Known) Decision {
	if known != nil {
		for _, id := range Candidates(h) {
			if known(id) {
				return Decision{Kind: ByMessage, MessageID: id}
			}
		}
	}
	if p == nil {
		p = defaultPattern
	}
	if n, ok := p.Find(h.Subject); ok {
		return Decision{Kind: ByNumber, Number: n}
	}
	return Decision{Kind: New}
}
