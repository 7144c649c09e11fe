package sender

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// lookalikes are characters that read as "@" or "." but that NFKC keeps
// (NFKC already folds the fullwidth and small forms, U+FF20, U+FE6B,
// U+FF0E, U+2024, U+FE52). IDNA treats the ideographic full stops as dots
// too (RFC 3490 section 3.1), so a domain written with them is a domain.
var lookalikes = strings.NewReplacer(
	"\u3002", ".", "\uFF61", ".", // ideographic and halfwidth ideographic full stop
	"\u00B7", ".", "\u2219", ".", "\u30FB", ".", "\uFF65", ".", "\u2027", ".", // middle dots
	"\u2E33", ".", "\u0701", ".", "\u0702", ".", "\uA60E", ".", "\u10FB", ".",
)

// fold maps a display name onto what a reader sees: NFKC (fullwidth and
// compatibility forms become plain ones), the look-alikes above, and
// without invisible format characters (zero-width spaces and joiners,
// bidi controls), which could split an address so a pattern misses it.
func fold(s string) string {
	s = lookalikes.Replace(norm.NFKC.String(s))
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

var (
	// spacedSep joins "boss @ corp . example" into "boss@corp.example":
	// padding around the separators does not hide an address from a reader.
	spacedSep = regexp.MustCompile(`\s*([@.])\s*`)
	// addrLike is anything of the shape local@domain.tld in a display name.
	addrLike = regexp.MustCompile(`[^\s@<>()\[\]"',;:]+@[^\s@<>()\[\]"',;:]+\.[^\s@<>()\[\]"',;:]+`)
)

// OtherAddressInName reports an address shown in the display name name
// that is not addr (the spoof `"boss@corp.example" <eve@evil.example>`,
// also with padding, look-alike characters or in RFC 2047 words, which
// are decoded before this is called). A name showing addr itself is fine.
func OtherAddressInName(name, addr string) (string, bool) {
	if name == "" {
		return "", false
	}
	f := fold(name)
	if !strings.Contains(f, "@") {
		// addrLike needs an "@" (fold made every look-alike one): most
		// names have none, and need no regular expression run over them.
		return "", false
	}
	f = spacedSep.ReplaceAllString(f, "$1")
	want := Canonical(addr)
	for _, m := range addrLike.FindAllString(f, 8) {
		if Canonical(strings.TrimRight(m, ".")) != want {
			return m, true
		}
	}
	return "", false
}

// Canonical is an address in the form addresses are compared in: lower
// case, the domain's labels in ASCII (RFC 5891 A-labels) when idna can
// convert them.
func Canonical(addr string) string {
	return strings.ToLower(asciiForm(strings.ToLower(strings.TrimSpace(addr))))
}

// asciiForm converts the domain of addr to its ASCII form; addr unchanged
// when it has no "@", is ASCII already, or idna refuses the domain.
func asciiForm(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 || isASCII(addr[i+1:]) {
		return addr
	}
	d, err := idna.Lookup.ToASCII(addr[i+1:])
	if err != nil {
		return addr
	}
	return addr[:i+1] + d
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
