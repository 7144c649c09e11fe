package pgp

import (
	"bytes"
	"encoding/base64"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// Armor block types (RFC 9580 section 6.2).
const (
	armorPublicKey  = "PGP PUBLIC KEY BLOCK"
	armorPrivateKey = "PGP PRIVATE KEY BLOCK"
	armorMessage    = "PGP MESSAGE"
	armorSignature  = "PGP SIGNATURE"
	armorSigned     = "PGP SIGNED MESSAGE"
)

// armorBlock is one decoded ASCII-armored block.
type armorBlock struct {
	Type  string
	Body  []byte // the decoded binary data
	Start int    // offset of the BEGIN line in the input
	End   int    // offset just after the END line
	// BadCRC is set when a checksum line is present and does not match.
	BadCRC bool
}

// armorError says why an armored block could not be decoded.
type armorError struct {
	reason ImportReason
	typ    string
}

// findArmor decodes every armored block in data, in order. We decode the
// armor ourselves rather than with go-crypto's armor package because that
// one ignores the CRC-24 line and a missing END line, and a person
// importing a key deserves to hear that the copy is broken.
//
// See RFC 9580 section 6 (RFC 4880 section 6.2, 6.1 for CRC-24). RFC 9580
// makes the checksum optional and says it is no security feature: a
// mismatch is reported through BadCRC, the caller decides.
func findArmor(data []byte) ([]armorBlock, *armorError) {
	var blocks []armorBlock
	pos := 0
	for {
		i := bytes.Index(data[pos:], []byte("-----BEGIN PGP "))
		if i < 0 {
			return blocks, nil
		}
		start := pos + i
		lineEnd := bytes.IndexByte(data[start:], '\n')
		if lineEnd < 0 {
			return blocks, &armorError{ReasonTruncatedArmor, ""}
		}
		begin := strings.TrimSpace(string(data[start : start+lineEnd]))
		typ := strings.TrimSuffix(strings.TrimPrefix(begin, "-----BEGIN "), "-----")
		if typ == armorSigned {
			// A cleartext signature: the text, then a signature block.
			// Skip to the signature block, which the loop then decodes.
			j := bytes.Index(data[start:], []byte("\n-----BEGIN PGP SIGNATURE-----"))
			if j < 0 {
				return blocks, &armorError{ReasonTruncatedArmor, typ}
			}
			blocks = append(blocks, armorBlock{Type: armorSigned, Start: start, End: start + j + 1})
			pos = start + j + 1
			continue
		}
		endLine := "-----END " + typ + "-----"
		rest := data[start+lineEnd+1:]
		j := bytes.Index(rest, []byte(endLine))
		if j < 0 {
			return blocks, &armorError{ReasonTruncatedArmor, typ}
		}
		body, badCRC, ok := decodeArmorBody(rest[:j])
		if !ok {
			return blocks, &armorError{ReasonBadArmor, typ}
		}
		end := start + lineEnd + 1 + j + len(endLine)
		blocks = append(blocks, armorBlock{Type: typ, Body: body, Start: start, End: end, BadCRC: badCRC})
		pos = end
	}
}

// decodeArmorBody decodes the lines between BEGIN and END: optional
// "Key: Value" headers, a blank line, base64 lines, an optional "=XXXX"
// CRC-24 line. Lines are read as strings.Split of b without its CRs
// would give them, in place: this runs over every signature and every
// encrypted message, and copying b line by line into strings cost more
// than the base64 itself (armor_test.go keeps it equal to that reading).
func decodeArmorBody(b []byte) (body []byte, badCRC, ok bool) {
	// Headers run up to the first blank line; tolerate their absence (some
	// tools drop the blank line when there are no headers).
	data := b
	for r := b; ; {
		l, rest, last := armorLine(r)
		if len(l) == 0 {
			data = rest
			break
		}
		if last || !bytes.Contains(l, []byte(": ")) {
			break
		}
		r = rest
	}
	b64 := make([]byte, 0, len(data))
	var crc []byte
	for r := data; ; {
		l, rest, last := armorLine(r)
		if len(l) == 5 && l[0] == '=' {
			crc = l[1:]
		} else {
			b64 = append(b64, l...) // a blank line adds nothing
		}
		if last {
			break
		}
		r = rest
	}
	body = make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
	n, err := base64.StdEncoding.Decode(body, b64)
	body = body[:n]
	if err != nil {
		// Some writers drop the padding.
		t := bytes.TrimRight(b64, "=")
		body = make([]byte, base64.RawStdEncoding.DecodedLen(len(t)))
		n, err = base64.RawStdEncoding.Decode(body, t)
		if err != nil {
			return nil, false, false
		}
		body = body[:n]
	}
	if crc != nil {
		var want [3]byte
		if n, err := base64.StdEncoding.Decode(want[:], crc); err != nil || n != 3 {
			return body, true, true
		}
		c := crc24(body)
		if byte(c>>16) != want[0] || byte(c>>8) != want[1] || byte(c) != want[2] {
			return body, true, true
		}
	}
	return body, false, true
}

// armorLine cuts the first line off r: the line without its CRs and
// surrounding white space (strings.TrimSpace's), the rest after its line
// feed, and whether it was the last line (no line feed followed).
func armorLine(r []byte) (line, rest []byte, last bool) {
	line, rest, found := bytes.Cut(r, []byte("\n"))
	if bytes.IndexByte(line, '\r') >= 0 {
		line = bytes.ReplaceAll(line, []byte("\r"), nil)
	}
	return bytes.TrimSpace(line), rest, !found
}

const (
	crc24Init = 0xb704ce
	crc24Poly = 0x1864cfb
)

// crc24Table holds, for each byte value, what shifting it through the
// CRC-24 register does (the usual table-driven CRC: bit by bit it was a
// visible share of a batched Ed25519 article; README, Benchmarks).
var crc24Table = func() (t [256]uint32) {
	for i := range t {
		c := uint32(i) << 16
		for range 8 {
			c <<= 1
			if c&0x1000000 != 0 {
				c ^= crc24Poly
			}
		}
		t[i] = c & 0xffffff
	}
	return t
}()

// crc24 is the armor checksum of RFC 4880 section 6.1.
func crc24(d []byte) uint32 {
	crc := uint32(crc24Init)
	for _, b := range d {
		crc = (crc<<8 ^ crc24Table[byte(crc>>16)^b]) & 0xffffff
	}
	return crc
}

// armorEncode armors data as blockType (with a CRC-24 line, which GnuPG
// 2.2 expects).
func armorEncode(blockType string, data []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := armor.EncodeWithChecksumOption(&buf, blockType, nil, true)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
