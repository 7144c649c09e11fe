package keystore

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

var (
	errTooBig    = errors.New("keystore: secret larger than one keychain item")
	errSimulated = errors.New("simulated failure")
)

// Item value tags. A stored item is either the secret itself (inline) or a
// manifest that names the parts a large secret was split into.
const (
	tagInline   = 'I'
	tagManifest = 'M'
)

// Store is the keychain as SealDesk uses it: named secrets within one
// profile, of any size. It is safe for concurrent use when its Backend is.
type Store struct {
	backend Backend
	service string
	// lock serialises the writers of one name (lockName); tests replace it
	// to play writers in separate processes.
	lock func(service, name string) (unlock func())
}

// New returns a Store whose items live under the keychain service
// "SealDesk/<profile>". The profile is a stable identifier of one data
// directory, so two data directories never collide.
func New(backend Backend, profile string) *Store {
	return &Store{backend: backend, service: "SealDesk/" + profile, lock: lockName}
}

// Service is the keychain service name the items are stored under.
func (s *Store) Service() string { return s.service }

// Check reports whether the keychain is reachable, with an actionable
// UnavailableError when it is not.
func (s *Store) Check() error {
	_, err := s.backend.Get(s.service, "probe")
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// ErrTooLarge is returned by Put for a secret above MaxSecretSize.
var ErrTooLarge = errors.New("keystore: secret too large")

// Put stores secret under name, replacing any earlier value. Secrets
// larger than one item are split across items (see parts.go).
//
// Writers of one name are serialised within the process, and between
// processes of this user by a lock file (proclock.go). Where that lock
// cannot hold (a process killed mid-write, a lock file that cannot be
// made) the write protocol keeps the secret readable (the app and sealctl
// share the keychain, which offers no lock and no compare-and-set):
//  1. the parts go to an empty generation, one the current manifest does
//     not name, so the secret being replaced stays whole;
//  2. the manifest is written last, as one item: a reader sees the old
//     secret or the new one, and a part missing or changed under it reads
//     as ErrCorrupt (Get then reads again);
//  3. Put reads the manifest back and assembles it. When it names its own
//     write, the parts must check out, else another writer used the same
//     generation and Put writes again elsewhere. When another value came
//     later, that one stands (last writer wins) and Put removes its own
//     parts unless the later manifest names them;
//  4. only then are the parts of the replaced generation removed, unless a
//     manifest names them again by then.
//
// WARNING: what is guaranteed across processes is that two concurrent
// writers of one name leave one of their two values readable and never a
// mix. Not guaranteed: which one wins, that parts of an outrun or
// interrupted write are removed (they are unreadable without a manifest;
// the next Delete removes them), and a readable result when three or more
// processes write one name at once or a Delete runs during another
// process's Put (Get may then say ErrCorrupt until the next Put or Delete).
func (s *Store) Put(name string, secret []byte) error {
	if err := validName(name); err != nil {
		return err
	}
	if len(secret) > MaxSecretSize {
		return fmt.Errorf("keystore: %q has %d bytes, more than %d: %w", name, len(secret), MaxSecretSize, ErrTooLarge)
	}
	defer s.lock(s.service, name)()
	return s.put(name, secret)
}

// put is Put with the name's lock held.
func (s *Store) put(name string, secret []byte) error {
	old := s.generation(name)
	room := s.backend.MaxItemSize() - 1
	if len(secret) <= room {
		item := tagged(tagInline, secret)
		err := s.backend.Set(s.service, name, item)
		Zero(item)
		if err != nil {
			return fmt.Errorf("keystore: storing %q: %w", name, err)
		}
		s.dropUnnamed(name, abandoned{old: 0})
		return nil
	}
	left, err := s.putSplit(name, secret, room, old)
	if old >= 0 && err == nil {
		left[old] = max(left[old], 0)
	}
	s.dropUnnamed(name, left)
	return err
}

// abandoned are the generations a Put leaves behind (the one it replaced,
// the ones it wrote to and gave up), each with the number of parts it
// wrote there.
type abandoned map[int]int

// dropUnnamed removes the parts of the abandoned generations that the
// stored manifest does not name (step 4 of Put). Best effort: parts no
// manifest names are unreadable, and Delete removes them.
func (s *Store) dropUnnamed(name string, gens abandoned) {
	cur := s.generation(name)
	for gen, wrote := range gens {
		if gen >= 0 && gen != cur {
			_, _ = s.clearGeneration(name, gen, wrote)
		}
	}
}

// putSplitAttempts bounds how often Put writes again after meeting
// another writer in the same generation.
const putSplitAttempts = 3

// putSplit writes secret's parts and then its manifest (steps 1 to 3 of
// Put) and returns the generations to drop: its own when another value
// came later and stands, or when the write was interrupted.
func (s *Store) putSplit(name string, secret []byte, room, current int) (abandoned, error) {
	left := abandoned{}
	for range putSplitAttempts {
		gen, err := s.pickGeneration(name, current)
		if err != nil {
			return left, err
		}
		m, err := s.writeParts(name, gen, secret, room)
		if err != nil {
			// Interrupted: the manifest still names the old secret.
			left[gen] = m.Parts + 1
			return left, err
		}
		item := m.marshal()
		if err := s.backend.Set(s.service, name, item); err != nil {
			left[gen] = m.Parts
			return left, fmt.Errorf("keystore: storing the manifest of %q: %w", name, err)
		}
		cur, err := s.backend.Get(s.service, name)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return left, fmt.Errorf("keystore: reading back %q: %w", name, err)
		}
		if !bytes.Equal(cur, item) {
			Zero(cur)           // an inline secret stored meanwhile
			left[gen] = m.Parts // outrun: another value came later and stands
			return left, nil
		}
		got, err := s.assemble(name, m)
		Zero(got)
		if err == nil {
			delete(left, gen)
			return left, nil
		}
		if !errors.Is(err, ErrCorrupt) {
			return left, err
		}
		// Another writer wrote parts into the same generation: try another.
		// The parts stay: that writer may still store its value there, and
		// deleting them could remove it after it checked them (Delete
		// removes them otherwise).
		current = gen
	}
	return left, fmt.Errorf("keystore: storing %q: other writers kept overwriting its parts: %w", name, ErrCorrupt)
}

// generation is the generation the item under name names, -1 when it is
// not a manifest whose generation can be read.
func (s *Store) generation(name string) int {
	item, err := s.backend.Get(s.service, name)
	defer Zero(item)
	if g, ok := manifestGeneration(item); err == nil && ok {
		return g
	}
	return -1
}

func manifestGeneration(item []byte) (int, bool) {
	if len(item) == 0 || item[0] != tagManifest {
		return 0, false
	}
	return generationOf(item[1:])
}

// readAttempts bounds Get's re-reads when a secret changes under it.
const readAttempts = 3

// Get returns the secret stored under name, or ErrNotFound; ErrCorrupt
// when its parts do not match its manifest. The caller owns the returned
// slice and should Zero it when done.
func (s *Store) Get(name string) ([]byte, error) {
	var prev []byte
	var lastErr error
	for range readAttempts {
		item, err := s.backend.Get(s.service, name)
		if err != nil {
			return nil, err
		}
		if prev != nil && bytes.Equal(item, prev) {
			return nil, lastErr // unchanged: damaged, not being replaced
		}
		secret, err := s.decode(name, item)
		if !errors.Is(err, ErrCorrupt) || len(item) == 0 || item[0] != tagManifest {
			Zero(item)
			return secret, err
		}
		// Another process may have replaced the secret and removed the
		// parts being read: read again while the manifest changes.
		prev, lastErr = item, err
	}
	return nil, lastErr
}

// decode reads one item's value: the secret itself, or the manifest of its
// parts.
func (s *Store) decode(name string, item []byte) ([]byte, error) {
	if len(item) == 0 {
		return nil, fmt.Errorf("keystore: %q is empty: %w", name, ErrCorrupt)
	}
	switch item[0] {
	case tagInline:
		return bytes.Clone(item[1:]), nil
	case tagManifest:
		m, err := parseManifest(item[1:])
		if err != nil {
			return nil, fmt.Errorf("keystore: %q: %w", name, err)
		}
		return s.assemble(name, m)
	}
	return nil, fmt.Errorf("keystore: %q has an unknown item tag %#x: %w", name, item[0], ErrCorrupt)
}

// Delete removes the secret and every part of every generation, whatever
// the state of its manifest (damaged, missing, naming other parts). The
// manifest goes first, so an interrupted delete leaves no readable secret
// behind. It returns ErrNotFound when there was nothing to remove.
func (s *Store) Delete(name string) error {
	if err := validName(name); err != nil {
		return err
	}
	defer s.lock(s.service, name)()
	item, err := s.backend.Get(s.service, name)
	found := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("keystore: deleting %q: %w", name, err)
	}
	gens := make([]int, 0, slots+1)
	for g := range slots {
		gens = append(gens, g)
	}
	if g, ok := manifestGeneration(item); ok && g >= slots {
		gens = append(gens, g) // written before generations rotated
	}
	Zero(item)
	if found {
		if err := s.backend.Delete(s.service, name); err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("keystore: deleting %q: %w", name, err)
		}
	}
	for _, g := range gens {
		had, err := s.clearGeneration(name, g, 0)
		if err != nil {
			return fmt.Errorf("keystore: deleting the parts of %q: %w", name, err)
		}
		found = found || had
	}
	if !found {
		return ErrNotFound
	}
	return nil
}

func validName(name string) error {
	if name == "" || strings.ContainsRune(name, '#') || name == "probe" {
		return fmt.Errorf("keystore: invalid secret name %q", name)
	}
	return nil
}

func tagged(tag byte, b []byte) []byte {
	out := make([]byte, 0, len(b)+1)
	return append(append(out, tag), b...)
}

// Zero overwrites b, for key material and passphrases that are done with.
func Zero(b []byte) {
	clear(b)
}
