package smime

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func td(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCertificates(t *testing.T) {
	crt := td(t, "ec.crt")
	block, _ := pem.Decode(crt)
	der := block.Bytes
	p := getPKI(t)
	chainPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.root.Raw})) + "junk between blocks\n" + string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.inter.Raw}))
	tests := []struct {
		name       string
		in         []byte
		wantN      int
		wantReason ImportReason
		wantMsg    string
	}{
		{"pem one", crt, 1, 0, ""},
		{"pem chain", []byte(chainPEM), 2, 0, ""},
		{"der", der, 1, 0, ""},
		{"der two concatenated", append(append([]byte{}, p.root.Raw...), p.inter.Raw...), 2, 0, ""},
		{"bare base64", []byte(strings.Join(strings.Split(string(crt), "\n")[1:len(strings.Split(string(crt), "\n"))-2], "\n")), 1, 0, ""},
		{"p7b pem", td(t, "ec.p7b"), 1, 0, ""},
		{"p7c der", td(t, "ec.p7c"), 1, 0, ""},
		{"empty", []byte("  \n"), 0, ReasonEmpty, "empty"},
		{"private key", td(t, "ec.pkcs8.pem"), 0, ReasonIsPrivateKey, "use Add private key or PKCS #12"},
		{"private key der", mustPEMBytes(t, td(t, "ec.pkcs8.pem")), 0, ReasonIsPrivateKey, "private key"},
		{"csr", td(t, "ec.csr"), 0, ReasonIsCSR, "certificate request"},
		{"public key", td(t, "ec.pub"), 0, ReasonIsPublicKey, "bare public key"},
		{"pkcs12", td(t, "modern.p12"), 0, ReasonIsPKCS12, "use Add private key or PKCS #12"},
		{"truncated pem", crt[:len(crt)/2], 0, ReasonTruncatedPEM, "no END line"},
		{"bad base64 pem", []byte("-----BEGIN CERTIFICATE-----\n!!!!notbase64!!!!\n-----END CERTIFICATE-----\n"), 0, ReasonBadPEM, "damaged"},
		{"pgp armored", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBF...\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n"), 0, ReasonIsPGP, "OpenPGP"},
		{"text", []byte("hello, this is not a certificate\n"), 0, ReasonText, "text, not a certificate"},
		{"utf-16 garbage", []byte{0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00}, 0, ReasonBinaryGarbage, "not a certificate"},
		{"binary garbage", []byte{0x00, 0x01, 0x02, 0x03, 0x99, 0x42}, 0, ReasonBinaryGarbage, "not a certificate"},
		{"truncated der", der[:len(der)-20], 0, ReasonBinaryGarbage, "not a certificate"},
		{"damaged der cert", corrupt(der), 0, ReasonMalformed, "damaged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			certs, err := ParseCertificates(tc.in)
			if tc.wantN > 0 {
				if err != nil || len(certs) != tc.wantN {
					t.Fatalf("got %d certs, err %v", len(certs), err)
				}
				return
			}
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *ImportError", err)
			}
			if ie.Reason != tc.wantReason || !strings.Contains(err.Error(), tc.wantMsg) || !strings.HasPrefix(err.Error(), "smime: ") {
				t.Errorf("err = %v (reason %d), want reason %d containing %q", err, ie.Reason, tc.wantReason, tc.wantMsg)
			}
			if strings.Contains(err.Error(), "UTF-8") {
				t.Errorf("unhelpful error %q", err)
			}
		})
	}
	if _, err := ParseCertificates(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("nil: %v, want ErrEmpty", err)
	}
}

func mustPEMBytes(t testing.TB, b []byte) []byte {
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatal("no PEM")
	}
	return blk.Bytes
}

// corrupt breaks the certificate's content, keeping its structure.
func corrupt(der []byte) []byte {
	out := append([]byte{}, der...)
	// Damage the first UTCTime's digits (notBefore).
	for i := 0; i+3 < len(out); i++ {
		if out[i] == 0x17 && out[i+1] == 0x0d {
			out[i+2], out[i+3] = 'X', 'X'
			break
		}
	}
	return out
}

func TestParsePrivateKey(t *testing.T) {
	legacy := func() []byte {
		//lint:ignore SA1019 testing the legacy format on purpose.
		blk, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", mustPEMBytes(t, td(t, "ec.sec1.pem")), []byte("secret"), x509.PEMCipherAES256) //nolint:staticcheck
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(blk)
	}()
	tests := []struct {
		name       string
		in         []byte
		pass       string
		wantErr    error
		wantReason ImportReason
		wantMsg    string
	}{
		{"sec1", td(t, "ec.sec1.pem"), "", nil, 0, ""},
		{"pkcs8", td(t, "ec.pkcs8.pem"), "", nil, 0, ""},
		{"pkcs8 der", mustPEMBytes(t, td(t, "ec.pkcs8.pem")), "", nil, 0, ""},
		{"pkcs1 rsa", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKeysFor(t))}), "", nil, 0, ""},
		{"pbes2 aes256", td(t, "ec.pkcs8-aes256.pem"), "secret", nil, 0, ""},
		{"pbes2 des3", td(t, "ec.pkcs8-des3.pem"), "secret", nil, 0, ""},
		{"pbes2 aes128 der", td(t, "ec.pkcs8-aes128.der"), "secret", nil, 0, ""},
		{"legacy pem", legacy, "secret", nil, 0, ""},
		{"key after cert", append(td(t, "ec.crt"), td(t, "ec.pkcs8.pem")...), "", nil, 0, ""},
		{"pbes2 no passphrase", td(t, "ec.pkcs8-aes256.pem"), "", ErrPassphraseRequired, 0, ""},
		{"pbes2 wrong passphrase", td(t, "ec.pkcs8-aes256.pem"), "wrong", ErrWrongPassphrase, 0, ""},
		{"legacy no passphrase", legacy, "", ErrPassphraseRequired, 0, ""},
		{"legacy wrong passphrase", legacy, "wrong", ErrWrongPassphrase, 0, ""},
		{"pbes1", td(t, "ec.pkcs8-pbes1.pem"), "secret", nil, ReasonUnsupported, "re-export"},
		{"certificate", td(t, "ec.crt"), "", nil, ReasonIsCertificate, "use Add certificate"},
		{"certificate der", mustPEMBytes(t, td(t, "ec.crt")), "", nil, ReasonIsCertificate, "certificate"},
		{"p7b", td(t, "ec.p7b"), "", nil, ReasonIsCertificate, "certificate"},
		{"pkcs12", td(t, "modern.p12"), "", nil, ReasonIsPKCS12, "PKCS #12"},
		{"csr", td(t, "ec.csr"), "", nil, ReasonIsCSR, "request"},
		{"empty", nil, "", ErrEmpty, ReasonEmpty, "empty"},
		{"text", []byte("my password is hunter2"), "", nil, ReasonText, "not a private key"},
		{"garbage", []byte{0x00, 0xff, 0x13, 0x37}, "", nil, ReasonBinaryGarbage, "not a private key"},
		{"truncated pem", td(t, "ec.pkcs8.pem")[:100], "", nil, ReasonTruncatedPEM, "no END line"},
		{"damaged key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x00}}), "", nil, ReasonMalformed, "damaged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := ParsePrivateKey(tc.in, []byte(tc.pass))
			if tc.wantErr == nil && tc.wantReason == 0 {
				if err != nil || key == nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantReason != 0 {
				var ie *ImportError
				if !errors.As(err, &ie) || ie.Reason != tc.wantReason || !strings.Contains(err.Error(), tc.wantMsg) {
					t.Fatalf("err = %v, want reason %d with %q", err, tc.wantReason, tc.wantMsg)
				}
			}
		})
	}
}

func rsaKeysFor(t testing.TB) *rsa.PrivateKey {
	cachedKeys()
	return rsaKeys[0]
}

func TestParsePKCS12(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		pass    string
		wantErr error
	}{
		{"modern", "modern.p12", "secret", nil},
		{"legacy rc2/3des", "legacy.p12", "secret", nil},
		{"wrong passphrase", "modern.p12", "nope", ErrWrongPassphrase},
		{"no passphrase", "modern.p12", "", ErrPassphraseRequired},
		{"legacy wrong passphrase", "legacy.p12", "nope", ErrWrongPassphrase},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, leaf, _, err := ParsePKCS12(td(t, tc.file), []byte(tc.pass))
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := key.(*ecdsa.PrivateKey); !ok || !KeyMatches(leaf, key) {
				t.Errorf("key %T does not match leaf", key)
			}
			if got := Emails(leaf); len(got) != 1 || got[0] != "test@example.org" {
				t.Errorf("Emails = %v (SAN and subject, lowercased, deduplicated)", got)
			}
			if fp := Fingerprint(leaf); len(fp) != 64 || strings.ToLower(fp) != fp || strings.Contains(fp, ":") {
				t.Errorf("Fingerprint = %q", fp)
			}
		})
	}
	for _, bad := range [][]byte{nil, []byte("garbage"), td(t, "ec.crt"), {0x30, 0x03, 0x02, 0x01, 0x03}} {
		if _, _, _, err := ParsePKCS12(bad, []byte("x")); err == nil || !strings.HasPrefix(err.Error(), "smime: ") {
			t.Errorf("ParsePKCS12(%q) err = %v", bad, err)
		}
	}
}
