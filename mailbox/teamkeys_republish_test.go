package mailbox

import (
	"context"
	"crypto/x509"
	"strings"
	"sync"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// soloLaptop is a profile that has no account yet: it works alone, with
// keys of its own, and joins the team later (join).
func soloLaptop(t *testing.T, name string, opt SyncOptions) *laptop {
	t.Helper()
	s, p := newService(t)
	return &laptop{name: name, s: s, p: p, opt: opt}
}

// join adds the shared account (team records on unless noTeam) and this
// laptop's agent identity; called again, it switches team records.
func (l *laptop) join(t *testing.T, ks keysServer, noTeam bool) {
	t.Helper()
	ctx := context.Background()
	if _, err := l.s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: ks.addr, IMAPTLS: "none", Username: ks.user,
		Password: []byte(ks.pass), NoTeam: noTeam}); err != nil {
		t.Fatal(err)
	}
	if err := l.s.SetAgent(ctx, l.name, l.name+"@example.test"); err != nil {
		t.Fatal(err)
	}
}

// queuedKeys counts the keys waiting in team_key_queue.
func (l *laptop) queuedKeys(t *testing.T) int {
	t.Helper()
	var n int
	if err := l.p.Store.DB().QueryRow(`SELECT COUNT(*) FROM team_key_queue`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// quiet runs two more rounds of passes and fails if any laptop writes.
func quiet(t *testing.T, ls ...*laptop) {
	t.Helper()
	for range 2 {
		for _, l := range ls {
			if ts := l.team(t); ts.Written != 0 {
				t.Fatalf("%s wrote %d records on a quiet round: the laptops do not converge", l.name, ts.Written)
			}
		}
	}
}

// ourPKCS12 is a PKCS #12 file of the helpdesk's certificate, its key and
// its CA: ours, never published.
func ourPKCS12(t *testing.T, ca, desk person) []byte {
	t.Helper()
	pfx, err := pkcs12.Modern2023.Encode(desk.key, desk.cert, []*x509.Certificate{ca.cert}, "long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	return pfx
}

// runKeyRepublish: profiles that held keys before they joined publish
// their whole inventory (public keys only, marked republish), two laptops
// holding the same certificate write it once each at most and then stay
// quiet, the log lost by hand is restored with each key exactly once, and
// an account switched from --no-team back to team publishes what was
// imported meanwhile.
func runKeyRepublish(t *testing.T, ks keysServer) {
	ctx := context.Background()
	ca, people := bccPKI(t)
	ourCA, ours := bccPKI(t)
	pgpPub, _, pgpFP := teamPGPKey(t, "pgp@example.org")
	_, ownSec, ownFP := teamPGPKey(t, "desk@example.test")
	a, b := soloLaptop(t, "anna", ks.opt), soloLaptop(t, "bob", ks.opt)

	// Anna worked alone: a CA, a customer, a customer's OpenPGP key; the
	// helpdesk's own OpenPGP key and its PKCS #12 file (certificate, key
	// and the CA above it). Bob holds the same customer and another.
	if _, err := a.s.sec.Certificates.Import(ctx, security.Input{Data: ca.pem()}, security.Input{Data: people["c@example.org"].pem()}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.sec.PGPKeys.Import(ctx, nil, security.Input{Data: pgpPub}, security.Input{Data: ownSec}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.sec.Certificates.ImportKey(ctx, ourPKCS12(t, ourCA, ours["desk@example.test"]), []byte("long passphrase")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.s.sec.Certificates.Import(ctx, security.Input{Data: people["c@example.org"].pem()}, security.Input{Data: people["cc@example.org"].pem()}); err != nil {
		t.Fatal(err)
	}
	if n := a.queuedKeys(t) + b.queuedKeys(t); n != 0 {
		t.Fatalf("%d keys queued with no team account", n)
	}

	// Both join, their first passes at the same time.
	a.join(t, ks, false)
	b.join(t, ks, false)
	var wg sync.WaitGroup
	for _, l := range []*laptop{a, b} {
		wg.Go(func() { l.team(t) })
	}
	wg.Wait()
	converge(t, a, b)
	quiet(t, a, b)
	leaf, cc := fpOf(people["c@example.org"].cert), fpOf(people["cc@example.org"].cert)
	published := []string{fpOf(ca.cert), leaf, strings.ToLower(pgpFP), cc}
	keys, republish := keyRecords(ks.records(), team.KindKey)
	for _, fp := range published {
		if keys[fp] < 1 || keys[fp] > 2 {
			t.Fatalf("key %s in %d records, want 1 (or 2: both laptops at once): %v", fp, keys[fp], keys)
		}
	}
	for name, fp := range map[string]string{"our OpenPGP key": strings.ToLower(ownFP), "our certificate": fpOf(ours["desk@example.test"].cert),
		"the CA of our PKCS #12 file": fpOf(ourCA.cert)} {
		if keys[fp] != 0 {
			t.Fatalf("%s was published", name)
		}
	}
	if len(keys) != len(published) || !republish {
		t.Fatalf("key records %v (republish on all: %v), want %d keys, all republished", keys, republish, len(published))
	}
	// Each was offered what only the other held; the customer both hold
	// is no candidate.
	for l, fps := range map[*laptop][]string{a: {cc}, b: {fpOf(ca.cert), strings.ToLower(pgpFP)}} {
		got := pendingByFP(t, l)
		for _, fp := range fps {
			if k := got[fp]; k.Origin != store.OriginTeam || k.Status != store.PendingOpen {
				t.Fatalf("%s: %s: %+v", l.name, fp, k)
			}
		}
		if _, ok := got[leaf]; ok {
			t.Fatalf("%s: the certificate it holds was offered", l.name)
		}
	}

	// The folder deleted by hand: a new epoch. Anna restores her keys,
	// Bob then only what the log still lacks: each key exactly once.
	ks.lose()
	if ts := a.team(t); !ts.Reset || ts.Written < 3 {
		t.Fatalf("anna after the folder was deleted: %+v", ts)
	}
	if ts := b.team(t); !ts.Reset || ts.Written != 1 {
		t.Fatalf("bob after the folder was deleted: %+v (want only cc's certificate written)", ts)
	}
	converge(t, a, b)
	quiet(t, a, b)
	keys, republish = keyRecords(ks.records(), team.KindKey)
	for _, fp := range published {
		if keys[fp] != 1 {
			t.Fatalf("after the log was lost: key %s in %d records, want 1: %v", fp, keys[fp], keys)
		}
	}
	if len(keys) != len(published) || !republish {
		t.Fatalf("after the log was lost: %v (republish on all: %v)", keys, republish)
	}

	// Team records switched off, a key imported, switched on again: the
	// key is published then.
	a.join(t, ks, true)
	if ts := a.team(t); !ts.Off {
		t.Fatalf("team pass with records off: %+v", ts)
	}
	boss := fpOf(people["boss@example.test"].cert)
	if _, err := a.s.sec.Certificates.Import(ctx, security.Input{Data: people["boss@example.test"].pem()}); err != nil {
		t.Fatal(err)
	}
	a.join(t, ks, false)
	if ts := a.team(t); ts.Written != 1 {
		t.Fatalf("anna back in the team: %+v, want the one key imported meanwhile", ts)
	}
	if keys, _ := keyRecords(ks.records(), team.KindKey); keys[boss] != 1 {
		t.Fatalf("the key imported with records off: %d records", keys[boss])
	}
	quiet(t, a, b)
}

// runKeyQueuedMeanwhile: a key record Bob built but could not write (the
// connection was cut) is dropped when Anna publishes the same key first:
// his next pass reads hers and writes nothing.
func runKeyQueuedMeanwhile(t *testing.T, ks keysServer) {
	ctx := context.Background()
	_, people := bccPKI(t)
	a := newLaptop(t, "anna", ks.addr, ks.user, ks.pass, ks.opt)
	b := newLaptop(t, "bob", ks.addr, ks.user, ks.pass, ks.opt)
	converge(t, a, b)
	c := people["c@example.org"]
	for _, l := range []*laptop{a, b} {
		if _, err := l.s.sec.Certificates.Import(ctx, security.Input{Data: c.pem()}); err != nil {
			t.Fatal(err)
		}
	}
	acct, err := b.p.Store.AccountByName(ctx, "help")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := b.p.Store.TeamKeysToPublish(ctx, acct.ID)
	if err != nil || len(keys) != 1 {
		t.Fatalf("bob's keys to publish: %+v, %v", keys, err)
	}
	r := team.Record{Kind: team.KindKey, MessageID: team.NewMessageID(), Address: keys[0].Address, Format: keys[0].Format,
		Data: keys[0].Data, Fingerprint: keys[0].Fingerprint, Agent: "bob@example.test", At: time.Now().UTC()}
	raw, err := team.Build(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.p.Store.QueueTeamRecords(ctx, acct.ID, []store.TeamOutgoing{{MessageID: r.MessageID, Raw: raw, Kind: string(r.Kind),
		Root: store.TeamKeySubject(r.Format, r.Fingerprint), KeyQueueID: keys[0].QueueID}}); err != nil {
		t.Fatal(err)
	}
	if ts := a.team(t); ts.Written != 1 {
		t.Fatalf("anna: %+v", ts)
	}
	if ts := b.team(t); ts.Written != 0 {
		t.Fatalf("bob wrote %d records: his queued copy of the key anna published first", ts.Written)
	}
	if got, _ := keyRecords(ks.records(), team.KindKey); got[fpOf(c.cert)] != 1 {
		t.Fatalf("the key is in %d records", got[fpOf(c.cert)])
	}
	st, err := b.p.Store.TeamStatus(ctx)
	if err != nil || len(st.Accounts) != 1 || st.Accounts[0].QueuedChanges != 0 || st.Accounts[0].QueuedKeys != 0 {
		t.Fatalf("bob's team status: %+v, %v", st, err)
	}
}

func TestTeamKeyRepublishMemory(t *testing.T) { runKeyRepublish(t, memKeysServer(t)) }

func TestDovecotTeamKeyRepublish(t *testing.T) { runKeyRepublish(t, dovecotKeysServer(t)) }

func TestTeamKeyQueuedMeanwhileMemory(t *testing.T) { runKeyQueuedMeanwhile(t, memKeysServer(t)) }

func TestDovecotTeamKeyQueuedMeanwhile(t *testing.T) { runKeyQueuedMeanwhile(t, dovecotKeysServer(t)) }
