package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
)

// selfSignedPEM is a contact's certificate as `openssl req -x509` makes
// it: self-signed and CA:TRUE.
func selfSignedPEM(t *testing.T, email string) []byte {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Dan"},
		NotBefore: corpusNow.AddDate(0, -1, 0), NotAfter: corpusNow.AddDate(1, 0, 0),
		BasicConstraintsValid: true, IsCA: true}
	if email != "" {
		tmpl.EmailAddresses = []string{email}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

type certJSON struct {
	Fingerprint     string `json:"fingerprint"`
	IsCA            bool   `json:"is_ca"`
	HasPrivate      bool   `json:"has_private"`
	TrustedDirectly bool   `json:"trusted_directly"`
}

func listCerts(t *testing.T, c ctl) []certJSON {
	t.Helper()
	var list []certJSON
	if err := json.Unmarshal([]byte(c.run(exitOK, "cert", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	return list
}

// TestCertTrust: `cert import` keeps a self-signed certificate as it says
// (a CA); `cert trust FINGERPRINT` trusts it for its own addresses and
// `cert trust --off FINGERPRINT` takes that back; `cert list --json`
// shows it as trusted_directly beside the other fields (issue 14).
func TestCertTrust(t *testing.T) {
	memoryKeychain(t)
	c := ctl{t, t.TempDir()}
	c.run(exitOK, "cert", "import", writeFile(t, "dan.pem", selfSignedPEM(t, "dan@example.net")))
	list := listCerts(t, c)
	if len(list) != 1 || !list[0].IsCA || list[0].TrustedDirectly {
		t.Fatalf("after import: %+v", list)
	}
	fp := list[0].Fingerprint
	if out := c.run(exitOK, "cert", "trust", fp[:16]); !strings.Contains(out, "dan@example.net") {
		t.Fatalf("cert trust printed %q", out)
	}
	if list = listCerts(t, c); !list[0].TrustedDirectly {
		t.Fatalf("after cert trust: %+v", list)
	}
	if out := c.run(exitOK, "cert", "list"); !strings.Contains(out, "trusted directly") {
		t.Fatalf("cert list does not say it:\n%s", out)
	}
	c.run(exitOK, "cert", "trust", "--off", fp)
	if list = listCerts(t, c); list[0].TrustedDirectly {
		t.Fatalf("after cert trust --off: %+v", list)
	}
	c.run(exitNotFound, "cert", "trust", "0123456789abcdef")
	c.run(exitUsage, "cert", "trust")
	c.run(exitOK, "cert", "import", writeFile(t, "noaddr.pem", selfSignedPEM(t, "")))
	for _, l := range listCerts(t, c) {
		if l.Fingerprint != fp {
			c.run(exitFailed, "cert", "trust", l.Fingerprint)
		}
	}
}
