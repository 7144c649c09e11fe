package mimepart

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"

	"github.com/emersion/go-message/textproto"

	"github.com/sealdesk/sealdesk/internal/mimelimit"
)

// Entity is one MIME entity kept as raw bytes, so that signed content can
// be hashed exactly as it was on the wire (RFC 8551 section 3.1.1). Parse
// sets the fields; Raw and Body share raw's memory, so treat them as
// read-only.
type Entity struct {
	Raw       []byte            // the whole entity, as passed to Parse
	Header    textproto.Header  // empty when the entity has no header
	Body      []byte            // the rest of Raw, still transfer-encoded
	MediaType string            // lowercased, "text/plain" when absent
	Params    map[string]string // Content-Type parameters, never nil

	// The body parts, split and parsed once (see Parts).
	parts  [][]byte
	kids   []*Entity
	parted bool
}

// Parts returns the raw body parts of a multipart entity (SplitMultipart
// with its boundary) and each of them parsed, nil where Parse failed. They
// are split and parsed on the first call only: S/MIME detection and then
// the OpenPGP engine walk the same parts of the same message, and parsing
// them twice was a visible share of an OpenPGP article (README,
// Benchmarks). The results are shared;
// treat them as read-only. Not safe for concurrent use.
func (e *Entity) Parts() (raw [][]byte, parsed []*Entity) {
	if !e.parted {
		e.parted = true
		e.parts, _ = SplitMultipart(e.Body, e.Params["boundary"])
		if len(e.parts) > 0 {
			e.kids = make([]*Entity, len(e.parts))
			// Beyond mimelimit.MaxParts the parts stay unparsed (nil):
			// Check refuses such a message before any engine walks it.
			for i, r := range e.parts[:min(len(e.parts), mimelimit.MaxParts+1)] {
				if p, err := Parse(r); err == nil {
					e.kids[i] = p
				}
			}
		}
	}
	return e.parts, e.kids
}

// Is reports whether e is the parse of raw itself (the same bytes, not a
// copy), so that a caller handed both may trust e.
func (e *Entity) Is(raw []byte) bool {
	return e != nil && len(e.Raw) == len(raw) && (len(raw) == 0 || &e.Raw[0] == &raw[0])
}

// MaxHeaderBytes bounds one header block (see mimelimit).
const MaxHeaderBytes = mimelimit.MaxHeaderBytes

// ErrHeaderTooLarge is Parse's error for a header block over
// MaxHeaderBytes (1 MiB).
var ErrHeaderTooLarge = errors.New("mime: the header is larger than 1 MiB")

// Parse splits raw into header and body. An entity without any header line
// is read as text/plain. Its errors are ErrHeaderTooLarge and those of
// textproto.ReadHeader.
func Parse(raw []byte) (*Entity, error) {
	e := &Entity{Raw: raw}
	hdrEnd, bodyStart := headerEnd(raw)
	if hdrEnd > MaxHeaderBytes {
		return nil, ErrHeaderTooLarge
	}
	if hdrEnd > 0 {
		// The header and the blank line that ends it, read through a
		// buffer no larger than they are (at most bufio's default 4 KiB):
		// the engines parse every entity of every message, and a 4 KiB
		// reader for a 100-byte part header dominated parsing (README,
		// Benchmarks).
		hb := raw[:bodyStart]
		if bodyStart == hdrEnd {
			// No blank line: the header runs to the end of raw, perhaps
			// without a final line break. End it, in a copy.
			hb = make([]byte, hdrEnd+4)
			copy(hb[copy(hb, raw[:hdrEnd]):], "\r\n\r\n")
		}
		h, err := textproto.ReadHeader(bufio.NewReaderSize(bytes.NewReader(hb), min(len(hb), 4096)))
		if err != nil {
			return nil, err
		}
		e.Header = h
	}
	e.Body = raw[bodyStart:]
	e.MediaType = "text/plain"
	if ct := e.Header.Get("Content-Type"); ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			// QUIRK: broken parameters (unquoted specials) are common;
			// keep the media type, drop what does not parse.
			mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
			params = lenientParams(ct)
		}
		e.MediaType = strings.ToLower(mt)
		e.Params = params
	}
	if e.Params == nil {
		e.Params = map[string]string{}
	}
	return e, nil
}

func lenientParams(ct string) map[string]string {
	out := map[string]string{}
	parts := strings.Split(ct, ";")
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		out[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return out
}

// HeaderLen is the length of raw's header block (0 without one).
func HeaderLen(raw []byte) int {
	h, _ := headerEnd(raw)
	return h
}

// headerEnd finds the empty line ending the header: it returns the length
// of the header block and where the body starts.
func headerEnd(raw []byte) (int, int) {
	if bytes.HasPrefix(raw, []byte("\r\n")) {
		return 0, 2
	}
	if bytes.HasPrefix(raw, []byte("\n")) {
		return 0, 1
	}
	// The first line must look like a header field, else there is no header.
	first := raw
	if i := bytes.IndexByte(raw, '\n'); i >= 0 {
		first = raw[:i]
	}
	if c := bytes.IndexByte(first, ':'); c <= 0 || bytes.ContainsAny(first[:c], " \t") {
		return 0, 0
	}
	for i := 0; i < len(raw); {
		j := bytes.IndexByte(raw[i:], '\n')
		if j < 0 {
			return len(raw), len(raw)
		}
		line := raw[i : i+j]
		if len(line) == 0 || (len(line) == 1 && line[0] == '\r') {
			return i, i + j + 1
		}
		i += j + 1
	}
	return len(raw), len(raw)
}

// DecodedBody undoes the Content-Transfer-Encoding.
func (e *Entity) DecodedBody() ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(e.Header.Get("Content-Transfer-Encoding"))) {
	case "base64":
		clean := StripSpace(e.Body)
		if i := bytes.IndexByte(clean, '='); i >= 0 {
			clean = clean[:i]
		}
		if len(clean)%4 == 1 {
			clean = clean[:len(clean)-1]
		}
		out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
		n, err := base64.RawStdEncoding.Decode(out, clean)
		return out[:n], err
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(bytes.NewReader(e.Body)))
	}
	return e.Body, nil
}

// IsAttachment reports Content-Disposition: attachment.
func (e *Entity) IsAttachment() bool {
	d, _, _ := mime.ParseMediaType(e.Header.Get("Content-Disposition"))
	return strings.EqualFold(d, "attachment")
}

// Filename returns the name from Content-Disposition or Content-Type.
func (e *Entity) Filename() string {
	if _, p, err := mime.ParseMediaType(e.Header.Get("Content-Disposition")); err == nil && p["filename"] != "" {
		return p["filename"]
	}
	return e.Params["name"]
}

// SplitMultipart returns the raw bytes of each body part (RFC 2046 section
// 5.1.1): the CRLF before a delimiter belongs to the delimiter. It reports
// whether the closing delimiter was found; without one, the last part runs
// to the end of body.
func SplitMultipart(body []byte, boundary string) ([][]byte, bool) {
	if boundary == "" {
		return nil, false
	}
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1
	for i := 0; i <= len(body); {
		lineEnd := bytes.IndexByte(body[i:], '\n')
		var line []byte
		next := len(body) + 1
		if lineEnd < 0 {
			line = body[i:]
		} else {
			line = body[i : i+lineEnd]
			next = i + lineEnd + 1
		}
		if bytes.HasPrefix(line, delim) {
			rest := bytes.TrimRight(line[len(delim):], " \t\r")
			closing := bytes.Equal(rest, []byte("--"))
			if len(rest) == 0 || closing {
				if start >= 0 {
					end := i
					if end > 0 && body[end-1] == '\n' {
						end--
						if end > start && body[end-1] == '\r' {
							end--
						}
					}
					if end < start {
						end = start
					}
					parts = append(parts, body[start:end])
				}
				if closing {
					return parts, true
				}
				start = min(next, len(body))
			}
		}
		if lineEnd < 0 {
			break
		}
		i = next
	}
	// No closing delimiter: keep what was found, the last part unterminated.
	if start >= 0 && start < len(body) {
		parts = append(parts, body[start:])
	}
	return parts, false
}

// CanonicalCRLF turns bare LF into CRLF (RFC 8551 section 3.1.1). It
// returns b itself when b has no line feed, else a new slice: callers may
// append to the result. Lines are copied whole, not byte by byte: this runs
// over every signed part and every decrypted message.
func CanonicalCRLF(b []byte) []byte {
	n := bytes.Count(b, []byte("\n"))
	if n == 0 {
		return b
	}
	out := make([]byte, 0, len(b)+n)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b...)
			break
		}
		out = append(out, b[:i]...)
		// A line feed at the start of b follows the previous line feed
		// (or starts the input): it is bare.
		if i == 0 || b[i-1] != '\r' {
			out = append(out, '\r')
		}
		out = append(out, '\n')
		b = b[i+1:]
	}
	return out
}

// StripSpace removes ASCII white space (space, tab, CR, LF), which base64
// in mail may contain anywhere (RFC 2045 section 6.8).
func StripSpace(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			out = append(out, c)
		}
	}
	return out
}
