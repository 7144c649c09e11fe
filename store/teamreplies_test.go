package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/mail/mirror"
)

// TestTeamRepliesHeldAndForgotten: reply records are held as read (a
// second copy of one is not held twice), listed per root in UID order,
// found by Message-ID, change no ticket, and are forgotten with the rest
// of the log when it is lost (ResetTeam).
func TestTeamRepliesHeldAndForgotten(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	a := deskAccount(t, s)
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	recs := []TeamRecord{
		{UID: 3, MessageID: "r3@team", Kind: "reply", Root: "q@x", Seen: "q@x", Articles: 1, Agent: "bob@x", At: at},
		{UID: 4, MessageID: "r4@team", Kind: "reply", Root: "other@x", Agent: "bob@x", At: at},
		{UID: 5, MessageID: "r5@team", Kind: "reply", Root: "q@x", Seen: "q@x", Articles: 1, Agent: "anna@x", At: at.Add(time.Second)},
		{UID: 6, MessageID: "r3@team", Kind: "reply", Root: "q@x", Seen: "q@x", Articles: 1, Agent: "bob@x", At: at},
	}
	res, err := s.ApplyTeamRecords(ctx, a.ID, recs, TeamFolder{Name: "SealDesk/Team", UIDValidity: 7, LastUID: 6})
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 3 || res.Void != 1 {
		t.Errorf("applied %d, void %d: want 3 and 1 (a second copy)", res.Applied, res.Void)
	}
	got, err := s.TeamReplies(ctx, a.ID, "q@x")
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, r := range got {
		list = append(list, fmt.Sprintf("%d %s %s %d %s %s %s", r.UID, r.Root, r.Seen, r.Articles, r.Agent, r.At.Format(time.TimeOnly), r.MessageID))
	}
	want := []string{"3 q@x q@x 1 bob@x 09:00:00 r3@team", "5 q@x q@x 1 anna@x 09:00:01 r5@team"}
	if fmt.Sprint(list) != fmt.Sprint(want) {
		t.Fatalf("replies:\n%v\nwant\n%v", list, want)
	}
	if uid, err := s.TeamReplyUID(ctx, a.ID, "r5@team"); err != nil || uid != 5 {
		t.Fatalf("TeamReplyUID(r5) = %d, %v", uid, err)
	}
	if uid, err := s.TeamReplyUID(ctx, a.ID, "nope@team"); err != nil || uid != 0 {
		t.Fatalf("TeamReplyUID(unknown) = %d, %v", uid, err)
	}
	var tickets int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM team_tickets`).Scan(&tickets); err != nil || tickets != 0 {
		t.Fatalf("a reply record made %d view rows (%v)", tickets, err)
	}
	if err := s.ResetTeam(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.TeamReplies(ctx, a.ID, "q@x"); err != nil || len(got) != 0 {
		t.Fatalf("after the log was lost: %+v, %v", got, err)
	}
}

// TestTicketReplyView: the view a reply claim names is the same on every
// laptop that holds the same mails, whatever order they were stored in:
// the newest by Date (then Message-ID), and the count of distinct mails.
func TestTicketReplyView(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	a := deskAccount(t, s)
	re := func(date string) string {
		return "Date: " + date + "\r\nIn-Reply-To: <q@x>\r\nReferences: <q@x>\r\n"
	}
	// The later answer is stored before the earlier one (another
	// folder synced first).
	msgs := []mirror.Message{testMail(1, "q@x", "Q", "Date: Tue, 01 Dec 2026 09:00:00 +0000\r\n"),
		testMail(2, "a2@x", "Re: Q", re("Tue, 01 Dec 2026 11:00:00 +0000")),
		testMail(3, "a1@x", "Re: Q", re("Tue, 01 Dec 2026 10:00:00 +0000"))}
	if _, err := s.SaveMailboxBatch(ctx, a.ID, "INBOX", msgs, mirror.Checkpoint{UIDValidity: 1, LastUID: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AssignTicketRoots(ctx); err != nil {
		t.Fatal(err)
	}
	var ticket int64
	if err := s.db.QueryRow(`SELECT id FROM tickets WHERE root_message_id = 'q@x'`).Scan(&ticket); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	rows, err := s.db.Query(`SELECT message_id, id FROM articles WHERE ticket_id = ?`, ticket)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var mid string
		var id int64
		_ = rows.Scan(&mid, &id)
		ids[mid] = id
	}
	rows.Close()
	for _, tc := range []struct {
		upTo string
		want ReplyView
	}{
		{"q@x", ReplyView{Root: "q@x", Seen: "q@x", Articles: 1}},
		{"a2@x", ReplyView{Root: "q@x", Seen: "a2@x", Articles: 2}},
		{"a1@x", ReplyView{Root: "q@x", Seen: "a2@x", Articles: 3}},
	} {
		got, err := s.TicketReplyView(ctx, ticket, ids[tc.upTo])
		if err != nil || got != tc.want {
			t.Errorf("up to %s: %+v, %v; want %+v", tc.upTo, got, err, tc.want)
		}
	}
	if got, err := s.TicketReplyView(ctx, ticket, 0); err != nil || got != (ReplyView{Root: "q@x"}) {
		t.Errorf("nothing seen: %+v, %v", got, err)
	}
	if _, err := s.TicketReplyView(ctx, 999, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("no ticket: %v", err)
	}
}
