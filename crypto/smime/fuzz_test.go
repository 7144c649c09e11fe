package smime

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// generatedMails seals a few messages with the test PKI, for fuzz seeds
// and benchmarks. The returned engine can read them all.
func generatedMails(tb testing.TB) (*Engine, map[string][]byte) {
	p := getPKI(tb)
	alice, aliceKey := p.leaf(tb, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	aliceEC, aliceECKey := p.leaf(tb, certSpec{cn: "Alice EC", email: "alice-ec@example.org", ec: true, keyIdx: 0})
	bob, bobKey := p.leaf(tb, certSpec{cn: "Bob", email: "bob@example.org", keyIdx: 1})
	bobEC, bobECKey := p.leaf(tb, certSpec{cn: "Bob EC", email: "bob-ec@example.org", ec: true, keyIdx: 1})
	kr := p.keyring()
	for _, id := range []identity{{"", alice, aliceKey}, {"", aliceEC, aliceECKey}, {"", bob, bobKey}, {"", bobEC, bobECKey}} {
		mustAddKey(tb, kr, id.cert, id.key)
	}
	eng := NewEngine(kr)
	mails := map[string][]byte{}
	for _, tc := range []struct {
		name, from, to string
		sign, enc      bool
		opts           EncryptOptions
	}{
		{"RSA-2048/signed", "alice@example.org", "bob@example.org", true, false, EncryptOptions{}},
		{"RSA-2048/encrypted", "alice@example.org", "bob@example.org", false, true, EncryptOptions{}},
		{"RSA-2048/signed+encrypted", "alice@example.org", "bob@example.org", true, true, EncryptOptions{}},
		{"P-256/signed", "alice-ec@example.org", "bob-ec@example.org", true, false, EncryptOptions{}},
		{"P-256/encrypted", "alice-ec@example.org", "bob-ec@example.org", false, true, EncryptOptions{}},
		{"P-256/signed+encrypted", "alice-ec@example.org", "bob-ec@example.org", true, true, EncryptOptions{}},
		{"P-256/authenveloped", "alice-ec@example.org", "bob-ec@example.org", true, true, EncryptOptions{AuthEnveloped: true}},
	} {
		out, err := eng.Seal(plainMail(tc.from, tc.to, ""), tc.sign, tc.enc, SealOptions{Now: testNow, Encrypt: tc.opts})
		if err != nil {
			tb.Fatal(err)
		}
		mails[tc.name] = out
	}
	return eng, mails
}

// findCorpus is corpusDir without skipping.
func findCorpus() string {
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		for _, c := range []string{filepath.Join(d, "shared", "corpora"), filepath.Join(d, "..", "shared", "corpora")} {
			if _, err := os.Stat(filepath.Join(c, "thunderbird-smime", "expected.tsv")); err == nil {
				return filepath.Join(c, "thunderbird-smime")
			}
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

func FuzzProcess(f *testing.F) {
	eng, mails := generatedMails(f)
	for _, m := range mails {
		f.Add(m)
	}
	if dir := findCorpus(); dir != "" {
		// Use the corpus keys as well so that seeds decrypt.
		kr := corpusKeyring(f, dir)
		for _, c := range eng.keys.Certificates() {
			kr.AddCertificate(c)
		}
		for _, row := range readCorpus(f, dir) {
			if b, err := os.ReadFile(filepath.Join(dir, row.file)); err == nil {
				f.Add(b)
			}
		}
		eng = NewEngine(kr)
	}
	f.Add([]byte("From: a@b\r\n\r\nhello"))
	f.Add([]byte("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=x\r\n\r\n--x\r\n\r\n--x\r\nContent-Type: application/pkcs7-signature\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n--x--\r\n"))
	f.Add([]byte(outerSMIMESeed))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := eng.Process(raw, ProcessOptions{Now: corpusNow})
		if errors.Is(err, ErrInternal) {
			t.Fatalf("panic: %v", err)
		}
		if err == nil && p == nil {
			t.Fatal("nil result without error")
		}
		if err == nil && p.Result.Sign.Success && !p.Result.Signed {
			t.Fatal("success without a signature")
		}
		if err == nil {
			if cerr := p.Result.CheckCodes(); cerr != nil {
				t.Fatal(cerr)
			}
		}
		if err == nil && p.Inner != nil && (p.Result.Signed || p.Result.OuterSignature == nil || p.Entity != nil) {
			t.Fatal("a signature around an encryption handed on reads as the message's")
		}
	})
}

func FuzzParseCertificates(f *testing.F) {
	for _, n := range []string{"ec.crt", "ec.p7b", "ec.p7c", "ec.csr", "ec.pub", "ec.pkcs8.pem", "modern.p12"} {
		f.Add(td(f, n))
	}
	p := getPKI(f)
	f.Add(p.root.Raw)
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, err := ParseCertificates(data)
		if err != nil && !strings.HasPrefix(err.Error(), "smime: ") {
			t.Fatalf("error without prefix: %v", err)
		}
		if err == nil && len(certs) == 0 {
			t.Fatal("no certificates and no error")
		}
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	for _, n := range []string{"ec.sec1.pem", "ec.pkcs8.pem", "ec.pkcs8-aes256.pem", "ec.pkcs8-des3.pem", "ec.pkcs8-aes128.der", "ec.pkcs8-pbes1.pem", "ec.crt"} {
		f.Add(td(f, n), []byte("secret"))
	}
	f.Fuzz(func(t *testing.T, data, pass []byte) {
		key, err := ParsePrivateKey(data, pass)
		if err != nil && !strings.HasPrefix(err.Error(), "smime: ") {
			t.Fatalf("error without prefix: %v", err)
		}
		if err == nil && key == nil {
			t.Fatal("nil key without error")
		}
	})
}

func FuzzParsePKCS12(f *testing.F) {
	f.Add(td(f, "modern.p12"), []byte("secret"))
	f.Add(td(f, "legacy.p12"), []byte("secret"))
	f.Fuzz(func(t *testing.T, data, pass []byte) {
		_, _, _, err := ParsePKCS12(data, pass)
		if err != nil && !strings.HasPrefix(err.Error(), "smime: ") {
			t.Fatalf("error without prefix: %v", err)
		}
	})
}

func BenchmarkProcess(b *testing.B) {
	eng, mails := generatedMails(b)
	for _, name := range []string{"RSA-2048/signed", "RSA-2048/encrypted", "RSA-2048/signed+encrypted", "P-256/signed", "P-256/encrypted", "P-256/signed+encrypted"} {
		raw := mails[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				p, err := eng.Process(raw, ProcessOptions{Now: testNow})
				if err != nil || (p.Result.Signed && !p.Result.Sign.Success) || (p.Result.Encrypted && !p.Result.Encryption.Success) {
					b.Fatalf("%v %+v", err, p.Result)
				}
			}
		})
	}
}

// FuzzBER: toDER never panics, and what it returns is DER it leaves
// alone (a fixed point), so that one conversion per message is enough.
func FuzzBER(f *testing.F) {
	f.Add([]byte{0x30, 0x80, 0x04, 0x80, 0x04, 0x01, 'a', 0x04, 0x01, 'b', 0x00, 0x00, 0x00, 0x00})
	f.Add([]byte{0x24, 0x80, 0x04, 0x02, 'h', 'i', 0x00, 0x00})
	f.Add([]byte{0x23, 0x80, 0x03, 0x02, 0x00, 0xff, 0x03, 0x02, 0x04, 0xf0, 0x00, 0x00})
	f.Add([]byte{0x30, 0x81, 0x03, 0x02, 0x01, 0x05})
	f.Add(td(f, "ec.p7c"))
	_, mails := generatedMails(f)
	f.Add(mails["RSA-2048/encrypted"])
	f.Fuzz(func(t *testing.T, b []byte) {
		der, err := toDER(b)
		// The same bytes and the same verdict as the conversion with a
		// buffer per element (ber_oracle_test.go).
		var want bytes.Buffer
		if _, werr := berCopyBuffers(&want, b, 0); (werr == nil) != (err == nil) || err == nil && !bytes.Equal(der, want.Bytes()) {
			t.Fatalf("toDER %x, %v; the buffered conversion %x, %v", der, err, want.Bytes(), werr)
		}
		if err != nil {
			return
		}
		again, err := toDER(der)
		if err != nil || !bytes.Equal(again, der) {
			t.Fatalf("toDER is not a fixed point on its output: %x -> %x (%v)", der, again, err)
		}
	})
}

// outerSMIMESeed is an S/MIME multipart/signed around a whole PGP/MIME
// encryption (issue 12), its signature a stub.
const outerSMIMESeed = "From: a@example.org\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=x\r\n\r\n--x\r\n" +
	pgpMIMEEntity + "\r\n--x\r\nContent-Type: application/pkcs7-signature\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n--x--\r\n"
