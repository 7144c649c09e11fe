package pgp

import (
	"fmt"
	"strings"
	"time"
)

// RecipientStatus says whether a message can be encrypted to one address,
// and with which key.
type RecipientStatus struct {
	Address string
	OK      bool
	Reason  RecipientReason
	Comment string // for a person: what is wrong and what to do
	Key     *Key   // the key that would be used (nil when none)
}

// SignStatus says whether a message can be signed as an address.
type SignStatus struct {
	Address string
	OK      bool
	Reason  SignReason
	Comment string
	Key     *Key
}

// CanEncrypt says, for each address, whether a message can be encrypted
// to it and with which key, or why not. The composer calls it as the
// recipients are typed.
func (e *Engine) CanEncrypt(addrs []string, now time.Time) []RecipientStatus {
	out := make([]RecipientStatus, 0, len(addrs))
	for _, a := range addrs {
		a = strings.ToLower(strings.TrimSpace(a))
		keys := e.kr.KeysByAddress(a)
		if len(keys) == 0 {
			out = append(out, RecipientStatus{Address: a, Reason: RecipientNoKey,
				Comment: fmt.Sprintf("No OpenPGP key for %s: import the recipient's public key, or send without encryption.", a)})
			continue
		}
		best := RecipientStatus{Reason: -1}
		for _, k := range keys {
			st := CheckRecipient(a, k, now)
			if better(st, best) {
				best = st
			}
		}
		out = append(out, best)
	}
	return out
}

// better prefers OK, then the newest key, then the most telling reason.
func better(a, b RecipientStatus) bool {
	if b.Reason < 0 {
		return true
	}
	if a.OK != b.OK {
		return a.OK
	}
	if a.OK {
		return a.Key.Created.After(b.Key.Created)
	}
	return a.Reason > b.Reason
}

// CheckRecipient judges one key for encrypting to addr at now.
func CheckRecipient(addr string, k *Key, now time.Time) RecipientStatus {
	st := RecipientStatus{Address: addr, Key: k}
	switch {
	case k.Revoked:
		st.Reason = RecipientRevoked
		st.Comment = fmt.Sprintf("The key of %s (%s) is revoked: ask the recipient for their new key.", addr, k.Fingerprint)
	case k.Expired(now):
		st.Reason = RecipientExpired
		st.Comment = fmt.Sprintf("The key of %s (%s) expired on %s: ask the recipient for their renewed key and import it.", addr, k.Fingerprint, k.Expires.Format("2006-01-02"))
	case !k.HasEmail(addr):
		st.Reason = RecipientAddressMismatch
		st.Comment = fmt.Sprintf("The key %s does not carry the address %s: ask the recipient for the key of this address.", k.Fingerprint, addr)
	default:
		if _, err := k.entity().EncryptionKeyWithError(now, readConfig(now)); err != nil {
			st.Reason = RecipientNoEncryptionKey
			st.Comment = fmt.Sprintf("The key of %s (%s) has no valid encryption subkey: ask the recipient for a key that can encrypt.", addr, k.Fingerprint)
			return st
		}
		st.OK = true
		st.Comment = fmt.Sprintf("Encrypt to %s.", k)
	}
	return st
}

// CanSign says whether a message from addr can be signed, with which of
// our keys, or why not. It does not unlock the key.
func (e *Engine) CanSign(addr string, now time.Time) SignStatus {
	addr = strings.ToLower(strings.TrimSpace(addr))
	st := SignStatus{Address: addr, Reason: SignNoKey,
		Comment: fmt.Sprintf("You have no OpenPGP key for %s: add it under PGP keys (make one with OpenPGP software such as GnuPG).", addr)}
	secret := map[string]bool{}
	for _, fp := range e.kr.SecretKeys() {
		secret[fp] = true
	}
	var best *SignStatus
	for _, k := range e.kr.KeysByAddress(addr) {
		c := SignStatus{Address: addr, Key: k}
		switch {
		case !secret[k.Fingerprint]:
			c.Reason = SignNoSecretKey
			c.Comment = fmt.Sprintf("You have only the public key %s for %s: import its secret key to sign.", k.Fingerprint, addr)
		case k.Revoked:
			c.Reason = SignRevoked
			c.Comment = fmt.Sprintf("Your key %s is revoked: create or import a new key for %s.", k.Fingerprint, addr)
		case k.Expired(now):
			c.Reason = SignExpired
			c.Comment = fmt.Sprintf("Your key %s expired on %s: extend its expiry date (gpg --quick-set-expire) and import it again.", k.Fingerprint, k.Expires.Format("2006-01-02"))
		default:
			if _, ok := k.entity().SigningKey(now, readConfig(now)); !ok {
				c.Reason = SignNoSigningKey
				c.Comment = fmt.Sprintf("Your key %s has no valid signing key.", k.Fingerprint)
			} else {
				c.OK, c.Reason = true, SignOK
				c.Comment = fmt.Sprintf("Sign with %s.", k)
			}
		}
		if best == nil || (c.OK && (!best.OK || c.Key.Created.After(best.Key.Created))) || (!best.OK && !c.OK && c.Reason > best.Reason) {
			cc := c
			best = &cc
		}
	}
	if best != nil {
		return *best
	}
	return st
}
