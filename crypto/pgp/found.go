package pgp

import "github.com/sealdesk/sealdesk/crypto/verdict"

// FoundFinding says what a key found in a message is to the message's
// sender: only FoundSender may be offered for one-click acceptance; every
// other finding is listed for an administrator to judge.
type FoundFinding string

const (
	// FoundSender: the key has a valid self-certified user ID (RFC 9580
	// section 5.2.1) equal to the From address, and either arrived in an
	// Autocrypt header for that From (Autocrypt Level 1, section 2.1) or
	// makes the message's signature valid.
	FoundSender FoundFinding = "sender"
	// FoundOtherAddress: the key carries no user ID with the From address
	// (a colleague's key forwarded, a key for another identity), or the
	// message has no single From address.
	FoundOtherAddress FoundFinding = "other_address"
	// FoundUnproven: the key carries the From address but nothing in the
	// message proves it is the sender's: attached to an unsigned mail, or
	// to one its signature does not verify with.
	FoundUnproven FoundFinding = "unproven"
	// FoundDuplicate: the message carries more than one key for the From
	// address, and this is not the one that signed it: which is the
	// sender's cannot be told.
	FoundDuplicate FoundFinding = "duplicate"
	// FoundKeyChange: SealDesk holds another key for the address. The
	// engine never sets it (it does not know what is held); its caller
	// does.
	FoundKeyChange FoundFinding = "key_change"
)

// Offerable reports whether a key with this finding may be accepted by
// one click (the composer's carried-key fix).
func (f FoundFinding) Offerable() bool { return f == FoundSender }

// judgeFound gives each found key its Finding and keeps one entry per key
// (the same key in an Autocrypt header and attached is one key; Autocrypt
// is kept as its source). verifyWith re-verifies the message's signature
// with the found keys added to ours: a key attached to a signed mail is
// one we do not hold yet, so the first pass could not check it.
func (s *state) judgeFound(verifyWith func([]*Key) verdict.SignResult) {
	from := s.id.Address
	var keys []FoundKey
	at := map[string]int{} // fingerprint -> index in keys
	autocrypt := map[string]bool{}
	for _, fk := range s.p.FoundKeys {
		fp := fk.Key.Fingerprint
		if fk.Source == "autocrypt" && fk.Address == from && from != "" {
			autocrypt[fp] = true
		}
		if i, ok := at[fp]; ok {
			if fk.Source == "autocrypt" {
				keys[i] = fk
			}
			continue
		}
		at[fp] = len(keys)
		keys = append(keys, fk)
	}
	var claim []*Key // keys carrying From
	for _, fk := range keys {
		if from != "" && fk.Key.HasEmail(from) {
			claim = append(claim, fk.Key)
		}
	}
	signer := ""
	if len(claim) > 0 && s.p.Result.Signed {
		sign := s.p.Result.Sign
		if !sign.Success && verifyWith != nil {
			sign = verifyWith(claim)
		}
		if sign.Success && len(sign.Signers) > 0 {
			signer = sign.Signers[0].Fingerprint
		}
	}
	for i := range keys {
		fk := &keys[i]
		fp := fk.Key.Fingerprint
		switch {
		case from == "" || !fk.Key.HasEmail(from):
			fk.Finding = FoundOtherAddress
		case fp == signer:
			fk.Finding = FoundSender
		case len(claim) > 1:
			fk.Finding = FoundDuplicate
		case autocrypt[fp]:
			fk.Finding = FoundSender
		default:
			fk.Finding = FoundUnproven
		}
	}
	s.p.FoundKeys = keys
}

// withKeys is a Keyring with some public keys added, for judgeFound's
// second verification; secret keys are the base keyring's only.
type withKeys struct {
	Keyring
	extra *MemoryKeyring
}

func (w withKeys) KeysByAddress(addr string) []*Key {
	return append(w.Keyring.KeysByAddress(addr), w.extra.KeysByAddress(addr)...)
}

func (w withKeys) KeyByFingerprint(fp string) (*Key, error) {
	if k, err := w.Keyring.KeyByFingerprint(fp); err == nil {
		return k, nil
	}
	return w.extra.KeyByFingerprint(fp)
}

func (w withKeys) KeysByKeyID(id uint64) []*Key {
	return append(w.Keyring.KeysByKeyID(id), w.extra.KeysByKeyID(id)...)
}
