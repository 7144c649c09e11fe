package compose

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Reply claims (docs/team.md, "Reply claims"): the meanwhile check cannot
// see an answer that is being sent at the same moment, so just before
// sending, each composer writes a reply record to the team folder saying
// from which view of the ticket it answers, reads the folder back, and
// asks Blocking whether another agent answered from the same view first
// (a lower UID: the server's order, the same on every laptop).

// ReplyWindow is how long a reply claim stops others: an answer takes
// seconds to go out, so an older claim whose answer never arrived (the
// send was refused or failed) stops nobody.
const ReplyWindow = 10 * time.Minute

// ReplyClaim is one reply record as the rule reads it.
type ReplyClaim struct {
	// UID is the record's UID in the team folder.
	UID uint32 `json:"uid"`
	// Root is the ticket's root Message-ID (docs/team.md, identity).
	Root string `json:"root"`
	// Seen and Articles are the view the answer was written from: the
	// Message-ID of the newest article the composer had seen ("" for
	// none) and how many articles it had seen.
	Seen     string `json:"seen"`
	Articles int    `json:"articles"`
	// Agent and At are what the writer says (its clock: see Blocking).
	Agent string    `json:"agent"`
	At    time.Time `json:"at"`
}

// sameView: both claims answer the same ticket from the same view, so
// neither writer knew of the other's answer.
func (c ReplyClaim) sameView(o ReplyClaim) bool {
	return c.Root == o.Root && c.Seen == o.Seen && c.Articles == o.Articles
}

// Blocking is the rule before Send: the claim among others that stops
// mine, and whether there is one. Another claim stops mine when it
//
//   - has a lower UID than mine (it was written first),
//   - answers the same ticket from the same view (same Seen and Articles:
//     it was written without knowing of my answer, nor I of its),
//   - was written within ReplyWindow of now, by its writer's clock,
//   - is not by my own agent address (mine.Agent; case-insensitive), and
//   - was not acknowledged by me: its UID is above acked (Seen.ReplyUID,
//     the claim the agent chose to "Send anyway" over; 0 for none).
//
// Of several, the lowest UID is returned: the answer that went first.
// The rule reads only its arguments, so every laptop that holds the same
// claims gives the same answer.
//
// WARNING: At is the writer's clock. A clock more than ReplyWindow off
// makes its claims stop nobody (too old) or, ahead, stop others for
// longer: a claim dated more than ReplyWindow ahead of now is ignored.
func Blocking(mine ReplyClaim, acked uint32, others []ReplyClaim, now time.Time) (ReplyClaim, bool) {
	fresh := func(c ReplyClaim) bool {
		age := now.Sub(c.At)
		return c.UID != 0 && age < ReplyWindow && age > -ReplyWindow
	}
	// My place is my first claim from this view: a retry of mine (a
	// send that failed, or was stopped and is sent anyway) keeps it.
	place := mine.UID
	for _, o := range others {
		if fresh(o) && o.UID < place && o.sameView(mine) && strings.EqualFold(o.Agent, mine.Agent) {
			place = o.UID
		}
	}
	var best ReplyClaim
	found := false
	for _, o := range others {
		switch {
		case place == 0 || !fresh(o) || o.UID >= place,
			!o.sameView(mine),
			strings.EqualFold(o.Agent, mine.Agent),
			o.UID <= acked:
			continue
		}
		if !found || o.UID < best.UID {
			best, found = o, true
		}
	}
	return best, found
}

// ErrReplyClaimed: another agent started sending an answer to the ticket
// from the same view first, and the agent has not acknowledged it.
var ErrReplyClaimed = errors.New("compose: another agent is answering this ticket")

// ReplyClaimedError carries the claim that stopped the send and its
// writer's name (from the team records; "" when unknown).
type ReplyClaimedError struct {
	Claim ReplyClaim
	Name  string
	// Ago is how long before the refusal the claim was written (by its
	// writer's clock; never negative).
	Ago time.Duration
}

func (e *ReplyClaimedError) Error() string {
	return fmt.Sprintf("%v: %s started sending an answer %s ago (team record %d)", ErrReplyClaimed, e.Who(), e.Ago.Round(time.Second), e.Claim.UID)
}

func (e *ReplyClaimedError) Unwrap() error { return ErrReplyClaimed }

// Who names the other agent: their name, else their address.
func (e *ReplyClaimedError) Who() string {
	switch {
	case e.Name != "":
		return e.Name
	case e.Claim.Agent != "":
		return e.Claim.Agent
	}
	return "Another agent"
}

// Notice is the sentence the composer shows: "Bob started sending an
// answer to this ticket 3 s ago."
func (e *ReplyClaimedError) Notice() string {
	return fmt.Sprintf("%s started sending an answer to this ticket %s ago.", e.Who(), shortAgo(e.Ago))
}

// shortAgo: "3 s", "2 min".
func shortAgo(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < time.Minute {
		return fmt.Sprintf("%d s", int(d/time.Second))
	}
	return fmt.Sprintf("%d min", int(d/time.Minute))
}
