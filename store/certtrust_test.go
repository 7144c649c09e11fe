package store

import (
	"context"
	"errors"
	"testing"
)

// TestCertificateTrustedDirectly: the flag is stored at insert, changed
// by SetCertificateTrustedDirectly and read back (migration 0019).
func TestCertificateTrustedDirectly(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, _, err := s.AddCertificates(ctx, []Certificate{
		{Fingerprint: "aa", Subject: "CN=A", DER: []byte{1}, IsCA: true, TrustedDirectly: true},
		{Fingerprint: "bb", Subject: "CN=B", DER: []byte{2}},
	}); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Certificate(ctx, "aa"); err != nil || !c.TrustedDirectly {
		t.Fatalf("inserted trusted directly: %+v %v", c, err)
	}
	if err := s.SetCertificateTrustedDirectly(ctx, "bb", true); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCertificateTrustedDirectly(ctx, "aa", false); err != nil {
		t.Fatal(err)
	}
	a, _ := s.Certificate(ctx, "aa")
	b, _ := s.Certificate(ctx, "bb")
	if a.TrustedDirectly || !b.TrustedDirectly {
		t.Fatalf("after the change: aa %v, bb %v", a.TrustedDirectly, b.TrustedDirectly)
	}
	if err := s.SetCertificateTrustedDirectly(ctx, "cc", true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown fingerprint: %v", err)
	}
}
