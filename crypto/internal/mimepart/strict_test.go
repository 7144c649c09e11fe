package mimepart

import (
	"errors"
	"testing"
)

func TestParseStrict(t *testing.T) {
	good := []string{
		"Content-Type: text/plain\r\n\r\nhello\r\n",
		"Content-Type: text/plain\n\nhello\n",
		"\r\nno header at all, RFC 2045 section 5.2\r\n",
		"bare text, as OpenSSL encrypts a text file\r\n",
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n",
		"Subject: f\u00fcr\r\n folded\r\nContent-Type: text/plain\r\n\r\n",
	}
	bad := []string{
		"", "hello\x00", "\x00\x01garbage", "\xc3\x28 invalid UTF-8", "Content-Type: text/plain\r\nno blank line",
		"Content-Type: text/plain\r\ngarbage line\r\n\r\nbody",
		"Content-Type: multipart/mixed\r\n\r\nx", "Content-Type: text\r\n\r\nx",
		"Content-Type: text/plain\r\nX: a\x00b\r\n\r\n", "Content-Type: text/plain\r\nX: \xff\xfe\r\n\r\n",
	}
	for _, s := range good {
		if _, err := ParseStrict([]byte(s)); err != nil {
			t.Errorf("%q refused: %v", s, err)
		}
	}
	for _, s := range bad {
		if _, err := ParseStrict([]byte(s)); !errors.Is(err, ErrNotEntity) {
			t.Errorf("%q: %v, want ErrNotEntity", s, err)
		}
	}
}

// FuzzParseStrict: never panics; what it accepts Parse reads the same.
func FuzzParseStrict(f *testing.F) {
	for _, s := range []string{"Content-Type: text/plain\r\n\r\nx", "\r\nx", "x", "A: b\r\n c\r\n\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := ParseStrict(raw)
		if err != nil {
			return
		}
		p, err := Parse(raw)
		if err != nil || p.MediaType != e.MediaType || len(p.Body) != len(e.Body) {
			t.Fatalf("ParseStrict accepted what Parse reads otherwise: %v", err)
		}
	})
}

// FuzzCheck: Check never panics and stays within the limits it enforces.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(nested(3)))
	f.Add([]byte(parts(3, "Content-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--")))
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := Parse(raw)
		if err != nil {
			return
		}
		_ = Check(e)
	})
}
