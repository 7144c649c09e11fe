package pgp

import (
	"bytes"
	stderrors "errors"
	"fmt"
	"io"
	"strings"

	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// decompressSlack is what the decompressed stream may hold beyond the
// plaintext: the literal data packet's header, one-pass signature and
// signature packets (RFC 9580 sections 5.4, 5.2, 5.9).
const decompressSlack = 1 << 20

// decrypted is the outcome of decrypting one OpenPGP message.
type decrypted struct {
	ok        bool
	plain     []byte
	comment   string
	algorithm string
	key       string                  // fingerprint of the key that decrypted
	md        *openpgp.MessageDetails // for the signatures inside, when ok
	failure   verdict.DecryptFailure
}

// dearmorMessage returns the binary OpenPGP message in data (armored or
// binary). A CRC-24 mismatch is tolerated: RFC 9580 section 6.1 makes the
// checksum optional, and the MDC or AEAD tag protects the content anyway.
func dearmorMessage(data []byte) ([]byte, bool) {
	t := bytes.TrimSpace(data)
	if bytes.HasPrefix(t, []byte("-----BEGIN PGP MESSAGE-----")) {
		blocks, aerr := findArmor(t)
		if aerr != nil || len(blocks) == 0 || blocks[0].Type != armorMessage {
			return nil, false
		}
		return blocks[0].Body, true
	}
	if len(t) > 0 && t[0]&0x80 != 0 {
		return data, true
	}
	return nil, false
}

// decrypt opens an OpenPGP message (RFC 9580 section 10.3) with our secret
// keys. The whole plaintext is read, and the MDC (RFC 4880 section 5.14)
// or AEAD tag checked, before anything is returned: on any failure the
// plaintext read so far is wiped and nothing is released. Decompression
// and the plaintext are bounded by what is left of the message's size
// budget (verdict.Budget): a compression bomb stops there, costing at
// most the budget in memory.
func (s *state) decrypt(data []byte) decrypted {
	bin, ok := dearmorMessage(data)
	if !ok {
		return decrypted{failure: verdict.DecryptDamaged, comment: "The encrypted part is damaged (its armor cannot be decoded): ask the sender to send it again."}
	}
	ids, symmetric, protected, err := scanEncrypted(bin)
	if err != nil {
		return decrypted{failure: verdict.DecryptDamaged, comment: "The encrypted part is damaged and cannot be read: ask the sender to send it again."}
	}
	if !protected {
		// RFC 9580 section 5.7: Symmetrically Encrypted Data without
		// integrity protection MUST NOT be decrypted (EFAIL).
		return decrypted{failure: verdict.DecryptNotProtected, comment: "The message is encrypted without integrity protection (an obsolete format open to tampering) and was not decrypted: ask the sender to update their OpenPGP software and send it again."}
	}
	secrets, unlockNotes := s.secretsFor(ids)
	if len(secrets) == 0 {
		var c string
		f := verdict.DecryptNoKey
		switch {
		case len(ids) == 0 && symmetric:
			c, f = "The message is encrypted with a passphrase only, which SealDesk does not support.", verdict.DecryptPassphraseOnly
		case len(unlockNotes) > 0:
			f = verdict.DecryptKeyLocked
			c = "Your secret key could not be unlocked (" + strings.Join(unlockNotes, "; ") + "): add the key again under PGP keys, with its passphrase, then retry."
		default:
			c = fmt.Sprintf("The message is encrypted for %s, and you hold no secret key for it: import your secret key, or ask the sender to encrypt to your current key.", keyIDList(ids))
		}
		return decrypted{comment: c, failure: f}
	}
	cfg := readConfig(s.now)
	limit := s.budget.Left() + decompressSlack
	cfg.MaxDecompressedMessageSize = &limit
	md, err := openpgp.ReadMessage(bytes.NewReader(bin), publicRing{kr: s.kr, secrets: secrets}, nil, cfg)
	if stderrors.Is(err, pgperrors.ErrMessageTooLarge) {
		return decrypted{failure: verdict.DecryptTooLarge, comment: verdict.TooLargeComment}
	}
	if err != nil {
		if stderrors.Is(err, pgperrors.ErrKeyIncorrect) {
			return decrypted{failure: verdict.DecryptKeyFailed, comment: fmt.Sprintf("None of your secret keys could decrypt the message (it is encrypted for %s): ask the sender to encrypt to your current key.", keyIDList(ids))}
		}
		return decrypted{failure: verdict.DecryptDamaged, comment: "The encrypted part is damaged and cannot be decrypted (" + err.Error() + "): ask the sender to send it again."}
	}
	plain, err := s.budget.ReadAll(md.UnverifiedBody)
	if stderrors.Is(err, verdict.ErrTooLarge) || stderrors.Is(err, pgperrors.ErrMessageTooLarge) {
		wipe(plain)
		return decrypted{failure: verdict.DecryptTooLarge, comment: verdict.TooLargeComment}
	}
	if err != nil {
		wipe(plain)
		return decrypted{failure: verdict.DecryptIntegrity, comment: "The message was altered on the way (its integrity check failed), so nothing of it is shown: ask the sender to send it again."}
	}
	d := decrypted{ok: true, plain: plain, md: md, algorithm: cipherName(md.DecryptedWithAlgorithm)}
	if md.DecryptedWith.Entity != nil {
		d.key = upperHex(md.DecryptedWith.Entity.PrimaryKey.Fingerprint)
	}
	return d
}

// scanEncrypted reads the packets in front of the encrypted data: the
// recipients' key IDs (0 for a wildcard, RFC 9580 section 5.1), whether a
// passphrase could open it, and whether the data is integrity-protected
// (SEIPD v1 with MDC, SEIPD v2 or AEAD, not the legacy SED of tag 9).
func scanEncrypted(bin []byte) (ids []uint64, symmetric, protected bool, err error) {
	r := packet.NewReader(bytes.NewReader(bin))
	for {
		p, err := r.Next()
		if err != nil {
			if stderrors.Is(err, io.EOF) {
				return ids, symmetric, false, fmt.Errorf("pgp: no encrypted data")
			}
			if _, ok := err.(pgperrors.UnknownPacketTypeError); ok {
				continue
			}
			return nil, false, false, err
		}
		switch p := p.(type) {
		case *packet.EncryptedKey:
			ids = append(ids, p.KeyId)
		case *packet.SymmetricKeyEncrypted:
			symmetric = true
		case *packet.SymmetricallyEncrypted:
			return ids, symmetric, p.IntegrityProtected, nil
		case *packet.AEADEncrypted:
			return ids, symmetric, true, nil
		default:
			return ids, symmetric, false, fmt.Errorf("pgp: not an encrypted message")
		}
	}
}

// secretsFor unlocks the secret keys that may decrypt for these key IDs:
// those holding a matching (sub)key, or all of them for a wildcard.
func (s *state) secretsFor(ids []uint64) (openpgp.EntityList, []string) {
	held := map[string]bool{}
	for _, fp := range s.kr.SecretKeys() {
		held[fp] = true
	}
	want := map[string]bool{}
	var order []string
	add := func(fp string) {
		if held[fp] && !want[fp] {
			want[fp] = true
			order = append(order, fp)
		}
	}
	for _, id := range ids {
		if id == 0 {
			for _, fp := range s.kr.SecretKeys() {
				add(fp)
			}
			continue
		}
		for _, k := range s.kr.KeysByKeyID(id) {
			add(k.Fingerprint)
		}
	}
	var out openpgp.EntityList
	var notes []string
	for _, fp := range order {
		k, err := s.kr.UnlockSecretKey(fp)
		if err != nil || k.Locked() {
			notes = append(notes, fmt.Sprintf("key %s: %v", fp, err))
			continue
		}
		out = append(out, k.entity())
	}
	return out, notes
}

func keyIDList(ids []uint64) string {
	if len(ids) == 0 {
		return "no named key"
	}
	var parts []string
	for _, id := range ids {
		if id == 0 {
			parts = append(parts, "an anonymous recipient")
			continue
		}
		parts = append(parts, fmt.Sprintf("key ID %016X", id))
	}
	return strings.Join(parts, ", ")
}

func cipherName(c packet.CipherFunction) string {
	switch c {
	case packet.CipherAES128:
		return "AES-128"
	case packet.CipherAES192:
		return "AES-192"
	case packet.CipherAES256:
		return "AES-256"
	case packet.Cipher3DES:
		return "3DES"
	case packet.CipherCAST5:
		return "CAST5"
	}
	if c == 0 {
		return ""
	}
	return fmt.Sprintf("cipher %d", c)
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
