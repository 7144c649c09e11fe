package compose

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sealdesk/sealdesk/store"
)

// No double answers (issue 13): the composer remembers what the ticket
// looked like when it opened (Seen, kept in the draft) and, before Send,
// asks what happened since (Since). Another agent's answer or a change of
// state or owner by another agent must be acknowledged first: the agent
// sees it and sends anyway by acknowledging (Meanwhile.Now becomes the
// draft's Seen), so a second Send passes.

// Seen is how far the ticket went when the composer looked: its newest
// article and its newest history row. The zero Seen (a new ticket, a draft
// from before this rule) checks nothing.
type Seen struct {
	TicketID  int64 `json:"ticket_id"`
	ArticleID int64 `json:"article_id"`
	HistoryID int64 `json:"history_id"`
	// ReplyUID is the reply claim (its UID in the team folder) the agent
	// acknowledged with "Send anyway": it and lower UIDs stop this
	// answer no more (Blocking). 0 for none.
	ReplyUID uint32 `json:"reply_uid"`
}

// Meanwhile is what happened to a ticket since Seen that the agent did
// not do.
type Meanwhile struct {
	// Articles: answers sent since by someone else (new outgoing
	// articles not naming this laptop's agent). A customer's new mail is
	// no double answer and is not listed: the ticket view shows it.
	Articles []store.ArticleSummary `json:"articles"`
	// Changes: state, owner or number changes by other agents.
	Changes []store.HistoryEntry `json:"changes"`
	// Names: the agents' names the team records know, by address.
	Names map[string]string `json:"names"`
	// Now is the mark to keep once the agent saw all this.
	Now Seen `json:"now"`
}

// Any reports whether something needs the agent's acknowledgement.
func (m Meanwhile) Any() bool { return len(m.Articles) > 0 || len(m.Changes) > 0 }

// ErrMeanwhile: the ticket was answered or changed by someone else since
// the composer looked, and the agent has not acknowledged it.
var ErrMeanwhile = errors.New("compose: the ticket was answered or changed meanwhile")

// MeanwhileError carries what happened, for the caller to show.
type MeanwhileError struct{ Meanwhile Meanwhile }

func (e *MeanwhileError) Error() string {
	return fmt.Sprintf("%v: %d new article(s), %d change(s)", ErrMeanwhile, len(e.Meanwhile.Articles), len(e.Meanwhile.Changes))
}

func (e *MeanwhileError) Unwrap() error { return ErrMeanwhile }

// Look returns the ticket's mark now (zero for ticket 0: a new ticket).
func Look(ctx context.Context, st *store.Store, ticketID int64) (Seen, error) {
	if ticketID == 0 {
		return Seen{}, nil
	}
	m, err := st.TicketMark(ctx, ticketID)
	if err != nil {
		return Seen{}, err
	}
	return Seen{TicketID: ticketID, ArticleID: m.ArticleID, HistoryID: m.HistoryID}, nil
}

// Since lists what happened to seen's ticket since seen that self (this
// laptop's agent address; "" when none is set) did not do. Our own
// changes are history rows with outcome local (no team records) or naming
// self; our own answers are outgoing articles naming self. An outgoing
// article naming no agent is counted: it may be another agent's.
func Since(ctx context.Context, st *store.Store, seen Seen, self string) (Meanwhile, error) {
	m := Meanwhile{Articles: []store.ArticleSummary{}, Changes: []store.HistoryEntry{}, Names: map[string]string{}, Now: seen}
	if seen.TicketID == 0 {
		return m, nil
	}
	now, err := Look(ctx, st, seen.TicketID)
	if err != nil {
		return m, err
	}
	m.Now = now
	m.Now.ReplyUID = seen.ReplyUID // acknowledging what is new keeps an acknowledged claim
	arts, err := st.ArticlesAfter(ctx, seen.TicketID, seen.ArticleID)
	if err != nil {
		return m, err
	}
	for _, a := range arts {
		if a.Direction != "out" || (self != "" && strings.EqualFold(a.Agent, self)) {
			continue
		}
		m.Articles = append(m.Articles, a)
	}
	hist, err := st.HistoryAfter(ctx, seen.TicketID, seen.HistoryID)
	if err != nil {
		return m, err
	}
	for _, h := range hist {
		if h.Outcome == "local" || (self != "" && strings.EqualFold(h.Agent, self)) {
			continue
		}
		m.Changes = append(m.Changes, h)
	}
	if m.Any() {
		if m.Names, err = st.AgentNames(ctx); err != nil {
			return m, err
		}
	}
	return m, nil
}

// Self is this laptop's agent address (Settings, `sealctl agent set`),
// "" when none is set.
func Self(ctx context.Context, st *store.Store) string {
	addr, _ := st.Setting(ctx, store.SettingAgentAddress)
	return addr
}

// CheckSend is the rule before Send: nil when nothing happened since seen
// that self did not do, else a *MeanwhileError (matching ErrMeanwhile).
func CheckSend(ctx context.Context, st *store.Store, seen Seen, self string) error {
	m, err := Since(ctx, st, seen, self)
	if err != nil {
		return err
	}
	if m.Any() {
		return &MeanwhileError{Meanwhile: m}
	}
	return nil
}
