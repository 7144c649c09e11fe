package mimepart

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"
)

// ErrNotEntity is matched by ParseStrict's errors: the bytes are not a
// MIME entity (RFC 2045 section 3: a header block, an empty line, a
// body).
var ErrNotEntity = errors.New("the content is not a MIME entity")

// ParseStrict parses what a decryption revealed. Parse reads anything
// (input without a header is text/plain), which is right for mail as
// received but wrong for a plaintext: RFC 8551 section 3.3 and RFC 3156
// section 4 encrypt a MIME entity, so output that is not one means the
// wrong key, a damaged or tampered ciphertext, or an attacker's
// malleated block (EFAIL, USENIX Security 2018), never content to show.
//
// It accepts bare text (see the QUIRK below) and an entity whose header block is well formed and closed by
// an empty line (or that starts with the empty line: no header, RFC 2045
// section 5.2): every line a field (RFC 5322 section 2.2, a name of
// printable ASCII without a colon) or a continuation, valid UTF-8
// (RFC 6532), no NUL or other control byte, a Content-Type with a
// type/subtype, and a boundary for a multipart. Errors match
// ErrNotEntity, or are ErrHeaderTooLarge.
func ParseStrict(raw []byte) (*Entity, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("%w: it is empty", ErrNotEntity)
	}
	hdrEnd, bodyStart := headerEnd(raw)
	if hdrEnd > MaxHeaderBytes {
		return nil, ErrHeaderTooLarge
	}
	if bodyStart == 0 {
		// QUIRK: OpenSSL (`openssl cms -encrypt` over a text file) and
		// some gateways encrypt bare text, without a header. Read as the
		// text/plain of RFC 2045 section 5.2 only when it is text: valid
		// UTF-8 without control characters, which a malleated or
		// wrongly decrypted block (random bytes) practically never is.
		if !isText(raw) {
			return nil, fmt.Errorf("%w: it has no header and is not text", ErrNotEntity)
		}
		return Parse(raw)
	}
	if hdrEnd > 0 && bodyStart == hdrEnd {
		return nil, fmt.Errorf("%w: its header block is not ended by an empty line", ErrNotEntity)
	}
	if err := checkHeaderLines(raw[:hdrEnd]); err != nil {
		return nil, err
	}
	e, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotEntity, err)
	}
	if ct := e.Header.Get("Content-Type"); ct != "" {
		typ, sub, ok := strings.Cut(e.MediaType, "/")
		if !ok || typ == "" || sub == "" || strings.ContainsAny(e.MediaType, " \t\"") {
			return nil, fmt.Errorf("%w: its Content-Type %q names no type/subtype", ErrNotEntity, ct)
		}
		if _, _, err := mime.ParseMediaType(ct); err != nil && e.MediaType == "" {
			return nil, fmt.Errorf("%w: its Content-Type cannot be read", ErrNotEntity)
		}
		if typ == "multipart" && e.Params["boundary"] == "" {
			return nil, fmt.Errorf("%w: a multipart without a boundary (RFC 2046 section 5.1.1)", ErrNotEntity)
		}
	}
	return e, nil
}

// checkHeaderLines checks each line of a header block (without the empty
// line that ends it).
func checkHeaderLines(hdr []byte) error {
	if !utf8.Valid(hdr) {
		return fmt.Errorf("%w: its header is not valid UTF-8", ErrNotEntity)
	}
	for n, line := range bytes.Split(hdr, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		for _, c := range line {
			if c < 0x20 && c != '\t' || c == 0x7f {
				return fmt.Errorf("%w: header line %d holds a control character", ErrNotEntity, n+1)
			}
		}
		if len(line) == 0 {
			continue // the last split of a block that ends in a line feed
		}
		if line[0] == ' ' || line[0] == '\t' {
			if n == 0 {
				return fmt.Errorf("%w: the header starts with a continuation line", ErrNotEntity)
			}
			continue
		}
		name, _, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 {
			return fmt.Errorf("%w: header line %d is not a field", ErrNotEntity, n+1)
		}
		for _, c := range name {
			if c < 33 || c > 126 {
				return fmt.Errorf("%w: header line %d has an invalid field name", ErrNotEntity, n+1)
			}
		}
	}
	return nil
}

// isText reports valid UTF-8 without control characters other than tab,
// line feed, form feed and carriage return.
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' || c == 0x7f {
			return false
		}
	}
	return true
}
