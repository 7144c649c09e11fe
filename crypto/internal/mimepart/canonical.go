package mimepart

import (
	"bytes"
	"encoding/base64"
	"errors"
	"mime/quotedprintable"
	"strings"
)

// CanonicalizeError says why Canonicalize refused an entity. Its text has
// no package prefix: each engine puts its own before it.
type CanonicalizeError struct {
	Msg string // for a person, e.g. "the message nests too deep"
	Err error  // the cause, may be nil; ErrHeaderTooLarge among others
}

func (e *CanonicalizeError) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *CanonicalizeError) Unwrap() error { return e.Err }

// EngineError returns err, an error of Canonicalize, the way an engine
// reports it: a *CanonicalizeError becomes a plain error whose text has
// prefix before it and, when the cause is ErrHeaderTooLarge, the text of
// the engine's own tooLarge error as the cause. Other errors pass unchanged.
func EngineError(err error, prefix string, tooLarge error) error {
	var ce *CanonicalizeError
	if !errors.As(err, &ce) {
		return err
	}
	mapped := *ce
	if errors.Is(mapped.Err, ErrHeaderTooLarge) {
		mapped.Err = tooLarge
	}
	return errors.New(prefix + mapped.Error())
}

// Canonicalize prepares an entity for signing (RFC 3156 section 3 and RFC
// 8551 section 3.1): CRLF line ends, and every leaf part in a 7-bit
// transfer encoding with lines of at most 76 characters, so no mail server
// can alter what was signed. Text that is already safe is left as it is.
// Its errors are *CanonicalizeError, except that of rereading a header
// field, which cannot fail for a parsed header.
func Canonicalize(raw []byte) ([]byte, error) {
	return canonicalizeDepth(raw, 0)
}

func canonicalizeDepth(raw []byte, depth int) ([]byte, error) {
	if depth > 20 {
		return nil, &CanonicalizeError{Msg: "the message nests too deep"}
	}
	e, err := Parse(raw)
	if err != nil {
		return nil, &CanonicalizeError{Msg: "the content to sign is not a MIME entity", Err: err}
	}
	hdr := CanonicalCRLF(raw[:len(raw)-len(e.Body)])
	if e.Header.Len() == 0 {
		hdr = []byte("Content-Type: text/plain; charset=utf-8\r\n\r\n")
	}
	if strings.HasPrefix(e.MediaType, "multipart/") {
		b := e.Params["boundary"]
		parts, ok := SplitMultipart(e.Body, b)
		if !ok {
			return nil, &CanonicalizeError{Msg: "the multipart content has no closing boundary"}
		}
		var out bytes.Buffer
		out.Write(hdr)
		for _, p := range parts {
			cp, err := canonicalizeDepth(p, depth+1)
			if err != nil {
				return nil, err
			}
			out.WriteString("--" + b + "\r\n")
			out.Write(cp)
			out.WriteString("\r\n")
		}
		out.WriteString("--" + b + "--\r\n")
		return out.Bytes(), nil
	}
	body := CanonicalCRLF(e.Body)
	cte := strings.ToLower(strings.TrimSpace(e.Header.Get("Content-Transfer-Encoding")))
	if strings.HasPrefix(e.MediaType, "message/") || sevenBitSafe(body, cte) {
		return append(hdr, body...), nil
	}
	decoded, err := e.DecodedBody()
	if err != nil {
		return nil, &CanonicalizeError{Msg: "a part's transfer encoding is broken", Err: err}
	}
	var enc bytes.Buffer
	newCTE := "base64"
	if strings.HasPrefix(e.MediaType, "text/") {
		newCTE = "quoted-printable"
		w := quotedprintable.NewWriter(&enc)
		w.Write(bytes.ReplaceAll(decoded, []byte("\r\n"), []byte("\n")))
		w.Close()
	} else {
		WriteBase64Lines(&enc, decoded)
	}
	// Rewrite the header without the old Content-Transfer-Encoding.
	var h bytes.Buffer
	fields := e.Header.Fields()
	for fields.Next() {
		if strings.EqualFold(fields.Key(), "Content-Transfer-Encoding") {
			continue
		}
		raw, err := fields.Raw()
		if err != nil {
			return nil, err
		}
		h.Write(CanonicalCRLF(bytes.TrimRight(raw, "\r\n")))
		h.WriteString("\r\n")
	}
	if e.Header.Len() == 0 {
		h.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	}
	h.WriteString("Content-Transfer-Encoding: " + newCTE + "\r\n\r\n")
	return append(h.Bytes(), CanonicalCRLF(enc.Bytes())...), nil
}

// sevenBitSafe: already base64/QP or plain 7-bit, lines ≤ 76, no
// trailing white space (which servers strip), no "From " at a line start.
func sevenBitSafe(body []byte, cte string) bool {
	if cte != "" && cte != "7bit" && cte != "base64" && cte != "quoted-printable" {
		return false
	}
	for _, line := range bytes.Split(body, []byte("\r\n")) {
		if len(line) > 76 || bytes.HasPrefix(line, []byte("From ")) {
			return false
		}
		if len(line) > 0 && (line[len(line)-1] == ' ' || line[len(line)-1] == '\t') {
			return false
		}
		for _, c := range line {
			if c >= 0x80 || c == 0 || c == '\r' || c == '\n' {
				return false
			}
		}
	}
	return true
}

// WriteBase64Lines writes b in base64, in CRLF-ended lines of 76
// characters (RFC 2045 section 6.8).
func WriteBase64Lines(out *bytes.Buffer, b []byte) {
	s := base64.StdEncoding.EncodeToString(b)
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	if s != "" {
		out.WriteString(s + "\r\n")
	}
}
