package mime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func seedMessages(f *testing.F) {
	for _, m := range [][]byte{plainMsg, altMsg, relatedMsg, attachMsg, latin1Msg, unknownCS, badUTF8, brokenB64, signedMsg, encMsg, partialMsg} {
		f.Add(m)
	}
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

// FuzzSplit: any input either fails with ErrNotMIME or yields sections of
// valid UTF-8 whose attachments are numbered in order, and renders to a
// document without anything that runs or loads.
func FuzzSplit(f *testing.F) {
	seedMessages(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		secs, err := Split(raw, raw, false)
		if err != nil {
			return
		}
		n := 0
		for _, s := range secs {
			for _, b := range s.Bodies {
				if !utf8.ValidString(b.Text) {
					t.Fatalf("body is not UTF-8: %q", b.Text)
				}
			}
			for _, a := range s.Attachments {
				if a.Index != n {
					t.Fatalf("attachment %d has index %d", n, a.Index)
				}
				n++
			}
			r := Render(s.Content, RenderOptions{})
			if strings.Contains(strings.ToLower(r.Document), "<script") {
				t.Fatalf("a script survived: %s", r.Document)
			}
		}
	})
}

// FuzzSanitizeHTML: whatever the HTML, the document made of the body and
// its sheets passes the structural check (documentProblems: nothing runs,
// nothing loads but data: images, links open nothing from the frame), and
// each sheet reads back as itself.
func FuzzSanitizeHTML(f *testing.F) {
	f.Add(hostile)
	f.Add(`<img src="cid:a" srcset="//x 1x"><p style="background:url(//x)">`)
	f.Add(`<style>@import "//x";</style><svg><script>alert(1)</script></svg>`)
	f.Add(`<a href="https://x" onclick=x>y</a><math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`)
	f.Add(`<a href="https://bank.example@evil.example/">https://bank.example</a><a href="mailto:a@b.example">x</a>`)
	f.Fuzz(func(t *testing.T, in string) {
		found := &links{}
		r := sanitizeHTML(in, map[string]string{"a": "data:image/png;base64,AA"}, RenderOptions{}, found)
		if p := documentProblems(Document(r.body, r.sheets, false)); p != nil {
			t.Fatalf("%s\nin\n%s\n%s", strings.Join(p, "\n"), r.body, strings.Join(r.sheets, "\n"))
		}
		for _, s := range r.sheets {
			assertStable(t, s)
		}
		assertLinks(t, found.list)
	})
}

// FuzzCheckLink: a link is accepted only as http, https or mailto, and
// what it says about itself is valid UTF-8 of bounded size.
func FuzzCheckLink(f *testing.F) {
	for _, c := range linkCases {
		f.Add(c.href, c.text)
	}
	f.Fuzz(func(t *testing.T, href, text string) {
		l, err := CheckLink(href, text)
		if err != nil {
			return
		}
		assertLinks(t, []Link{l})
	})
}

func assertLinks(t *testing.T, ls []Link) {
	t.Helper()
	if len(ls) > maxLinks {
		t.Fatalf("%d links listed", len(ls))
	}
	for _, l := range ls {
		scheme, _, _ := strings.Cut(strings.ToLower(l.URL), ":")
		if scheme != "http" && scheme != "https" && scheme != mailtoScheme {
			t.Fatalf("link with scheme %q listed: %q", scheme, l.URL)
		}
		if utf8.RuneCountInString(l.Text) > maxLinkText+1 || len(l.URL) > maxLinkURL {
			t.Fatalf("link too long: %d runes of text, %d bytes of URL", utf8.RuneCountInString(l.Text), len(l.URL))
		}
	}
}

// FuzzSplitInline: with an Inline splitter, a labelled section holds one
// stretch only and is never merged with another, and bodies stay UTF-8.
func FuzzSplitInline(f *testing.F) {
	seedMessages(f)
	f.Add(msg("Content-Type: text/plain", "", "a [[b]] c [[!]][[d]]"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var calls []string
		secs, err := SplitWith(raw, nil, false, SplitOptions{Inline: markerInline(&calls)})
		if err != nil {
			return
		}
		for i, s := range secs {
			if s.Label != "" && len(s.Bodies) > 1 {
				t.Fatalf("section %d: labelled section with %d bodies", i, len(s.Bodies))
			}
			if s.Label != "" && s.Origin == Unprotected {
				t.Fatalf("section %d: unprotected stretch labelled", i)
			}
			for _, b := range s.Bodies {
				if !utf8.ValidString(b.Text) {
					t.Fatalf("body is not UTF-8: %q", b.Text)
				}
			}
		}
	})
}
