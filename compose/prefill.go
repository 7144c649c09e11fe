package compose

import (
	"context"
	"net/mail"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/outgoing"
	"github.com/sealdesk/sealdesk/mail/thread"
	"github.com/sealdesk/sealdesk/store"
)

// InvalidError: the composer was asked for something it cannot do; Msg
// says what to correct, as a sentence for the agent.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return "compose: " + e.Msg }

// Quoter reads an article for quoting: security.Processing.
type Quoter interface {
	QuoteSource(ctx context.Context, articleID int64) (outgoing.Original, store.Article, error)
}

// Composer holds the composer's rules over one profile; the desktop app's
// Compose service and sealctl send both use it.
type Composer struct {
	Store  *store.Store
	Quoter Quoter
	Judge  Judge
}

// Prefill is a new message as the composer opens it for an intent.
type Prefill struct {
	Mode                outgoing.Mode
	TicketID, ArticleID int64
	// GroupID and From: the group sent from (0 and "" when there is none).
	GroupID       int64
	From          string
	To, Cc        []string
	Subject, Text string
	InReplyTo     string
	References    []string
	Answered      verdict.Technology
	Choice        Choice
}

// Prefill prefills a new message for mode from the article (recipients,
// subject with the ticket marker, quoted text, threading) and the group
// whose address the article was sent to, and chooses its technology and
// toggles (Choose) for those recipients and the answered mail's
// technology.
func (c *Composer) Prefill(ctx context.Context, mode outgoing.Mode, ticketID, articleID int64) (Prefill, error) {
	if !mode.Valid() {
		return Prefill{}, &InvalidError{Msg: "The composer opens for new, reply, reply-all or forward."}
	}
	if mode != outgoing.ModeNew && articleID == 0 {
		return Prefill{}, &InvalidError{Msg: "Choose the article to " + strings.ReplaceAll(string(mode), "-", " ") + " first."}
	}
	groups, err := c.Store.Groups(ctx)
	if err != nil {
		return Prefill{}, err
	}
	p := Prefill{Mode: mode, TicketID: ticketID, ArticleID: articleID, To: []string{}, Cc: []string{}, References: []string{},
		Answered: verdict.TechNone}
	var orig outgoing.Original
	if articleID != 0 {
		var art store.Article
		if orig, art, err = c.Quoter.QuoteSource(ctx, articleID); err != nil {
			return Prefill{}, err
		}
		if p.TicketID == 0 {
			p.TicketID = art.TicketID
		}
		if mode != outgoing.ModeForward {
			p.Answered = art.Security.Type
		}
	}
	def := Defaults{Technology: verdict.TechSMIME}
	if g, ok := GroupFor(groups, orig); ok {
		p.GroupID, p.From, def = g.ID, g.SenderAddress, GroupDefaults(g)
	}
	ours := func(addr string) bool { _, ok := GroupByAddress(groups, addr); return ok }
	to, cc := outgoing.Recipients(mode, orig, ours)
	p.To, p.Cc = append(p.To, to...), append(p.Cc, cc...)
	marker := ""
	pattern := c.pattern(ctx)
	if p.TicketID != 0 {
		if n, err := c.Store.TicketNumber(ctx, p.TicketID); err == nil {
			marker = pattern.Format(uint64(n))
		}
	}
	p.Subject = outgoing.Subject(mode, orig.Subject, marker, func(s string) bool { _, ok := pattern.Find(s); return ok })
	switch mode {
	case outgoing.ModeReply, outgoing.ModeReplyAll:
		p.Text = outgoing.QuoteReply(orig)
		irt, refs := outgoing.Threading(orig, thread.MaxIDs)
		p.InReplyTo, p.References = irt, append(p.References, refs...)
	case outgoing.ModeForward:
		p.Text = outgoing.QuoteForward(orig)
	}
	p.Choice, err = Choose(ctx, c.Judge, Request{Defaults: def, Answered: p.Answered, From: addressOf(p.From),
		Recipients: addresses(append(append([]string{}, p.To...), p.Cc...))})
	return p, err
}

// pattern is the configured ticket marker, else the default.
func (c *Composer) pattern(ctx context.Context) *thread.Pattern {
	if v, err := c.Store.Setting(ctx, store.SettingTicketPattern); err == nil {
		if p, err := thread.NewPattern(v); err == nil {
			return p
		}
	}
	return thread.MustPattern(thread.DefaultPattern)
}

// GroupFor picks the sending group of a reply: the group whose address
// the article was sent to (or, for our own article, sent from), else the
// only group.
func GroupFor(groups []store.Group, o outgoing.Original) (store.Group, bool) {
	addrs := append(append([]*mail.Address{}, o.To...), o.Cc...)
	if o.Outgoing {
		addrs = o.From
	}
	for _, a := range addrs {
		if g, ok := GroupByAddress(groups, a.Address); ok {
			return g, true
		}
	}
	if len(groups) > 0 {
		return groups[0], true
	}
	return store.Group{}, false
}

// GroupByAddress is the group whose sender address is addr.
func GroupByAddress(groups []store.Group, addr string) (store.Group, bool) {
	if addressOf(addr) == "" {
		return store.Group{}, false
	}
	for _, g := range groups {
		if strings.EqualFold(addressOf(g.SenderAddress), addressOf(addr)) {
			return g, true
		}
	}
	return store.Group{}, false
}

// addressOf is the address of "Name <addr>" or a bare address, as given
// when it does not parse.
func addressOf(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	return strings.TrimSpace(s)
}

func addresses(l []string) []string {
	out := make([]string, 0, len(l))
	for _, s := range l {
		out = append(out, addressOf(s))
	}
	return out
}
