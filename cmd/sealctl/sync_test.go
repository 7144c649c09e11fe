package main

// sealctl account/sync/tickets/retry against the harness's real Dovecot;
// skipped unless run through scripts/with-services.sh. Dovecot's INBOX is
// shared with other packages' tests, so every check looks only at this
// test's own Message-IDs.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/internal/testenv"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

func tag() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// rawMessage builds a message with the given Message-ID and extra header
// lines (In-Reply-To …).
func rawMessage(from, to, subject, mid, extra, body string) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\n%sMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", from, to, subject, clock().Format(time.RFC1123Z), mid, extra, body))
}

// ticketsOf returns the tickets holding any of mids, and how many times
// each of mids appears across all tickets.
func ticketsOf(t *testing.T, c ctl, mids ...string) ([]ticketJSON, map[string]int) {
	t.Helper()
	var all []ticketJSON
	if err := json.Unmarshal([]byte(c.run(exitOK, "tickets", "--json")), &all); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, m := range mids {
		want[m] = true
	}
	var mine []ticketJSON
	seen := map[string]int{}
	for _, tk := range all {
		hit := false
		for _, a := range tk.Articles {
			if want[a.MessageID] {
				seen[a.MessageID]++
				hit = true
			}
		}
		if hit {
			mine = append(mine, tk)
		}
	}
	return mine, seen
}

func TestSyncThroughSealctl(t *testing.T) {
	imapAddr := testenv.IMAP(t)
	lmtp := testenv.LMTP(t)
	user, pass := testenv.MailUser(t)
	corpus := corpusDir(t)
	memoryKeychain(t)

	// A signed mail from Alice, made by a sender profile of its own.
	sender := ctl{t, t.TempDir()}
	nss := writeFile(t, "nss", []byte("nss"))
	sender.run(exitOK, "cert", "import", filepath.Join(corpus, "smime", "TestCA.pem"))
	sender.run(exitOK, "cert", "key", filepath.Join(corpus, "smime", "Alice.p12"), "--passphrase-file", nss)
	id := tag()
	plainID, signedID, replyID, laterID := "plain-"+id+"@example.org", "signed-"+id+"@example.com", "reply-"+id+"@example.org", "later-"+id+"@example.org"
	toSign := writeFile(t, "sign.eml", rawMessage("Alice <alice@example.com>", user, "Signed request "+id, signedID, "", "Please renew my certificate."))
	signed := sender.run(exitOK, "seal", "--type", "smime", "--sign", toSign)

	for _, m := range [][]byte{
		rawMessage("Customer <customer@example.org>", user, "Printer on fire "+id, plainID, "", "Help."),
		[]byte(signed),
		// Threaded by In-Reply-To alone: the subject says nothing.
		rawMessage("Customer <customer@example.org>", user, "one more thing", replyID, "In-Reply-To: <"+plainID+">\r\n", "It is still burning."),
	} {
		testenv.LMTPDeliver(t, lmtp, user, m)
	}

	c := ctl{t, t.TempDir()}
	pw := writeFile(t, "pw", []byte(pass+"\n"))
	c.run(exitUsage, "account", "add", "help", "--imap", "imap://example.org:143", "--tls", "none", "--user", user, "--password-file", pw)
	c.run(exitOK, "account", "add", "help", "--imap", "imap://"+imapAddr, "--tls", "none", "--user", user, "--password-file", pw)
	var accounts []store.Account
	if err := json.Unmarshal([]byte(c.run(exitOK, "account", "list", "--json")), &accounts); err != nil || len(accounts) != 1 || accounts[0].Username != user {
		t.Fatalf("account list: %+v, %v", accounts, err)
	}

	out := c.run(exitOK, "sync", "--once")
	if !strings.Contains(out, "help: ") || !strings.Contains(out, "INBOX:") {
		t.Errorf("sync output:\n%s", out)
	}
	mine, seen := ticketsOf(t, c, plainID, signedID, replyID)
	if len(mine) != 2 || seen[plainID] != 1 || seen[signedID] != 1 || seen[replyID] != 1 {
		t.Fatalf("want 2 tickets holding each message once, got %d tickets, %v:\n%+v", len(mine), seen, mine)
	}
	var signedArt articleJSON
	for _, tk := range mine {
		switch {
		case tk.Articles[0].MessageID == plainID:
			if len(tk.Articles) != 2 || tk.Articles[1].MessageID != replyID || tk.Subject != "Printer on fire "+id || tk.State != "open" {
				t.Errorf("the reply is not threaded into the first ticket: %+v", tk)
			}
			if a := tk.Articles[0]; a.Direction != "in" || !strings.Contains(a.From, "customer@example.org") || a.Security.Signed {
				t.Errorf("plain article: %+v", a)
			}
		case tk.Articles[0].MessageID == signedID:
			signedArt = tk.Articles[0]
		}
	}
	if r := signedArt.Security; !r.Signed || r.Sign.Success || r.Type != "S/MIME" {
		t.Fatalf("signed article before the CA is known: %+v", r)
	}

	// A second pass adds nothing; a new delivery appears on the next one.
	c.run(exitOK, "sync", "--once")
	if mine, seen = ticketsOf(t, c, plainID, signedID, replyID); len(mine) != 2 || len(seen) != 3 || seen[plainID]+seen[signedID]+seen[replyID] != 3 {
		t.Fatalf("second pass duplicated: %v", seen)
	}
	testenv.LMTPDeliver(t, lmtp, user, rawMessage("Customer <customer@example.org>", user, "Re: [Ticket#99999999] later", laterID,
		"References: <"+signedID+">\r\n", "Any news?"))
	c.run(exitOK, "sync", "--once", "--account", "help")
	mine, seen = ticketsOf(t, c, signedID, laterID)
	if len(mine) != 1 || seen[laterID] != 1 || len(mine[0].Articles) != 2 {
		t.Fatalf("the later reply: %v, %+v", seen, mine)
	}

	// The CA arrives without the re-check an import runs (as if that
	// import was cut off after its commit): retry --all fixes the article.
	if out := c.run(exitOK, "retry", fmt.Sprint(signedArt.ID)); !strings.Contains(out, "unchanged") {
		t.Fatalf("retry of one article without the CA: %s", out)
	}
	addCertificate(t, c.dir, filepath.Join(corpus, "smime", "TestCA.pem"))
	// At least this article changed; the mailbox is shared with other
	// tests (and earlier runs), whose signed mail the CA may fix too.
	if out := c.run(exitOK, "retry", "--all"); !regexp.MustCompile(`\b[1-9][0-9]* changed`).MatchString(out) {
		t.Fatalf("retry --all: %s", out)
	}
	mine, _ = ticketsOf(t, c, signedID)
	if r := mine[0].Articles[0].Security; !r.Sign.Success {
		t.Fatalf("signed article after retry: %+v", r)
	}
	c.run(exitNotFound, "retry", "999999")
	c.run(exitUsage, "retry")
	c.run(exitNotFound, "sync", "--once", "--account", "nope")

	// A wrong password is exit 1 with the IMAP error that says so.
	bad := writeFile(t, "bad", []byte("wrong"))
	c.run(exitOK, "account", "add", "help", "--imap", imapAddr, "--tls", "none", "--user", user, "--password-file", bad)
	if out := c.run(exitFailed, "sync", "--once"); !strings.Contains(out, "wrong user name or password") {
		t.Fatalf("wrong password: %s", out)
	}
}

// addCertificate stores a certificate straight into the profile's store.
func addCertificate(t *testing.T, dir string, pemFile string) {
	t.Helper()
	block, _ := pem.Decode(mustRead(t, pemFile))
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Open(context.Background(), profile.Options{Dir: dir, Keychain: newKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sum := sha256.Sum256(cert.Raw)
	_, _, err = p.Store.AddCertificates(context.Background(), []store.Certificate{{
		Fingerprint: hex.EncodeToString(sum[:]), Subject: cert.Subject.String(), Issuer: cert.Issuer.String(),
		Serial: cert.SerialNumber.Text(16), NotBefore: cert.NotBefore.UTC().Format(time.RFC3339),
		NotAfter: cert.NotAfter.UTC().Format(time.RFC3339), IsCA: cert.IsCA, DER: cert.Raw,
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRealKeychainAccount keeps the account password in the harness's
// gnome-keyring and syncs with it.
func TestRealKeychainAccount(t *testing.T) {
	if os.Getenv("SEALDESK_TEST_KEYRING") != "1" {
		t.Skip("SEALDESK_TEST_KEYRING is not 1: no Secret Service to test against")
	}
	imapAddr := testenv.IMAP(t)
	user, pass := testenv.MailUser2(t)
	c := ctl{t, t.TempDir()}
	pw := writeFile(t, "pw", []byte(pass))
	c.run(exitOK, "account", "add", "desk", "--imap", imapAddr, "--tls", "none", "--user", user, "--password-file", pw)
	p, err := profile.Open(context.Background(), profile.Options{Dir: c.dir})
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Keys.Get(mailbox.PasswordItem("desk"))
	p.Close()
	if err != nil || string(got) != pass {
		t.Fatalf("password in the Secret Service: %v", err)
	}
	if out := c.run(exitOK, "sync", "--once"); !strings.Contains(out, "desk: ") {
		t.Fatalf("sync: %s", out)
	}
}
