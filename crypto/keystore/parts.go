package keystore

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"sync"
)

// The parts of a split secret are the items "<name>#<generation>.<i>",
// i = 0..parts-1, in one of a bounded number of generations (slots). Two
// rules keep every generation a contiguous run of parts from 0, which is
// what lets a generation be measured without its manifest: parts are
// written in ascending order and deleted in descending order, part 0 last.
// A slot whose part 0 is absent is therefore empty, not half deleted.

func partName(name string, gen, i int) string {
	return fmt.Sprintf("%s#%d.%d", name, gen, i)
}

// writeParts stores secret's parts in generation gen, room bytes each.
func (s *Store) writeParts(name string, gen int, secret []byte, room int) (manifest, error) {
	m := manifest{Generation: gen, Length: len(secret), sum: sha256.Sum256(secret)}
	m.SHA256 = fmt.Sprintf("%x", m.sum)
	for off := 0; off < len(secret); off += room {
		part := tagged(tagInline, secret[off:min(off+room, len(secret))])
		err := s.backend.Set(s.service, partName(name, gen, m.Parts), part)
		Zero(part)
		if err != nil {
			return m, fmt.Errorf("keystore: storing part %d of %q: %w", m.Parts+1, name, err)
		}
		m.Parts++
	}
	return m, nil
}

// assemble reads the parts m names and checks them against it: each part
// present and tagged, no more bytes than m.Length, and the SHA-256 of the
// whole. The capacity is m.Length, which parseManifest bounded.
func (s *Store) assemble(name string, m manifest) ([]byte, error) {
	out := make([]byte, 0, m.Length)
	fail := func(err error) ([]byte, error) {
		Zero(out)
		return nil, err
	}
	for i := range m.Parts {
		part, err := s.backend.Get(s.service, partName(name, m.Generation, i))
		if errors.Is(err, ErrNotFound) {
			return fail(fmt.Errorf("keystore: part %d of %d of %q is missing: %w", i+1, m.Parts, name, ErrCorrupt))
		}
		if err != nil {
			return fail(err)
		}
		ok := len(part) > 1 && part[0] == tagInline && len(out)+len(part)-1 <= m.Length
		if ok {
			out = append(out, part[1:]...)
		}
		Zero(part)
		if !ok {
			return fail(fmt.Errorf("keystore: part %d of %d of %q does not fit its manifest: %w", i+1, m.Parts, name, ErrCorrupt))
		}
	}
	sum := sha256.Sum256(out)
	if len(out) != m.Length || subtle.ConstantTimeCompare(sum[:], m.sum[:]) != 1 {
		return fail(fmt.Errorf("keystore: the parts of %q do not match their manifest's checksum: %w", name, ErrCorrupt))
	}
	return out, nil
}

// holeTolerance is how many missing parts in a row partCount looks past.
// Two writers that met in one generation and gave it up can leave a hole
// in its run of parts (one deleting what the other was still writing);
// the hole is at most as long as the shorter write, a part or two for
// SealDesk's secrets.
const holeTolerance = 4

// partCount measures generation gen: one past the last part found, looking
// past holes of up to holeTolerance parts.
func (s *Store) partCount(name string, gen int) (int, error) {
	n := 0
	for i := 0; i < n+holeTolerance && i <= maxParts; i++ {
		part, err := s.backend.Get(s.service, partName(name, gen, i))
		Zero(part)
		switch {
		case err == nil:
			n = i + 1
		case !errors.Is(err, ErrNotFound):
			return n, err
		}
	}
	return n, nil
}

// clearGeneration deletes every part of generation gen, last first (see
// the top of this file), and reports whether there was any (holes: see
// holeTolerance). A writer that
// abandons a generation passes the number of parts it wrote as atLeast:
// where another writer met it in that generation, the run from 0 may have
// a hole its own parts fill.
func (s *Store) clearGeneration(name string, gen, atLeast int) (bool, error) {
	n, err := s.partCount(name, gen)
	for i := max(n, atLeast) - 1; i >= 0; i-- {
		if derr := s.backend.Delete(s.service, partName(name, gen, i)); derr != nil && !errors.Is(derr, ErrNotFound) {
			return true, derr
		}
	}
	return n > 0, err
}

// pickGeneration chooses the slot a new split secret is written to: a
// random empty one other than current (-1: none), so that two writers
// (two processes) rarely meet in one slot, and when they do, Put's check
// after writing the manifest finds it. When every other slot holds parts
// (left by interrupted or outrun writers), a random one is cleared first.
func (s *Store) pickGeneration(name string, current int) (int, error) {
	free := make([]int, 0, slots)
	for gen := range slots {
		if gen == current {
			continue
		}
		part, err := s.backend.Get(s.service, partName(name, gen, 0))
		Zero(part)
		switch {
		case errors.Is(err, ErrNotFound):
			free = append(free, gen)
		case err != nil:
			return 0, fmt.Errorf("keystore: storing %q: %w", name, err)
		}
	}
	if len(free) > 0 {
		return free[randN(len(free))], nil
	}
	gen := randN(slots - 1)
	if gen >= current && current >= 0 {
		gen++
	}
	if _, err := s.clearGeneration(name, gen, 0); err != nil {
		return 0, fmt.Errorf("keystore: storing %q: %w", name, err)
	}
	return gen, nil
}

func randN(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0
	}
	return int(v.Int64())
}

// nameLocks serialises the writers of one secret within this process:
// Put, Delete and the read-modify-write of OpenSealer. Writers in other
// processes of this user wait on a lock file (proclock.go); the write
// protocol (see Store.Put) covers what that lock cannot.
var nameLocks = struct {
	sync.Mutex
	m map[string]*sync.Mutex
}{m: map[string]*sync.Mutex{}}

func lockName(service, name string) func() {
	key := service + "\x00" + name
	nameLocks.Lock()
	mu := nameLocks.m[key]
	if mu == nil {
		mu = new(sync.Mutex)
		nameLocks.m[key] = mu
	}
	nameLocks.Unlock()
	mu.Lock()
	unlockFile := lockAcrossProcesses(service, name)
	return func() {
		unlockFile()
		mu.Unlock()
	}
}
