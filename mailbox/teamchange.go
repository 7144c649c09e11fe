package mailbox

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/store"
)

// ChangeResult is a local change of a ticket and what became of its record.
type ChangeResult struct {
	Ticket store.Ticket `json:"ticket"`
	// Team: the ticket's account has team records; the change was queued
	// as a record.
	Team bool `json:"team"`
	// Queued: the record could not be written now (server out of reach,
	// the error in WriteError); it is written on the next sync.
	Queued     bool   `json:"queued"`
	WriteError string `json:"write_error,omitempty"`
	// Pass is the team pass that wrote it; its Conflicts say whether our
	// change lost to another agent's (the ticket then shows theirs).
	Pass *TeamSummary `json:"pass,omitempty"`
}

// ErrBadChange marks a change the user must correct (state, date, agent).
var ErrBadChange = errors.New("mailbox: invalid ticket change")

// SetTicketState sets ticket number's state (open, pending, closed); until
// is a pending ticket's reminder date (YYYY-MM-DD, "" for none).
func (s *Service) SetTicketState(ctx context.Context, number int64, state, until string, opt TeamOptions) (ChangeResult, error) {
	if !team.ValidState(state) {
		return ChangeResult{}, fmt.Errorf("%w: state %q: want open, pending or closed", ErrBadChange, state)
	}
	if until != "" {
		if state != "pending" {
			return ChangeResult{}, fmt.Errorf("%w: a reminder date (--until) goes with state pending", ErrBadChange)
		}
		if _, err := time.Parse(time.DateOnly, until); err != nil {
			return ChangeResult{}, fmt.Errorf("%w: date %q: want YYYY-MM-DD", ErrBadChange, until)
		}
	}
	return s.changeTicket(ctx, number, store.TicketChange{Field: store.FieldState, State: state, Until: until}, opt)
}

// AssignTicket makes agent (an address, or the name of an agent the team
// records know) the owner of ticket number; "" unassigns it.
func (s *Service) AssignTicket(ctx context.Context, number int64, agent string, opt TeamOptions) (ChangeResult, error) {
	addr, err := s.resolveAgent(ctx, agent)
	if err != nil {
		return ChangeResult{}, err
	}
	return s.changeTicket(ctx, number, store.TicketChange{Field: store.FieldOwner, Owner: addr}, opt)
}

func (s *Service) changeTicket(ctx context.Context, number int64, ch store.TicketChange, opt TeamOptions) (ChangeResult, error) {
	var res ChangeResult
	st := s.p.Store
	accounts, err := st.Accounts(ctx)
	if err != nil {
		return res, err
	}
	byID := map[int64]store.Account{}
	for _, a := range accounts {
		byID[a.ID] = a
	}
	var acct store.Account
	ch.Agent, _ = st.Setting(ctx, store.SettingAgentAddress)
	res.Ticket, err = st.ChangeTicket(ctx, number, ch, func(w store.TeamWrite) (store.TeamOutgoing, error) {
		acct = byID[w.Account]
		from := s.agentAddress(ctx, acct)
		r := team.Record{Kind: team.Kind(ch.Field), MessageID: team.NewMessageID(), Root: w.Root, State: ch.State, Until: ch.Until,
			Owner: ch.Owner, Base: w.Base, Agent: from.Address, At: time.Now().UTC()}
		raw, err := team.Build(r, from)
		return store.TeamOutgoing{MessageID: r.MessageID, Raw: raw}, err
	})
	if err != nil || acct.ID == 0 {
		return res, err
	}
	res.Team = true
	pass, err := s.TeamSync(ctx, acct.Name, opt)
	if err != nil {
		res.Queued, res.WriteError = true, err.Error()
		return res, nil
	}
	res.Pass = &pass
	// The pass may have changed the ticket (our change lost, or it was
	// renumbered): show what is now true.
	if t, err := st.TicketByNumber(ctx, number); err == nil {
		res.Ticket = t
	}
	return res, nil
}

// resolveAgent turns an address or a known agent's name into an address.
func (s *Service) resolveAgent(ctx context.Context, agent string) (string, error) {
	agent = strings.TrimSpace(agent)
	if agent == "" {
		return "", nil
	}
	if strings.Contains(agent, "@") {
		a, err := mail.ParseAddress(agent)
		if err != nil {
			return "", fmt.Errorf("%w: agent %q is not an address: %v", ErrBadChange, agent, err)
		}
		return strings.ToLower(a.Address), nil
	}
	known, err := s.p.Store.Agents(ctx)
	if err != nil {
		return "", err
	}
	var hits []string
	for _, k := range known {
		if strings.EqualFold(k.Name, agent) {
			hits = append(hits, k.Address)
		}
	}
	if name, _ := s.p.Store.Setting(ctx, store.SettingAgentName); strings.EqualFold(name, agent) {
		if addr, _ := s.p.Store.Setting(ctx, store.SettingAgentAddress); addr != "" {
			hits = append(hits, addr)
		}
	}
	switch {
	case len(hits) == 0:
		return "", fmt.Errorf("%w: no agent named %q: give an address, or the name of an agent the team records know", ErrBadChange, agent)
	case len(hits) > 1 && hits[0] != hits[len(hits)-1]:
		return "", fmt.Errorf("%w: several agents are named %q (%s): give the address", ErrBadChange, agent, strings.Join(hits, ", "))
	}
	return hits[0], nil
}

// SetAgent sets this laptop's agent identity; the next team pass of each
// account publishes it.
func (s *Service) SetAgent(ctx context.Context, name, address string) error {
	a, err := mail.ParseAddress(address)
	if err != nil || strings.ContainsAny(name, "\r\n") || strings.TrimSpace(name) == "" {
		return fmt.Errorf("%w: agent %q <%s>: want a name and an address", ErrBadChange, name, address)
	}
	if err := s.p.Store.SetSetting(ctx, store.SettingAgentName, strings.TrimSpace(name)); err != nil {
		return err
	}
	return s.p.Store.SetSetting(ctx, store.SettingAgentAddress, strings.ToLower(a.Address))
}

// agentRecord is this laptop's agent identity as a record, when the
// account's log does not say it yet.
func (s *Service) agentRecord(ctx context.Context, a store.Account) (team.Record, bool, error) {
	name, _ := s.p.Store.Setting(ctx, store.SettingAgentName)
	addr, _ := s.p.Store.Setting(ctx, store.SettingAgentAddress)
	if addr == "" {
		return team.Record{}, false, nil
	}
	known, err := s.p.Store.AgentKnown(ctx, a.ID, addr, name)
	if err != nil || known {
		return team.Record{}, false, err
	}
	return team.Record{Kind: team.KindAgent, Address: addr, Name: name}, true, nil
}
