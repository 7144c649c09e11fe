package smime

import (
	"errors"
	"sync/atomic"
)

// NSS, Outlook and OpenSSL's streaming mode write CMS in BER with
// indefinite lengths and constructed (chunked) OCTET STRINGs; encoding/asn1
// reads DER only. toDER rewrites BER into DER-compatible form: definite
// minimal lengths, and universal constructed strings flattened into
// primitive ones. It does not sort SET OF; signed attributes are always
// hashed from their original bytes (RFC 5652 section 5.4), which a signer
// must have written in DER anyway.

const (
	berMaxDepth = 64
	berMaxLen   = 256 << 20
)

var errBER = errors.New("smime: malformed BER/DER encoding")

// derConversions counts the BER-to-DER conversions made: a conversion
// copies the whole structure, so Process converts each CMS object of a
// message once (classify's parseCMS) and tests pin that.
var derConversions atomic.Int64

// toDER converts one BER element at the start of b and returns its DER form
// (trailing bytes after the first element are ignored).
func toDER(b []byte) ([]byte, error) {
	derConversions.Add(1)
	if len(b) > berMaxLen {
		return nil, errBER
	}
	out, _, err := berCopy(make([]byte, 0, len(b)), b, 0)
	if err != nil {
		return nil, err
	}
	return out, nil
}

type berHeader struct {
	tag         []byte // identifier octets
	class       byte   // top two bits
	constructed bool
	number      int // tag number (only if < 2^24)
	length      int // -1 = indefinite
	hdrLen      int
}

func berReadHeader(b []byte) (berHeader, error) {
	var h berHeader
	if len(b) < 2 {
		return h, errBER
	}
	i := 0
	h.class = b[0] & 0xc0
	h.constructed = b[0]&0x20 != 0
	h.number = int(b[0] & 0x1f)
	i++
	if h.number == 0x1f {
		h.number = 0
		for {
			if i >= len(b) || i > 4 {
				return h, errBER
			}
			c := b[i]
			i++
			h.number = h.number<<7 | int(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
	}
	h.tag = b[:i]
	if i >= len(b) {
		return h, errBER
	}
	l := b[i]
	i++
	switch {
	case l < 0x80:
		h.length = int(l)
	case l == 0x80:
		if !h.constructed {
			return h, errBER
		}
		h.length = -1
	default:
		n := int(l & 0x7f)
		if n > 4 || i+n > len(b) {
			return h, errBER
		}
		h.length = 0
		for j := 0; j < n; j++ {
			h.length = h.length<<8 | int(b[i+j])
		}
		i += n
		if h.length > berMaxLen {
			return h, errBER
		}
	}
	h.hdrLen = i
	if h.length >= 0 && i+h.length > len(b) {
		return h, errBER
	}
	return h, nil
}

// isUniversalString reports universal string types whose constructed BER
// form must become primitive in DER (OCTET STRING, BIT STRING, the
// character strings).
func isUniversalString(h berHeader) bool {
	if h.class != 0 {
		return false
	}
	switch h.number {
	case 3, 4, 12, 19, 20, 22, 26, 28, 30:
		return true
	}
	return false
}

// berCopy appends the DER form of the element at b to out and returns it
// and the number of input bytes consumed. A constructed element's children
// are written in place, and its header goes in front of them once their
// length is known (one move of the contents per level): a buffer per
// element, as before, allocated about 90 KB per OpenSSL-made encrypted
// mail, a fifth of the initial sync's garbage (make bench).
func berCopy(out, b []byte, depth int) ([]byte, int, error) {
	if depth > berMaxDepth {
		return out, 0, errBER
	}
	h, err := berReadHeader(b)
	if err != nil {
		return out, 0, err
	}
	if !h.constructed {
		content := b[h.hdrLen : h.hdrLen+h.length]
		out = appendTagLen(out, h.tag, len(content))
		return append(out, content...), h.hdrLen + h.length, nil
	}
	start := len(out)
	var consumed int
	rest := b[h.hdrLen:]
	if h.length >= 0 {
		rest = rest[:h.length]
	}
	flatten := isUniversalString(h)
	for {
		if h.length < 0 {
			if len(rest) < 2 {
				return out, 0, errBER
			}
			if rest[0] == 0 && rest[1] == 0 {
				consumed += 2
				break
			}
		} else if len(rest) == 0 {
			break
		}
		child := len(out)
		var n int
		if out, n, err = berCopy(out, rest, depth+1); err != nil {
			return out, 0, err
		}
		if flatten {
			// The child is a primitive string after conversion: keep only
			// its contents.
			ch, err := berReadHeader(out[child:])
			if err != nil {
				return out, 0, err
			}
			skip := ch.hdrLen
			if h.number == 3 && child > start && len(out)-child > skip {
				skip++ // BIT STRING chunks: only the first keeps the unused-bits octet
			}
			out = append(out[:child], out[child+skip:]...)
		}
		rest = rest[n:]
		consumed += n
	}
	var hb [16]byte
	tag := h.tag
	if flatten {
		// Primitive now; a tag in high-tag-number form (X.690 section
		// 8.1.2.4) keeps its further octets (dropping them made output
		// toDER could not read again: FuzzBER).
		tag = append(hb[:0], h.tag...)
		tag[0] &^= 0x20
	}
	hdr := appendTagLen(hb[len(tag):len(tag)], tag, len(out)-start)
	body := len(out) - start
	out = append(out, hdr...)
	copy(out[start+len(hdr):], out[start:start+body])
	copy(out[start:], hdr)
	if h.length >= 0 {
		return out, h.hdrLen + h.length, nil
	}
	return out, h.hdrLen + consumed, nil
}

// appendTagLen appends tag and the DER length n.
func appendTagLen(out, tag []byte, n int) []byte {
	out = append(out, tag...)
	switch {
	case n < 0x80:
		return append(out, byte(n))
	case n < 0x100:
		return append(out, 0x81, byte(n))
	case n < 0x10000:
		return append(out, 0x82, byte(n>>8), byte(n))
	case n < 0x1000000:
		return append(out, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
	return append(out, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}
