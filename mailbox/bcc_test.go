package mailbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/internal/sealtest"
	"github.com/sealdesk/sealdesk/mail/smtp"
	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// person is a test S/MIME identity.
type person struct {
	addr string
	cert *x509.Certificate
	key  *rsa.PrivateKey
}

func (p person) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.cert.Raw})
}

func (p person) keyPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(p.key)})
}

// bccPKI is a CA and the desk plus four correspondents, valid now.
func bccPKI(t *testing.T) (ca person, people map[string]person) {
	t.Helper()
	now := time.Now()
	mk := func(serial int64, tmpl *x509.Certificate, parent *person) person {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = big.NewInt(serial), now.Add(-time.Hour), now.AddDate(1, 0, 0)
		issuer, signer := tmpl, key
		if parent != nil {
			issuer, signer = parent.cert, parent.key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, &key.PublicKey, signer)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return person{cert: c, key: key}
	}
	ca = mk(1, &x509.Certificate{Subject: pkix.Name{CommonName: "Bcc Test CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, nil)
	people = map[string]person{}
	for i, a := range []string{"desk@example.test", "c@example.org", "cc@example.org", "boss@example.test", "audit@example.test"} {
		p := mk(int64(10+i), &x509.Certificate{Subject: pkix.Name{CommonName: a}, EmailAddresses: []string{a},
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}, &ca)
		p.addr = a
		people[a] = p
	}
	return ca, people
}

// newSMIMESender is newSender with the desk's S/MIME key and the
// correspondents' certificates imported.
func newSMIMESender(t *testing.T, opts smtptest.Options) (*sender, *smtptest.Server, map[string]person) {
	t.Helper()
	sd, srv := newSender(t, opts)
	ctx := context.Background()
	ca, people := bccPKI(t)
	in := []security.Input{{Data: ca.pem()}}
	for _, p := range people {
		in = append(in, security.Input{Data: p.pem()})
	}
	if _, err := sd.sec.Certificates.Import(ctx, in...); err != nil {
		t.Fatal(err)
	}
	if _, err := sd.sec.Certificates.ImportKey(ctx, people["desk@example.test"].keyPEM(), nil); err != nil {
		t.Fatal(err)
	}
	return sd, srv, people
}

const bccMail = "From: Desk <desk@example.test>\nTo: Customer <c@example.org>\nCc: cc@example.org\n" +
	"Bcc: Boss <boss@example.test>, audit@example.test, c@example.org\nSubject: Re: Printer\nMessage-ID: <bcc@example.test>\n\nIt is fixed.\n"

// assertNamesOnlyEnvelope checks that the S/MIME message names (in its
// RecipientInfos) exactly its envelope's recipients and the desk.
func assertNamesOnlyEnvelope(t *testing.T, m smtptest.Message, people map[string]person) {
	t.Helper()
	var named []string
	for _, r := range sealtest.SMIMERecipients(t, m.Data) {
		who := "someone unknown"
		for a, p := range people {
			if r.Is(p.cert) {
				who = a
			}
		}
		named = append(named, who)
	}
	want := append(slices.Clone(m.To), "desk@example.test")
	slices.Sort(named)
	slices.Sort(want)
	if !slices.Equal(named, want) {
		t.Errorf("the copy for %v names %v, want %v", m.To, named, want)
	}
	if bytes.Contains(bytes.ToLower(m.Data), []byte("\nbcc:")) || bytes.Contains(m.Data, []byte("boss@")) || bytes.Contains(m.Data, []byte("audit@")) {
		t.Errorf("the copy for %v shows a Bcc recipient", m.To)
	}
}

// TestEncryptedBccCopies: every copy delivered over SMTP names (in its
// CMS RecipientInfos) only the recipients of its envelope and the desk;
// each Bcc recipient gets a copy of their own, which OpenSSL decrypts with
// their key; the copy in Sent is the main one (issue 11, item 8: before,
// one message encrypted to all named the Bcc recipients to everyone).
func TestEncryptedBccCopies(t *testing.T) {
	ctx := context.Background()
	sd, srv, people := newSMIMESender(t, smtptest.Options{})
	res, err := sd.Send(ctx, SendInput{Raw: []byte(bccMail), Sign: true, Encrypt: true, Technology: "smime"})
	if err != nil || res.Status != store.OutboxSent {
		t.Fatalf("send: %+v, %v", res, err)
	}
	msgs := srv.Messages()
	var envelopes []string
	for _, m := range msgs {
		envelopes = append(envelopes, strings.Join(m.To, ","))
		assertNamesOnlyEnvelope(t, m, people)
	}
	// The Bcc copies first, the main message last (see outbox.go).
	if strings.Join(envelopes, " ") != "boss@example.test audit@example.test c@example.org,cc@example.org" {
		t.Fatalf("envelopes %q", envelopes)
	}
	if len(sd.sent.appended) != 1 || !bytes.Equal(sd.sent.appended[0], msgs[2].Data) {
		t.Fatal("the copy in Sent is not the main message")
	}
	if it := sd.row(t, res.OutboxID); strings.Join(it.Recipients, ",") != "c@example.org,cc@example.org,boss@example.test,audit@example.test" {
		t.Fatalf("the outbox row's envelope: %v", it.Recipients)
	}
	opensslDecrypts(t, msgs[0].Data, people["boss@example.test"], "It is fixed.")
}

// opensslDecrypts has OpenSSL decrypt raw with p's key.
func opensslDecrypts(t *testing.T, raw []byte, p person, want string) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Log("openssl is not installed: skipping the interop check")
		return
	}
	dir := t.TempDir()
	files := map[string][]byte{"msg.eml": raw, "cert.pem": p.pem(), "key.pem": p.keyPEM()}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command("openssl", "cms", "-decrypt", "-in", filepath.Join(dir, "msg.eml"),
		"-recip", filepath.Join(dir, "cert.pem"), "-inkey", filepath.Join(dir, "key.pem")).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte(want)) {
		t.Fatalf("openssl cms -decrypt for %s: %v\n%s", p.addr, err, out)
	}
}

// TestBccCopyRefusedThenRetried: the server refuses one Bcc copy's
// recipient for now. The copy accepted before it is recorded and never
// sent again; the retry sends the refused copy and then the main message.
func TestBccCopyRefusedThenRetried(t *testing.T) {
	ctx := context.Background()
	var refuse atomic.Bool // read by the server's goroutine
	refuse.Store(true)
	sd, srv, people := newSMIMESender(t, smtptest.Options{Rcpt: func(addr string) error {
		if addr == "audit@example.test" && refuse.Load() {
			return smtptest.Temporary
		}
		return nil
	}})
	res, err := sd.Send(ctx, SendInput{Raw: []byte(bccMail), Sign: true, Encrypt: true, Technology: "smime"})
	var ns *NotSentError
	var re *smtp.RecipientError
	if !errors.As(err, &ns) || !errors.As(err, &re) || re.Addr != "audit@example.test" || res.Status != store.OutboxQueued {
		t.Fatalf("send: %+v, %v", res, err)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].To[0] != "boss@example.test" || len(sd.sent.appended) != 0 {
		t.Fatalf("first attempt delivered %d messages", len(msgs))
	}
	refuse.Store(false)
	sd.at = sd.at.Add(time.Minute)
	if sum, err := sd.FlushOutbox(ctx); err != nil || len(sum.Results) != 1 || sum.Results[0].Status != store.OutboxSent {
		t.Fatalf("retry: %+v, %v", sum, err)
	}
	var envelopes []string
	for _, m := range srv.Messages() {
		envelopes = append(envelopes, strings.Join(m.To, ","))
		assertNamesOnlyEnvelope(t, m, people)
	}
	if strings.Join(envelopes, " ") != "boss@example.test audit@example.test c@example.org,cc@example.org" {
		t.Fatalf("delivered %q: a copy went twice or not at all", envelopes)
	}
}

// TestSignedOnlyBccIsOneMessage: a signature names no recipient, so a
// signed-only message goes once to everyone, without its Bcc field.
func TestSignedOnlyBccIsOneMessage(t *testing.T) {
	ctx := context.Background()
	sd, srv, _ := newSMIMESender(t, smtptest.Options{})
	res, err := sd.Send(ctx, SendInput{Raw: []byte(bccMail), Sign: true, Technology: "smime"})
	if err != nil || res.Status != store.OutboxSent {
		t.Fatalf("send: %+v, %v", res, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "c@example.org,cc@example.org,boss@example.test,audit@example.test" {
		t.Fatalf("server got %+v", msgs)
	}
	if bytes.Contains(bytes.ToLower(msgs[0].Data), []byte("\nbcc:")) || bytes.Contains(msgs[0].Data, []byte("boss@")) || bytes.Contains(msgs[0].Data, []byte("audit@")) {
		t.Fatalf("the signed message shows a Bcc recipient:\n%s", msgs[0].Data)
	}
	in, err := sd.sec.Processing.Inspect(ctx, msgs[0].Data, security.InspectOptions{})
	if err != nil || !in.Security.Sign.Success {
		t.Fatalf("signature: %+v, %v", in.Security.Sign, err)
	}
}

func TestTooManyRecipients(t *testing.T) {
	sd, srv := newSender(t, smtptest.Options{})
	var to []string
	for range smtp.MaxRecipients + 1 {
		to = append(to, fmt.Sprintf("r%d@example.org", len(to)))
	}
	raw := "From: desk@example.test\nTo: c@example.org\nBcc: " + strings.Join(to, ", ") + "\nSubject: many\n\nx\n"
	if _, err := sd.Send(context.Background(), SendInput{Raw: []byte(raw)}); !errors.Is(err, smtp.ErrTooManyRecipients) {
		t.Fatalf("send: %v", err)
	}
	if items, _ := sd.p.OutboxItems(context.Background()); len(items) != 0 || srv.Attempts() != 0 {
		t.Fatal("a message over the limit was queued")
	}
}
