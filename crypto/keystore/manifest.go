package keystore

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Bounds of a split secret. A manifest is read back from the keychain,
// where anything that can write the user's keychain can change it, so none
// of its numbers is used (to allocate, to loop) before it is checked
// against these.
const (
	// MaxSecretSize is the largest secret Put stores and Get assembles.
	// SealDesk's secrets are a few KB (an RSA-4096 PKCS #8 key is about
	// 2,400 bytes, an OpenPGP secret key with subkeys a few thousand);
	// 1 MiB leaves room for keys with photo IDs and bounds what a damaged
	// manifest can make Get allocate.
	MaxSecretSize = 1 << 20
	// maxParts bounds the parts of one secret: MaxSecretSize in Windows'
	// 2,560-byte items takes 547.
	maxParts = 1024
	// slots is the number of generations a split secret's parts rotate
	// through (see Store.Put). Bounded, so that Delete can find the parts of
	// every generation without a manifest and without listing the keychain
	// (go-keyring cannot list).
	slots = 8
	// maxGeneration accepts the generations of items written before slots
	// existed, which counted up from 1 with every replace.
	maxGeneration = 1 << 20
)

// manifest describes a split secret. It is written after every part, and
// the checksum covers the reassembled secret, so an interrupted write or a
// missing part reads as ErrCorrupt, never as a valid, shorter secret.
type manifest struct {
	Generation int    `json:"gen"`
	Parts      int    `json:"parts"`
	Length     int    `json:"len"`
	SHA256     string `json:"sha256"`

	sum [32]byte // SHA256 decoded by parseManifest
}

// parseManifest reads a manifest (the item's value after its tag) and
// checks that it is one Put could have written: a generation, between 1
// and maxParts parts, a length each part can hold at least a byte of and
// at most MaxSecretSize, and a SHA-256. Anything else is ErrCorrupt; what
// the parts hold is checked when they are assembled.
func parseManifest(b []byte) (manifest, error) {
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("keystore: the manifest is not JSON (%v): %w", err, ErrCorrupt)
	}
	switch {
	case m.Generation < 0 || m.Generation > maxGeneration:
		return m, fmt.Errorf("keystore: manifest generation %d outside 0..%d: %w", m.Generation, maxGeneration, ErrCorrupt)
	case m.Parts < 1 || m.Parts > maxParts:
		return m, fmt.Errorf("keystore: manifest names %d parts, not 1..%d: %w", m.Parts, maxParts, ErrCorrupt)
	case m.Length < m.Parts || m.Length > MaxSecretSize:
		// Put never writes an empty part, so a secret of n parts has at
		// least n bytes.
		return m, fmt.Errorf("keystore: manifest length %d outside %d..%d: %w", m.Length, m.Parts, MaxSecretSize, ErrCorrupt)
	}
	if n, err := hex.Decode(m.sum[:], []byte(m.SHA256)); err != nil || n != len(m.sum) || len(m.SHA256) != hex.EncodedLen(len(m.sum)) {
		return m, fmt.Errorf("keystore: the manifest's SHA-256 %q is not 64 hex digits: %w", m.SHA256, ErrCorrupt)
	}
	return m, nil
}

// generationOf reads only the generation of a manifest that may be
// damaged otherwise, so that Put and Delete can still remove the parts it
// names; ok is false when not even that can be read.
func generationOf(b []byte) (gen int, ok bool) {
	var m struct {
		Generation *int `json:"gen"`
	}
	if json.Unmarshal(b, &m) != nil || m.Generation == nil || *m.Generation < 0 || *m.Generation > maxGeneration {
		return 0, false
	}
	return *m.Generation, true
}

func (m manifest) marshal() []byte {
	data, _ := json.Marshal(m) // four plain fields: cannot fail
	return tagged(tagManifest, data)
}
