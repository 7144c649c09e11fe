package security

import (
	"net/mail"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/pgp"
)

// The OpenPGP side of the composer's key choice (KeyChoice): a recipient
// may have several keys for one address (an old and a new key, or a key
// change accepted from mail next to one imported by hand). Without a
// choice the engine takes the newest usable one; with one, the agent's
// pick is the only key the engine sees for that address.

// pgpKeyring hides, for each chosen address, the other OpenPGP keys
// carrying it, so that CanEncrypt and Seal judge and use only the picked
// key. The choice applies to recipients only: a pick for from (the sender,
// who is also encrypted to, to read the sent copy) is ignored, so that our
// signing key is always the engine's pick.
func (c KeyChoice) pgpKeyring(kr pgp.Keyring, from string) pgp.Keyring {
	chosen := c.lower()
	delete(chosen, normAddress(from))
	if len(chosen) == 0 {
		return kr
	}
	return chosenPGPKeyring{Keyring: kr, chosen: chosen}
}

type chosenPGPKeyring struct {
	pgp.Keyring
	chosen map[string]string // address → fingerprint, both lower case
}

// KeysByAddress keeps only the picked key of a chosen address. When that
// key is no longer held for the address, none is returned: the recipient
// then reads "no key" rather than being encrypted to a key not picked.
// Lookups by key ID and fingerprint are untouched: they serve signature
// checks and decryption, not the choice of a recipient.
func (k chosenPGPKeyring) KeysByAddress(addr string) []*pgp.Key {
	keys := k.Keyring.KeysByAddress(addr)
	want, ok := k.chosen[normAddress(addr)]
	if !ok {
		return keys
	}
	for _, key := range keys {
		if strings.EqualFold(key.Fingerprint, want) {
			return []*pgp.Key{key}
		}
	}
	return nil
}

// pgpCandidates lists the OpenPGP keys for addr when there are several,
// each judged by the engine's own recipient check (revoked, expired, no
// encryption subkey); one or none needs no choice.
func pgpCandidates(kr pgp.Keyring, addr string, now time.Time) []KeyCandidate {
	keys := kr.KeysByAddress(addr)
	if len(keys) < 2 {
		return []KeyCandidate{}
	}
	out := make([]KeyCandidate, 0, len(keys))
	for _, k := range keys {
		st := pgp.CheckRecipient(addr, k, now)
		c := KeyCandidate{Fingerprint: k.Fingerprint, Subject: userIDFor(k, addr), Issuer: k.Algorithm, OK: st.OK, Comment: st.Comment}
		if !k.Expires.IsZero() {
			c.NotAfter = k.Expires.UTC().Format(time.DateOnly)
		}
		out = append(out, c)
	}
	return out
}

// userIDFor is the key's user ID that carries addr, else its first one:
// a key holds several user IDs, and the one for the address is the name
// the recipient goes by there. The inventory does not mark a primary user
// ID (Key.UserIDs is sorted).
func userIDFor(k *pgp.Key, addr string) string {
	for _, u := range k.UserIDs {
		if a, err := mail.ParseAddress(u); err == nil && strings.EqualFold(a.Address, addr) {
			return u
		}
	}
	if len(k.UserIDs) > 0 {
		return k.UserIDs[0]
	}
	return ""
}
