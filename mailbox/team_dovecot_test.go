package mailbox

// The team desk against the harness's real Dovecot (CONDSTORE, UIDPLUS,
// keywords); skipped unless run through scripts/with-services.sh:
//
//	scripts/with-keyring.sh scripts/with-services.sh go test -run TestDovecotTeam ./mailbox/
//
// Dovecot is shared with other packages' tests: the mails live in a folder
// of this test's own and the team folder has a name of its own.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/sealdesk/sealdesk/internal/testenv"
	mailsync "github.com/sealdesk/sealdesk/mail/sync"
)

// TestDovecotTeam: two profiles sync the same 2,000 mails at once and show
// identical numbers; a state change and an assignment on one appear on
// the other after its next sync; two conflicting changes converge and
// exactly one side is told.
func TestDovecotTeam(t *testing.T) {
	const n = 2000
	ctx := context.Background()
	addr, user, pass, admin, folder, teamFolder := dovecotTeamFolders(t, "team")
	start := time.Now()
	var ids []string
	for i := range n {
		raw, mid := testenv.NewMessage("Customer <c@example.org>", user, "Printer "+strconv.Itoa(i), "It prints only on Tuesdays.")
		ids = append(ids, mid)
		cmd := admin.Append(folder, int64(len(raw)), &goimap.AppendOptions{})
		if _, err := cmd.Write(raw); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatal(err)
		}
		if i%200 == 199 {
			if _, err := cmd.Wait(); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%d mails appended in %s", n, time.Since(start).Round(time.Millisecond))
	opt := SyncOptions{Engine: mailsync.Options{SkipInbox: true, SkipSent: true, Mailboxes: []string{folder}}, Team: TeamOptions{Folder: teamFolder}}
	a := newLaptop(t, "anna", addr, user, pass, opt)
	b := newLaptop(t, "bob", addr, user, pass, opt)
	start = time.Now()
	var wg sync.WaitGroup
	for _, l := range []*laptop{a, b} {
		wg.Go(func() { l.sync(t) })
	}
	wg.Wait()
	converge(t, a, b)
	t.Logf("both synced and converged in %s", time.Since(start).Round(time.Millisecond))
	sameTickets(t, a, b, n)

	num := a.numberOf(t, ids[42])
	if _, err := a.s.SetTicketState(ctx, num, "pending", "2030-05-06", opt.Team); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.AssignTicket(ctx, num, "bob@example.test", opt.Team); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	if got := sameTickets(t, a, b, n)[ids[42]]; got != "#"+itoa(num)+" pending 2030-05-06 bob@example.test" {
		t.Fatalf("on bob: %q", got)
	}

	// Conflicting changes from the same view, written at the same time.
	var results [2]ChangeResult
	for i, l := range []*laptop{a, b} {
		wg.Go(func() {
			r, err := l.s.SetTicketState(ctx, num, []string{"closed", "open"}[i], "", opt.Team)
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		})
	}
	wg.Wait()
	told := converge(t, a, b)
	for _, r := range results {
		if r.Pass != nil {
			for _, c := range r.Pass.Conflicts {
				told = append(told, c.Field)
			}
		}
	}
	if len(told) != 1 {
		t.Fatalf("told %v, want exactly one side", told)
	}
	sameTickets(t, a, b, n)
}

// dovecotTeamFolders makes a mail folder and names a team folder of the
// test's own on the harness's Dovecot (shared with other packages' tests),
// both removed at the end.
func dovecotTeamFolders(t *testing.T, kind string) (addr, user, pass string, admin *imapclient.Client, folder, teamFolder string) {
	t.Helper()
	addr = testenv.IMAP(t)
	user, pass = testenv.MailUser(t)
	admin = testenv.IMAPClient(t, user, pass, nil)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tag := hex.EncodeToString(rnd[:])
	folder, teamFolder = "sealdesk-"+kind+"-"+tag, "SealDesk/Team-"+kind+"-"+tag
	if err := admin.Create(folder, nil).Wait(); err != nil {
		t.Fatalf("CREATE: %v", err)
	}
	t.Cleanup(func() {
		c := testenv.IMAPClient(t, user, pass, nil)
		_ = c.Delete(folder).Wait()
		_ = c.Delete("SealDesk.Team-" + kind + "-" + tag).Wait()
		_ = c.Delete(teamFolder).Wait()
		_ = c.Logout().Wait()
	})
	return addr, user, pass, admin, folder, teamFolder
}

// TestDovecotTeamWatch: against Dovecot, a running sync with the team
// poll off shows another laptop's change: Dovecot pushes the new record's
// EXISTS to the watch idling on the team folder.
func TestDovecotTeamWatch(t *testing.T) {
	d := newDovecotPair(t, "watch", "Watched", "Does the team see this?")
	watchedChangeArrives(t, d.a, d.b, d.mid)
}

// dovecotPair is two laptops on one mail folder of the harness's Dovecot,
// with team folder of their own, both synced and agreed on the one
// ticket a customer's question (mid) opened.
type dovecotPair struct {
	a, b   *laptop
	admin  *imapclient.Client
	user   string
	folder string
	mid    string
	opt    SyncOptions
}

func newDovecotPair(t *testing.T, kind, subject, question string) dovecotPair {
	t.Helper()
	addr, user, pass, admin, folder, teamFolder := dovecotTeamFolders(t, kind)
	raw, mid := testenv.NewMessage("Customer <c@example.org>", user, subject, question)
	appendRaw(t, admin, folder, raw)
	opt := SyncOptions{Engine: mailsync.Options{SkipInbox: true, SkipSent: true, Mailboxes: []string{folder}}, Team: TeamOptions{Folder: teamFolder}}
	a := newLaptop(t, "anna", addr, user, pass, opt)
	b := newLaptop(t, "bob", addr, user, pass, opt)
	a.sync(t)
	b.sync(t)
	converge(t, a, b)
	return dovecotPair{a: a, b: b, admin: admin, user: user, folder: folder, mid: mid, opt: opt}
}
