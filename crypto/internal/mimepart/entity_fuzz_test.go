package mimepart

import (
	"bytes"
	"testing"
)

// FuzzParseEntity walks an untrusted MIME entity the way the engines do —
// Parse, the parts of every multipart, DecodedBody, ReadableText — and
// canonicalizes it as the signer would: no panic; Body is the end of Raw
// (the wire bytes a signature covers, never a copy); parts lie inside the
// body; the canonical form has CRLF line ends only (RFC 8551 section 3.1.1).
func FuzzParseEntity(f *testing.F) {
	f.Add([]byte("Content-Type: text/plain; charset=latin1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9 =\r\nsoft\r\n"))
	f.Add([]byte("Content-Type: multipart/signed; boundary=b; protocol=\"application/pkcs7-signature\"\r\n\r\n" +
		"pre\r\n--b\r\nContent-Type: text/plain\r\n\r\nsigned\r\n--b\r\nContent-Type: application/pkcs7-signature\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\nMIIB\r\n--b--\r\npost"))
	f.Add([]byte("Content-Type: multipart/alternative; boundary=\"x\"\n\n--x\nContent-Type: text/html\n\n<p>hi<script>x</script>\n" +
		"--x\nContent-Type: multipart/mixed; boundary=y\n\n--y\nContent-Disposition: attachment\n\nfile\n--y\n--x"))
	f.Add([]byte("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n aGk = x\r\n"))
	f.Add([]byte("no header\nFrom here\n\x00\xff"))
	f.Add([]byte("Content-Type: message/rfc822\r\n\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n\r\n--z--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := Parse(raw)
		if err != nil {
			return
		}
		checkEntityTree(t, e, 0)
		_ = ReadableText(e)
		c, err := Canonicalize(raw)
		if err != nil {
			return
		}
		for i, b := range c {
			if b == '\n' && (i == 0 || c[i-1] != '\r') {
				t.Fatalf("Canonicalize left a bare LF at %d: %q", i, c)
			}
		}
	})
}

// checkEntityTree checks e and, for a multipart, its parts, down to ReadableText's
// depth limit.
func checkEntityTree(t *testing.T, e *Entity, depth int) {
	t.Helper()
	if !e.Is(e.Raw) || !bytes.HasSuffix(e.Raw, e.Body) || e.Params == nil {
		t.Fatalf("Parse: Body %q is not the end of Raw %q (params %v)", e.Body, e.Raw, e.Params)
	}
	_, _ = e.DecodedBody()
	_, _ = e.IsAttachment(), e.Filename()
	if depth > 20 {
		return
	}
	raws, kids := e.Parts()
	total := 0
	for i, r := range raws {
		total += len(r)
		if !bytes.Contains(e.Body, r) {
			t.Fatalf("part %d %q is not in the body %q", i, r, e.Body)
		}
		if kids[i] != nil {
			checkEntityTree(t, kids[i], depth+1)
		}
	}
	if total > len(e.Body) {
		t.Fatalf("parts hold %d bytes, the body %d", total, len(e.Body))
	}
}
