package keystore

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// put6000 stores a secret that Windows' item limit splits in 4 parts.
func put6000(t *testing.T) (*Memory, *Store, int) {
	t.Helper()
	m := NewMemory(WindowsItemLimit)
	s := New(m, "p")
	if err := s.Put("k", random(t, 6000)); err != nil {
		t.Fatal(err)
	}
	gen := s.generation("k")
	if gen < 0 {
		t.Fatal("a 6,000-byte secret was not split")
	}
	return m, s, gen
}

const goodSum = `"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"`

// TestDamagedManifestIsCorrupt: a manifest whose numbers are out of bounds
// is ErrCorrupt before anything is allocated or read by them. On the old
// code a huge len panicked in makeslice.
func TestDamagedManifestIsCorrupt(t *testing.T) {
	cases := []struct{ name, manifest string }{
		{"huge len", `{"gen":%d,"parts":4,"len":4611686018427387904,` + goodSum + `}`},
		{"len above MaxSecretSize", `{"gen":%d,"parts":4,"len":1048577,` + goodSum + `}`},
		{"len below parts", `{"gen":%d,"parts":4,"len":3,` + goodSum + `}`},
		{"negative len", `{"gen":%d,"parts":4,"len":-1,` + goodSum + `}`},
		{"zero parts", `{"gen":%d,"parts":0,"len":6000,` + goodSum + `}`},
		{"huge parts", `{"gen":%d,"parts":2000000000,"len":6000,` + goodSum + `}`},
		{"negative generation", `{"gen":-%d,"parts":4,"len":6000,` + goodSum + `}`},
		{"checksum not hex", `{"gen":%d,"parts":4,"len":6000,"sha256":"zz"}`},
		{"checksum short", `{"gen":%d,"parts":4,"len":6000,"sha256":"e3b0"}`},
		{"len not a number", `{"gen":%d,"parts":4,"len":"6000",` + goodSum + `}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, s, gen := put6000(t)
			if err := m.Set(s.service, "k", []byte("M"+fmt.Sprintf(tc.manifest, gen+1))); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get("k"); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Get: %v, want ErrCorrupt", err)
			}
		})
	}
}

// TestDeleteRemovesWhateverIsThere: Delete removes the item and the parts
// of every generation, whatever state the manifest is in. On the old code
// a damaged manifest made Delete fail and a missing one left the parts.
func TestDeleteRemovesWhateverIsThere(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, m *Memory, s *Store, gen int)
	}{
		{"manifest not JSON", func(t *testing.T, m *Memory, s *Store, gen int) { _ = m.Set(s.service, "k", []byte("Mnot json")) }},
		{"manifest with a huge len", func(t *testing.T, m *Memory, s *Store, gen int) {
			_ = m.Set(s.service, "k", []byte(fmt.Sprintf(`M{"gen":%d,"parts":4,"len":99999999999}`, gen)))
		}},
		{"manifest missing", func(t *testing.T, m *Memory, s *Store, gen int) { _ = m.Delete(s.service, "k") }},
		{"manifest naming another generation", func(t *testing.T, m *Memory, s *Store, gen int) {
			_ = m.Set(s.service, "k", []byte(fmt.Sprintf(`M{"gen":%d,"parts":4,"len":6000,`+goodSum+`}`, (gen+1)%slots)))
		}},
		{"unknown tag", func(t *testing.T, m *Memory, s *Store, gen int) { _ = m.Set(s.service, "k", []byte("Xabc")) }},
		{"leftovers of an interrupted write beside the secret", func(t *testing.T, m *Memory, s *Store, gen int) {
			m.FailAfter = 3
			if err := s.Put("k", random(t, 9000)); err == nil {
				t.Fatal("the interrupted Put succeeded")
			}
		}},
		{"generation of the old numbering", func(t *testing.T, m *Memory, s *Store, gen int) {
			for i := range 3 {
				_ = m.Set(s.service, partName("k", 41, i), []byte("Ixx"))
			}
			_ = m.Set(s.service, "k", []byte(`M{"gen":41,"parts":3,"len":6,`+goodSum+`}`))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, s, gen := put6000(t)
			tc.damage(t, m, s, gen)
			if err := s.Delete("k"); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if m.Len() != 0 {
				t.Fatalf("%d items left after Delete", m.Len())
			}
			if err := s.Delete("k"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("second Delete: %v, want ErrNotFound", err)
			}
		})
	}
}

// yielding is a Backend whose calls let other goroutines run, so that
// concurrent writers interleave item by item as processes do.
type yielding struct{ *Memory }

func (y yielding) Set(service, account string, secret []byte) error {
	runtime.Gosched()
	defer runtime.Gosched()
	return y.Memory.Set(service, account, secret)
}

func (y yielding) Get(service, account string) ([]byte, error) {
	runtime.Gosched()
	return y.Memory.Get(service, account)
}

// concurrentPuts runs writers Puts of distinct split secrets of one name
// and returns the secret each wrote last.
func concurrentPuts(t *testing.T, stores []*Store, rounds int) [][]byte {
	t.Helper()
	last := make([][]byte, len(stores))
	var wg sync.WaitGroup
	for w, s := range stores {
		secrets := make([][]byte, rounds)
		for r := range secrets {
			secrets[r] = random(t, 4000+1000*w+r)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, v := range secrets {
				if err := s.Put("k", v); err != nil {
					t.Errorf("writer %d: Put: %v", w, err)
					return
				}
			}
		}()
		last[w] = secrets[rounds-1]
	}
	wg.Wait()
	return last
}

// oneOf fails unless the stored secret is one of want.
func oneOf(t *testing.T, s *Store, want [][]byte) {
	t.Helper()
	got, err := s.Get("k")
	if err != nil {
		t.Fatalf("Get after concurrent Puts: %v", err)
	}
	for _, w := range want {
		if bytes.Equal(got, w) {
			return
		}
	}
	t.Fatalf("Get returned %d bytes that no writer wrote last", len(got))
}

// TestConcurrentPutsOfOneName: writers of one name in one process are
// serialised; the last value stands and no part is left over. On the old
// code they interleaved generations and the secret read as ErrCorrupt.
func TestConcurrentPutsOfOneName(t *testing.T) {
	for run := range 20 {
		m := NewMemory(WindowsItemLimit)
		b := yielding{m}
		stores := []*Store{New(b, "p"), New(b, "p"), New(b, "p"), New(b, "p")}
		last := concurrentPuts(t, stores, 8)
		t.Run(fmt.Sprint(run), func(t *testing.T) { oneOf(t, stores[0], last) })
		got, _ := stores[0].Get("k")
		if want := 1 + (len(got)+b.MaxItemSize()-2)/(b.MaxItemSize()-1); m.Len() != want {
			t.Fatalf("%d items after the writes, want %d (manifest and parts of the last): %v", m.Len(), want, m.keys())
		}
	}
}

// TestDamagedItemOnEveryBackend: in the real Secret Service too, a damaged
// manifest reads as ErrCorrupt and Delete removes the item and its parts.
func TestDamagedItemOnEveryBackend(t *testing.T) {
	for bname, b := range backends(t) {
		t.Run(bname, func(t *testing.T) {
			s := New(b, profile(t))
			if err := s.Put("k", random(t, 6000)); err != nil {
				t.Fatal(err)
			}
			if err := b.Set(s.service, "k", []byte(`M{"gen":1,"parts":4,"len":4611686018427387904}`)); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get("k"); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Get: %v, want ErrCorrupt", err)
			}
			deleteAll(t, s)
		})
	}
}

// TestWritersInTwoProcesses plays the app and sealctl writing one name at
// once: two Stores without the in-process lock, item operations
// interleaved. One writer's last value must stand, whole.
func TestWritersInTwoProcesses(t *testing.T) {
	for run := range 20 {
		m := NewMemory(WindowsItemLimit)
		b := yielding{m}
		stores := []*Store{New(b, "p"), New(b, "p")}
		for _, s := range stores {
			s.lock = func(string, string) func() { return func() {} }
		}
		last := concurrentPuts(t, stores, 6)
		t.Run(fmt.Sprint(run), func(t *testing.T) { oneOf(t, stores[0], last) })
		if err := stores[0].Delete("k"); err != nil || m.Len() != 0 {
			t.Fatalf("Delete: %v, %d items left: %v", err, m.Len(), m.keys())
		}
	}
}

// TestPutRefusesTooLarge: beyond MaxSecretSize Put says so, and nothing is
// written.
func TestPutRefusesTooLarge(t *testing.T) {
	m := NewMemory(WindowsItemLimit)
	if err := New(m, "p").Put("k", make([]byte, MaxSecretSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Put: %v, want ErrTooLarge", err)
	}
	if m.Len() != 0 {
		t.Fatalf("%d items written", m.Len())
	}
}

func (m *Memory) keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.items {
		out = append(out, k[1])
	}
	return out
}

// deleteAll deletes "k" and checks that neither it nor a part of any
// generation is left.
func deleteAll(t *testing.T, s *Store) {
	t.Helper()
	if err := s.Delete("k"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	for gen := range slots {
		if n, err := s.partCount("k", gen); n != 0 || err != nil {
			t.Fatalf("generation %d keeps %d parts after Delete (%v)", gen, n, err)
		}
	}
	if _, err := s.Get("k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
}
