package pgp

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// entity is one MIME entity kept as raw bytes, so that signed content can
// be hashed exactly as it was on the wire (RFC 8551 section 3.1.1).
type entity struct {
	raw       []byte
	header    textproto.Header
	body      []byte // still transfer-encoded
	mediaType string // lowercased, "text/plain" when absent
	params    map[string]string
}

const maxHeaderBytes = 1 << 20

// parseEntity splits raw into header and body. An entity without any
// header line is read as text/plain.
func parseEntity(raw []byte) (*entity, error) {
	e := &entity{raw: raw}
	hdrEnd, bodyStart := headerEnd(raw)
	if hdrEnd > maxHeaderBytes {
		return nil, ErrNotMessage
	}
	hb := raw[:hdrEnd]
	if hdrEnd > 0 {
		h, err := textproto.ReadHeader(bufio.NewReader(io.MultiReader(bytes.NewReader(hb), strings.NewReader("\r\n\r\n"))))
		if err != nil {
			return nil, err
		}
		e.header = h
	}
	e.body = raw[bodyStart:]
	e.mediaType = "text/plain"
	if ct := e.header.Get("Content-Type"); ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			// QUIRK: broken parameters (unquoted specials) are common;
			// keep the media type, drop what does not parse.
			mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
			params = lenientParams(ct)
		}
		e.mediaType = strings.ToLower(mt)
		e.params = params
	}
	if e.params == nil {
		e.params = map[string]string{}
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

// decodedBody undoes the Content-Transfer-Encoding.
func (e *entity) decodedBody() ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(e.header.Get("Content-Transfer-Encoding"))) {
	case "base64":
		clean := stripSpace(e.body)
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
		return io.ReadAll(quotedprintable.NewReader(bytes.NewReader(e.body)))
	}
	return e.body, nil
}

// isAttachment: Content-Disposition attachment.
func (e *entity) isAttachment() bool {
	d, _, _ := mime.ParseMediaType(e.header.Get("Content-Disposition"))
	return strings.EqualFold(d, "attachment")
}

// filename returns the name from Content-Disposition or Content-Type.
func (e *entity) filename() string {
	if _, p, err := mime.ParseMediaType(e.header.Get("Content-Disposition")); err == nil && p["filename"] != "" {
		return p["filename"]
	}
	return e.params["name"]
}

// splitMultipart returns the raw bytes of each body part (RFC 2046 section
// 5.1.1): the CRLF before a delimiter belongs to the delimiter.
func splitMultipart(body []byte, boundary string) ([][]byte, bool) {
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

// canonicalCRLF turns bare LF into CRLF (RFC 8551 section 3.1.1).
func canonicalCRLF(b []byte) []byte {
	if !bytes.Contains(b, []byte("\n")) {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + len(b)/40)
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out.WriteByte('\r')
		}
		out.WriteByte(c)
	}
	return out.Bytes()
}

func stripSpace(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			out = append(out, c)
		}
	}
	return out
}

// isPGPFile reports whether a file name is an OpenPGP file by its
// extension (what GnuPG writes: .pgp, .gpg; armored: .asc).
func isPGPFile(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".pgp") || strings.HasSuffix(n, ".gpg") || strings.HasSuffix(n, ".asc")
}
