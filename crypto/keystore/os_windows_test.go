//go:build windows

package keystore

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/danieljoos/wincred"
)

// These tests run against the real Windows Credential Manager. CI runs them
// under Wine (scripts/wine-test.sh), which keeps Credential Manager items in
// the prefix's registry but does not enforce the 2,560-byte blob limit that
// Windows does: the limit is ours to keep (OS.Set), and these tests check
// that we keep it.

// credentialsOf lists the Credential Manager items of one keychain service,
// read through CredEnumerateW rather than through this package, so the test
// sees what Windows holds, not what Store believes it wrote.
func credentialsOf(t *testing.T, service string) []*wincred.Credential {
	t.Helper()
	all, err := wincred.List()
	if err != nil {
		t.Fatalf("CredEnumerate: %v", err)
	}
	var out []*wincred.Credential
	for _, c := range all {
		// go-keyring names an item "<service>:<account>".
		if strings.HasPrefix(c.TargetName, service+":") {
			out = append(out, c)
		}
	}
	return out
}

func TestCredentialManagerSplitsAnRSA4096Key(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 4096)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	o := NewOS(0)
	if got, want := o.MaxItemSize(), WindowsItemLimit*3/4; got != want {
		t.Fatalf("MaxItemSize on Windows = %d, want %d (Credential Manager's 2,560-byte blob, base64)", got, want)
	}
	s := New(o, profile(t))
	if err := s.Put("smime-key", der); err != nil {
		t.Fatalf("Put of a %d-byte RSA-4096 key: %v", len(der), err)
	}
	t.Cleanup(func() { _ = s.Delete("smime-key") })

	items := credentialsOf(t, s.Service())
	// A manifest and at least two parts: one item cannot hold the key.
	if len(items) < 3 {
		t.Fatalf("a %d-byte key is held in %d Credential Manager item(s), want a manifest and ≥2 parts", len(der), len(items))
	}
	for _, c := range items {
		if len(c.CredentialBlob) > WindowsItemLimit {
			t.Errorf("item %q holds %d bytes, above Windows' %d-byte limit", c.TargetName, len(c.CredentialBlob), WindowsItemLimit)
		}
	}

	got, err := s.Get("smime-key")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !bytes.Equal(got, der) {
		t.Fatalf("Get returned %d bytes, not the %d-byte key stored", len(got), len(der))
	}
	if err := s.Delete("smime-key"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if left := credentialsOf(t, s.Service()); len(left) != 0 {
		t.Fatalf("%d Credential Manager item(s) left after Delete, first %q", len(left), left[0].TargetName)
	}
}

func TestItemLimitIsOursNotTheKeychains(t *testing.T) {
	o := NewOS(0)
	service := "SealDesk/" + profile(t)
	t.Cleanup(func() {
		_ = o.Delete(service, "fits")
		_ = o.Delete(service, "too-big")
	})
	if err := o.Set(service, "fits", random(t, o.MaxItemSize())); err != nil {
		t.Fatalf("Set of exactly MaxItemSize bytes: %v", err)
	}
	err := o.Set(service, "too-big", random(t, o.MaxItemSize()+1))
	if !errors.Is(err, errTooBig) {
		t.Fatalf("Set of MaxItemSize+1 bytes: %v, want errTooBig", err)
	}
	if _, err := o.Get(service, "too-big"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of the refused item: %v, want ErrNotFound (nothing written)", err)
	}
}
