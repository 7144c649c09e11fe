package mime

import (
	"fmt"
	"strings"
	"testing"
)

// linkCases are the tricks phishing mail plays with links, and honest
// links that must not be flagged.
var linkCases = []struct {
	name, href, text string
	host, warn       string // warn: a word the warning must contain; "" for none
}{
	{"same site", "https://www.bank.example/login", "bank.example", "www.bank.example", ""},
	{"subdomain of the shown site", "https://login.bank.example/", "https://bank.example", "login.bank.example", ""},
	{"words, not an address", "https://bank.example/x", "Sign in to your account", "bank.example", ""},
	{"text names another site", "https://evil.example/login", "https://bank.example/login", "evil.example", "shows bank.example"},
	{"look-alike suffix", "https://bank.example.evil.example/", "bank.example", "bank.example.evil.example", "shows bank.example"},
	{"userinfo before the host", "https://bank.example@evil.example/", "Your bank", "evil.example", "behind an @"},
	{"bare IP address", "http://192.0.2.7/account", "Account", "192.0.2.7", "bare IP"},
	{"international look-alike", "https://xn--pypal-4ve.example/", "PayPal", "pаypal.example", "international letters"},
	{"mailto to another address", "mailto:collect@evil.example?subject=hi", "support@bank.example", "collect@evil.example", "writes to collect@evil.example"},
	{"honest mailto", "mailto:support@bank.example", "support@bank.example", "support@bank.example", ""},
}

func TestCheckLinkJudgesTheDestination(t *testing.T) {
	for _, c := range linkCases {
		t.Run(c.name, func(t *testing.T) {
			l, err := CheckLink(c.href, c.text)
			if err != nil {
				t.Fatal(err)
			}
			if l.Host != c.host {
				t.Errorf("host %q, want %q", l.Host, c.host)
			}
			if c.warn == "" && l.Warning != "" {
				t.Errorf("unexpected warning %q", l.Warning)
			}
			if c.warn != "" && !strings.Contains(l.Warning, c.warn) {
				t.Errorf("warning %q, want it to mention %q", l.Warning, c.warn)
			}
		})
	}
}

func TestOnlyWebAndMailLinksAreListedAndOnlyWebOnesOpen(t *testing.T) {
	for _, href := range []string{"javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "sealdesk://x", "https:///nohost", strings.Repeat("https://a.example/", 300)} {
		if _, err := CheckLink(href, ""); err == nil {
			t.Errorf("%.40q accepted", href)
		}
	}
	if _, err := WebLink("mailto:a@b.example"); err != ErrNotWebLink {
		t.Errorf("mailto opened in the browser: %v", err)
	}
	if l, err := WebLink(" https://a.example/x "); err != nil || l.URL != "https://a.example/x" {
		t.Errorf("web link: %+v, %v", l, err)
	}
}

func TestRenderListsTheLinksOfEveryBody(t *testing.T) {
	c := Content{Bodies: []Body{
		{Text: "See https://docs.example/a, and (https://docs.example/b).\nAgain: https://docs.example/a."},
		{HTML: true, Text: `<p><a href="https://evil.example/" onclick="x()">https://bank.example</a>
			<a href="javascript:alert(1)">run</a> <a href="https://shop.example/"><img alt="Shop now" src="cid:x"></a>
			<a href="https://evil.example/">https://bank.example</a></p>`},
	}}
	r := Render(c, RenderOptions{})
	var got []string
	for _, l := range r.Links {
		got = append(got, fmt.Sprintf("%s|%s|%t", l.URL, l.Text, l.Warning != ""))
	}
	want := []string{
		"https://docs.example/a||false",
		"https://docs.example/b||false",
		"https://evil.example/|https://bank.example|true",
		"https://shop.example/|Shop now|false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("links:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if empty := Render(Content{}, RenderOptions{}); empty.Links == nil {
		t.Error("Links is nil for a mail without bodies")
	}
}

func TestLinksAreBounded(t *testing.T) {
	var b strings.Builder
	for i := range maxLinks + 50 {
		fmt.Fprintf(&b, `<a href="https://n%d.example/">%s</a>`, i, strings.Repeat("long text ", 50))
	}
	r := Render(Content{Bodies: []Body{{HTML: true, Text: b.String()}}}, RenderOptions{})
	if len(r.Links) != maxLinks {
		t.Fatalf("%d links", len(r.Links))
	}
	if n := len([]rune(r.Links[0].Text)); n != maxLinkText+1 || !strings.HasSuffix(r.Links[0].Text, linkEllipsis) {
		t.Fatalf("text of %d runes: %q", n, r.Links[0].Text)
	}
}
