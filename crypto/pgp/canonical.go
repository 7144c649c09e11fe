package pgp

import (
	"bytes"
	"encoding/base64"
	"errors"
	"mime/quotedprintable"
	"strings"
)

// canonicalize prepares an entity for signing (RFC 3156 section 3 and RFC 8551 section 3.1):
// CRLF line ends, and every leaf part in a 7-bit transfer encoding with
// lines of at most 76 characters, so no mail server can alter what was
// signed. Text that is already safe is left as it is.
func canonicalize(raw []byte) ([]byte, error) {
	return canonicalizeDepth(raw, 0)
}

func canonicalizeDepth(raw []byte, depth int) ([]byte, error) {
	if depth > 20 {
		return nil, errors.New("pgp: the message nests too deep")
	}
	e, err := parseEntity(raw)
	if err != nil {
		return nil, errors.New("pgp: the content to sign is not a MIME entity: " + err.Error())
	}
	hdr := canonicalCRLF(raw[:len(raw)-len(e.body)])
	if e.header.Len() == 0 {
		hdr = []byte("Content-Type: text/plain; charset=utf-8\r\n\r\n")
	}
	if strings.HasPrefix(e.mediaType, "multipart/") {
		b := e.params["boundary"]
		parts, ok := splitMultipart(e.body, b)
		if !ok {
			return nil, errors.New("pgp: the multipart content has no closing boundary")
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
	body := canonicalCRLF(e.body)
	cte := strings.ToLower(strings.TrimSpace(e.header.Get("Content-Transfer-Encoding")))
	if strings.HasPrefix(e.mediaType, "message/") || sevenBitSafe(body, cte) {
		return append(hdr, body...), nil
	}
	decoded, err := e.decodedBody()
	if err != nil {
		return nil, errors.New("pgp: a part's transfer encoding is broken: " + err.Error())
	}
	var enc bytes.Buffer
	newCTE := "base64"
	if strings.HasPrefix(e.mediaType, "text/") {
		newCTE = "quoted-printable"
		w := quotedprintable.NewWriter(&enc)
		w.Write(bytes.ReplaceAll(decoded, []byte("\r\n"), []byte("\n")))
		w.Close()
	} else {
		writeBase64Lines(&enc, decoded)
	}
	// Rewrite the header without the old Content-Transfer-Encoding.
	var h bytes.Buffer
	fields := e.header.Fields()
	for fields.Next() {
		if strings.EqualFold(fields.Key(), "Content-Transfer-Encoding") {
			continue
		}
		raw, err := fields.Raw()
		if err != nil {
			return nil, err
		}
		h.Write(canonicalCRLF(bytes.TrimRight(raw, "\r\n")))
		h.WriteString("\r\n")
	}
	if e.header.Len() == 0 {
		h.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	}
	h.WriteString("Content-Transfer-Encoding: " + newCTE + "\r\n\r\n")
	return append(h.Bytes(), canonicalCRLF(enc.Bytes())...), nil
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

func writeBase64Lines(out *bytes.Buffer, b []byte) {
	s := base64.StdEncoding.EncodeToString(b)
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	if s != "" {
		out.WriteString(s + "\r\n")
	}
}
