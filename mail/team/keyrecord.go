package team

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// The key record (KindKey) of the shared key directory: a public
// certificate or OpenPGP public key one laptop imported, for the others to
// review. The checks here are structural and guard the one thing a record
// must never carry, secret key material, on the way out (Build) as on the
// way in (Parse); what the key is worth is the reader's to judge with the
// engines' own parsers (security.FoundKeys.OfferTeamKeys).

// Key formats of a key record.
const (
	FormatSMIME   = "smime"
	FormatOpenPGP = "openpgp"
)

// MaxKeyData bounds a key record's Data: base64 makes it 4/3 larger, and
// the whole record must stay under MaxSize.
const MaxKeyData = 40 << 10

// ErrSecretMaterial: a key record's data holds (or is) a private key. It
// wraps ErrInvalid, so a reader skips the record like any invalid one, and
// Build refuses to write it.
var ErrSecretMaterial = fmt.Errorf("%w: secret key material in a key record", ErrInvalid)

// checkKey checks a key record: a known format, a fingerprint, and data
// that is public material only.
func (r Record) checkKey() error {
	bad := func(what string) error { return fmt.Errorf("%w: key record: %s", ErrInvalid, what) }
	if len(r.Data) == 0 || len(r.Data) > MaxKeyData {
		return bad(fmt.Sprintf("needs 1 to %d bytes of key data, has %d", MaxKeyData, len(r.Data)))
	}
	if err := checkFingerprint(r.Format, r.Fingerprint); err != nil {
		return bad(err.Error())
	}
	if r.Format == FormatSMIME {
		return checkCertificate(r.Data, r.Fingerprint)
	}
	return checkPublicPackets(r.Data)
}

// checkUnkey checks an unkey record (KindUnkey): a known format and a
// fingerprint of its form, and no key data (a removal names a key, it
// carries none).
func (r Record) checkUnkey() error {
	bad := func(what string) error { return fmt.Errorf("%w: unkey record: %s", ErrInvalid, what) }
	if len(r.Data) != 0 {
		return bad("carries key data")
	}
	if err := checkFingerprint(r.Format, r.Fingerprint); err != nil {
		return bad(err.Error())
	}
	return nil
}

// checkFingerprint: format is smime (a SHA-256, 64 hex digits) or openpgp
// (a v4 fingerprint, 40 hex digits, or a v6 one, 64: RFC 9580 section
// 5.5.4), and fp is hex of that length.
func checkFingerprint(format, fp string) error {
	var ok bool
	switch format {
	case FormatSMIME:
		ok = len(fp) == 64
	case FormatOpenPGP:
		ok = len(fp) == 40 || len(fp) == 64
	default:
		return fmt.Errorf("format %q: want smime or openpgp", format)
	}
	if _, err := hex.DecodeString(fp); err != nil || !ok {
		return errors.New("the fingerprint is not hex of the format's length")
	}
	return nil
}

// checkCertificate accepts exactly one DER certificate (x509 refuses
// trailing data) whose SHA-256 is fp, the fingerprint SealDesk gives
// certificates (crypto/smime.Fingerprint). A private key is named so.
func checkCertificate(der []byte, fp string) error {
	if _, err := x509.ParseCertificate(der); err != nil {
		if isPrivateKeyDER(der) {
			return ErrSecretMaterial
		}
		return fmt.Errorf("%w: key record: not a DER certificate: %v", ErrInvalid, err)
	}
	sum := sha256.Sum256(der)
	if !strings.EqualFold(hex.EncodeToString(sum[:]), fp) {
		return fmt.Errorf("%w: key record: the certificate's SHA-256 is not the fingerprint %s", ErrInvalid, fp)
	}
	return nil
}

func isPrivateKeyDER(der []byte) bool {
	if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return true
	}
	_, err := x509.ParseECPrivateKey(der)
	return err == nil
}

// OpenPGP packet tags (RFC 9580 section 5).
const (
	tagSignature    = 2
	tagSecretKey    = 5
	tagPublicKey    = 6
	tagSecretSubkey = 7
	tagUserID       = 13
	tagPublicSubkey = 14
	tagUserAttr     = 17
	tagTrust        = 12
	tagPadding      = 21
)

// checkPublicPackets walks the packet headers of a binary transferable
// public key (RFC 9580 section 10.1): a Public-Key packet first, then only
// the packets a public key may hold. A Secret-Key or Secret-Subkey packet
// (a transferable secret key, section 10.2) is ErrSecretMaterial; any
// other packet, a partial length, or a header cut short is invalid.
func checkPublicPackets(b []byte) error {
	first := true
	for len(b) > 0 {
		tag, rest, err := nextPacket(b)
		if err != nil {
			return fmt.Errorf("%w: key record: %v", ErrInvalid, err)
		}
		switch tag {
		case tagSecretKey, tagSecretSubkey:
			return ErrSecretMaterial
		case tagPublicKey, tagSignature, tagUserID, tagPublicSubkey, tagUserAttr, tagTrust, tagPadding:
		default:
			return fmt.Errorf("%w: key record: OpenPGP packet %d has no place in a public key", ErrInvalid, tag)
		}
		if first && tag != tagPublicKey {
			return fmt.Errorf("%w: key record: the OpenPGP data does not start with a public key packet", ErrInvalid)
		}
		first = false
		b = rest
	}
	return nil
}

var errShort = errors.New("an OpenPGP packet is cut short")

// nextPacket reads one packet header (RFC 9580 section 4.2: the OpenPGP
// format and the legacy format) and skips its body.
func nextPacket(b []byte) (tag int, rest []byte, err error) {
	h := b[0]
	if h&0x80 == 0 {
		return 0, nil, errors.New("not an OpenPGP packet header")
	}
	var n, hl int
	if h&0x40 != 0 { // OpenPGP format (section 4.2.1)
		tag = int(h & 0x3f)
		if len(b) < 2 {
			return 0, nil, errShort
		}
		switch o := int(b[1]); {
		case o < 192:
			n, hl = o, 2
		case o < 224:
			if len(b) < 3 {
				return 0, nil, errShort
			}
			n, hl = (o-192)<<8+int(b[2])+192, 3
		case o == 255:
			if len(b) < 6 {
				return 0, nil, errShort
			}
			n, hl = int(b[2])<<24|int(b[3])<<16|int(b[4])<<8|int(b[5]), 6
		default:
			return 0, nil, errors.New("a partial-length OpenPGP packet has no place in a key")
		}
	} else { // legacy format (section 4.2.2)
		tag = int(h>>2) & 0x0f
		switch h & 3 {
		case 0:
			hl = 2
		case 1:
			hl = 3
		case 2:
			hl = 5
		default:
			return 0, nil, errors.New("an indeterminate-length OpenPGP packet has no place in a key")
		}
		if len(b) < hl {
			return 0, nil, errShort
		}
		for _, c := range b[1:hl] {
			n = n<<8 | int(c)
		}
	}
	if n < 0 || len(b)-hl < n {
		return 0, nil, errShort
	}
	return tag, b[hl+n:], nil
}
