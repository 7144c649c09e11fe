package team

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// testCert is a self-signed certificate for addr, DER.
func testCert(t testing.TB, addr string) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: addr}, EmailAddresses: []string{addr},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der, key
}

func sha(der []byte) string { s := sha256.Sum256(der); return hex.EncodeToString(s[:]) }

// testPGP is an OpenPGP key for addr: its binary public and secret forms.
func testPGP(t testing.TB, addr string) (pub, sec []byte, fp string) {
	t.Helper()
	e, err := openpgp.NewEntity("Customer", "", addr, &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	var p, s bytes.Buffer
	if err := e.Serialize(&p); err != nil {
		t.Fatal(err)
	}
	if err := e.SerializePrivate(&s, nil); err != nil {
		t.Fatal(err)
	}
	return p.Bytes(), s.Bytes(), strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
}

func keyRecord(format string, data []byte, fp string) Record {
	return Record{Kind: KindKey, MessageID: NewMessageID(), Address: "c@example.org", Format: format, Data: data,
		Fingerprint: fp, Agent: "anna@example.test", At: time.Unix(1, 0).UTC()}
}

func TestKeyRecordRoundTrip(t *testing.T) {
	der, _ := testCert(t, "c@example.org")
	pub, _, fp := testPGP(t, "c@example.org")
	for _, r := range []Record{keyRecord(FormatSMIME, der, sha(der)), keyRecord(FormatOpenPGP, pub, fp)} {
		t.Run(r.Format, func(t *testing.T) {
			raw, err := Build(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != KindKey || got.Format != r.Format || !bytes.Equal(got.Data, r.Data) || got.Fingerprint != r.Fingerprint || got.Address != r.Address {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

// TestKeyRecordRefusesSecrets: no secret key material is ever written
// into a key record (Build refuses) nor read from one (Parse refuses).
func TestKeyRecordRefusesSecrets(t *testing.T) {
	der, key := testCert(t, "c@example.org")
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	_, sec, fp := testPGP(t, "c@example.org")
	for name, r := range map[string]Record{
		"PKCS #8 key as a certificate": keyRecord(FormatSMIME, pkcs8, sha(der)),
		"EC key as a certificate":      keyRecord(FormatSMIME, ec, sha(der)),
		"OpenPGP secret key":           keyRecord(FormatOpenPGP, sec, fp),
	} {
		t.Run(name, func(t *testing.T) {
			if raw, err := Build(r, nil); !errors.Is(err, ErrSecretMaterial) || raw != nil {
				t.Fatalf("Build: %v, %d bytes; want ErrSecretMaterial and nothing", err, len(raw))
			}
			// A record written by hand (another program) is refused too.
			raw := handWritten(t, r)
			if _, err := Parse(raw); !errors.Is(err, ErrSecretMaterial) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse: %v, want ErrSecretMaterial", err)
			}
		})
	}
}

// handWritten builds r as a record without Build's checks.
func handWritten(t testing.TB, r Record) []byte {
	t.Helper()
	body := r
	body.Kind = KindAgent // passes check; the header says key
	raw, err := Build(body, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw = bytes.Replace(raw, []byte(HeaderName+": v1 agent"), []byte(HeaderName+": v1 key"), 1)
	if len(r.Data) > 0 && !bytes.Contains(raw, []byte(`"data":`)) {
		t.Fatalf("the body lost the key: %s", raw)
	}
	return raw
}

func TestKeyRecordRejects(t *testing.T) {
	der, _ := testCert(t, "c@example.org")
	pub, _, fp := testPGP(t, "c@example.org")
	for name, r := range map[string]Record{
		"wrong fingerprint":   keyRecord(FormatSMIME, der, strings.Repeat("ab", 32)),
		"not a certificate":   keyRecord(FormatSMIME, []byte("hello"), sha([]byte("hello"))),
		"trailing data":       keyRecord(FormatSMIME, append(der[:len(der):len(der)], 0), sha(der)),
		"unknown format":      keyRecord("x509", der, sha(der)),
		"no data":             keyRecord(FormatOpenPGP, nil, fp),
		"too much data":       keyRecord(FormatOpenPGP, make([]byte, MaxKeyData+1), fp),
		"short fingerprint":   keyRecord(FormatOpenPGP, pub, "ABCD"),
		"not packets":         keyRecord(FormatOpenPGP, []byte("-----BEGIN PGP"), fp),
		"cut short":           keyRecord(FormatOpenPGP, pub[:len(pub)-3], fp),
		"user ID first":       keyRecord(FormatOpenPGP, []byte{0xcd, 0x01, 'a'}, fp),
		"literal data packet": keyRecord(FormatOpenPGP, append(pub[:len(pub):len(pub)], 0xcb, 0x01, 'x'), fp),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Build(r, nil); !errors.Is(err, ErrInvalid) || errors.Is(err, ErrSecretMaterial) {
				t.Fatalf("Build: %v, want ErrInvalid", err)
			}
			if _, err := Parse(handWritten(t, r)); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse: %v, want ErrInvalid", err)
			}
		})
	}
}

func unkeyRecord(format, fp string) Record {
	return Record{Kind: KindUnkey, MessageID: NewMessageID(), Address: "c@example.org", Format: format, Fingerprint: fp,
		Agent: "anna@example.test", At: time.Unix(1, 0).UTC()}
}

func TestUnkeyRecordRoundTrip(t *testing.T) {
	der, _ := testCert(t, "c@example.org")
	_, _, fp := testPGP(t, "c@example.org")
	for _, r := range []Record{unkeyRecord(FormatSMIME, sha(der)), unkeyRecord(FormatOpenPGP, fp)} {
		t.Run(r.Format, func(t *testing.T) {
			raw, err := Build(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(raw, []byte("[SealDesk v1 unkey] "+r.Format+" c@example.org "+r.Fingerprint)) {
				t.Fatalf("subject does not name the key:\n%s", raw)
			}
			got, err := Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != KindUnkey || got.Format != r.Format || got.Fingerprint != r.Fingerprint || got.Address != r.Address ||
				got.Agent != r.Agent || len(got.Data) != 0 {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

// TestUnkeyRecordRejects: an unkey record names one key of a known
// format by a fingerprint of that format's form, and carries no key.
func TestUnkeyRecordRejects(t *testing.T) {
	der, _ := testCert(t, "c@example.org")
	_, _, fp := testPGP(t, "c@example.org")
	withData := unkeyRecord(FormatSMIME, sha(der))
	withData.Data = der
	for name, r := range map[string]Record{
		"key data":                  withData,
		"no fingerprint":            unkeyRecord(FormatOpenPGP, ""),
		"not hex":                   unkeyRecord(FormatOpenPGP, strings.Repeat("XY", 20)),
		"OpenPGP length for S/MIME": unkeyRecord(FormatSMIME, fp),
		"odd length":                unkeyRecord(FormatOpenPGP, fp[:39]),
		"unknown format":            unkeyRecord("x509", sha(der)),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Build(r, nil); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Build: %v, want ErrInvalid", err)
			}
			raw := handWritten(t, r)
			raw = bytes.Replace(raw, []byte(HeaderName+": v1 key"), []byte(HeaderName+": v1 unkey"), 1)
			if _, err := Parse(raw); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse: %v, want ErrInvalid", err)
			}
		})
	}
}
