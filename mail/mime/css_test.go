package mime

import (
	"strings"
	"testing"
)

func TestTokenizeCSSDecodesEscapes(t *testing.T) {
	cases := []struct {
		name, in string
		kind     cssKind
		val      string
		closed   bool
	}{
		{"hex escape in an at-keyword", `@\69mport`, cssAtKeyword, "import", true},
		{"hex escape with its space", `@imp\6f rt`, cssAtKeyword, "import", true},
		{"six hex digits, no space needed", `\000075rl`, cssIdent, "url", true},
		{"escaped letter in a function name", `\75rl(`, cssFunction, "url", true},
		{"non-hex escape is the letter", `u\rl(x)`, cssURL, "x", true},
		{"escape in a string", `"\68ttp://a"`, cssString, "http://a", true},
		{"line continued in a string", "'a\\\nb'", cssString, "ab", true},
		{"zero and surrogates are U+FFFD", `\0 \D800`, cssIdent, "\uFFFD\uFFFD", true},
		{"NUL is U+FFFD", "a\x00b", cssIdent, "a\uFFFDb", true},
		{"quoted url", `url( "\2f\2f x" )`, cssURL, "//x", true},
		{"unquoted url with escapes", `url(\68ttp://x\29)`, cssURL, "http://x)", true},
		{"url cut off by the end", `url(https://x/?a`, cssURL, "https://x/?a", false},
		{"quoted url cut off by the end", `url("https://x/?a`, cssURL, "https://x/?a", false},
		{"string cut off by the end", `"abc`, cssString, "abc", false},
		{"string ending in an escaped quote", `"abc\"`, cssString, `abc"`, false},
		{"url ending in an escaped paren", `url(a\)`, cssURL, "a)", false},
		{"bad url: space inside", `url(a b)`, cssBad, "", true},
		{"bad string: line break", "\"a\nb;", cssBad, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			toks, closed := tokenizeCSS(c.in)
			if len(toks) == 0 || toks[0].kind != c.kind || toks[0].val != c.val || closed != c.closed {
				t.Fatalf("%+v closed=%t, want kind %d %q closed=%t", toks, closed, c.kind, c.val, c.closed)
			}
		})
	}
}

// What mail layouts use survives; what loads or runs goes, and the
// output reads back as itself.
func TestCleanSheet(t *testing.T) {
	cids := map[string]string{"logo": "data:image/png;base64,AA"}
	cases := []struct {
		name, in, want string
		blocked        int
	}{
		{"plain rules", `p , .a>b{ color : red ; margin:0 auto!important}`, `p , .a>b{color:red;margin:0 auto!important}`, 0},
		{"media query", `@media (max-width:600px){.c{width:100%}}`, `@media (max-width:600px){.c{width:100%}}`, 0},
		{"keyframes", `@keyframes k{from{opacity:0}50%{opacity:.5}}`, `@keyframes k{from{opacity:0}50%{opacity:.5}}`, 0},
		{"gradients and colours", `a{background:linear-gradient(#fff,rgba(0,0,0,.5))}`, `a{background:linear-gradient(#fff,rgba(0,0,0,.5))}`, 0},
		{"cid image", `a{background:url(cid:logo) no-repeat}`, `a{background:url("data:image/png;base64,AA") no-repeat}`, 0},
		{"remote image dropped with its declaration", `a{background:url(https://x/a.png) red;color:blue}`, `a{color:blue}`, 1},
		{"import", `@import url(https://x/a.css); a{color:red}`, `a{color:red}`, 1},
		{"font face", `@font-face{src:url(https://x/f.woff)}`, ``, 1},
		{"namespace and document", `@namespace x url(https://x/);@-moz-document url-prefix(){a{color:red}}`, ``, 1},
		{"custom property and var()", `a{--u:"https://x/";background:image-set(var(--u) 1x);color:red}`, `a{color:red}`, 1},
		{"expression, behavior and binding", `a{width:expression(alert(1));behavior:url(x.htc);-moz-binding:url(x.xml#y);color:red}`, `a{color:red}`, 0},
		{"src() function", `a{background:src("https://x/a.png")}`, ``, 1},
		{"url function spelled with an escape", `a{background:\75rl("cid:logo")}`, `a{background:url("data:image/png;base64,AA")}`, 0},
		{"image-set strings are addresses", `a{background:image-set("cid:logo" 1x)}`, `a{background:image-set("data:image/png;base64,AA" 1x)}`, 0},
		{"escaped less-than in a selector cannot end the element", `a\3c/style\3e\3cimg{color:red}`, `a\3c /style\3e \3c img{color:red}`, 0},
		{"string nested in an image function is an address", `a{background:image(("https://x/a.png"))}`, ``, 1},
		{"less-than cannot end the element", `a::after{content:"</style><script>"}`, `a::after{content:"\3c /style>\3c script>"}`, 0},
		{"unclosed url drops the whole sheet", `a{color:red}b{background:url(https://x/?`, ``, 1},
		{"unclosed string drops the whole sheet", `a{color:red}b{content:"abc`, ``, 0},
		{"bad url drops its declaration", `a{background:url(a b);color:red}`, `a{color:red}`, 0},
		{"stray closing brackets", `a{color:red)}}b{color:blue}`, `a{color:red}b{color:blue}`, 0},
		{"nested rule dropped", `a{color:red;b{color:blue}}`, `a{color:red}`, 0},
		{"url in a selector", `a[href=x]:is(url(https://x/)){color:red}`, ``, 1},
		{"comments separate tokens", `a/**/b{color:red}.x/**/.y{color:red}`, `a/**/b{color:red}.x.y{color:red}`, 0},
		{"escaped digit starts an ident", `\31 a{color:red}`, `\31 a{color:red}`, 0},
		{"unit that reads as an exponent", `a{width:1\65 5}`, `a{width:1\65 5}`, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := remote{cids: cids}
			got := r.sheet(c.in)
			if got != c.want || r.blocked != c.blocked {
				t.Fatalf("got %q (blocked %d), want %q (blocked %d)", got, r.blocked, c.want, c.blocked)
			}
			if p := cssProblems(got, false); p != nil {
				t.Fatal(strings.Join(p, "\n"))
			}
			assertStable(t, got)
		})
	}
}

func TestCleanStyleAttribute(t *testing.T) {
	r := remote{}
	if got := r.inline(`color:red; background:url(//x/a.png); @media x{}; width:10px`); got != `color:red;width:10px` || r.blocked != 1 {
		t.Fatalf("got %q, blocked %d", got, r.blocked)
	}
	r = remote{load: true}
	if got := r.inline(`background:url(https://x/a.png)`); got != `background:url("https://x/a.png")` || r.blocked != 0 {
		t.Fatalf("loading: got %q, blocked %d", got, r.blocked)
	}
}

// assertStable: a cleaned sheet is cleaned to itself, so the writer
// produces text that tokenizes back into what was checked.
func assertStable(t *testing.T, sheet string) {
	t.Helper()
	r := remote{}
	if again := r.sheet(sheet); again != sheet {
		t.Fatalf("cleaned sheet changes when cleaned again:\n%q\n%q", sheet, again)
	}
}

// FuzzSanitizeCSS: any style text comes out with nothing that loads or
// runs, as text that reads back as itself.
func FuzzSanitizeCSS(f *testing.F) {
	for _, c := range sanitizerRegressions {
		f.Add(strings.Join(c.bodies, ""))
	}
	f.Add(`a{background:image-set("\68ttp://x" 1x)}@\69mport "x";b{c:\75rl(//x)}`)
	f.Fuzz(func(t *testing.T, in string) {
		r := remote{cids: map[string]string{"a": "data:image/png;base64,AA"}}
		out := r.sheet(in)
		if p := cssProblems(out, false); p != nil {
			t.Fatal(strings.Join(p, "\n"))
		}
		assertStable(t, out)
		attr := r.inline(in)
		if p := cssProblems(attr, true); p != nil {
			t.Fatal(strings.Join(p, "\n"))
		}
	})
}
