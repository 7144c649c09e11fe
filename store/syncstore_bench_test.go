package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/mirror"
)

// benchMails makes n mails shaped as scripts/benchseed writes them: a few
// KB of plain text, every third one a reply to the one before (threaded
// into its ticket), every fifth one standing in for an S/MIME mail (a new
// ticket, its body opaque to the store).
func benchMails(n int) []mirror.Message {
	var body []byte
	for i := range 60 {
		body = fmt.Appendf(body, "Line %02d of a support request about a printer that prints only on Tuesdays.\r\n", i+1)
	}
	base := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	msgs := make([]mirror.Message, n)
	for i := range msgs {
		mid := fmt.Sprintf("bench-%d@bench.example.test", i)
		date := base.Add(time.Duration(i) * time.Minute)
		raw := fmt.Appendf(nil, "Message-ID: <%s>\r\nDate: %s\r\n", mid, date.Format(time.RFC1123Z))
		subject := fmt.Sprintf("Printer trouble %d", i)
		if i%5 != 4 && i%3 == 2 {
			prev := fmt.Sprintf("bench-%d@bench.example.test", i-1)
			raw = fmt.Appendf(raw, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", prev, prev)
			subject = fmt.Sprintf("Re: Printer trouble %d", i-1)
		}
		raw = fmt.Appendf(raw, "From: Customer %d <customer%d@example.org>\r\nTo: help@example.test\r\nSubject: %s\r\n"+
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\n", i%500, i%500, subject)
		raw = append(raw, body...)
		raw = fmt.Appendf(raw, "\r\nTicket reference %d.\r\nRegards\r\n", i)
		var flags []string
		if i%2 == 0 {
			flags = []string{`\Seen`}
		}
		msgs[i] = mirror.Message{Mailbox: "INBOX", UID: uint32(i + 1), Flags: flags, InternalDate: date,
			Size: int64(len(raw)), Raw: raw, MessageID: mid}
	}
	return msgs
}

// BenchmarkSyncWritePath is the SQLite side of an initial sync of 10,000
// mails, as mailbox.BenchmarkDovecotSync runs it without IMAP and the
// engines: batches of 100 saved by SaveMailboxBatch (threading included),
// then each batch's results written by SaveProcessed, 32 at a time, as
// the processing pool does. Reported per mail; read it with the process's
// CPU time (`go test -run '^$' -bench SyncWritePath -cpuprofile`).
//
//	go test -run '^$' -bench SyncWritePath -benchtime 1x ./store/
func BenchmarkSyncWritePath(b *testing.B) {
	const n = 10000
	msgs := benchMails(n)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		a, err := s.SaveAccount(ctx, Account{Name: "bench", IMAPHost: "127.0.0.1", IMAPPort: 143, IMAPTLS: "none", Username: "u"})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for lo := 0; lo < n; lo += 100 {
			batch := msgs[lo : lo+100]
			saved, err := s.SaveMailboxBatch(ctx, a.ID, "INBOX", batch, mirror.Checkpoint{UIDValidity: 1, LastUID: batch[len(batch)-1].UID})
			if err != nil {
				b.Fatal(err)
			}
			for p := 0; p < len(saved); p += 32 {
				var rows []Processed
				for _, sv := range saved[p:min(p+32, len(saved))] {
					if !sv.Copy {
						rows = append(rows, Processed{ArticleID: sv.ID, Result: verdict.Result{ProcessedAt: time.Now()}})
					}
				}
				if _, err := s.SaveProcessed(ctx, rows); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StopTimer()
		var tickets, pending int
		if err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM tickets), (SELECT COUNT(*) FROM articles WHERE security_pending = 1)`).Scan(&tickets, &pending); err != nil {
			b.Fatal(err)
		}
		if want := n - n*4/15; tickets < want-1 || tickets > want+1 || pending != 0 {
			b.Fatalf("%d tickets (want about %d), %d pending", tickets, want, pending)
		}
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/mail")
}
