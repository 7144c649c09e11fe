package smime

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// checkDetect fails when Detect and Process disagree in the one direction
// that matters: Detect false while Process reports S/MIME (a caller that
// skips Process on false would lose it), or a different ErrNotMessage.
func checkDetect(t testing.TB, eng *Engine, name string, raw []byte) {
	t.Helper()
	found, derr := Detect(raw)
	p, perr := eng.Process(raw, ProcessOptions{Now: testNow})
	if errors.Is(perr, ErrNotMessage) != errors.Is(derr, ErrNotMessage) {
		t.Errorf("%s: Detect error %v, Process error %v", name, derr, perr)
		return
	}
	if perr == nil && p.Result.Type == verdict.TechSMIME && !found {
		t.Errorf("%s: Process found S/MIME (signed %v, encrypted %v), Detect did not", name, p.Result.Signed, p.Result.Encrypted)
	}
}

func TestDetect(t *testing.T) {
	eng, mails := generatedMails(t)
	for name, raw := range mails {
		if found, err := Detect(raw); !found || err != nil {
			t.Errorf("%s: Detect = %v, %v; want true", name, found, err)
		}
		checkDetect(t, eng, name, raw)
	}
	sig := "MIIBBgYJKoZIhvcNAQcCoIH4MIH1AgEBMQ8wDQYJYIZIAWUDBAIBBQAwCwYJKoZIhvcNAQcBMYHR"
	for _, tc := range []struct {
		name string
		raw  string
		want bool
	}{
		{"plain", "From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n", false},
		{"PGP/MIME signed", "From: a@example.org\r\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pgp-signature\r\n\r\nxx\r\n--b--\r\n", false},
		{"PGP/MIME encrypted", "From: a@example.org\r\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=b\r\n\r\n--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--b\r\nContent-Type: application/octet-stream; name=encrypted.asc\r\n\r\nxx\r\n--b--\r\n", false},
		{"upper-case type", "From: a@example.org\r\nContent-Type: APPLICATION/PKCS7-MIME; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\n" + sig + "\r\n", true},
		{"damaged pkcs7-mime", "From: a@example.org\r\nContent-Type: application/pkcs7-mime\r\n\r\n", true},
		// QUIRK forms: x-pkcs7, octet-stream named .p7m (also RFC 2231
		// encoded, which a byte search for ".p7m" would miss), a
		// multipart/signed without protocol whose second part is a .p7s.
		{"x-pkcs7-signature", "From: a@example.org\r\nContent-Type: multipart/signed; protocol=\"application/x-pkcs7-signature\"; boundary=b\r\n\r\n--b\r\n\r\nhi\r\n--b\r\nContent-Type: application/x-pkcs7-signature\r\n\r\nxx\r\n--b--\r\n", true},
		{"octet-stream .p7m", "From: a@example.org\r\nContent-Type: application/octet-stream; name=smime.P7M\r\n\r\nxx\r\n", true},
		{"octet-stream RFC 2231 name", "From: a@example.org\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*0=\"smime.p\"; filename*1=\"7m\"\r\n\r\nxx\r\n", true},
		{"protocol RFC 2231 encoded", "From: a@example.org\r\nContent-Type: multipart/signed; protocol*=''%61pplication%2Fpkcs7-signature; boundary=b\r\n\r\n--b\r\n\r\nhi\r\n--b\r\nContent-Type: application/pkcs7-signature\r\n\r\nxx\r\n--b--\r\n", true},
		{"no protocol, .p7s", "From: a@example.org\r\nContent-Type: multipart/signed; boundary=b\r\n\r\n--b\r\n\r\nhi\r\n--b\r\nContent-Type: application/octet-stream; name=smime.p7s\r\n\r\nxx\r\n--b--\r\n", true},
		{"no protocol, other", "From: a@example.org\r\nContent-Type: multipart/signed; boundary=b\r\n\r\n--b\r\n\r\nhi\r\n--b\r\nContent-Type: text/plain\r\n\r\nxx\r\n--b--\r\n", false},
		{"nested signature part", "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\nContent-Type: application/pkcs7-signature\r\n\r\nxx\r\n--a--\r\n--m--\r\n", true},
		{"attached message is not descended", "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: application/pkcs7-mime\r\n\r\nxx\r\n--m--\r\n", false},
	} {
		found, err := Detect([]byte(tc.raw))
		if err != nil || found != tc.want {
			t.Errorf("%s: Detect = %v, %v; want %v", tc.name, found, err, tc.want)
		}
		checkDetect(t, eng, tc.name, []byte(tc.raw))
	}
	for _, raw := range []string{"", "no header at all\r\n"} {
		if _, err := Detect([]byte(raw)); !errors.Is(err, ErrNotMessage) {
			t.Errorf("Detect(%q) = %v, want ErrNotMessage", raw, err)
		}
	}
}

// TestDetectCorpus: over every S/MIME mail of the shared corpus (the 68
// cases and the manual ones) Detect must say true, as Process does.
func TestDetectCorpus(t *testing.T) {
	dir := corpusDir(t)
	eng := NewEngine(corpusKeyring(t, dir))
	n := 0
	err := filepath.WalkDir(filepath.Dir(dir), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".eml") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		checkDetect(t, eng, path, raw)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 68 {
		t.Errorf("only %d corpus mails found", n)
	}
}

// FuzzDetect: Detect never says false where Process reports S/MIME.
func FuzzDetect(f *testing.F) {
	eng, mails := generatedMails(f)
	for _, m := range mails {
		f.Add(m)
	}
	f.Add([]byte("From: a@example.org\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: application/pkcs7-signature\r\n\r\nxx\r\n--m--\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkDetect(t, eng, "fuzz", raw)
	})
}
