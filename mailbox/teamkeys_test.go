package mailbox

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/mail/team/teamtest"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// teamPGPKey is an OpenPGP key for addr, armored public and secret forms.
func teamPGPKey(t *testing.T, addr string) (pub, sec []byte, fp string) {
	t.Helper()
	e, err := openpgp.NewEntity("Customer", "", addr, &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	arm := func(kind string, f func(*bytes.Buffer) error) []byte {
		var b bytes.Buffer
		w, err := armor.Encode(&b, kind, nil)
		if err != nil {
			t.Fatal(err)
		}
		var raw bytes.Buffer
		if err := f(&raw); err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(raw.Bytes())
		_ = w.Close()
		return b.Bytes()
	}
	pub = arm(openpgp.PublicKeyType, func(b *bytes.Buffer) error { return e.Serialize(b) })
	sec = arm(openpgp.PrivateKeyType, func(b *bytes.Buffer) error { return e.SerializePrivate(b, nil) })
	return pub, sec, strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
}

// keyRecordRaw is a key record as another program might write it, without
// mail/team's checks.
func keyRecordRaw(mid, format string, data []byte, fp string) []byte {
	body, _ := json.Marshal(map[string]any{"address": "c@example.org", "format": format, "data": base64.StdEncoding.EncodeToString(data),
		"fingerprint": fp, "agent": "mallory@example.test", "at": "2026-06-02T10:00:00Z"})
	return []byte("From: mallory@example.test\r\nMessage-ID: <" + mid + ">\r\nX-SealDesk-Record: v1 key\r\n\r\n" + string(body))
}

func pendingByFP(t *testing.T, l *laptop) map[string]store.PendingKey {
	t.Helper()
	all, err := l.p.Store.PendingKeys(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.PendingKey{}
	for _, k := range all {
		out[strings.ToLower(k.Fingerprint)] = k
	}
	return out
}

func fpOf(c *x509.Certificate) string { return smime.Fingerprint(c) }

// runKeyDirectory is the shared key directory between laptops a and b
// (b accepts plain additions automatically, c does not); appendRaw puts
// messages into the team folder by hand.
func runKeyDirectory(t *testing.T, a, b, c *laptop, appendRaw func(...[]byte)) {
	ctx := context.Background()
	ca, people := bccPKI(t)
	ca2, others := bccPKI(t)
	// Bob trusts the CA; he holds a certificate for cc@example.org
	// already (another one, from another CA).
	for _, l := range []*laptop{b, c} {
		if _, err := l.s.sec.Certificates.Import(ctx, security.Input{Data: ca.pem()}, security.Input{Data: others["cc@example.org"].pem()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.p.Store.SetSetting(ctx, store.SettingTeamAutoAcceptKeys, "true"); err != nil {
		t.Fatal(err)
	}
	// Anna imports the customers' certificates, a CA certificate Bob
	// does not trust, a customer's OpenPGP key and a key of her own.
	if _, err := a.s.sec.Certificates.Import(ctx, security.Input{Data: ca.pem()}, security.Input{Data: ca2.pem()},
		security.Input{Data: people["c@example.org"].pem()}, security.Input{Data: people["cc@example.org"].pem()}); err != nil {
		t.Fatal(err)
	}
	pgpPub, _, pgpFP := teamPGPKey(t, "pgp@example.org")
	_, ownSec, ownFP := teamPGPKey(t, "desk@example.test")
	if _, err := a.s.sec.PGPKeys.Import(ctx, nil, security.Input{Data: pgpPub}, security.Input{Data: ownSec}); err != nil {
		t.Fatal(err)
	}
	if ts := a.team(t); ts.Written < 5 {
		t.Fatalf("anna wrote %d records, want her 5 public keys at least", ts.Written)
	}
	var published int
	if err := a.p.Store.DB().QueryRow(`SELECT COUNT(*) FROM team_keys WHERE fingerprint = ?`, ownFP).Scan(&published); err != nil || published != 0 {
		t.Fatalf("anna's own key (with its secret) was published: %d, %v", published, err)
	}

	for _, l := range []*laptop{b, c} {
		ts := l.team(t)
		if ts.Keys == nil {
			t.Fatalf("%s: no keys judged: %+v", l.name, ts)
		}
		got := pendingByFP(t, l)
		leaf, change, ca2p, pk := got[fpOf(people["c@example.org"].cert)], got[fpOf(people["cc@example.org"].cert)], got[fpOf(ca2.cert)], got[strings.ToLower(pgpFP)]
		for name, k := range map[string]store.PendingKey{"leaf": leaf, "key change": change, "CA": ca2p, "OpenPGP": pk} {
			if k.ID == 0 || k.Origin != store.OriginTeam || k.OriginAgent != "anna@example.test" || k.OriginAgentName != "anna" {
				t.Fatalf("%s: %s: %+v", l.name, name, k)
			}
		}
		if _, held := got[fpOf(ca.cert)]; held {
			t.Fatalf("%s: the CA it holds was offered again", l.name)
		}
		if !change.KeyChange || change.Status != store.PendingOpen {
			t.Fatalf("%s: the key change: %+v", l.name, change)
		}
		if ca2p.Status != store.PendingOpen || pk.Status != store.PendingOpen {
			t.Fatalf("%s: CA %s, OpenPGP %s: want both waiting", l.name, ca2p.Status, pk.Status)
		}
		wantLeaf := store.PendingOpen
		if l == b {
			wantLeaf = store.PendingAccepted
		}
		if leaf.Status != wantLeaf {
			t.Fatalf("%s: the plain addition is %s, want %s", l.name, leaf.Status, wantLeaf)
		}
		if _, err := l.p.Store.Certificate(ctx, fpOf(ca2.cert)); err == nil {
			t.Fatalf("%s: the CA certificate became trusted", l.name)
		}
	}
	if _, err := b.p.Store.Certificate(ctx, fpOf(people["c@example.org"].cert)); err != nil {
		t.Fatalf("bob: the accepted certificate is not in his store: %v", err)
	}

	// Records written by hand: one carrying a secret key, one whose key
	// does not parse, one that is no JSON.
	_, bobSec, bobFP := teamPGPKey(t, "x@example.org")
	block, _ := armor.Decode(bytes.NewReader(bobSec))
	var secBin bytes.Buffer
	_, _ = secBin.ReadFrom(block.Body)
	junk := []byte{0xc6, 0x03, 4, 0, 0} // a public-key packet with a body no engine reads
	appendRaw(
		keyRecordRaw("secret@x", team.FormatOpenPGP, secBin.Bytes(), bobFP),
		keyRecordRaw("junk@x", team.FormatOpenPGP, junk, strings.Repeat("AB", 20)),
		[]byte("Message-ID: <nojson@x>\r\nX-SealDesk-Record: v1 key\r\n\r\n{\"format\":"),
	)
	before := len(pendingByFP(t, c))
	ts := c.team(t)
	if len(ts.Skipped) != 2 {
		t.Fatalf("skipped %+v, want the secret and the bad JSON", ts.Skipped)
	}
	if ts.Keys == nil || len(ts.Keys.Ignored) != 1 || len(ts.Keys.Offered) != 0 {
		t.Fatalf("keys: %+v, want the unparsable one ignored", ts.Keys)
	}
	if after := len(pendingByFP(t, c)); after != before {
		t.Fatalf("pending %d -> %d", before, after)
	}
	logs, err := c.p.Store.Log(ctx, store.LogQuery{Operation: "verify", Search: "team key record"})
	if err != nil || len(logs) != 1 || logs[0].Status != "failed" {
		t.Fatalf("log: %+v, %v", logs, err)
	}
}

// TestTeamKeyDirectoryMemory: the shared key directory on go-imap's memory
// server.
func TestTeamKeyDirectoryMemory(t *testing.T) {
	srv := teamtest.NewServer(t)
	a := newLaptop(t, "anna", srv.Addr, srv.User, srv.Pass, SyncOptions{})
	b := newLaptop(t, "bob", srv.Addr, srv.User, srv.Pass, SyncOptions{})
	c := newLaptop(t, "carl", srv.Addr, srv.User, srv.Pass, SyncOptions{})
	converge(t, a, b, c)
	runKeyDirectory(t, a, b, c, func(raws ...[]byte) { srv.Append(t, team.DefaultFolder, raws...) })
}

// TestDovecotTeamKeyDirectory: the same against the harness's Dovecot;
// skipped unless run through scripts/with-services.sh.
func TestDovecotTeamKeyDirectory(t *testing.T) {
	ks := dovecotKeysServer(t)
	a := newLaptop(t, "anna", ks.addr, ks.user, ks.pass, ks.opt)
	b := newLaptop(t, "bob", ks.addr, ks.user, ks.pass, ks.opt)
	c := newLaptop(t, "carl", ks.addr, ks.user, ks.pass, ks.opt)
	converge(t, a, b, c)
	runKeyDirectory(t, a, b, c, ks.appendRaw)
}
