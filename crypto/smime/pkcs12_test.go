package smime

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"testing"

	"software.sslmate.com/src/go-pkcs12"
)

// stripMAC re-encodes a DER PFX without its MacData.
func stripMAC(t testing.TB, der []byte) []byte {
	t.Helper()
	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(der, &pfx); err != nil {
		t.Fatal(err)
	}
	if len(pfx.MacData.FullBytes) == 0 {
		t.Fatal("the test file has no MAC to strip")
	}
	out, err := asn1.Marshal(struct {
		Version  int
		AuthSafe asn1.RawValue
	}{pfx.Version, pfx.AuthSafe})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPKCS12WithoutMACRefused: a passphrase-protected file whose MAC was
// stripped is refused whatever the passphrase; a passwordless export (no
// encryption, no MAC) is still read (issue 11, defect 4).
func TestPKCS12WithoutMACRefused(t *testing.T) {
	p := getPKI(t)
	leaf, key := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	legacy, err := pkcs12.LegacyRC2.Encode(key, leaf, []*x509.Certificate{p.inter}, "secret")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		der  []byte
	}{{"modern (OpenSSL 3)", td(t, "modern.p12")}, {"legacy (RC2)", td(t, "legacy.p12")}, {"legacy, go-pkcs12", legacy}} {
		for _, pass := range []string{"secret", ""} {
			t.Run(tc.name+"/"+pass, func(t *testing.T) {
				_, _, _, err := ParsePKCS12(stripMAC(t, tc.der), []byte(pass))
				var ie *ImportError
				if !errors.Is(err, ErrPKCS12NoMAC) || !errors.As(err, &ie) || ie.Reason != ReasonMalformed {
					t.Fatalf("err = %v, want ErrPKCS12NoMAC", err)
				}
			})
		}
	}
	plain, err := pkcs12.Passwordless.Encode(key, leaf, []*x509.Certificate{p.inter}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, got, _, err := ParsePKCS12(plain, nil); err != nil || !got.Equal(leaf) {
		t.Fatalf("passwordless export: %v", err)
	}
}

// TestPKCS12BagLimit: a file with more items than an identity needs is
// refused before its bags are read, in our reader and go-pkcs12's.
func TestPKCS12BagLimit(t *testing.T) {
	p := getPKI(t)
	leaf, key := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	many := make([]*x509.Certificate, maxPKCS12Bags)
	for i := range many {
		many[i] = p.inter
	}
	for _, enc := range []struct {
		name string
		e    *pkcs12.Encoder
	}{{"modern", pkcs12.Modern2023}, {"legacy", pkcs12.LegacyRC2}, {"passwordless", pkcs12.Passwordless}} {
		t.Run(enc.name, func(t *testing.T) {
			pass := "secret"
			if enc.e == pkcs12.Passwordless {
				pass = ""
			}
			ok, err := enc.e.Encode(key, leaf, many[:maxPKCS12Bags-2], pass)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := ParsePKCS12(ok, []byte(pass)); err != nil {
				t.Fatalf("%d items: %v", maxPKCS12Bags, err)
			}
			tooMany, err := enc.e.Encode(key, leaf, many, pass)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := ParsePKCS12(tooMany, []byte(pass)); !errors.Is(err, ErrPKCS12TooManyBags) {
				t.Fatalf("%d items: err = %v, want ErrPKCS12TooManyBags", maxPKCS12Bags+2, err)
			}
		})
	}
}
