package outgoing

import (
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/sealdesk/sealdesk/crypto/sender"
)

// Mode is what the composer was opened for.
type Mode string

const (
	ModeNew      Mode = "new"
	ModeReply    Mode = "reply"
	ModeReplyAll Mode = "reply-all"
	ModeForward  Mode = "forward"
)

// Valid reports whether m is one of the four modes.
func (m Mode) Valid() bool {
	return m == ModeNew || m == ModeReply || m == ModeReplyAll || m == ModeForward
}

// Original is what a reply or forward needs from the article it answers.
type Original struct {
	MessageID  string
	References []string
	Subject    string
	// Outgoing: the article is one we sent; a reply to it goes to its
	// recipients again, not to ourselves.
	Outgoing bool
	From     []*mail.Address
	ReplyTo  []*mail.Address
	To, Cc   []*mail.Address
	Date     time.Time
	// Text is the display text of the article (decrypted when it was
	// encrypted to us).
	Text string
}

// prefixRE matches the reply and forward markers mailers put before a
// subject, in the languages agents meet most, repeated ("Re: AW: Fwd:").
var prefixRE = regexp.MustCompile(`(?i)^\s*((re|aw|sv|vs|wg|fw|fwd|tr|antw|rif|r)\s*(\[\d+\])?\s*:\s*)+`)

// Subject is the subject of a reply ("Re: ...") or forward ("Fwd: ...")
// to one with subject orig. The ticket marker of orig (e.g.
// "[Ticket#10042]") is kept where it is; when orig has none, marker is
// added at the end so that the customer's answer finds its ticket again.
// hasMarker says whether a subject contains a ticket marker.
func Subject(mode Mode, orig, marker string, hasMarker func(string) bool) string {
	base := strings.TrimSpace(prefixRE.ReplaceAllString(orig, ""))
	if marker != "" && (hasMarker == nil || !hasMarker(base)) {
		if base != "" {
			base += " "
		}
		base += marker
	}
	switch mode {
	case ModeReply, ModeReplyAll:
		return "Re: " + base
	case ModeForward:
		return "Fwd: " + base
	}
	return base
}

// Recipients are the To and Cc of a reply. A reply goes to Reply-To, else
// From (RFC 5322 section 3.6.2); a reply to our own outgoing article goes
// to its To again. Reply-all adds the original To and Cc as Cc. Our own
// addresses (ours reports them) and duplicates are left out; a forward and
// a new message start empty.
func Recipients(mode Mode, o Original, ours func(addr string) bool) (to, cc []string) {
	seen := map[string]bool{}
	add := func(list []string, addrs []*mail.Address) []string {
		for _, a := range addrs {
			k := strings.ToLower(a.Address)
			if k == "" || seen[k] || (ours != nil && ours(k)) {
				continue
			}
			seen[k] = true
			list = append(list, a.String())
		}
		return list
	}
	if mode != ModeReply && mode != ModeReplyAll {
		return nil, nil
	}
	switch {
	case o.Outgoing:
		to = add(to, o.To)
	case len(o.ReplyTo) > 0:
		to = add(to, o.ReplyTo)
	default:
		to = add(to, o.From)
	}
	if mode == ModeReplyAll {
		if !o.Outgoing {
			cc = add(cc, o.To)
		}
		cc = add(cc, o.Cc)
	}
	return to, cc
}

// Threading returns In-Reply-To and References of a reply to o: its
// Message-ID, and its References followed by its Message-ID (RFC 5322
// section 3.6.4), the oldest dropped beyond max identifiers.
func Threading(o Original, max int) (inReplyTo string, refs []string) {
	if o.MessageID == "" {
		return "", nil
	}
	refs = append(append([]string{}, o.References...), o.MessageID)
	if max > 0 && len(refs) > max {
		// Keep the first (the thread's root) and the nearest ancestors.
		refs = append(refs[:1:1], refs[len(refs)-max+1:]...)
	}
	return o.MessageID, refs
}

// QuoteReply is the body of a reply: an attribution line and the original
// text with "> " before each line.
func QuoteReply(o Original) string {
	var b strings.Builder
	b.WriteString("\n\n")
	b.WriteString(attribution(o))
	b.WriteString("\n")
	for _, line := range strings.Split(strings.TrimRight(normalize(o.Text), "\n"), "\n") {
		if line == "" || strings.HasPrefix(line, ">") {
			b.WriteString(">" + line + "\n")
		} else {
			b.WriteString("> " + line + "\n")
		}
	}
	return b.String()
}

// QuoteForward is the body of a forward: the original's header summary
// and its text, unquoted, below a separator.
func QuoteForward(o Original) string {
	var b strings.Builder
	b.WriteString("\n\n---------- Forwarded message ----------\n")
	b.WriteString("From: " + sender.Format(o.From) + "\n")
	if !o.Date.IsZero() {
		b.WriteString("Date: " + o.Date.Format("Mon, 2 Jan 2006 15:04") + "\n")
	}
	b.WriteString("Subject: " + o.Subject + "\n")
	b.WriteString("To: " + sender.Format(o.To) + "\n")
	if len(o.Cc) > 0 {
		b.WriteString("Cc: " + sender.Format(o.Cc) + "\n")
	}
	b.WriteString("\n")
	b.WriteString(strings.TrimRight(normalize(o.Text), "\n") + "\n")
	return b.String()
}

func attribution(o Original) string {
	who := sender.Format(o.From)
	if who == "" {
		who = "someone"
	}
	if o.Date.IsZero() {
		return who + " wrote:"
	}
	return "On " + o.Date.Format("Mon, 2 Jan 2006 15:04") + ", " + who + " wrote:"
}

func normalize(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
