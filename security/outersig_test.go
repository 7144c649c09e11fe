package security

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/mail/mime"
	"github.com/sealdesk/sealdesk/store"
)

// outerSigner makes the signatures around Alice's PGP/MIME mail: OpenSSL
// with an S/MIME certificate for her address from the test root (valid
// now: the OpenPGP fixture runs on the real clock), and GnuPG with her
// OpenPGP key.
type outerSigner struct {
	g   *gpgtest.Fixture
	dir string
}

func newOuterSigner(t *testing.T) (*outerSigner, *fixture) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not on PATH")
	}
	g, f, _ := deskReadsAlice(t)
	p := getPKI(t)
	mustImport(t, f, p.root.certPEM())
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	cert := ident{mkCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: "Alice"}, EmailAddresses: []string{gpgtest.AliceAddr},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(0, 1, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}, &p.root, key), key}
	s := &outerSigner{g: g, dir: t.TempDir()}
	for name, b := range map[string][]byte{"alice.pem": cert.certPEM(), "alice.key": cert.keyPEM(t)} {
		if err := os.WriteFile(filepath.Join(s.dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return s, f
}

// smime signs entity with `openssl smime -sign` and flags, and returns the
// message as a mail server delivers it (CRLF line ends).
func (s *outerSigner) smime(t *testing.T, entity, flags string) []byte {
	t.Helper()
	in := filepath.Join(s.dir, "entity")
	if err := os.WriteFile(in, []byte(entity), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", "openssl smime -sign "+flags+" -in entity -signer alice.pem -inkey alice.key")
	cmd.Dir = s.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	out = bytes.ReplaceAll(bytes.ReplaceAll(out, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	hdr := "From: Alice <" + gpgtest.AliceAddr + ">\r\nTo: " + gpgtest.DeskAddr + "\r\nSubject: signed outside\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n"
	return append([]byte(hdr), out...)
}

// TestSignatureOutsideTheEncryption: a signature around a whole PGP/MIME
// encryption, S/MIME (detached, opaque, or over LF line ends) or OpenPGP,
// is the article's outer signature, never its signature: the inner part is
// decrypted and shown, the article is signed exactly when the encryption
// holds a signature of its own. Beside another part nothing changes: the
// signature is the message's and the encrypted part is not opened
// (issue 12).
func TestSignatureOutsideTheEncryption(t *testing.T) {
	s, f := newOuterSigner(t)
	signedInside, unsigned := s.g.EncryptedPart(t, true), s.g.EncryptedPart(t, false)
	mixed := "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n--m\r\n" + unsigned + "\r\n--m--\r\n"
	type want struct {
		outer       verdict.Technology // "": no outer signature (a near miss)
		tech        verdict.Technology
		signed, enc bool
	}
	for _, c := range []struct {
		name  string
		build func(t *testing.T) []byte
		want  want
	}{
		{"S/MIME detached, signed inside", func(t *testing.T) []byte { return s.smime(t, signedInside, "") }, want{verdict.TechSMIME, verdict.TechPGP, true, true}},
		{"S/MIME detached, unsigned inside", func(t *testing.T) []byte { return s.smime(t, unsigned, "") }, want{verdict.TechSMIME, verdict.TechPGP, false, true}},
		{"S/MIME opaque", func(t *testing.T) []byte { return s.smime(t, unsigned, "-nodetach") }, want{verdict.TechSMIME, verdict.TechPGP, false, true}},
		{"S/MIME over LF line ends", func(t *testing.T) []byte {
			return s.smime(t, strings.ReplaceAll(unsigned, "\r\n", "\n"), "-binary")
		}, want{verdict.TechSMIME, verdict.TechPGP, false, true}},
		{"OpenPGP, unsigned inside", func(t *testing.T) []byte { return s.g.SignedPart(t, "signed outside", unsigned) }, want{verdict.TechPGP, verdict.TechPGP, false, true}},
		{"OpenPGP, signed inside", func(t *testing.T) []byte { return s.g.SignedPart(t, "signed outside", signedInside) }, want{verdict.TechPGP, verdict.TechPGP, true, true}},
		{"S/MIME beside a text part", func(t *testing.T) []byte { return s.smime(t, mixed, "") }, want{"", verdict.TechSMIME, true, false}},
		{"OpenPGP beside a text part", func(t *testing.T) []byte { return s.g.SignedPart(t, "signed outside", mixed) }, want{"", verdict.TechPGP, true, false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, err := f.svc.Processing.Inspect(f.ctx, c.build(t), InspectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r := in.Security
			if r.Type != c.want.tech || r.Signed != c.want.signed || r.Encrypted != c.want.enc {
				t.Fatalf("result %+v, want %+v", r, c.want)
			}
			if c.want.outer == "" {
				if r.OuterSignature != nil || strings.Contains(in.Text, "printer is on fire") {
					t.Fatalf("near miss: outer %+v, text %q", r.OuterSignature, in.Text)
				}
				return
			}
			o := r.OuterSignature
			if o == nil || o.Type != c.want.outer || !o.Sign.Success {
				t.Fatalf("outer signature %+v", o)
			}
			if !r.Encryption.Success || r.Failed() || !strings.Contains(in.Text, "printer is on fire") {
				t.Fatalf("inner part not read: %+v, text %q", r, in.Text)
			}
			if r.Signed && (!r.Sign.Success || len(r.Sign.Signers) != 1 || r.Sign.Signers[0].Fingerprint != s.g.Alice) {
				t.Fatalf("inner signature %+v", r.Sign)
			}
			a, err := f.p.Store.Article(f.ctx, in.ArticleID)
			if err != nil || a.Security.OuterSignature == nil || a.Security.OuterSignature.Type != c.want.outer || a.Security.Signed != c.want.signed {
				t.Fatalf("stored result %+v (%v)", a.Security, err)
			}
			secs, all := displayed(t, f, in.ArticleID)
			if len(secs) != 1 || secs[0].Origin != mime.Protected || !strings.Contains(all, "printer is on fire") || len(secs[0].Attachments) != 0 {
				t.Errorf("display:\n%s", all)
			}
		})
	}
}

// TestOuterSignatureWhileSwitchedOff: with S/MIME switched off, an S/MIME
// signature around Alice's encryption is not checked and says so; the
// OpenPGP inside is still read (issue 12).
func TestOuterSignatureWhileSwitchedOff(t *testing.T) {
	s, f := newOuterSigner(t)
	setting(t, f, store.SettingSMIMEEnabled, "false")
	in, err := f.svc.Processing.Inspect(f.ctx, s.smime(t, s.g.EncryptedPart(t, true), ""), InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := in.Security
	o := r.OuterSignature
	if o == nil || o.Sign.Success || !strings.Contains(o.Sign.Comment, "switched off") || len(o.Sign.Signers) == 0 || o.Sign.Signers[0].Valid {
		t.Fatalf("outer signature while S/MIME is off: %+v", o)
	}
	if !r.Sign.Success || !r.Encryption.Success || !strings.Contains(in.Text, "printer is on fire") {
		t.Fatalf("inside: %+v %q", r, in.Text)
	}
}
