package mimepart

import (
	"bytes"
	"testing"
)

// FuzzRehead hands an untrusted inner entity on under an untrusted
// message header, as the engines do with a signature around an
// encryption: no panic; the result parses as a message whose media type
// is the inner entity's, whose From is the message's (never the inner
// entity's), and whose body is the inner body unchanged.
func FuzzRehead(f *testing.F) {
	f.Add([]byte("From: Alice <a@example.test>\r\nSubject: s\r\nContent-Type: multipart/signed; boundary=s\r\n\r\n"),
		[]byte("Content-Type: multipart/encrypted;\r\n protocol=\"application/pgp-encrypted\"; boundary=e\r\n\r\n--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--e--\r\n"))
	f.Add([]byte("From: a@example.test\nAutocrypt: addr=a@example.test; keydata=AAAA\n BBBB\n\n"),
		[]byte("From: mallory@example.test\nContent-Type: multipart/encrypted; boundary=e\n\nbody"))
	f.Add([]byte("Subject: no from\r\n\r\n"), []byte("Content-Type: text/plain\r\n\r\n"))
	f.Fuzz(func(t *testing.T, msgRaw, innerRaw []byte) {
		msg, err := Parse(msgRaw)
		if err != nil {
			return
		}
		inner, err := Parse(innerRaw)
		if err != nil || inner.Header.Len() == 0 {
			return
		}
		out := Rehead(msg, inner)
		got, err := Parse(out)
		if err != nil {
			t.Fatalf("Rehead made an entity that does not parse (%v): %q", err, out)
		}
		if got.MediaType != inner.MediaType || !bytes.HasSuffix(out, inner.Body) {
			t.Fatalf("media type %q, want %q; body lost: %q", got.MediaType, inner.MediaType, out)
		}
		if got.Header.Get("From") != msg.Header.Get("From") {
			t.Fatalf("From %q, want the message's %q", got.Header.Get("From"), msg.Header.Get("From"))
		}
	})
}
