package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/store"
)

// The team desk's side of the Tickets and Settings services
// (docs/team.md): state and owner changes go through mailbox's team path
// so they are published as records, and a change of ours that lost to
// another agent's is told once, as a ConflictNotice.

// AssignRequest makes Agent (an address, or "" to unassign) the owner of
// a ticket.
type AssignRequest struct {
	ID    int64  `json:"id"`
	Agent string `json:"agent"`
}

// TicketChange is a ticket after a change of state or owner.
type TicketChange struct {
	Ticket store.Ticket `json:"ticket"`
	// Queued: the team record could not be written now (server out of
	// reach, Message says why); it goes out with the next sync.
	Queued  bool   `json:"queued"`
	Message string `json:"message"`
	// Conflicts: our change lost to another agent's; the ticket shows
	// theirs. Each notice is told once.
	Conflicts []ConflictNotice `json:"conflicts"`
}

// ConflictNotice tells the agent that their change lost to another
// agent's (docs/team.md rule 3).
type ConflictNotice struct {
	TicketID int64  `json:"ticket_id"`
	Number   int64  `json:"number"`
	Field    string `json:"field"` // state or owner
	Mine     string `json:"mine"`
	// WinnerValue, WinnerAgent (address) and WinnerName (as the team's
	// records name them; "" if unknown) say what won; WinnerAt when
	// (RFC 3339, the winner's clock).
	WinnerValue string `json:"winner_value"`
	WinnerAgent string `json:"winner_agent"`
	WinnerName  string `json:"winner_name"`
	WinnerAt    string `json:"winner_at"`
	// Message: "Bob closed this ticket 10 s ago; your change was not
	// applied."
	Message string `json:"message"`
}

// TeamConflicts is the team:conflicts payload.
type TeamConflicts struct {
	Notices []ConflictNotice `json:"notices"`
}

// AgentList is who a ticket can be assigned to: Me is this laptop's agent
// identity (empty until set in Settings), Agents the team's.
type AgentList struct {
	Me     store.Agent   `json:"me"`
	Agents []store.Agent `json:"agents"`
}

// SetAgentRequest sets this laptop's agent identity.
type SetAgentRequest struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// Assign makes an agent the owner of a ticket, or unassigns it.
func (t *Tickets) Assign(req AssignRequest) (TicketChange, error) {
	return t.change(req.ID, func(ctx context.Context, number int64) (mailbox.ChangeResult, error) {
		return t.mb.AssignTicket(ctx, number, req.Agent, mailbox.TeamOptions{})
	})
}

// Agents lists this laptop's agent and the team's.
func (t *Tickets) Agents() (AgentList, error) {
	ctx := context.Background()
	out := AgentList{Me: myAgent(ctx, t.p.Store)}
	var err error
	out.Agents, err = t.p.Store.Agents(ctx)
	return out, err
}

// Conflicts returns the notices not told yet (a pass that ran while no
// view listened) and marks them told.
func (t *Tickets) Conflicts() (TeamConflicts, error) {
	n, err := conflictNotices(context.Background(), t.p.Store, time.Now())
	return TeamConflicts{Notices: n}, err
}

// change runs a state or owner change of the ticket with id through the
// team path.
func (t *Tickets) change(id int64, do func(context.Context, int64) (mailbox.ChangeResult, error)) (TicketChange, error) {
	ctx := context.Background()
	tk, err := t.p.Store.Ticket(ctx, id)
	if err != nil {
		return TicketChange{}, err
	}
	res, err := do(ctx, tk.Number)
	if err != nil {
		return TicketChange{}, err
	}
	out := TicketChange{Ticket: res.Ticket, Queued: res.Queued, Conflicts: []ConflictNotice{}}
	if res.Queued {
		out.Message = "Saved here; the team sees it after the next sync (" + res.WriteError + ")."
	}
	if res.Pass != nil && len(res.Pass.Conflicts) > 0 {
		if out.Conflicts, err = conflictNotices(ctx, t.p.Store, time.Now()); err != nil {
			return out, err
		}
	}
	t.emit.Emit(EventTicketsChanged, struct{}{})
	return out, nil
}

func myAgent(ctx context.Context, st *store.Store) store.Agent {
	name, _ := st.Setting(ctx, store.SettingAgentName)
	addr, _ := st.Setting(ctx, store.SettingAgentAddress)
	return store.Agent{Name: name, Address: addr}
}

// conflictNotices takes the conflicts not told yet from the store (which
// marks them told) and words them.
func conflictNotices(ctx context.Context, st *store.Store, now time.Time) ([]ConflictNotice, error) {
	cs, err := st.TeamConflicts(ctx)
	if err != nil || len(cs) == 0 {
		return []ConflictNotice{}, err
	}
	names, err := st.AgentNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ConflictNotice, 0, len(cs))
	for _, c := range cs {
		n := ConflictNotice{Number: c.Number, Field: c.Field, Mine: c.Mine, WinnerValue: c.WinnerValue,
			WinnerAgent: c.WinnerAgent, WinnerName: names[strings.ToLower(c.WinnerAgent)], WinnerAt: c.WinnerAt}
		if tk, err := st.TicketByNumber(ctx, c.Number); err == nil {
			n.TicketID = tk.ID
		}
		n.Message = conflictMessage(n, names, now)
		out = append(out, n)
	}
	return out, nil
}

// conflictMessage words a notice: who did what, how long ago.
func conflictMessage(n ConflictNotice, names map[string]string, now time.Time) string {
	who := n.WinnerName
	if who == "" {
		who = n.WinnerAgent
	}
	if who == "" {
		who = "Another agent"
	}
	var what string
	switch {
	case n.Field == store.FieldOwner && n.WinnerValue == "":
		what = "unassigned this ticket"
	case n.Field == store.FieldOwner:
		to := names[strings.ToLower(n.WinnerValue)]
		if to == "" {
			to = n.WinnerValue
		}
		what = "assigned this ticket to " + to
	case n.WinnerValue == "closed":
		what = "closed this ticket"
	case n.WinnerValue == "open":
		what = "reopened this ticket"
	default:
		what = "set this ticket to " + n.WinnerValue
	}
	if at, err := time.Parse(time.RFC3339, n.WinnerAt); err == nil {
		what += " " + ago(now.Sub(at))
	}
	return who + " " + what + "; your change was not applied."
}

// ago is a short "how long ago"; a clock ahead of ours counts as now.
func ago(d time.Duration) string {
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

// SetAgent sets this laptop's agent identity; each account's next team
// pass publishes it.
func (s *Settings) SetAgent(req SetAgentRequest) (SettingsView, error) {
	if err := s.mb.SetAgent(context.Background(), req.Name, req.Address); err != nil {
		return SettingsView{}, err
	}
	v, err := s.Get()
	if err == nil {
		s.emit.Emit(EventSettingsChanged, v)
	}
	return v, err
}
