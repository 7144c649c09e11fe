package mailbox

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/sealdesk/sealdesk/compose"
	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/store"
)

// ClaimReply says, just before an answer on seen's ticket is sent, that
// this laptop's agent is sending it (a reply record, docs/team.md "Reply
// claims"), and whether another agent's claim from the same view was
// written first (compose.Blocking). The record is queued and written by a
// team pass, like any change (queue, then pass); the pass reads the folder
// back up to our record before the rule is asked. A refused send leaves
// the record in the log: it stops nobody after compose.ReplyWindow.
//
// Nothing stops a send that this cannot judge: no blocking claim and no
// error for an account with team records off, a new ticket (seen's
// TicketID 0), or a ticket without a root yet; no blocking claim and the
// pass's error when the team folder cannot be reached (the queued record
// is dropped then: a claim written after the answer went out would say
// nothing true). A lone agent, or a team turned off, sends as before.
func (s *Service) ClaimReply(ctx context.Context, account string, seen compose.Seen, opt TeamOptions) (*compose.ReplyClaim, error) {
	if seen.TicketID == 0 {
		return nil, nil
	}
	st := s.p.Store
	a, err := st.AccountByName(ctx, account)
	if err != nil || a.NoTeam {
		return nil, err
	}
	view, err := st.TicketReplyView(ctx, seen.TicketID, seen.ArticleID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && view.Root == "") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	from := s.agentAddress(ctx, a)
	r := team.Record{Kind: team.KindReply, MessageID: team.NewMessageID(), Root: view.Root, Seen: view.Seen,
		Articles: view.Articles, Agent: from.Address, At: time.Now().UTC()}
	raw, err := team.Build(r, from)
	if err != nil {
		return nil, err
	}
	if err := st.QueueTeamRecords(ctx, a.ID, []store.TeamOutgoing{{MessageID: r.MessageID, Raw: raw, Root: r.Root, Kind: string(r.Kind)}}); err != nil {
		return nil, err
	}
	if _, err := s.TeamSync(ctx, account, opt); err != nil {
		// Not written, or not known to be: the send goes on alone. A copy
		// that did reach the server is read like any record.
		_ = st.DropTeamOutbox(context.WithoutCancel(ctx), a.ID, r.MessageID)
		return nil, err
	}
	uid, err := st.TeamReplyUID(ctx, a.ID, r.MessageID)
	if err != nil {
		return nil, err
	}
	if uid == 0 {
		// The pass returned without reading our record back (another
		// pass of the account wrote it and the folder was reset since):
		// nothing to compare with.
		slog.Info("mailbox: a reply claim was not read back; the send goes on", "account", account, "record", r.MessageID)
		return nil, nil
	}
	held, err := st.TeamReplies(ctx, a.ID, view.Root)
	if err != nil {
		return nil, err
	}
	others := make([]compose.ReplyClaim, 0, len(held))
	for _, h := range held {
		others = append(others, replyClaim(h))
	}
	mine := compose.ReplyClaim{UID: uid, Root: r.Root, Seen: r.Seen, Articles: r.Articles, Agent: r.Agent, At: r.At}
	if c, ok := compose.Blocking(mine, seen.ReplyUID, others, time.Now()); ok {
		return &c, nil
	}
	return nil, nil
}

func replyClaim(h store.TeamReply) compose.ReplyClaim {
	return compose.ReplyClaim{UID: h.UID, Root: h.Root, Seen: h.Seen, Articles: h.Articles, Agent: h.Agent, At: h.At}
}
