package store

import (
	"context"
	"testing"

	"github.com/sealdesk/sealdesk/mail/mirror"
	"github.com/sealdesk/sealdesk/mail/thread"
)

// TestSaveMailboxBatchSeesItsOwnMessages: the look-ups SaveMailboxBatch
// skips when no stored article can answer them (batchSeen) still run for
// what the same batch saved a moment earlier, or what was stored before:
// a reply to a mail of the same batch, a copy of one (with and without a
// Message-ID), a ticket number opened in the batch, an article stored
// before its place was seen (claimed), and a reply to an earlier batch.
func TestSaveMailboxBatchSeesItsOwnMessages(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	a := deskAccount(t, s)
	msg := testMail
	// Stored before the sync saw it (as sealctl inspect or the outbox do).
	early := msg(0, "early@x", "Stored first", "")
	stored, err := s.InsertArticle(ctx, Article{Raw: early.Raw, MessageID: "early@x", Subject: "Stored first"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := []mirror.Message{
		msg(1, "a@x", "Printer", ""),
		msg(2, "b@x", "Re: Printer", "In-Reply-To: <a@x>\r\n"),
		msg(3, "", "No identifier", ""),
		msg(4, "c@x", "Re: [Ticket#10002] more", ""),
	}
	first = append(first, first[0], first[2]) // the same bytes again
	first[4].UID, first[5].UID = 5, 6
	early.UID = 7
	first = append(first, early)
	saved, err := s.SaveMailboxBatch(ctx, a.ID, "INBOX", first, mirror.Checkpoint{UIDValidity: 1, LastUID: 7})
	if err != nil {
		t.Fatal(err)
	}
	second := []mirror.Message{msg(8, "d@x", "Re: Re: Printer", "References: <a@x> <b@x>\r\n")}
	saved2, err := s.SaveMailboxBatch(ctx, a.ID, "INBOX", second, mirror.Checkpoint{UIDValidity: 1, LastUID: 8})
	if err != nil {
		t.Fatal(err)
	}
	saved = append(saved, saved2...)

	ticketOf := func(id int64) int64 {
		t.Helper()
		var number int64
		if err := s.db.QueryRowContext(ctx, `SELECT t.number FROM articles a JOIN tickets t ON t.id = a.ticket_id WHERE a.id = ?`, id).Scan(&number); err != nil {
			t.Fatal(err)
		}
		return number
	}
	// Ticket 10001 is the early article's; the batch opens 10002 (a@x)
	// and 10003 (the mail without a Message-ID).
	for _, tc := range []struct {
		name   string
		i      int
		number int64
		copyOf int // index in saved of the article it is a further place of; -1: none
	}{
		{"new", 0, 10002, -1},
		{"reply in the batch", 1, 10002, -1},
		{"no Message-ID", 2, 10003, -1},
		{"number opened in the batch", 3, 10002, -1},
		{"copy in the batch", 4, 10002, 0},
		{"copy without a Message-ID", 5, 10003, 2},
		{"claimed", 6, 10001, -1},
		{"reply to an earlier batch", 7, 10002, -1},
	} {
		sv := saved[tc.i]
		if got := ticketOf(sv.ID); got != tc.number {
			t.Errorf("%s: in ticket %d, want %d", tc.name, got, tc.number)
		}
		if (tc.copyOf >= 0) != sv.Copy || tc.copyOf >= 0 && sv.ID != saved[tc.copyOf].ID {
			t.Errorf("%s: saved as %+v, want a copy of %d: %v", tc.name, sv, tc.copyOf, tc.copyOf >= 0)
		}
	}
	if saved[6].ID != stored.ID {
		t.Errorf("the early article %d was not claimed: %+v", stored.ID, saved[6])
	}
	page, err := s.Tickets(ctx, TicketQuery{Search: "identifier"})
	if err != nil || page.Total != 1 {
		t.Errorf("search for a ticket opened by the sync: %+v, %v", page, err)
	}
}

// TestSaveMailboxBatchTakesTheEnginesHeader: a message's header as the
// engine read it (mirror.Message.Header) is what the batch threads and
// lists by; Raw is parsed only without one.
func TestSaveMailboxBatchTakesTheEnginesHeader(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	a := deskAccount(t, s)
	raw := []byte("From: c@example.org\r\nSubject: in the raw message\r\nMessage-ID: <h@x>\r\n\r\nbody\r\n")
	read := thread.Parse(raw)
	read.Subject = "as the engine read it"
	msgs := []mirror.Message{{UID: 1, Raw: raw, MessageID: "h@x", Header: read}, {UID: 2, Raw: append(raw, 'x'), MessageID: "h2@x"}}
	saved, err := s.SaveMailboxBatch(ctx, a.ID, "INBOX", msgs, mirror.Checkpoint{UIDValidity: 1, LastUID: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"as the engine read it", "in the raw message"} {
		a, err := s.Article(ctx, saved[i].ID)
		if err != nil || a.Subject != want {
			t.Errorf("article %d: subject %q, %v; want %q", i, a.Subject, err, want)
		}
	}
}
