package main

import (
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// ticketJSON and articleJSON are the stable `tickets --json` shape.
type ticketJSON struct {
	Number  int64             `json:"number"`
	Subject string            `json:"subject"`
	State   store.TicketState `json:"state"`
	// PendingUntil, Owner and History are the team desk's (docs/team.md):
	// the reminder date of a pending ticket, the owning agent's address
	// ("" unassigned), and who changed what, when.
	PendingUntil string               `json:"pending_until"`
	Owner        string               `json:"owner"`
	History      []store.HistoryEntry `json:"history"`
	Articles     []articleJSON        `json:"articles"`
}

type articleJSON struct {
	ID        int64          `json:"id"`
	MessageID string         `json:"message_id"`
	From      string         `json:"from"`
	To        string         `json:"to"`
	Subject   string         `json:"subject"`
	Date      string         `json:"date"`
	Direction string         `json:"direction"`
	Security  verdict.Result `json:"security"`
	// Agent: the team agent who sent an outgoing article, as its
	// X-SealDesk-Agent field says (an address; "" when unknown). A
	// display hint, never a trust decision.
	Agent string `json:"agent"`
}

// runTickets lists every ticket, most recently updated first, with its
// articles.
func runTickets(e *env, args []string) error {
	fs := e.flags("tickets", "[--json]")
	asJSON := fs.Bool("json", false, "print a JSON array of tickets with their articles")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	out := []ticketJSON{}
	for offset := 0; ; {
		page, err := e.profile.Store.Tickets(e.ctx, store.TicketQuery{Offset: offset, Limit: 500})
		if err != nil {
			return err
		}
		for _, t := range page.Tickets {
			arts, err := e.profile.Store.TicketArticles(e.ctx, t.ID)
			if err != nil {
				return err
			}
			hist, err := e.profile.Store.TicketHistory(e.ctx, t.ID)
			if err != nil {
				return err
			}
			tj := ticketJSON{Number: t.Number, Subject: t.Subject, State: t.State, PendingUntil: t.PendingUntil, Owner: t.Owner,
				History: hist, Articles: []articleJSON{}}
			for _, a := range arts {
				tj.Articles = append(tj.Articles, articleJSON{ID: a.ID, MessageID: a.MessageID, From: a.From, To: a.To,
					Subject: a.Subject, Date: a.Date, Direction: a.Direction, Security: a.Security, Agent: a.Agent})
			}
			out = append(out, tj)
		}
		offset += len(page.Tickets)
		if len(page.Tickets) == 0 || offset >= page.Total {
			break
		}
	}
	if *asJSON {
		return e.printJSON(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(e.stdout, "no tickets")
	}
	width := stateWidth()
	for _, t := range out {
		fmt.Fprintf(e.stdout, "#%d  %-*s %s", t.Number, width, t.State, t.Subject)
		if t.Owner != "" {
			fmt.Fprintf(e.stdout, "  (%s)", t.Owner)
		}
		fmt.Fprintln(e.stdout)
		for _, a := range t.Articles {
			arrow := "<-"
			if a.Direction == "out" {
				arrow = "->"
			}
			fmt.Fprintf(e.stdout, "    %s %d  %s  %s  [%s]\n", arrow, a.ID, a.From, a.Subject, securityWord(a.Security))
		}
	}
	return nil
}

// stateWidth is the state column's width: the longest state's, so the
// subjects line up whatever states there are.
func stateWidth() int {
	w := 0
	for _, s := range store.TicketStates() {
		w = max(w, len(s))
	}
	return w
}

// securityWord sums a result up in a word or two.
func securityWord(r verdict.Result) string {
	switch {
	case r.Type == verdict.TechNone && !r.Signed && !r.Encrypted:
		return "plain"
	case r.Failed():
		return string(r.Type) + " FAILED"
	case r.Encrypted && r.Signed:
		return string(r.Type) + " signed+encrypted"
	case r.Encrypted:
		return string(r.Type) + " encrypted"
	case r.Signed:
		return string(r.Type) + " signed, valid"
	}
	return string(r.Type)
}
