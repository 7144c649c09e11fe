package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/mail/team/teamtest"
)

// TestTeamThroughSealctl: two data directories on one account (go-imap's
// memory server): the same numbers after `sync --once`, a state and an
// owner set with `ticket` on one show on the other after its sync, with
// their history; `--no-team` keeps an account's changes local.
func TestTeamThroughSealctl(t *testing.T) {
	memoryKeychain(t)
	srv := teamtest.NewServer(t)
	raws, ids := teamtest.Messages("Scanner", 12, 100)
	srv.Append(t, "INBOX", raws...)
	pw := writeFile(t, "pw", []byte(srv.Pass+"\n"))
	anna, bob := ctl{t, t.TempDir()}, ctl{t, t.TempDir()}
	for _, c := range []ctl{anna, bob} {
		c.run(exitOK, "account", "add", "help", "--imap", srv.Addr, "--tls", "none", "--user", srv.User, "--password-file", pw)
	}
	anna.run(exitOK, "agent", "set", "Anna", "anna@example.test")
	bob.run(exitOK, "agent", "set", "Bob", "bob@example.test")
	anna.run(exitOK, "sync", "--once")
	bob.run(exitOK, "sync", "--once")
	anna.run(exitOK, "sync", "--once")
	numbers := func(c ctl) map[string]ticketJSON {
		var all []ticketJSON
		if err := json.Unmarshal([]byte(c.run(exitOK, "tickets", "--json")), &all); err != nil {
			t.Fatal(err)
		}
		out := map[string]ticketJSON{}
		for _, tk := range all {
			out[tk.Articles[0].MessageID] = tk
		}
		return out
	}
	ta, tb := numbers(anna), numbers(bob)
	for _, id := range ids {
		if ta[id].Number != tb[id].Number || ta[id].Number == 0 {
			t.Fatalf("%s: anna #%d, bob #%d", id, ta[id].Number, tb[id].Number)
		}
	}
	n := fmt.Sprint(ta[ids[4]].Number)
	if out := anna.run(exitOK, "ticket", "state", n, "pending", "--until", "2031-03-04"); !strings.Contains(out, "written for the team") {
		t.Fatalf("ticket state: %s", out)
	}
	anna.run(exitOK, "ticket", "assign", n, "bob@example.test")
	bob.run(exitOK, "sync", "--once")
	got := numbers(bob)[ids[4]]
	if got.State != "pending" || got.PendingUntil != "2031-03-04" || got.Owner != "bob@example.test" || len(got.History) != 3 ||
		got.History[2].Agent != "anna@example.test" || got.History[2].Field != "owner" {
		t.Fatalf("on bob: %+v", got)
	}
	bob.run(exitOK, "ticket", "assign", n, "--none")
	bob.run(exitUsage, "ticket", "state", n, "done")
	bob.run(exitUsage, "ticket", "assign", n, "nobody-known")
	bob.run(exitNotFound, "ticket", "state", "99999", "open")
	anna.run(exitOK, "sync", "--once")
	if got := numbers(anna)[ids[4]]; got.Owner != "" {
		t.Fatalf("unassigned on bob, anna shows %q", got.Owner)
	}

	// --no-team: changes stay on this laptop, with a local history row.
	solo := ctl{t, t.TempDir()}
	solo.run(exitOK, "account", "add", "help", "--imap", srv.Addr, "--tls", "none", "--user", srv.User, "--password-file", pw, "--no-team")
	if out := solo.run(exitOK, "sync", "--once"); strings.Contains(out, "team:") {
		t.Fatalf("team pass on a --no-team account: %s", out)
	}
	mine := numbers(solo)[ids[4]]
	if out := solo.run(exitOK, "ticket", "state", fmt.Sprint(mine.Number), "closed"); !strings.Contains(out, "no team records") {
		t.Fatalf("no-team change: %s", out)
	}
	if h := numbers(solo)[ids[4]].History; len(h) != 1 || h[0].Outcome != "local" {
		t.Fatalf("no-team history: %+v", h)
	}
}

// TestTeamConflictThroughSealctl: Anna and Bob change a ticket's state
// from the same view and Anna's record comes first. Bob, who has not
// synced since, is told, by Anna's name; Anna's next sync tells her
// nothing; both show her state.
func TestTeamConflictThroughSealctl(t *testing.T) {
	memoryKeychain(t)
	srv := teamtest.NewServer(t)
	raws, _ := teamtest.Messages("Badge reader", 1, 100)
	srv.Append(t, "INBOX", raws...)
	pw := writeFile(t, "pw", []byte(srv.Pass+"\n"))
	anna, bob := ctl{t, t.TempDir()}, ctl{t, t.TempDir()}
	for _, c := range []ctl{anna, bob} {
		c.run(exitOK, "account", "add", "help", "--imap", srv.Addr, "--tls", "none", "--user", srv.User, "--password-file", pw)
	}
	anna.run(exitOK, "agent", "set", "Anna Agent", "anna@example.test")
	bob.run(exitOK, "agent", "set", "Bob", "bob@example.test")
	anna.run(exitOK, "sync", "--once")
	bob.run(exitOK, "sync", "--once")
	state := func(c ctl) (string, ticketJSON) {
		var all []ticketJSON
		if err := json.Unmarshal([]byte(c.run(exitOK, "tickets", "--json")), &all); err != nil || len(all) != 1 {
			t.Fatalf("tickets: %+v, %v", all, err)
		}
		return fmt.Sprint(all[0].Number), all[0]
	}
	n, _ := state(bob)
	anna.run(exitOK, "ticket", "state", n, "closed")
	out := bob.run(exitOK, "ticket", "state", n, "open")
	want := `sealctl: Anna Agent <anna@example.test> set state "closed" on #` + n + " "
	if !strings.Contains(out, want) || !strings.Contains(out, `your change ("open") was not applied`) {
		t.Fatalf("bob was not told by name:\n%s\nwant %q", out, want)
	}
	if out := anna.run(exitOK, "sync", "--once"); strings.Contains(out, "not applied") {
		t.Fatalf("anna, whose change won, was told: %s", out)
	}
	for _, c := range []ctl{anna, bob} {
		if _, tk := state(c); tk.State != "closed" || tk.History[len(tk.History)-1].Outcome != "lost" {
			t.Fatalf("%s: %+v", c.dir, tk)
		}
	}
}
