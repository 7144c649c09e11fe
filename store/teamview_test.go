package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/mail/mirror"
)

// TestReconcileTakesTheView: records of another laptop applied here make
// the local tickets of the roots they touch show the view, whichever way
// reconcile gets there (one statement for the plain claims, syncTicket for
// the rest): a claim of the number a ticket has already claims it; a claim
// of another number renumbers it (its old number an alias); two local
// tickets of one root (a reply synced before the mail it answers) merge;
// a state record sets the state.
func TestReconcileTakesTheView(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	a := deskAccount(t, s)
	msg := testMail
	// 10001 a@x, 10002 b@x, 10003 c@x's reply (its parent comes later),
	// 10004 c@x, 10005 d@x.
	msgs := []mirror.Message{msg(1, "a@x", "A", ""), msg(2, "b@x", "B", ""),
		msg(3, "c2@x", "Re: C", "In-Reply-To: <c@x>\r\nReferences: <c@x>\r\n"), msg(4, "c@x", "C", ""), msg(5, "d@x", "D", "")}
	if _, err := s.SaveMailboxBatch(ctx, a.ID, "INBOX", msgs, mirror.Checkpoint{UIDValidity: 1, LastUID: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AssignTicketRoots(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	recs := []TeamRecord{
		{UID: 1, MessageID: "r1@team", Kind: "claim", Agent: "bob@x", At: at, Claims: []TeamClaim{
			{Root: "a@x", Number: 10001}, {Root: "b@x", Number: 20000}, {Root: "c@x", Number: 10003}, {Root: "d@x", Number: 10005}}},
		{UID: 2, MessageID: "r2@team", Kind: "state", Root: "d@x", State: "closed", Agent: "bob@x", At: at},
	}
	if _, err := s.ApplyTeamRecords(ctx, a.ID, recs, TeamFolder{Name: "SealDesk/Team", UIDValidity: 7, LastUID: 2}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT root_message_id, number, state, team_claimed, (SELECT COUNT(*) FROM articles a WHERE a.ticket_id = t.id)
	    FROM tickets t ORDER BY root_message_id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var root, state string
		var number int64
		var claimed, articles int
		if err := rows.Scan(&root, &number, &state, &claimed, &articles); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s #%d %s claimed=%d articles=%d", root, number, state, claimed, articles))
	}
	rows.Close()
	want := []string{
		"a@x #10001 open claimed=1 articles=1",
		"b@x #20000 open claimed=1 articles=1",
		"c@x #10003 open claimed=1 articles=2",
		"d@x #10005 closed claimed=1 articles=1",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("tickets after the records:\n%v\nwant\n%v", got, want)
	}
	for old, root := range map[int64]string{10002: "b@x", 10004: "c@x"} {
		tk, err := s.TicketByNumber(ctx, old)
		if err != nil || tk.Subject == "" {
			t.Fatalf("alias %d of %s: %+v, %v", old, root, tk, err)
		}
	}
}

// TestClaimsAreDecidedInOrder: the claims of a record are decided in
// order against the view and against each other (docs/team.md rule 1): a
// root or a number claimed before, by an earlier record or earlier in the
// same one, is not claimed again.
func TestClaimsAreDecidedInOrder(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	a := deskAccount(t, s)
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	recs := []TeamRecord{
		{UID: 1, MessageID: "r1@team", Kind: "claim", Agent: "bob@x", At: at, Claims: []TeamClaim{{Root: "d@x", Number: 102}}},
		{UID: 2, MessageID: "r2@team", Kind: "claim", Agent: "bob@x", At: at, Claims: []TeamClaim{
			{Root: "a@x", Number: 100}, {Root: "b@x", Number: 100}, {Root: "a@x", Number: 101},
			{Root: "c@x", Number: 102}, {Root: "e@x", Number: 103}}},
		{UID: 3, MessageID: "r3@team", Kind: "claim", Agent: "bob@x", At: at, Claims: []TeamClaim{{Root: "a@x", Number: 104}}},
	}
	res, err := s.ApplyTeamRecords(ctx, a.ID, recs, TeamFolder{Name: "SealDesk/Team", UIDValidity: 7, LastUID: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 2 || res.Void != 1 {
		t.Errorf("applied %d, void %d: want 2 and 1", res.Applied, res.Void)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT v.root, v.number, v.number_uid, (SELECT COUNT(*) FROM ticket_history h WHERE h.root = v.root)
	    FROM team_tickets v ORDER BY v.root`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var root string
		var number, uid, hist int
		if err := rows.Scan(&root, &number, &uid, &hist); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s #%d uid %d history %d", root, number, uid, hist))
	}
	rows.Close()
	want := []string{"a@x #100 uid 2 history 1", "d@x #102 uid 1 history 1", "e@x #103 uid 2 history 1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("view:\n%v\nwant\n%v", got, want)
	}
}
