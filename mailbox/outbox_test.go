package mailbox

import (
	"context"
	"errors"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
	"github.com/sealdesk/sealdesk/store"
)

// fakeSent is the Sent folder of the unit tests.
type fakeSent struct {
	mu       gosync.Mutex
	appended [][]byte
	has      map[string]bool
	err      error
}

func (f *fakeSent) Append(_ context.Context, _ store.Account, raw []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.appended = append(f.appended, raw)
	return "Sent", nil
}

func (f *fakeSent) Contains(_ context.Context, _ store.Account, mid string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.has[mid], f.err
}

// sender is a Service with one account submitting to srv, a fake Sent and
// a clock the test moves.
type sender struct {
	*Service
	p    *store.Store
	sent *fakeSent
	at   time.Time
}

func newSender(t *testing.T, opts smtptest.Options) (*sender, *smtptest.Server) {
	t.Helper()
	opts.Username, opts.Password = "agent", "pw"
	srv := smtptest.Start(t, opts)
	s, p := newService(t)
	if _, err := s.SaveAccount(context.Background(), AccountInput{Name: "desk", IMAP: "127.0.0.1:1", IMAPTLS: "none", Username: "agent",
		Password: []byte("pw"), SMTP: srv.Addr, SMTPTLS: "none"}); err != nil {
		t.Fatal(err)
	}
	sd := &sender{Service: s, p: p.Store, sent: &fakeSent{has: map[string]bool{}}, at: time.Now()}
	s.sent, s.now = sd.sent, func() time.Time { return sd.at }
	return sd, srv
}

func outgoing(mid, extra string) []byte {
	return []byte("From: Desk <desk@example.test>\nTo: Customer <c@example.org>\nBcc: boss@example.test\nSubject: Re: Printer\n" +
		"Message-ID: <" + mid + ">\n" + extra + "\nIt is fixed.\n")
}

func (sd *sender) row(t *testing.T, id int64) store.OutboxItem {
	t.Helper()
	it, err := sd.p.OutboxItemByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestSendThreadsAndIsNotDuplicatedBySync(t *testing.T) {
	ctx := context.Background()
	sd, srv := newSender(t, smtptest.Options{})
	a := mustAccount(t, sd.p, "desk")
	m := NewMirror(sd.p, a.ID)
	if _, err := m.SaveBatch(ctx, "INBOX", []syncMessage{message(1, "q@x", "Printer", "")}, checkpoint(1)); err != nil {
		t.Fatal(err)
	}
	res, err := sd.Send(ctx, SendInput{Raw: outgoing("", "In-Reply-To: <q@x>\n")})
	if err != nil || res.Status != store.OutboxSent || res.SentFolder != "Sent" || res.ArticleID == 0 || res.MessageID == "" {
		t.Fatalf("send: %+v, %v", res, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "c@example.org,boss@example.test" || msgs[0].From != "desk@example.test" {
		t.Fatalf("server got %+v", msgs)
	}
	wire := string(msgs[0].Data)
	if strings.Contains(wire, "boss@") || !strings.Contains(wire, "\r\nDate: ") || !strings.Contains(wire, "Message-ID: <"+res.MessageID+">") ||
		!strings.HasSuffix(wire, "It is fixed.\r\n") || string(sd.sent.appended[0]) != wire {
		t.Fatalf("wire copy:\n%s", wire)
	}
	art, err := sd.p.Article(ctx, res.ArticleID)
	if err != nil || art.Direction != "out" || art.MailboxID != 0 {
		t.Fatalf("article %+v, %v", art, err)
	}
	inbound, _ := sd.p.ArticleAt(ctx, a.ID, "INBOX", 1)
	if in, _ := sd.p.Article(ctx, inbound); in.TicketID != art.TicketID {
		t.Fatalf("the reply is in ticket %d, the question in %d", art.TicketID, in.TicketID)
	}
	// The next sync of Sent claims the article instead of storing it twice.
	if err := m.NoteSent(ctx, "Sent"); err != nil {
		t.Fatal(err)
	}
	sentCopy := syncMessage{UID: 7, Raw: sd.sent.appended[0], MessageID: res.MessageID, Size: int64(len(wire))}
	sentCopy.Hash = sha(sentCopy.Raw)
	if _, err := m.SaveBatch(ctx, "Sent", []syncMessage{sentCopy}, checkpoint(7)); err != nil {
		t.Fatal(err)
	}
	if id, err := sd.p.ArticleAt(ctx, a.ID, "Sent", 7); err != nil || id != res.ArticleID {
		t.Fatalf("Sent UID 7 is article %d (%v), want the sent one %d", id, err, res.ArticleID)
	}
	// Acknowledged: no flush sends it again.
	sd.at = sd.at.Add(2 * time.Hour)
	if sum, err := sd.FlushOutbox(ctx); err != nil || len(sum.Results) != 0 || srv.Attempts() != 1 {
		t.Fatalf("flush after success: %+v, %v, %d attempts", sum, err, srv.Attempts())
	}
}

func TestTransientFailureBacksOffAndSendsOnce(t *testing.T) {
	ctx := context.Background()
	sd, srv := newSender(t, smtptest.Options{Data: func(n int, _ smtptest.Message) error {
		if n <= 2 {
			return smtptest.Temporary
		}
		return nil
	}})
	res, err := sd.Send(ctx, SendInput{Raw: outgoing("t1@example.test", "")})
	var ns *NotSentError
	if !errors.As(err, &ns) || res.Status != store.OutboxQueued || !strings.Contains(err.Error(), "stays in the outbox") {
		t.Fatalf("send: %+v, %v", res, err)
	}
	it := sd.row(t, res.OutboxID)
	if it.Status != store.OutboxQueued || it.Attempts != 1 || !strings.Contains(it.LastError, "451") ||
		it.NextAttemptAt.Sub(sd.at).Round(time.Second) != 30*time.Second {
		t.Fatalf("row after a 451: %+v", it)
	}
	if sum, _ := sd.FlushOutbox(ctx); len(sum.Results) != 0 {
		t.Fatalf("flushed before it was due: %+v", sum)
	}
	sd.at = sd.at.Add(31 * time.Second)
	if _, err := sd.FlushOutbox(ctx); err == nil {
		t.Fatal("second attempt should fail too")
	}
	if it := sd.row(t, res.OutboxID); it.Attempts != 2 || it.NextAttemptAt.Sub(sd.at).Round(time.Second) != time.Minute {
		t.Fatalf("backoff did not double: %+v", it)
	}
	sd.at = sd.at.Add(61 * time.Second)
	if sum, err := sd.FlushOutbox(ctx); err != nil || len(sum.Results) != 1 || sum.Results[0].Status != store.OutboxSent {
		t.Fatalf("third attempt: %+v, %v", sum, err)
	}
	sd.at = sd.at.Add(time.Hour)
	sd.FlushOutbox(ctx)
	if len(srv.Messages()) != 1 || srv.Attempts() != 3 {
		t.Fatalf("delivered %d times in %d attempts", len(srv.Messages()), srv.Attempts())
	}
}

func TestCrashRecovery(t *testing.T) {
	ctx := context.Background()
	sd, srv := newSender(t, smtptest.Options{})
	a := mustAccount(t, sd.p, "desk")
	queue := func(mid string) store.OutboxItem {
		it, err := sd.p.EnqueueOutbox(ctx, store.OutboxItem{AccountID: a.ID, Raw: []byte("From: desk@example.test\r\nTo: c@example.org\r\nMessage-ID: <" + mid + ">\r\n\r\nx\r\n"),
			MessageID: mid, EnvelopeFrom: "desk@example.test", Recipients: []string{"c@example.org"}})
		if err != nil {
			t.Fatal(err)
		}
		return it
	}
	// Died after queueing, before the attempt: sent once by the next flush.
	queued := queue("queued@x")
	// Died while sending (claimed, lease running): untouched until the
	// lease ends, then looked for in Sent. One was delivered, one not.
	delivered, lost := queue("delivered@x"), queue("lost@x")
	for _, it := range []store.OutboxItem{delivered, lost} {
		if ok, err := sd.p.ClaimOutbox(ctx, it, sd.at.Add(sendLease)); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	sd.sent.has["delivered@x"] = true
	sd.at = sd.at.Add(time.Second)
	if _, err := sd.FlushOutbox(ctx); err != nil || len(srv.Messages()) != 1 {
		t.Fatalf("first flush: %v, %d sent", err, len(srv.Messages()))
	}
	if it := sd.row(t, queued.ID); it.Status != store.OutboxSent {
		t.Fatalf("queued row: %+v", it)
	}
	if sd.row(t, lost.ID).Status != store.OutboxSending {
		t.Fatal("a row in its lease was touched")
	}
	// Sent cannot be checked: the row waits, it is not resent blindly.
	sd.at = sd.at.Add(sendLease)
	sd.sent.err = errors.New("imap: down")
	if _, err := sd.FlushOutbox(ctx); err == nil || len(srv.Messages()) != 1 || sd.row(t, lost.ID).Status != store.OutboxSending {
		t.Fatalf("flush without Sent: %v, %d sent", err, len(srv.Messages()))
	}
	sd.sent.err = nil
	sd.at = sd.at.Add(time.Hour)
	if _, err := sd.FlushOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 || !strings.Contains(string(msgs[1].Data), "lost@x") {
		t.Fatalf("server got %d messages", len(msgs))
	}
	if it := sd.row(t, delivered.ID); it.Status != store.OutboxSent || it.ArticleID == 0 {
		t.Fatalf("delivered row: %+v", it)
	}
	if it := sd.row(t, lost.ID); it.Status != store.OutboxSent {
		t.Fatalf("lost row: %+v", it)
	}
	sd.at = sd.at.Add(time.Hour)
	sd.FlushOutbox(ctx)
	if len(srv.Messages()) != 2 {
		t.Fatal("a sent row was sent again")
	}
}

func TestPermanentRefusalIsKeptNotRetried(t *testing.T) {
	ctx := context.Background()
	sd, srv := newSender(t, smtptest.Options{Rcpt: func(addr string) error {
		if strings.HasPrefix(addr, "boss@") {
			return &smtpError550
		}
		return nil
	}})
	res, err := sd.Send(ctx, SendInput{Raw: outgoing("p@x", "")})
	if err == nil || res.Status != store.OutboxFailed || !strings.Contains(err.Error(), "boss@example.test") || !strings.Contains(err.Error(), "not retried") {
		t.Fatalf("send: %+v, %v", res, err)
	}
	sd.at = sd.at.Add(24 * time.Hour)
	if sum, _ := sd.FlushOutbox(ctx); len(sum.Results) != 0 || srv.Attempts() != 0 {
		t.Fatalf("a failed row was retried: %+v", sum)
	}
	if _, err := sd.Send(ctx, SendInput{Raw: outgoing("q@x", ""), Technology: "rot13", Sign: true}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad technology: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 8: time.Hour, 30: time.Hour} {
		if got := backoff(n); got != want {
			t.Errorf("backoff(%d) = %s, want %s", n, got, want)
		}
	}
}
