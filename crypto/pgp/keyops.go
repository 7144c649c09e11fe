package pgp

import (
	"bytes"
	"fmt"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
)

// UnlockKey checks passphrase against a secret key and returns an
// unlocked copy (k itself stays locked). A secret key without passphrase
// protection is accepted whatever the passphrase and comes back with
// Unprotected set, so the key manager can warn. ErrWrongPassphrase (inside
// an *ImportError with ReasonWrongPassphrase) when it does not fit.
func UnlockKey(k *Key, passphrase []byte) (*Key, error) {
	if k == nil || !k.Secret {
		return nil, ErrNoSecretKey
	}
	if !k.Locked() {
		c, err := k.key.Copy()
		if err != nil {
			return nil, fmt.Errorf("pgp: copying key: %w", err)
		}
		return inventory(c), nil
	}
	u, err := k.key.Unlock(passphrase)
	if err != nil {
		return nil, importErr(ReasonWrongPassphrase, "the passphrase does not unlock this secret key: check it and try again", ErrWrongPassphrase)
	}
	out := inventory(u)
	out.Unprotected = false
	return out, nil
}

// Public returns the key without its secret material.
func (k *Key) Public() (*Key, error) {
	if !k.Secret && !hasSecretSubkey(k) {
		return k, nil
	}
	pub, err := k.key.ToPublic()
	if err != nil {
		return nil, fmt.Errorf("pgp: %w", err)
	}
	return inventory(pub), nil
}

func hasSecretSubkey(k *Key) bool {
	for _, s := range k.Subkeys {
		if s.Secret {
			return true
		}
	}
	return false
}

// PublicBytes is the binary transferable public key (RFC 9580 section 10.1).
func (k *Key) PublicBytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := k.entity().Serialize(&buf); err != nil {
		return nil, fmt.Errorf("pgp: serializing key: %w", err)
	}
	return buf.Bytes(), nil
}

// ExportPublic returns the public key, ASCII-armored.
func ExportPublic(k *Key) ([]byte, error) {
	b, err := k.PublicBytes()
	if err != nil {
		return nil, err
	}
	return armorEncode(armorPublicKey, b)
}

// ExportSecret returns the secret key, ASCII-armored and protected by
// passphrase (iterated+salted S2K, AES-256; RFC 4880 section 3.7, which
// GnuPG 2.2 reads). k must be unlocked (see UnlockKey). An empty
// passphrase gives ErrPassphraseRequired: SealDesk never writes an
// unprotected secret key.
func ExportSecret(k *Key, passphrase []byte) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, ErrPassphraseRequired
	}
	if !k.Secret {
		return nil, ErrNoSecretKey
	}
	if k.Locked() {
		return nil, ErrLocked
	}
	locked, err := gcrypto.PGPWithProfile(sendProfile()).LockKey(k.key, passphrase)
	if err != nil {
		return nil, fmt.Errorf("pgp: protecting the secret key: %w", err)
	}
	var buf bytes.Buffer
	if err := locked.GetEntity().SerializePrivateWithoutSigning(&buf, nil); err != nil {
		return nil, fmt.Errorf("pgp: serializing secret key: %w", err)
	}
	return armorEncode(armorPrivateKey, buf.Bytes())
}

// MergeReport says what a merge added to a known key.
type MergeReport struct {
	Fingerprint   string
	NewUserIDs    []string
	NewSubkeys    []string // fingerprints
	NewRevocation bool     // the incoming copy revokes the key
	SecretAdded   bool     // the incoming copy brought the secret key
	// NewExpiry: the merged key's primary key expires at Expires (zero:
	// never) instead of when the known copy did (a newer self-signature
	// moved it, e.g. gpg --quick-set-expire).
	NewExpiry bool
	Expires   time.Time
	// SubkeyExpiries are the fingerprints of known subkeys whose expiry
	// date the merge moved.
	SubkeyExpiries []string
}

// Changed reports whether the merge added anything.
func (r MergeReport) Changed() bool {
	return len(r.NewUserIDs) > 0 || len(r.NewSubkeys) > 0 || r.NewRevocation || r.SecretAdded ||
		r.NewExpiry || len(r.SubkeyExpiries) > 0
}

// Merge combines two copies of the same key (same primary fingerprint):
// new user IDs, subkeys, signatures and revocations of incoming are added
// to known, as GnuPG does on --import. If incoming holds the secret key
// and known does not, the result holds it. Neither input is modified.
//
// A copy that offers a user ID known does not have without a valid
// self-signature is refused as a whole (ErrUnverifiedUserID): it is what a
// third party who appended an address to the key would send, and
// accepting the rest would hide that.
func Merge(known, incoming *Key) (*Key, MergeReport, error) {
	rep := MergeReport{Fingerprint: known.Fingerprint}
	if known.Fingerprint != incoming.Fingerprint {
		return nil, rep, ErrDifferentKeys
	}
	for _, name := range incoming.UnverifiedUserIDs {
		if _, ok := known.entity().Identities[name]; !ok {
			return nil, rep, fmt.Errorf("pgp: the copy of key %s offers the user ID %q without a valid self-signature from the key (someone other than its owner may have added it), so nothing of it was merged: %w",
				known.Fingerprint, name, ErrUnverifiedUserID)
		}
	}
	base, other := known, incoming
	if incoming.Secret && !known.Secret {
		base, other = incoming, known
		rep.SecretAdded = true
	}
	c, err := base.key.Copy()
	if err != nil {
		return nil, rep, fmt.Errorf("pgp: copying key: %w", err)
	}
	e, o := c.GetEntity(), other.entity()
	for name, id := range o.Identities {
		have, ok := e.Identities[name]
		if !ok {
			cp := *id
			cp.Primary = e
			e.Identities[name] = &cp
			if base == known {
				rep.NewUserIDs = append(rep.NewUserIDs, name)
			}
			continue
		}
		have.SelfCertifications = appendNewSigs(have.SelfCertifications, id.SelfCertifications)
		have.Revocations = appendNewSigs(have.Revocations, id.Revocations)
	}
	if rep.SecretAdded {
		for name := range e.Identities {
			if _, ok := o.Identities[name]; !ok {
				rep.NewUserIDs = append(rep.NewUserIDs, name)
			}
		}
	}
	for _, sk := range o.Subkeys {
		found := false
		for i := range e.Subkeys {
			if bytes.Equal(e.Subkeys[i].PublicKey.Fingerprint, sk.PublicKey.Fingerprint) {
				e.Subkeys[i].Bindings = appendNewSigs(e.Subkeys[i].Bindings, sk.Bindings)
				e.Subkeys[i].Revocations = appendNewSigs(e.Subkeys[i].Revocations, sk.Revocations)
				found = true
			}
		}
		if !found {
			cp := sk
			cp.Primary = e
			cp.PrivateKey = nil
			e.Subkeys = append(e.Subkeys, cp)
			if !rep.SecretAdded {
				rep.NewSubkeys = append(rep.NewSubkeys, upperHex(sk.PublicKey.Fingerprint))
			}
		}
	}
	wasRevoked := known.Revoked
	e.Revocations = appendNewSigs(e.Revocations, o.Revocations)
	e.DirectSignatures = appendNewSigs(e.DirectSignatures, o.DirectSignatures)
	merged := inventory(c)
	if merged.Revoked && !wasRevoked {
		rep.NewRevocation = true
	}
	if !merged.Expires.Equal(known.Expires) {
		rep.NewExpiry, rep.Expires = true, merged.Expires
	}
	for _, s := range merged.Subkeys {
		for _, o := range known.Subkeys {
			if o.Fingerprint == s.Fingerprint && !o.Expires.Equal(s.Expires) {
				rep.SubkeyExpiries = append(rep.SubkeyExpiries, s.Fingerprint)
			}
		}
	}
	if rep.SecretAdded {
		for _, s := range merged.Subkeys {
			if !containsSubkey(known, s.Fingerprint) {
				rep.NewSubkeys = append(rep.NewSubkeys, s.Fingerprint)
			}
		}
	}
	return merged, rep, nil
}

func containsSubkey(k *Key, fp string) bool {
	for _, s := range k.Subkeys {
		if s.Fingerprint == fp {
			return true
		}
	}
	return false
}

// appendNewSigs appends the signatures of more that have is missing,
// compared by their serialized packet.
func appendNewSigs(have, more []*packet.VerifiableSignature) []*packet.VerifiableSignature {
	seen := map[string]bool{}
	for _, s := range have {
		seen[sigBytes(s.Packet)] = true
	}
	for _, s := range more {
		if k := sigBytes(s.Packet); !seen[k] {
			seen[k] = true
			have = append(have, packet.NewVerifiableSig(s.Packet))
		}
	}
	return have
}

func sigBytes(s *packet.Signature) string {
	var buf bytes.Buffer
	if err := s.Serialize(&buf); err != nil {
		return fmt.Sprintf("%p", s)
	}
	return buf.String()
}
