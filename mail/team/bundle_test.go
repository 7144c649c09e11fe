package team

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"software.sslmate.com/src/go-pkcs12"
)

const testFP = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func testPFX(t testing.TB, enc *pkcs12.Encoder, pass string) []byte {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Desk"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<31, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pfx, err := enc.Encode(key, cert, nil, pass)
	if err != nil {
		t.Fatal(err)
	}
	return pfx
}

func testPGPSecret(t testing.TB, pass []byte) []byte {
	t.Helper()
	e, err := openpgp.NewEntity("Desk", "", "desk@example.test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if pass != nil {
		if err := e.EncryptPrivateKeys(pass, nil); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	w, _ := armor.Encode(&b, "PGP PRIVATE KEY BLOCK", nil)
	if err := e.SerializePrivateWithoutSigning(w, nil); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return b.Bytes()
}

func bundleRecord(format string, data []byte) Record {
	return Record{Kind: KindBundle, MessageID: NewMessageID(), Agent: "anna@example.test",
		At:     time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC),
		Bundle: &Bundle{Format: format, Fingerprint: testFP, Addresses: []string{"support@example.test"}, Label: "SealDesk Support", Data: data}}
}

func TestBundleRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		format string
		data   []byte
		ctype  string
	}{
		{FormatPKCS12, testPFX(t, pkcs12.Modern2023, "long passphrase"), "application/pkcs12"},
		{FormatOpenPGP, testPGPSecret(t, []byte("long passphrase")), "application/pgp-keys"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			r := bundleRecord(tc.format, tc.data)
			raw, err := Build(r, &mail.Address{Name: "Anna", Address: "anna@example.test"})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(raw, []byte("Content-Type: multipart/mixed")) || !bytes.Contains(raw, []byte("Content-Type: "+tc.ctype)) ||
				bytes.Contains(raw, []byte("long passphrase")) {
				t.Fatalf("message:\n%s", raw)
			}
			got, err := Parse(raw)
			if err != nil {
				t.Fatalf("%v\n%s", err, raw)
			}
			b := got.Bundle
			if got.Kind != KindBundle || got.MessageID != r.MessageID || got.Agent != r.Agent || b == nil ||
				b.Format != tc.format || b.Fingerprint != testFP || b.Label != "SealDesk Support" ||
				len(b.Addresses) != 1 || !bytes.Equal(b.Data, tc.data) {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

// TestBuildRefusesUnprotectedKeys: nothing but a protected bundle is ever
// written to the server.
func TestBuildRefusesUnprotectedKeys(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	for _, tc := range []struct {
		name, format string
		data         []byte
	}{
		{"PEM key as pkcs12", FormatPKCS12, pemKey},
		{"PEM key as openpgp", FormatOpenPGP, pemKey},
		{"plain PKCS #8 DER", FormatPKCS12, der},
		{"PKCS #12 without password (keyBag, no MAC)", FormatPKCS12, testPFX(t, pkcs12.Passwordless, "")},
		{"OpenPGP secret key without S2K", FormatOpenPGP, testPGPSecret(t, nil)},
		{"OpenPGP public key", FormatOpenPGP, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Build(bundleRecord(tc.format, tc.data), nil); !errors.Is(err, ErrUnprotectedBundle) {
				t.Fatalf("Build: %v", err)
			}
		})
	}
}

func TestParseRejectsBadBundles(t *testing.T) {
	good, err := Build(bundleRecord(FormatPKCS12, testPFX(t, pkcs12.Modern2023, "long passphrase")), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		raw  []byte
	}{
		{"not multipart", []byte("Message-ID: <m@x>\r\nX-SealDesk-Record: v1 bundle\r\nContent-Type: application/json\r\n\r\n{}")},
		{"no attachment", bytes.Replace(good, []byte("Content-Disposition: attachment"), []byte("Content-Disposition: inline"), 1)},
		{"bad format", bytes.Replace(good, []byte(`"format":"pkcs12"`), []byte(`"format":"zip"`), 1)},
		{"truncated", good[:len(good)*2/3]},
		{"too big", append(bytes.Repeat([]byte("x"), MaxBundleSize), good...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(tc.raw); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
	if !strings.Contains(string(good), "passphrase, which is not in this message") {
		t.Error("the text part does not explain the bundle")
	}
}
