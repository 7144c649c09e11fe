package mailbox

import (
	"context"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// runKeyRemoval: Anna deletes keys she had published. Her deletes queue
// unkey records in their own transactions; on Bob and Carl the candidates
// only the team had offered are withdrawn, a key found in mail stays, a
// key Bob holds stays in use with a note beside it and an entry in his
// security log; an unkey record that does not parse is skipped and
// logged; Anna's re-import offers the keys again and drops the note.
func runKeyRemoval(t *testing.T, ks keysServer) {
	ctx := context.Background()
	_, people := bccPKI(t)
	pgpPub, _, pgpFP := teamPGPKey(t, "pgp@example.org")
	a := newLaptop(t, "anna", ks.addr, ks.user, ks.pass, ks.opt)
	b := newLaptop(t, "bob", ks.addr, ks.user, ks.pass, ks.opt)
	c := newLaptop(t, "carl", ks.addr, ks.user, ks.pass, ks.opt)
	converge(t, a, b, c)
	leaf, mailed := people["c@example.org"], people["cc@example.org"]
	leafFP, mailedFP, pgpLower := fpOf(leaf.cert), fpOf(mailed.cert), strings.ToLower(pgpFP)

	// Carl found cc's certificate in a mail before.
	if _, err := c.p.Store.AddPendingKeys(ctx, []store.PendingKey{{Technology: "S/MIME", Source: "signature", Address: "cc@example.org",
		Fingerprint: mailedFP, Label: "CN=cc@example.org", Key: mailed.cert.Raw}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.sec.Certificates.Import(ctx, security.Input{Data: leaf.pem()}, security.Input{Data: mailed.pem()}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.sec.PGPKeys.Import(ctx, nil, security.Input{Data: pgpPub}); err != nil {
		t.Fatal(err)
	}
	if ts := a.team(t); ts.Written != 3 {
		t.Fatalf("anna published %d records, want 3 keys", ts.Written)
	}
	b.team(t)
	c.team(t)
	if _, err := b.s.sec.FoundKeys.Accept(ctx, pendingByFP(t, b)[pgpLower].ID); err != nil {
		t.Fatal(err)
	}

	// Anna removes all three: queued at once, in the deletes' own
	// transactions, and written by her next pass.
	if _, err := a.s.sec.Certificates.Delete(ctx, leafFP); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.sec.Certificates.Delete(ctx, mailedFP); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.sec.PGPKeys.Delete(ctx, pgpFP); err != nil {
		t.Fatal(err)
	}
	var queued int
	if err := a.p.Store.DB().QueryRow(`SELECT COUNT(*) FROM team_key_queue WHERE kind = 'unkey'`).Scan(&queued); err != nil || queued != 3 {
		t.Fatalf("%d removals queued, %v; want 3", queued, err)
	}
	if ts := a.team(t); ts.Written != 3 {
		t.Fatalf("anna wrote %d records, want 3 removals", ts.Written)
	}
	if removed, _ := keyRecords(ks.records(), team.KindUnkey); len(removed) != 3 || removed[leafFP] != 1 || removed[pgpLower] != 1 {
		t.Fatalf("unkey records: %v", removed)
	}

	// Bob: the two candidates withdrawn; the key he accepted stays, in
	// use, with a note and a log entry.
	ts := b.team(t)
	if ts.Keys == nil || len(ts.Keys.Withdrawn) != 2 || len(ts.Keys.Removed) != 1 || ts.Keys.Removed[0].Fingerprint != pgpFP {
		t.Fatalf("bob: %+v", ts.Keys)
	}
	got := pendingByFP(t, b)
	if _, ok := got[leafFP]; ok {
		t.Fatalf("bob: the withdrawn candidate is still there: %+v", got[leafFP])
	}
	if _, err := b.p.Store.PGPKey(ctx, pgpFP); err != nil {
		t.Fatalf("bob: the key he holds was removed: %v", err)
	}
	note := pgpNote(t, b, pgpFP)
	for _, want := range []string{"anna <anna@example.test> removed it on their laptop", "until an admin removes it under PGP keys"} {
		if !strings.Contains(note, want) {
			t.Fatalf("bob's note %q lacks %q", note, want)
		}
	}
	logged := func(l *laptop, what string) int {
		logs, err := l.p.Store.Log(ctx, store.LogQuery{Search: what})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range logs {
			if e.Status != "success" || e.Direction != "in" {
				t.Fatalf("%s: log entry %+v", l.name, e)
			}
		}
		return len(logs)
	}
	if n := logged(b, "removed the OpenPGP key"); n != 1 {
		t.Fatalf("bob: %d log entries for the key he holds", n)
	}
	if n := logged(b, "no longer offered in Found in mail"); n != 2 {
		t.Fatalf("bob: %d log entries for withdrawn candidates", n)
	}

	// Carl: the team's candidates withdrawn; the one a mail carried
	// stays.
	c.team(t)
	got = pendingByFP(t, c)
	if _, ok := got[leafFP]; ok {
		t.Fatal("carl: the team's leaf is still offered")
	}
	if _, ok := got[pgpLower]; ok {
		t.Fatal("carl: the team's OpenPGP key is still offered")
	}
	if k := got[mailedFP]; k.Status != store.PendingOpen || k.Origin != "" {
		t.Fatalf("carl: the certificate found in mail: %+v", k)
	}

	// An unkey record that does not parse: skipped and logged, like any.
	ks.appendRaw([]byte("Message-ID: <bad-unkey@x>\r\nX-SealDesk-Record: v1 unkey\r\n\r\n{\"format\":\"smime\",\"fingerprint\":\"" +
		mailedFP + "\",\"data\":\"MIIB\"}"))
	if ts := c.team(t); len(ts.Skipped) != 1 || !strings.Contains(ts.Skipped[0].Reason, "carries key data") {
		t.Fatalf("carl: skipped %+v", ts.Skipped)
	}
	if k := pendingByFP(t, c)[mailedFP]; k.Status != store.PendingOpen {
		t.Fatalf("carl: after a bad unkey record: %+v", k)
	}

	// Anna imports two of them again: offered again on Carl, and Bob's
	// note is gone.
	if _, err := a.s.sec.Certificates.Import(ctx, security.Input{Data: leaf.pem()}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.sec.PGPKeys.Import(ctx, nil, security.Input{Data: pgpPub}); err != nil {
		t.Fatal(err)
	}
	if ts := a.team(t); ts.Written != 2 {
		t.Fatalf("anna re-published %d records, want 2", ts.Written)
	}
	b.team(t)
	if note := pgpNote(t, b, pgpFP); note != "" {
		t.Fatalf("bob: the note stays after anna published the key again: %q", note)
	}
	c.team(t)
	got = pendingByFP(t, c)
	for _, fp := range []string{leafFP, pgpLower} {
		if k := got[fp]; k.Status != store.PendingOpen || k.Origin != store.OriginTeam {
			t.Fatalf("carl: %s not offered again: %+v", fp, k)
		}
	}

	// A removal undone before it is written never reaches the log.
	if _, err := a.s.sec.Certificates.Delete(ctx, leafFP); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.sec.Certificates.Import(ctx, security.Input{Data: leaf.pem()}); err != nil {
		t.Fatal(err)
	}
	if ts := a.team(t); ts.Written != 0 {
		t.Fatalf("anna wrote %d records for a key she removed and imported again", ts.Written)
	}
	quiet(t, a, b, c)
}

// pgpNote is the note beside a key in l's list ("" none).
func pgpNote(t *testing.T, l *laptop, fp string) string {
	t.Helper()
	list, err := l.s.sec.PGPKeys.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range list {
		if k.Fingerprint == fp {
			if k.TeamRemoved == nil {
				return ""
			}
			return k.TeamRemoved.Note
		}
	}
	t.Fatalf("%s holds no key %s", l.name, fp)
	return ""
}

func TestTeamKeyRemovalMemory(t *testing.T) { runKeyRemoval(t, memKeysServer(t)) }

func TestDovecotTeamKeyRemoval(t *testing.T) { runKeyRemoval(t, dovecotKeysServer(t)) }
