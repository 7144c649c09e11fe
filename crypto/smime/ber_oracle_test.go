package smime

import "bytes"

// The conversion as it was before berCopy wrote in place (a buffer per
// element), kept as the oracle FuzzBER compares berCopy with; with the
// one fix made since (a flattened string keeps a high-tag-number tag's
// further octets, testdata/fuzz/FuzzBER/f54aad73d2a69a37).

// berCopy writes the DER form of the element at b to out and returns the
// number of input bytes consumed.
func berCopyBuffers(out *bytes.Buffer, b []byte, depth int) (int, error) {
	if depth > berMaxDepth {
		return 0, errBER
	}
	h, err := berReadHeader(b)
	if err != nil {
		return 0, err
	}
	if !h.constructed {
		content := b[h.hdrLen : h.hdrLen+h.length]
		writeTagLenBuffer(out, h.tag, len(content))
		out.Write(content)
		return h.hdrLen + h.length, nil
	}
	// Constructed: convert children into a scratch buffer.
	var body bytes.Buffer
	var consumed int
	rest := b[h.hdrLen:]
	if h.length >= 0 {
		rest = rest[:h.length]
	}
	flatten := isUniversalString(h)
	for {
		if h.length < 0 {
			if len(rest) < 2 {
				return 0, errBER
			}
			if rest[0] == 0 && rest[1] == 0 {
				consumed += 2
				break
			}
		} else if len(rest) == 0 {
			break
		}
		var child bytes.Buffer
		n, err := berCopyBuffers(&child, rest, depth+1)
		if err != nil {
			return 0, err
		}
		if flatten {
			// The child is a primitive string after conversion: keep only
			// its contents.
			ch, err := berReadHeader(child.Bytes())
			if err != nil {
				return 0, err
			}
			cb := child.Bytes()[ch.hdrLen:]
			if h.number == 3 && body.Len() > 0 && len(cb) > 0 {
				cb = cb[1:] // BIT STRING chunks: only the first keeps the unused-bits octet
			}
			body.Write(cb)
		} else {
			body.Write(child.Bytes())
		}
		rest = rest[n:]
		consumed += n
	}
	tag := h.tag
	if flatten {
		tag = append([]byte{h.tag[0] &^ 0x20}, h.tag[1:]...)
	}
	writeTagLenBuffer(out, tag, body.Len())
	out.Write(body.Bytes())
	if h.length >= 0 {
		return h.hdrLen + h.length, nil
	}
	return h.hdrLen + consumed, nil
}

func writeTagLenBuffer(out *bytes.Buffer, tag []byte, n int) {
	out.Write(tag)
	switch {
	case n < 0x80:
		out.WriteByte(byte(n))
	case n < 0x100:
		out.Write([]byte{0x81, byte(n)})
	case n < 0x10000:
		out.Write([]byte{0x82, byte(n >> 8), byte(n)})
	case n < 0x1000000:
		out.Write([]byte{0x83, byte(n >> 16), byte(n >> 8), byte(n)})
	default:
		out.Write([]byte{0x84, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	}
}
