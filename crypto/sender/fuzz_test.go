package sender

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/emersion/go-message/textproto"
)

// FuzzParse feeds hostile From, Sender, Reply-To and Date fields (RFC
// 2047 words in any charset, groups, comments, folding) to Parse; seeds
// are in testdata/fuzz/FuzzParse. Invariants: no panic, and a From that
// passes names exactly one address which its display name does not
// contradict.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"From: Alice <alice@example.org>\r\n",
		"From: =?windows-1252?Q?M=FCller?= <m@example.org>, M <mallory@evil.example>\r\n",
		"From: \"boss@corp.example\" <eve@evil.example>\r\nReply-To: x@y.example\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(append(b, "\r\n\r\n"...))))
		if err != nil {
			return
		}
		id := Parse(&h)
		_ = id.Display()
		info := id.Info()
		if id.OK() {
			if len(h.Values("From")) != 1 || len(id.From) != 1 || id.Address == "" || info.From != id.Address {
				t.Fatalf("OK with From %q: %+v", h.Values("From"), id)
			}
			if other, bad := OtherAddressInName(id.Name, id.Address); bad {
				t.Fatalf("OK although the name shows %q", other)
			}
		} else if id.Detail == "" {
			t.Fatalf("problem %q without detail", id.Problem)
		}
	})
}

// FuzzOtherAddressInName checks the display-name test on names and
// addresses of any runes (seeds in testdata/fuzz/FuzzOtherAddressInName):
// no panic, and a name that is the address itself never counts as another.
func FuzzOtherAddressInName(f *testing.F) {
	f.Add("boss\uFF20corp\u3002example", "eve@evil.example")
	f.Add("Support (support@example.org)", "support@example.org")
	f.Add("b o s s @ c o r p . e x a m p l e", "eve@evil.example")
	f.Fuzz(func(t *testing.T, name, addr string) {
		other, bad := OtherAddressInName(name, addr)
		if bad && other == "" {
			t.Fatal("another address reported without saying which")
		}
		if addr == "" || strings.TrimFunc(addr, func(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }) != "" {
			return // a local part of ASCII letters and digits; look-alikes of it are meant to count
		}
		a := addr + "@example.org"
		if _, self := OtherAddressInName(a, a); self {
			t.Fatalf("the address %q in its own name counts as another", a)
		}
	})
}
