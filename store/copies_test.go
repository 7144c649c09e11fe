package store

import (
	"bytes"
	"testing"
)

func TestSameDeliveredAllowsOnlyPrependedTraceFields(t *testing.T) {
	orig := "From: help@example.test\r\nSubject: Re: x\r\nMessage-ID: <a@x>\r\n\r\nbody\r\n"
	cases := []struct {
		name, copy string
		same       bool
	}{
		{"Dovecot LMTP", "Return-Path: <help@example.test>\r\nDelivered-To: help@example.test\r\nReceived: from mx\r\n\tby imap with LMTP\r\n\tid 1; Mon, 23 Nov 2026 10:00:00 +0000\r\n" + orig, true},
		{"another message", "Received: from mx\nFrom: a\nSubject: b\n\nbody\n", false},
		{"ARC and X-Original-To", "ARC-Seal: i=1; a=rsa-sha256\r\nX-Original-To: help@example.test\r\n" + orig, true},
		{"a From added on top", "From: boss@example.test\r\n" + orig, false},
		{"a field that is not trace", "X-Mailer: x\r\n" + orig, false},
		{"identical", orig, false}, // the content hash finds those
		{"a continuation first", " folded\r\n" + orig, false},
		{"body changed", "Received: from mx\r\n" + orig[:len(orig)-6] + "BODY\r\n", false},
	}
	for _, c := range cases {
		if got := sameDelivered([]byte(orig), []byte(c.copy)); got != c.same {
			t.Errorf("%s: sameDelivered = %v, want %v", c.name, got, c.same)
		}
		if got := sameDelivered([]byte(c.copy), []byte(orig)); got != c.same {
			t.Errorf("%s (other order): sameDelivered = %v, want %v", c.name, got, c.same)
		}
	}
}

// FuzzSameDelivered: the relation is symmetric, and a message is only ever
// the same as one that ends with it after trace fields.
func FuzzSameDelivered(f *testing.F) {
	f.Add([]byte("From: a\r\n\r\nb"), []byte("Received: x\r\n\tfolded\r\nFrom: a\r\n\r\nb"))
	f.Add([]byte("a"), []byte("Return-Path:\na"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		same := sameDelivered(a, b)
		if same != sameDelivered(b, a) {
			t.Fatalf("not symmetric for %q and %q", a, b)
		}
		if same && !bytes.HasSuffix(a, b) && !bytes.HasSuffix(b, a) {
			t.Fatalf("%q and %q called the same", a, b)
		}
	})
}
