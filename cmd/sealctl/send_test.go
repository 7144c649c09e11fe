package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/internal/testenv"
	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
)

// TestSendContract runs sealctl send against an in-process submission
// server: exit codes, the outbox and the retry of a message left in it.
func TestSendContract(t *testing.T) {
	memoryKeychain(t)
	fail := true
	srv := smtptest.Start(t, smtptest.Options{Username: "agent", Password: "pw", Data: func(int, smtptest.Message) error {
		if fail {
			return smtptest.Temporary
		}
		return nil
	}})
	c := ctl{t, t.TempDir()}
	pw := writeFile(t, "pw", []byte("pw\n"))
	msg := writeFile(t, "m.eml", []byte("From: Desk <desk@example.test>\nTo: c@example.org\nSubject: hello\n\nHi.\n"))
	c.run(exitFailed, "send", msg) // no account yet
	c.run(exitOK, "account", "add", "one", "--imap", "127.0.0.1:1", "--tls", "none", "--user", "agent", "--password-file", pw,
		"--smtp", "smtp://"+srv.Addr, "--smtp-tls", "none")
	c.run(exitIO, "send", filepath.Join(t.TempDir(), "missing.eml"))
	c.run(exitNotFound, "send", msg, "--account", "nope")
	c.run(exitUsage, "send", msg, "--type", "rot13")
	out := c.run(exitFailed, "send", msg)
	if !strings.Contains(out, "queued <") || !strings.Contains(out, "451") || !strings.Contains(out, "stays in the outbox") {
		t.Fatalf("temporary failure:\n%s", out)
	}
	fail = false
	// Not due yet (30 s backoff): the next send does not retry it.
	out = c.run(exitOK, "send", msg)
	if strings.Contains(out, "queued earlier") || !strings.Contains(out, "sent <") || len(srv.Messages()) != 1 {
		t.Fatalf("second send:\n%s", out)
	}
	c.run(exitOK, "account", "add", "two", "--imap", "127.0.0.1:1", "--tls", "none", "--user", "agent", "--password-file", pw)
	if out := c.run(exitFailed, "send", msg); !strings.Contains(out, "--account") {
		t.Fatalf("two accounts: %s", out)
	}
	if out := c.run(exitFailed, "send", msg, "--account", "two"); !strings.Contains(out, "no SMTP server") {
		t.Fatalf("account without SMTP: %s", out)
	}
}

// smimeRecipient makes a CA and a certificate with its key for addr
// (valid around corpusNow), as PEM files in dir.
func smimeRecipient(t *testing.T, dir, addr string) (caFile, certFile, keyFile string) {
	t.Helper()
	newKey := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey, key := newKey(), newKey()
	from, to := corpusNow.AddDate(-1, 0, 0), corpusNow.AddDate(3, 0, 0)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Send Test CA"}, NotBefore: from, NotAfter: to,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: addr}, EmailAddresses: []string{addr},
		NotBefore: from, NotAfter: to, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	write := func(name, typ string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("rcpt.pem", "CERTIFICATE", der), write("rcpt.key", "PRIVATE KEY", keyDER)
}

// sendingAccount adds the harness's agent@ with IMAP and submission.
func sendingAccount(t *testing.T, c ctl) (user, rcpt, rpass string) {
	imapAddr, sub := testenv.IMAP(t), testenv.Submission(t)
	user, pass := testenv.MailUser(t)
	rcpt, rpass = testenv.MailUser2(t)
	c.run(exitOK, "account", "add", "desk", "--imap", imapAddr, "--tls", "none", "--user", user,
		"--password-file", writeFile(t, "pw", []byte(pass)), "--smtp", "smtp://"+sub, "--smtp-tls", "none")
	return user, rcpt, rpass
}

// fetchByID waits (bounded) for the message with this Message-ID in the
// user's folder and returns it raw.
func fetchByID(t *testing.T, user, pass, folder, mid string) []byte {
	t.Helper()
	c := testenv.IMAPClient(t, user, pass, nil)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := c.Select(folder, nil).Wait(); err != nil {
			t.Fatal(err)
		}
		res, err := c.UIDSearch(&goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: mid}}}, nil).Wait()
		if err != nil {
			t.Fatal(err)
		}
		if uids := res.AllUIDs(); len(uids) > 0 {
			msgs, err := c.Fetch(goimap.UIDSetNum(uids[0]), &goimap.FetchOptions{BodySection: []*goimap.FetchItemBodySection{{Peek: true}}}).Collect()
			if err != nil || len(msgs) != 1 {
				t.Fatalf("fetch <%s>: %v", mid, err)
			}
			return msgs[0].FindBodySection(&goimap.FetchItemBodySection{Peek: true})
		}
		if time.Now().After(deadline) {
			t.Fatalf("<%s> did not arrive in %s of %s", mid, folder, user)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// sentOnceAfterSync checks the copy in Sent and that a sync stores the
// outgoing article once.
func sentOnceAfterSync(t *testing.T, c ctl, user, mid string) {
	t.Helper()
	_, pass := testenv.MailUser(t)
	fetchByID(t, user, pass, "Sent", mid)
	c.run(exitOK, "sync", "--once")
	mine, seen := ticketsOf(t, c, mid)
	if seen[mid] != 1 || len(mine) != 1 {
		t.Fatalf("<%s> is stored %d times after sync", mid, seen[mid])
	}
	for _, a := range mine[0].Articles {
		if a.MessageID == mid && a.Direction != "out" {
			t.Fatalf("the sent article is %+v", a)
		}
	}
}

func TestSendSMIMEThroughSubmission(t *testing.T) {
	corpus := corpusDir(t)
	memoryKeychain(t)
	c := ctl{t, t.TempDir()}
	user, rcpt, rpass := sendingAccount(t, c)
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not on PATH")
	}
	dir := t.TempDir()
	ca, cert, key := smimeRecipient(t, dir, rcpt)
	pass := writeFile(t, "nss", []byte("nss\n"))
	c.run(exitOK, "cert", "import", filepath.Join(corpus, "smime", "TestCA.pem"), ca, cert)
	c.run(exitOK, "cert", "key", filepath.Join(corpus, "smime", "Alice.p12"), "--passphrase-file", pass)
	mid := "smime-" + tag() + "@example.com"
	eml := writeFile(t, "out.eml", rawMessage("Alice <alice@example.com>", rcpt, "sealed reply", mid, "", "The certificate is renewed."))
	out := c.run(exitOK, "send", eml, "--sign", "--encrypt", "--type", "smime")
	for _, want := range []string{"sent <" + mid + ">", "signed as alice@example.com (S/MIME)", "encrypted (S/MIME) to " + rcpt, "copy saved in Sent"} {
		if !strings.Contains(out, want) {
			t.Fatalf("send output lacks %q:\n%s", want, out)
		}
	}
	arrived := writeFile(t, "arrived.eml", fetchByID(t, rcpt, rpass, "INBOX", mid))
	dec, err := exec.Command("openssl", "cms", "-decrypt", "-in", arrived, "-recip", cert, "-inkey", key).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl cms -decrypt: %v\n%s", err, dec)
	}
	ver, err := exec.Command("openssl", "cms", "-verify", "-in", writeFile(t, "dec.eml", dec),
		"-CAfile", filepath.Join(corpus, "smime", "TestCA.pem")).CombinedOutput()
	if err != nil || !strings.Contains(string(ver), "The certificate is renewed.") {
		t.Fatalf("openssl cms -verify: %v\n%s", err, ver)
	}
	sentOnceAfterSync(t, c, user, mid)
}

func TestSendPGPThroughSubmission(t *testing.T) {
	c, g, _ := pgpCtl(t)
	user, rcpt, rpass := sendingAccount(t, c)
	// The recipient's own GnuPG home, with a key for its address.
	home := t.TempDir()
	gpg := func(stdin []byte, args ...string) []byte {
		cmd := exec.Command("gpg", append([]string{"--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
		if stdin != nil {
			cmd.Stdin = strings.NewReader(string(stdin))
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("gpg %v: %v\n%s", args, err, out)
		}
		return out
	}
	t.Cleanup(func() { _ = exec.Command("gpgconf", "--homedir", home, "--kill", "gpg-agent").Run() })
	gpg(nil, "--quick-gen-key", "Helpdesk <"+rcpt+">", "future-default", "default", "never")
	gpg(g.DeskPublic, "--import")
	public := gpg(nil, "--armor", "--export", rcpt)
	c.run(exitOK, "pgp", "import", c.file("desk.asc", g.DeskSecret), c.file("rcpt.asc", public),
		"--passphrase-file", c.file("p", []byte(gpgtest.DeskPass)))
	mid := "pgp-" + tag() + "@example.test"
	eml := c.file("out.eml", []byte("From: SealDesk Support <"+gpgtest.DeskAddr+">\r\nTo: "+rcpt+"\r\nSubject: your ticket\r\nMessage-ID: <"+mid+
		">\r\n\r\nThe printer is fixed.\r\n"))
	out := c.run(exitOK, "send", eml, "--sign", "--encrypt", "--type", "pgp")
	if !strings.Contains(out, "sent <"+mid+">") || !strings.Contains(out, "(PGP)") {
		t.Fatalf("send output:\n%s", out)
	}
	payload := encryptedPayload(t, fetchByID(t, rcpt, rpass, "INBOX", mid))
	dec := gpg(payload, "--status-fd", "1", "--decrypt")
	if !strings.Contains(string(dec), "The printer is fixed.") || !strings.Contains(string(dec), "GOODSIG") {
		t.Fatalf("gpg --decrypt:\n%s", dec)
	}
	sentOnceAfterSync(t, c, user, mid)
}
