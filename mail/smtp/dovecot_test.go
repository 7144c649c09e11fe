package smtp

// Against the harness's Dovecot submission (AUTH, relaying through Postfix
// into LMTP); skipped unless run through scripts/with-services.sh.

import (
	"context"
	"errors"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/sealdesk/sealdesk/internal/testenv"
)

func TestDovecotSubmission(t *testing.T) {
	addr := testenv.Submission(t)
	user, pass := testenv.MailUser(t)
	rcpt, rpass := testenv.MailUser2(t)
	ctx := context.Background()
	raw, mid := testenv.NewMessage("Agent <"+user+">", rcpt, "submission test", "Hello through submission.")
	cfg := Config{Addr: addr, TLS: TLSNone, Username: user, Password: pass}
	if err := Send(ctx, cfg, Envelope{From: user, To: []string{rcpt}}, raw); err != nil {
		t.Fatal(err)
	}
	c := testenv.IMAPClient(t, rcpt, rpass, nil)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := c.UIDSearch(&goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: mid}}}, nil).Wait()
		if err != nil {
			t.Fatal(err)
		}
		if len(res.AllUIDs()) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("<%s> did not arrive in %s's INBOX", mid, rcpt)
		}
		time.Sleep(200 * time.Millisecond)
		_ = c.Noop().Wait()
	}

	bad := cfg
	bad.Password, bad.Dialer = "wrong", testenv.IsolatedDialer()
	if err := Send(ctx, bad, Envelope{From: user, To: []string{rcpt}}, raw); !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("wrong password: %v", err)
	}
}
