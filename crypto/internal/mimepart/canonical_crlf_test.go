package mimepart

import (
	"bytes"
	"testing"
)

// canonicalCRLFByByte is the byte-at-a-time CanonicalCRLF it replaced,
// kept as the reference the faster one must match.
func canonicalCRLFByByte(b []byte) []byte {
	if !bytes.Contains(b, []byte("\n")) {
		return b
	}
	var out bytes.Buffer
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out.WriteByte('\r')
		}
		out.WriteByte(c)
	}
	return out.Bytes()
}

var crlfCases = []string{"", "a", "\n", "\r\n", "\r", "\n\n", "\r\n\n", "\n\r\n", "a\nb", "a\r\nb\n", "a\r\r\nb\n\n", "\r\n\r\n", "x\n"}

func TestCanonicalCRLF(t *testing.T) {
	for _, c := range crlfCases {
		got, want := CanonicalCRLF([]byte(c)), canonicalCRLFByByte([]byte(c))
		if !bytes.Equal(got, want) {
			t.Errorf("CanonicalCRLF(%q) = %q, want %q", c, got, want)
		}
	}
	// A result with a line feed is never b's memory (callers append to it).
	in := []byte("a\r\nb\r\n")
	if out := CanonicalCRLF(in[:3]); &out[0] == &in[0] {
		t.Error("CanonicalCRLF returned its input although it holds a line feed")
	}
}

func FuzzCanonicalCRLF(f *testing.F) {
	for _, c := range crlfCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := CanonicalCRLF(b), canonicalCRLFByByte(b); !bytes.Equal(got, want) {
			t.Errorf("CanonicalCRLF(%q) = %q, want %q", b, got, want)
		}
	})
}
