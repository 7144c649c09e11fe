package pgp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
)

// Key is one OpenPGP key (a transferable public or secret key, RFC 9580
// section 10.1) with the inventory the key manager shows. The inventory is
// computed once at parse time; the key material stays inside and is never
// handed out raw.
type Key struct {
	// Fingerprint is the primary key's fingerprint, uppercase hex.
	Fingerprint string
	// KeyID is the primary key's 64-bit key ID, uppercase hex.
	KeyID string
	// Version is the key packet version (4 or 6).
	Version int
	// UserIDs are the user IDs whose self-certification verifies, sorted,
	// revoked ones left out (see userIDs): the only user IDs anything in
	// SealDesk reads.
	UserIDs []string
	// Emails are the addresses in UserIDs, lowercased and deduplicated.
	Emails []string
	// UnverifiedUserIDs are user IDs the key file carried without a valid
	// self-certification (RFC 9580 section 5.2.1: anyone can append a user
	// ID packet to someone's key). They were removed from the key and are
	// listed only to warn.
	UnverifiedUserIDs []string
	// Algorithm names the primary key's algorithm, e.g. "RSA-3072", "EdDSA (Ed25519)".
	Algorithm string
	Created   time.Time
	// Expires is when the primary key expires; zero means never.
	Expires time.Time
	// Revoked is set when the key carries a valid revocation signature
	// (whatever its date: a revoked key is never used again).
	Revoked bool
	Subkeys []Subkey
	// Secret is set when secret key material is present.
	Secret bool
	// Unprotected is set for a secret key that is not passphrase-protected
	// (a warning for the key manager: anyone who copies the file has it).
	Unprotected bool
	// canEncrypt: a usable encryption (sub)key exists (see Warnings).
	canEncrypt bool

	key *gcrypto.Key
}

// Subkey is one subkey and what it may be used for.
type Subkey struct {
	Fingerprint string
	KeyID       string
	Algorithm   string
	Created     time.Time
	Expires     time.Time // zero: never
	Revoked     bool
	Sign        bool
	Encrypt     bool
	Certify     bool
	Secret      bool
}

// ParseKeys reads every OpenPGP key in data: ASCII armor (one or several
// blocks) or binary packets, public or secret keys (RFC 9580 section 10).
// Secret keys stay locked; check their passphrase with UnlockKey. Expired
// and revoked keys are returned with a warning, so that old signatures can
// still be judged. On failure it returns an *ImportError whose Reason names
// what the input is instead.
func ParseKeys(data []byte) ([]*Key, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, importErr(ReasonEmpty, "the file is empty", ErrEmpty)
	}
	var bins [][]byte
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		blocks, aerr := findArmor(data)
		if aerr != nil {
			return nil, armorImportErr(aerr)
		}
		if len(blocks) == 0 {
			return nil, notAKey(data)
		}
		for _, b := range blocks {
			switch b.Type {
			case armorPublicKey, armorPrivateKey:
				if b.BadCRC {
					return nil, importErr(ReasonBadChecksum, "the armor checksum (CRC-24) does not match: the key was altered or damaged when copied; copy it again from its source", nil)
				}
				bins = append(bins, b.Body)
			case armorMessage:
				return nil, importErr(ReasonIsPGPMessage, "this is an OpenPGP message, not a key: open it as a mail, or ask the sender for their public key", nil)
			case armorSignature:
				return nil, importErr(ReasonIsPGPSignature, "this is an OpenPGP signature, not a key: ask the signer for their public key", nil)
			case armorSigned:
				return nil, importErr(ReasonIsSignedMessage, "this is a signed text, not a key: ask the signer for their public key", nil)
			default:
				return nil, importErr(ReasonUnsupported, fmt.Sprintf("the armored block %q is not a key", b.Type), nil)
			}
		}
		if len(bins) == 0 {
			return nil, notAKey(data)
		}
	} else {
		if err := binaryKind(data); err != nil {
			return nil, err
		}
		bins = [][]byte{data}
	}
	var keys []*Key
	for _, bin := range bins {
		el, err := openpgp.ReadKeyRing(bytes.NewReader(bin))
		if err != nil {
			return nil, importErr(ReasonMalformed, "the file holds OpenPGP data but no usable key: it may be damaged or use an algorithm we do not support", err)
		}
		for _, e := range el {
			k, err := newKey(e)
			if errors.Is(err, ErrUnverifiedUserID) {
				return nil, importErr(ReasonMalformed, "no user ID of a key in the file carries a valid self-signature: the key was damaged or tampered with; get it again from its owner", err)
			}
			if err != nil {
				return nil, importErr(ReasonMalformed, "a key in the file is damaged", err)
			}
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, importErr(ReasonMalformed, "the file holds no usable key", nil)
	}
	return keys, nil
}

// ParseKey reads exactly the first key of data (see ParseKeys).
func ParseKey(data []byte) (*Key, error) {
	keys, err := ParseKeys(data)
	if err != nil {
		return nil, err
	}
	return keys[0], nil
}

func armorImportErr(a *armorError) error {
	switch a.reason {
	case ReasonTruncatedArmor:
		return importErr(ReasonTruncatedArmor, "the armored block is cut off (no END line): copy the whole key, from -----BEGIN to -----END", nil)
	default:
		return importErr(ReasonBadArmor, "the armored block is damaged (its base64 does not decode): copy the key again from its source", nil)
	}
}

// notAKey names what a text that holds no OpenPGP key is, if it can.
func notAKey(data []byte) error {
	s := string(data)
	switch {
	case strings.Contains(s, "-----BEGIN CERTIFICATE-----"), strings.Contains(s, "-----BEGIN PKCS7-----"):
		return importErr(ReasonIsSMIME, "this is an S/MIME (X.509) certificate, not an OpenPGP key: import it under Certificates", nil)
	case strings.Contains(s, "PRIVATE KEY-----"):
		return importErr(ReasonIsSMIME, "this is an S/MIME or TLS private key (PEM), not an OpenPGP key: import it under S/MIME", nil)
	case strings.Contains(s, "-----BEGIN OPENSSH"), strings.HasPrefix(strings.TrimSpace(s), "ssh-"):
		return importErr(ReasonIsSSHKey, "this is an SSH key, not an OpenPGP key", nil)
	}
	return importErr(ReasonText, "the file holds no OpenPGP key: export the key as an armored public key (gpg --armor --export) and import that", nil)
}

// binaryKind rejects binary data that is not an OpenPGP key, naming it.
func binaryKind(data []byte) error {
	if !looksBinary(data) {
		return notAKey(data)
	}
	b := data[0]
	if b == 0x30 {
		return importErr(ReasonIsSMIME, "this is DER data (an X.509 certificate, PKCS #12 or CMS file), not an OpenPGP key: import it under S/MIME", nil)
	}
	if b&0x80 == 0 {
		return importErr(ReasonBinaryGarbage, "the file is not an OpenPGP key", nil)
	}
	var tag byte
	if b&0x40 != 0 {
		tag = b & 0x3f
	} else {
		tag = (b >> 2) & 0x0f
	}
	switch tag {
	case 5, 6:
		return nil
	case 1, 3, 8, 18, 20:
		return importErr(ReasonIsPGPMessage, "this is an OpenPGP message, not a key", nil)
	case 2, 4:
		return importErr(ReasonIsPGPSignature, "this is an OpenPGP signature, not a key", nil)
	}
	return importErr(ReasonBinaryGarbage, "the file is not an OpenPGP key", nil)
}

func looksBinary(data []byte) bool {
	n := min(len(data), 512)
	for _, c := range data[:n] {
		if c < 0x09 || (c > 0x0d && c < 0x20) || c >= 0x80 {
			return true
		}
	}
	return false
}

// newKey builds the inventory of an entity.
func newKey(e *openpgp.Entity) (*Key, error) {
	dropped := dropUnverifiedUserIDs(e)
	if len(e.Identities) == 0 && e.PrimaryKey.Version < 6 {
		return nil, fmt.Errorf("pgp: no user ID of the key carries a valid self-signature: %w", ErrUnverifiedUserID)
	}
	gk, err := gcrypto.NewKeyFromEntity(e)
	if err != nil {
		return nil, err
	}
	k := inventory(gk)
	k.UnverifiedUserIDs = dropped
	return k, nil
}

func inventory(gk *gcrypto.Key) *Key {
	e := gk.GetEntity()
	pk := e.PrimaryKey
	k := &Key{
		Fingerprint: upperHex(pk.Fingerprint),
		KeyID:       pk.KeyIdString(),
		Version:     pk.Version,
		Algorithm:   algoName(pk),
		Created:     pk.CreationTime.UTC(),
		Secret:      e.PrivateKey != nil && !e.PrivateKey.Dummy(),
		key:         gk,
	}
	// A far-future date: any valid revocation counts (see Key.Revoked).
	k.Revoked = e.Revoked(time.Unix(1<<40, 0))
	if sig, err := e.PrimarySelfSignature(time.Time{}, nil); err == nil {
		k.Expires = lifetimeEnd(pk.CreationTime, sig.KeyLifetimeSecs)
	}
	k.UserIDs, k.Emails = userIDs(e)
	if k.Secret {
		k.Unprotected = !anyEncrypted(e)
	}
	hasEnc := false
	for i := range e.Subkeys {
		sk := &e.Subkeys[i]
		s := Subkey{
			Fingerprint: upperHex(sk.PublicKey.Fingerprint),
			KeyID:       sk.PublicKey.KeyIdString(),
			Algorithm:   algoName(sk.PublicKey),
			Created:     sk.PublicKey.CreationTime.UTC(),
			Secret:      sk.PrivateKey != nil && !sk.PrivateKey.Dummy(),
		}
		if sig, err := sk.LatestValidBindingSignature(time.Time{}, nil); err == nil {
			s.Expires = lifetimeEnd(sk.PublicKey.CreationTime, sig.KeyLifetimeSecs)
			s.Sign, s.Encrypt, s.Certify = sig.FlagSign, sig.FlagEncryptCommunications || sig.FlagEncryptStorage, sig.FlagCertify
			s.Revoked = sk.Revoked(sig, time.Unix(1<<40, 0))
		}
		hasEnc = hasEnc || (s.Encrypt && !s.Revoked)
		k.Subkeys = append(k.Subkeys, s)
	}
	if sig, err := e.PrimarySelfSignature(time.Time{}, nil); err == nil && sig.FlagsValid && (sig.FlagEncryptCommunications || sig.FlagEncryptStorage) {
		hasEnc = true
	}
	k.canEncrypt = hasEnc
	return k
}

func lifetimeEnd(created time.Time, secs *uint32) time.Time {
	if secs == nil || *secs == 0 {
		return time.Time{}
	}
	return created.Add(time.Duration(*secs) * time.Second).UTC()
}

func anyEncrypted(e *openpgp.Entity) bool {
	if e.PrivateKey != nil && e.PrivateKey.Encrypted {
		return true
	}
	for _, s := range e.Subkeys {
		if s.PrivateKey != nil && !s.PrivateKey.Dummy() && s.PrivateKey.Encrypted {
			return true
		}
	}
	return false
}

func algoName(pk *packet.PublicKey) string {
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly:
		bits, _ := pk.BitLength()
		return fmt.Sprintf("RSA-%d", bits)
	case packet.PubKeyAlgoDSA:
		bits, _ := pk.BitLength()
		return fmt.Sprintf("DSA-%d", bits)
	case packet.PubKeyAlgoElGamal:
		bits, _ := pk.BitLength()
		return fmt.Sprintf("ElGamal-%d", bits)
	case packet.PubKeyAlgoEdDSA, packet.PubKeyAlgoECDH, packet.PubKeyAlgoECDSA:
		names := map[packet.PublicKeyAlgorithm]string{packet.PubKeyAlgoEdDSA: "EdDSA", packet.PubKeyAlgoECDH: "ECDH", packet.PubKeyAlgoECDSA: "ECDSA"}
		c, err := pk.Curve()
		if err != nil {
			return names[pk.PubKeyAlgo]
		}
		cn := string(c)
		if c == packet.Curve25519 {
			cn = map[packet.PublicKeyAlgorithm]string{packet.PubKeyAlgoEdDSA: "Ed25519", packet.PubKeyAlgoECDH: "Cv25519"}[pk.PubKeyAlgo]
		}
		return fmt.Sprintf("%s (%s)", names[pk.PubKeyAlgo], cn)
	case packet.PubKeyAlgoEd25519:
		return "Ed25519"
	case packet.PubKeyAlgoX25519:
		return "X25519"
	case packet.PubKeyAlgoEd448:
		return "Ed448"
	case packet.PubKeyAlgoX448:
		return "X448"
	}
	return fmt.Sprintf("algorithm %d", pk.PubKeyAlgo)
}

// Warnings are plain-language remarks for the key manager (revoked,
// expired, no encryption subkey, no address, unprotected). Expiry is
// judged at now, the caller's clock (an injected one in tests, the
// processing time of a mail), never the wall clock.
func (k *Key) Warnings(now time.Time) []string {
	var w []string
	switch {
	case k.Revoked:
		w = append(w, "this key is revoked: it can only be used to check old signatures")
	case k.Expired(now):
		w = append(w, "this key expired on "+k.Expires.Format("2006-01-02")+": it can only be used to check old signatures")
	}
	if !k.canEncrypt {
		w = append(w, "this key has no encryption subkey: messages cannot be encrypted to it")
	}
	if len(k.Emails) == 0 {
		w = append(w, "no user ID of this key holds an e-mail address")
	}
	for _, u := range k.UnverifiedUserIDs {
		w = append(w, fmt.Sprintf("the user ID %q carries no valid self-signature from this key (anyone can append one): it was ignored", u))
	}
	if k.Unprotected {
		w = append(w, "this secret key is not protected by a passphrase")
	}
	return w
}

// Expired reports whether the primary key is expired at now.
func (k *Key) Expired(now time.Time) bool {
	return !k.Expires.IsZero() && !now.Before(k.Expires)
}

// HasEmail reports whether a user ID of the key carries addr.
func (k *Key) HasEmail(addr string) bool {
	addr = strings.ToLower(strings.TrimSpace(addr))
	for _, a := range k.Emails {
		if a == addr {
			return true
		}
	}
	return false
}

// Locked reports whether the key holds secret material that still needs
// its passphrase.
func (k *Key) Locked() bool {
	if !k.Secret {
		return false
	}
	l, err := k.key.IsLocked()
	return err == nil && l
}

// String is the primary user ID and fingerprint, for logs and comments.
func (k *Key) String() string {
	if len(k.UserIDs) > 0 {
		return k.UserIDs[0] + " (" + k.Fingerprint + ")"
	}
	return k.Fingerprint
}

// upperHex is fmt.Sprintf("%X", b), as fingerprints are written
// throughout, without fmt: it runs for every verified or decrypted article.
func upperHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	var buf [64]byte // a v6 fingerprint (32 bytes), on the stack
	out := buf[:0]
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&0x0f])
	}
	return string(out)
}

// keyIDHex is fmt.Sprintf("%016X", id): a key ID as written throughout.
func keyIDHex(id uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], id)
	return upperHex(b[:])
}

func (k *Key) entity() *openpgp.Entity { return k.key.GetEntity() }
