package smime

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"
)

// DER is binary: its last byte can be any value, white space included. A
// parser that trims its input before reading DER truncates such files,
// which refused about one certificate (or key) in forty.
func TestDEREndingInWhiteSpaceParses(t *testing.T) {
	white := map[byte]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}
	var certDone, keyDone bool
	for i := 0; i < 5000 && !(certDone && keyDone); i++ {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(i + 1)), Subject: pkix.Name{CommonName: "white"},
			NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<31, 0)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		if !certDone && white[der[len(der)-1]] {
			certs, err := ParseCertificates(der)
			if err != nil || len(certs) != 1 || !bytes.Equal(certs[0].Raw, der) {
				t.Fatalf("DER certificate ending in %#x: %v", der[len(der)-1], err)
			}
			certDone = true
		}
		pk, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		if !keyDone && white[pk[len(pk)-1]] {
			if _, err := ParsePrivateKey(pk, nil); err != nil {
				t.Fatalf("DER key ending in %#x: %v", pk[len(pk)-1], err)
			}
			keyDone = true
		}
	}
	if !certDone || !keyDone {
		t.Fatal("no DER ending in white space was generated: the test proved nothing")
	}
}
