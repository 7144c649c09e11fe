package keystore

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
)

func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// backends returns the keychains the suite runs against: always the
// in-memory one with Windows' limit, and the real Secret Service (also with
// Windows' limit forced, to exercise splitting) when the harness started one.
func backends(t *testing.T) map[string]Backend {
	b := map[string]Backend{"memory": NewMemory(WindowsItemLimit)}
	if os.Getenv("SEALDESK_TEST_KEYRING") == "1" {
		b["secret-service"] = NewOS(WindowsItemLimit)
	} else {
		t.Log("SEALDESK_TEST_KEYRING unset: skipping the real Secret Service (run through `make test` or scripts/with-keyring.sh)")
	}
	return b
}

func profile(t *testing.T) string {
	return fmt.Sprintf("test-%s-%d", t.Name(), time.Now().UnixNano())
}

func TestStoreRoundTrip(t *testing.T) {
	sizes := []struct {
		name string
		size int
	}{
		{"empty", 0},
		{"small passphrase", 24},
		{"exactly one item", WindowsItemLimit*3/4 - 1},
		{"one byte over one item", WindowsItemLimit * 3 / 4},
		{"RSA-4096 PKCS#8 key", 2374},
		{"PGP secret key with subkeys", 7000},
	}
	for bname, b := range backends(t) {
		for _, tc := range sizes {
			t.Run(bname+"/"+tc.name, func(t *testing.T) {
				s := New(b, profile(t))
				secret := random(t, tc.size)
				if err := s.Put("key", secret); err != nil {
					t.Fatalf("Put: %v", err)
				}
				got, err := s.Get("key")
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				if !bytes.Equal(got, secret) {
					t.Fatalf("Get returned %d bytes, want the %d stored", len(got), len(secret))
				}
				if err := s.Delete("key"); err != nil {
					t.Fatalf("Delete: %v", err)
				}
				if _, err := s.Get("key"); !errors.Is(err, ErrNotFound) {
					t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
				}
			})
		}
	}
}

func TestStoreReplaceShrinksAndGrows(t *testing.T) {
	for bname, b := range backends(t) {
		t.Run(bname, func(t *testing.T) {
			s := New(b, profile(t))
			for _, n := range []int{9000, 100, 5000, 12000, 10} {
				v := random(t, n)
				if err := s.Put("k", v); err != nil {
					t.Fatalf("Put(%d): %v", n, err)
				}
				got, err := s.Get("k")
				if err != nil || !bytes.Equal(got, v) {
					t.Fatalf("after Put(%d): got %d bytes, err %v", n, len(got), err)
				}
			}
			if err := s.Delete("k"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDeleteRemovesEveryPart(t *testing.T) {
	m := NewMemory(WindowsItemLimit)
	s := New(m, "p")
	if err := s.Put("big", random(t, 20000)); err != nil {
		t.Fatal(err)
	}
	if m.Len() < 2 {
		t.Fatalf("a 20,000-byte secret used %d items: it was not split", m.Len())
	}
	if err := s.Put("big", random(t, 9000)); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("big"); err != nil {
		t.Fatal(err)
	}
	if m.Len() != 0 {
		t.Fatalf("%d items left after Delete", m.Len())
	}
}

func TestInterruptedWriteIsNeverReadAsValid(t *testing.T) {
	for failAt := 1; failAt <= 4; failAt++ {
		t.Run(fmt.Sprintf("fail at write %d", failAt), func(t *testing.T) {
			m := NewMemory(WindowsItemLimit)
			s := New(m, "p")
			old := random(t, 6000)
			if err := s.Put("k", old); err != nil {
				t.Fatal(err)
			}
			m.FailAfter = failAt
			if err := s.Put("k", random(t, 7000)); err == nil {
				t.Fatal("Put succeeded despite the simulated failure")
			}
			// The old manifest still names the old generation's parts, which
			// the failed write did not touch: the old secret stays readable.
			got, err := s.Get("k")
			if err != nil || !bytes.Equal(got, old) {
				t.Fatalf("after an interrupted replace: err %v, got old secret %v", err, bytes.Equal(got, old))
			}
		})
	}
}

func TestDamagedPartsAreDetected(t *testing.T) {
	cases := []struct {
		name   string
		damage func(m *Memory, s *Store, gen int)
	}{
		{"missing part", func(m *Memory, s *Store, gen int) { _ = m.Delete(s.service, partName("k", gen, 1)) }},
		{"altered part", func(m *Memory, s *Store, gen int) {
			_ = m.Set(s.service, partName("k", gen, 0), append([]byte{tagInline}, random(t, 100)...))
		}},
		{"manifest not JSON", func(m *Memory, s *Store, gen int) { _ = m.Set(s.service, "k", []byte("Mnot json")) }},
		{"unknown tag", func(m *Memory, s *Store, gen int) { _ = m.Set(s.service, "k", []byte("Xabc")) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, s, gen := put6000(t)
			tc.damage(m, s, gen)
			if _, err := s.Get("k"); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Get of a damaged secret: %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestProfilesDoNotCollide(t *testing.T) {
	for bname, b := range backends(t) {
		t.Run(bname, func(t *testing.T) {
			a, c := New(b, profile(t)+"-a"), New(b, profile(t)+"-b")
			if err := a.Put("k", []byte("one")); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Get("k"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("profile b sees profile a's secret: %v", err)
			}
			_ = a.Delete("k")
		})
	}
}

func TestSealer(t *testing.T) {
	for bname, b := range backends(t) {
		t.Run(bname, func(t *testing.T) {
			s := New(b, profile(t))
			defer s.Delete(StoreKeyName)
			sealer, err := OpenSealer(s)
			if err != nil {
				t.Fatal(err)
			}
			ct, err := sealer.Seal([]byte("decrypted mail body"), []byte("article:1"))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(ct, []byte("decrypted mail body")) {
				t.Fatal("plaintext visible in sealed data")
			}
			again, err := OpenSealer(s)
			if err != nil {
				t.Fatal(err)
			}
			pt, err := again.Open(ct, []byte("article:1"))
			if err != nil || string(pt) != "decrypted mail body" {
				t.Fatalf("reopened sealer: %q, %v", pt, err)
			}
			if _, err := again.Open(ct, []byte("article:2")); !errors.Is(err, ErrSealedDamaged) {
				t.Fatalf("open with another aad: %v, want ErrSealedDamaged", err)
			}
			ct[len(ct)-1] ^= 1
			if _, err := again.Open(ct, []byte("article:1")); !errors.Is(err, ErrSealedDamaged) {
				t.Fatalf("open of altered data: %v, want ErrSealedDamaged", err)
			}
		})
	}
}

func TestUnavailableKeychainSaysHowToFix(t *testing.T) {
	m := NewMemory(0)
	m.FailAfter = 1
	err := New(m, "p").Put("k", []byte("x"))
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	osErr := osError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	var ue *UnavailableError
	if !errors.As(osErr, &ue) || ue.Hint == "" {
		t.Fatalf("OS error %v carries no hint", osErr)
	}
}
