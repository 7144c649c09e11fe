package mailbox

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/mail/team/teamtest"
	"github.com/sealdesk/sealdesk/security"
)

const colleaguePass = "told by phone, not by mail"

// TestTeamBundleMemory: the bundle test on go-imap's memory server.
func TestTeamBundleMemory(t *testing.T) {
	srv := teamtest.NewServer(t)
	testTeamBundle(t, srv.Addr, srv.User, srv.Pass, TeamOptions{}, func() [][]byte {
		return folderMessages(t, srv.Admin(t), team.DefaultFolder)
	})
}

// TestDovecotTeamBundle: the bundle test on the harness's Dovecot.
func TestDovecotTeamBundle(t *testing.T) {
	ks := dovecotKeysServer(t)
	testTeamBundle(t, ks.addr, ks.user, ks.pass, ks.opt.Team, ks.messages)
}

// testTeamBundle: Anna leaves the helpdesk's OpenPGP key and S/MIME
// certificate in the team folder; Bob lists them, a wrong passphrase
// stores nothing, the right one imports both into his keychain, and he
// then reads mail encrypted to the helpdesk. Nothing but the encrypted
// bundles ever reaches the server.
func testTeamBundle(t *testing.T, addr, user, pass string, opt TeamOptions, folder func() [][]byte) {
	g := gpgtest.Get(t)
	ctx := context.Background()
	a := newLaptop(t, "anna", addr, user, pass, SyncOptions{Team: opt})
	b := newLaptop(t, "bob", addr, user, pass, SyncOptions{Team: opt})
	a.team(t)
	b.team(t)

	if _, err := a.s.sec.PGPKeys.Import(ctx, []byte(gpgtest.DeskPass), security.Input{Data: g.DeskSecret}); err != nil {
		t.Fatal(err)
	}
	certPEM, keyDER := deskCertificate(t)
	if _, err := a.s.sec.Certificates.Import(ctx, security.Input{Data: certPEM}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.sec.Certificates.ImportKey(ctx, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil); err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(certPEM)
	certFP := smime.Fingerprint(mustParseCert(t, blk.Bytes))

	pb, err := a.s.sec.PGPKeys.ExportBundle(ctx, g.Desk, []byte(colleaguePass))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.PublishBundle(ctx, "help", pb, opt); err != nil {
		t.Fatal(err)
	}
	cb, err := a.s.sec.Certificates.ExportBundle(ctx, certFP, []byte(colleaguePass))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.PublishBundle(ctx, "help", cb, opt); err != nil {
		t.Fatal(err)
	}

	// The team pass reads past bundles quietly: not skipped, not applied.
	if ts := b.team(t); len(ts.Skipped) != 0 || ts.Applied != 0 {
		t.Fatalf("team pass over bundles: %+v", ts)
	}
	list, err := b.s.TeamBundles(ctx, "help", opt)
	if err != nil || len(list) != 2 {
		t.Fatalf("bundles: %+v, %v", list, err)
	}
	if l := list[0]; l.Format != team.FormatOpenPGP || l.Fingerprint != g.Desk || l.Imported || l.Agent != "anna@example.test" ||
		len(l.Addresses) != 1 || l.Addresses[0] != gpgtest.DeskAddr {
		t.Fatalf("openpgp bundle listed as %+v", l)
	}
	if l := list[1]; l.Format != team.FormatPKCS12 || l.Fingerprint != certFP || l.Imported {
		t.Fatalf("pkcs12 bundle listed as %+v", l)
	}

	// Wrong passphrase: a clear error, nothing stored.
	if _, err := b.s.ImportTeamBundle(ctx, "help", list[0].UID, []byte("a wrong passphrase"), opt); !errors.Is(err, pgp.ErrWrongPassphrase) {
		t.Fatalf("openpgp, wrong passphrase: %v", err)
	}
	if _, err := b.s.ImportTeamBundle(ctx, "help", list[1].UID, []byte("a wrong passphrase"), opt); !errors.Is(err, smime.ErrWrongPassphrase) {
		t.Fatalf("pkcs12, wrong passphrase: %v", err)
	}
	if keys, _ := b.p.Store.PGPKeys(ctx); len(keys) != 0 {
		t.Fatalf("a failed import stored %d keys", len(keys))
	}
	if certs, _ := b.p.Store.Certificates(ctx); len(certs) != 0 {
		t.Fatalf("a failed import stored %d certificates", len(certs))
	}
	if _, err := b.s.ImportTeamBundle(ctx, "help", 1, []byte(colleaguePass), opt); err == nil {
		t.Fatal("a non-bundle UID was imported")
	}

	for _, l := range list {
		res, err := b.s.ImportTeamBundle(ctx, "help", l.UID, []byte(colleaguePass), opt)
		if err != nil || !res.Bundle.Imported {
			t.Fatalf("import %s: %+v, %v", l.Format, res, err)
		}
	}
	list, _ = b.s.TeamBundles(ctx, "help", opt)
	if len(list) != 2 || !list[0].Imported || !list[1].Imported {
		t.Fatalf("after import: %+v", list)
	}
	ins, err := b.s.sec.Processing.Inspect(ctx, g.Encrypted(t, "to the desk", false), security.InspectOptions{})
	if err != nil || !ins.Security.Encrypted || !ins.Security.Encryption.Success || !strings.Contains(ins.Text, "printer is on fire") {
		t.Fatalf("Bob reading mail to the helpdesk: %+v, %v", ins.Security, err)
	}

	// What the server holds: the records and the encrypted bundles only.
	for _, raw := range folder() {
		for _, bad := range [][]byte{
			[]byte("PRIVATE KEY-----"), []byte(colleaguePass), []byte(gpgtest.DeskPass),
			[]byte(base64.StdEncoding.EncodeToString(keyDER[:48])), keyDER[:48],
		} {
			if bytes.Contains(raw, bad) {
				t.Fatalf("the team folder holds %q:\n%s", bad, raw)
			}
		}
		if r, err := team.Parse(raw); err == nil && r.Kind == team.KindBundle && bytes.Contains(r.Bundle.Data, keyDER[:48]) {
			t.Fatal("a bundle holds the plain PKCS #8 key")
		}
	}
}

// folderMessages is every message of the team folder, read as the admin.
func folderMessages(t *testing.T, c *imapclient.Client, name string) [][]byte {
	t.Helper()
	if _, err := c.Select(name, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	section := &goimap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(goimap.SeqSet{goimap.SeqRange{Start: 1}}, &goimap.FetchOptions{BodySection: []*goimap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range msgs {
		out = append(out, m.FindBodySection(section))
	}
	if len(out) < 2 {
		t.Fatalf("the team folder holds %d messages", len(out))
	}
	return out
}

// deskCertificate is a self-signed S/MIME certificate of the helpdesk and
// its PKCS #8 key.
func deskCertificate(t *testing.T) ([]byte, []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "SealDesk Support"},
		EmailAddresses: []string{gpgtest.DeskAddr}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyDER
}

func mustParseCert(t *testing.T, der []byte) *x509.Certificate {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
