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

type teamStatusJSON struct {
	AgentAddress string `json:"agent_address"`
	AutoAccept   bool   `json:"auto_accept"`
	Accounts     []struct {
		Account       string `json:"account"`
		Team          bool   `json:"team"`
		Folder        string `json:"folder"`
		Records       int    `json:"records"`
		LastUID       uint32 `json:"last_uid"`
		QueuedChanges int    `json:"queued_changes"`
		QueuedKeys    int    `json:"queued_keys"`
	} `json:"accounts"`
}

// TestTeamKeysThroughSealctl: `team status` and `team auto-accept`; a
// certificate Anna imports is queued (status), published by her sync and
// listed on Bob's laptop as from the team (`pending list`, FROM and the
// JSON's origin fields); Anna's delete queues its removal and withdraws
// the candidate on Bob's laptop.
func TestTeamKeysThroughSealctl(t *testing.T) {
	memoryKeychain(t)
	srv := teamtest.NewServer(t)
	pw := writeFile(t, "pw", []byte(srv.Pass+"\n"))
	anna, bob := ctl{t, t.TempDir()}, ctl{t, t.TempDir()}
	for _, c := range []ctl{anna, bob} {
		c.run(exitOK, "account", "add", "help", "--imap", srv.Addr, "--tls", "none", "--user", srv.User, "--password-file", pw)
	}
	anna.run(exitOK, "agent", "set", "Anna", "anna@example.test")
	status := func(c ctl) teamStatusJSON {
		var st teamStatusJSON
		if err := json.Unmarshal([]byte(c.run(exitOK, "team", "status", "--json")), &st); err != nil {
			t.Fatal(err)
		}
		if len(st.Accounts) != 1 || st.Accounts[0].Account != "help" || !st.Accounts[0].Team {
			t.Fatalf("team status: %+v", st)
		}
		return st
	}
	if out := bob.run(exitOK, "team", "status"); !strings.Contains(out, "auto-accept: off") || !strings.Contains(out, "help     on    -") {
		t.Fatalf("team status before any sync:\n%s", out)
	}
	if out := bob.run(exitOK, "team", "auto-accept", "on"); !strings.Contains(out, "auto-accept on:") || !status(bob).AutoAccept {
		t.Fatalf("auto-accept on: %s", out)
	}
	bob.run(exitOK, "team", "auto-accept", "off")
	if status(bob).AutoAccept {
		t.Fatal("auto-accept stays on")
	}
	bob.run(exitUsage, "team", "auto-accept", "maybe")
	bob.run(exitUsage, "team", "auto-accept")
	bob.run(exitUsage, "team", "status", "extra")
	bob.run(exitUsage, "team", "join")

	contact := writeFile(t, "dan.pem", selfSignedPEM(t, "dan@example.org"))
	anna.run(exitOK, "cert", "import", contact)
	if st := status(anna); st.Accounts[0].QueuedKeys != 1 || st.AgentAddress != "anna@example.test" {
		t.Fatalf("anna after the import: %+v", st)
	}
	anna.run(exitOK, "sync", "--once")
	if st := status(anna); st.Accounts[0].QueuedKeys != 0 || st.Accounts[0].QueuedChanges != 0 || st.Accounts[0].Records == 0 ||
		st.Accounts[0].LastUID == 0 || st.Accounts[0].Folder != "SealDesk/Team" {
		t.Fatalf("anna after her sync: %+v", st)
	}
	bob.run(exitOK, "sync", "--once")
	out := bob.run(exitOK, "pending", "list")
	if !strings.Contains(out, "team: anna@example.test") || strings.Contains(out, "attachment") {
		t.Fatalf("pending list:\n%s", out)
	}
	var pending []map[string]any
	if err := json.Unmarshal([]byte(bob.run(exitOK, "pending", "list", "--json")), &pending); err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0]["origin"] != "team" || pending[0]["origin_agent"] != "anna@example.test" ||
		pending[0]["origin_agent_name"] != "Anna" || pending[0]["source"] != "attachment" || pending[0]["address"] != "dan@example.org" {
		t.Fatalf("pending list --json: %+v", pending)
	}

	var certs []certJSON
	if err := json.Unmarshal([]byte(anna.run(exitOK, "cert", "list", "--json")), &certs); err != nil || len(certs) != 1 {
		t.Fatalf("anna's certificates: %+v, %v", certs, err)
	}
	anna.run(exitOK, "cert", "delete", certs[0].Fingerprint)
	if st := status(anna); st.Accounts[0].QueuedKeys != 1 {
		t.Fatalf("anna after the delete: %+v, want its removal queued", st)
	}
	anna.run(exitOK, "sync", "--once")
	bob.run(exitOK, "sync", "--once")
	if out := bob.run(exitOK, "pending", "list"); !strings.Contains(out, "no keys waiting") {
		t.Fatalf("pending list after anna removed the key:\n%s", out)
	}
}
