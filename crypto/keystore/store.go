package keystore

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
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

// manifest describes a split secret. It is written after every part, and
// the checksum covers the reassembled secret, so an interrupted write or a
// missing part reads as ErrCorrupt, never as a valid, shorter secret.
type manifest struct {
	Generation int    `json:"gen"`
	Parts      int    `json:"parts"`
	Length     int    `json:"len"`
	SHA256     string `json:"sha256"`
}

// Store is the keychain as SealDesk uses it: named secrets within one
// profile, of any size. It is safe for concurrent use when its Backend is.
type Store struct {
	backend Backend
	service string
}

// New returns a Store whose items live under the keychain service
// "SealDesk/<profile>". The profile is a stable identifier of one data
// directory, so two data directories never collide.
func New(backend Backend, profile string) *Store {
	return &Store{backend: backend, service: "SealDesk/" + profile}
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

// Put stores secret under name, replacing any earlier value. Secrets larger
// than one item are split; the manifest is written last.
func (s *Store) Put(name string, secret []byte) error {
	if err := validName(name); err != nil {
		return err
	}
	old, _ := s.readManifest(name)
	room := s.backend.MaxItemSize() - 1
	if len(secret) <= room {
		if err := s.backend.Set(s.service, name, tagged(tagInline, secret)); err != nil {
			return fmt.Errorf("keystore: storing %q: %w", name, err)
		}
	} else {
		m := manifest{Generation: 1, Length: len(secret)}
		if old != nil {
			m.Generation = old.Generation + 1
		}
		sum := sha256.Sum256(secret)
		m.SHA256 = hex.EncodeToString(sum[:])
		for off := 0; off < len(secret); off += room {
			part := secret[off:min(off+room, len(secret))]
			if err := s.backend.Set(s.service, partName(name, m.Generation, m.Parts), tagged(tagInline, part)); err != nil {
				return fmt.Errorf("keystore: storing part %d of %q: %w", m.Parts+1, name, err)
			}
			m.Parts++
		}
		data, _ := json.Marshal(m)
		if err := s.backend.Set(s.service, name, tagged(tagManifest, data)); err != nil {
			return fmt.Errorf("keystore: storing the manifest of %q: %w", name, err)
		}
	}
	if old != nil {
		s.deleteParts(name, *old)
	}
	return nil
}

// Get returns the secret stored under name, or ErrNotFound. The caller owns
// the returned slice and should Zero it when done.
func (s *Store) Get(name string) ([]byte, error) {
	item, err := s.backend.Get(s.service, name)
	if err != nil {
		return nil, err
	}
	defer Zero(item)
	if len(item) == 0 {
		return nil, ErrCorrupt
	}
	switch item[0] {
	case tagInline:
		return bytes.Clone(item[1:]), nil
	case tagManifest:
		var m manifest
		if json.Unmarshal(item[1:], &m) != nil || m.Parts <= 0 || m.Length < 0 {
			return nil, ErrCorrupt
		}
		return s.assemble(name, m)
	}
	return nil, ErrCorrupt
}

func (s *Store) assemble(name string, m manifest) ([]byte, error) {
	out := make([]byte, 0, m.Length)
	for i := range m.Parts {
		part, err := s.backend.Get(s.service, partName(name, m.Generation, i))
		if errors.Is(err, ErrNotFound) {
			Zero(out)
			return nil, ErrCorrupt
		}
		if err != nil {
			Zero(out)
			return nil, err
		}
		if len(part) == 0 || part[0] != tagInline || len(out)+len(part)-1 > m.Length {
			Zero(part)
			Zero(out)
			return nil, ErrCorrupt
		}
		out = append(out, part[1:]...)
		Zero(part)
	}
	sum := sha256.Sum256(out)
	want, _ := hex.DecodeString(m.SHA256)
	if len(out) != m.Length || subtle.ConstantTimeCompare(sum[:], want) != 1 {
		Zero(out)
		return nil, ErrCorrupt
	}
	return out, nil
}

// Delete removes the secret and every part of it. The manifest goes first,
// so an interrupted delete leaves no readable secret behind.
func (s *Store) Delete(name string) error {
	m, err := s.readManifest(name)
	if err != nil && !errors.Is(err, errNotManifest) {
		return err
	}
	if err := s.backend.Delete(s.service, name); err != nil {
		return err
	}
	if m != nil {
		s.deleteParts(name, *m)
	}
	return nil
}

var errNotManifest = errors.New("not a manifest")

func (s *Store) readManifest(name string) (*manifest, error) {
	item, err := s.backend.Get(s.service, name)
	if err != nil {
		return nil, err
	}
	defer Zero(item)
	if len(item) == 0 || item[0] != tagManifest {
		return nil, errNotManifest
	}
	var m manifest
	if json.Unmarshal(item[1:], &m) != nil {
		return nil, ErrCorrupt
	}
	return &m, nil
}

// deleteParts removes the parts of one generation. Best effort: a leftover
// part is unreadable without its manifest and is overwritten by the next
// write of the same generation.
func (s *Store) deleteParts(name string, m manifest) {
	for i := range m.Parts {
		_ = s.backend.Delete(s.service, partName(name, m.Generation, i))
	}
}

func partName(name string, gen, i int) string {
	return fmt.Sprintf("%s#%d.%d", name, gen, i)
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
