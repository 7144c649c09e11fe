package mime

import (
	"strings"
	"testing"
)

const hostile = `<html><head><style>body{background:url(http://127.0.0.1:9/style.png)} @import url(http://x/y.css); .x{color:red}</style></head>` +
	`<body><script>window.__pwned=1</script><img src=x onerror="fetch('http://127.0.0.1:9/onerror')">` +
	`<img src="http://127.0.0.1:9/remote.png"><div style="background:url('http://127.0.0.1:9/css.png');color:green">Signature verified</div>` +
	`<a href="javascript:alert(1)">js</a><a href="https://example.org/">ok</a><img src="cid:img1"><iframe src="http://x"></iframe>` +
	`<form action="http://x"><input name=p></form><svg onload=alert(1)></svg></body></html>`

func TestSanitizeHTML(t *testing.T) {
	cids := map[string]string{"img1": "data:image/png;base64,AAAA"}
	cases := []struct {
		name      string
		in        string
		load      bool
		blocked   int
		contains  []string
		forbidden []string
	}{
		{"hostile mail, remote blocked", hostile, false, 4,
			[]string{`src="data:image/png;base64,AAAA"`, "Signature verified", `title="https://example.org/"`, ".x{color:red}"},
			[]string{"<script", "onerror", "127.0.0.1", "javascript:", "<iframe", "<form", "<input", "onload", "@import"}},
		{"hostile mail, remote loaded", hostile, true, 0,
			[]string{`src="http://127.0.0.1:9/remote.png"`, `url("http://127.0.0.1:9/style.png")`},
			[]string{"<script", "onerror", "javascript:", "@import"}},
		{"style element cannot close itself", `<style>p{color:red}</style ><style>a{}</style><p>x`, false, 0,
			nil, []string{"</style"}},
		// The parser ends the style element where a browser would; what
		// follows is markup and is sanitized as such.
		{"style text with a closing tag", "<style>p::after{content:'</style><script>x</script>'}</style>", false, 0,
			nil, []string{"<script"}},
		{"less-than in css escaped", "<style>p::after{content:'<!--'}</style>", false, 0, []string{`\3c !--`}, nil},
		{"srcset and background", `<table background="http://t/bg.png"><tr><td>x</td></tr></table><img srcset="http://a/1.png 1x">`, false, 1,
			nil, []string{"http://t/"}},
		{"bare remote string in css", `<style>.a{background-image:image-set("https://t/a.png" 1x)}</style>`, false, 1,
			nil, []string{"https://t/"}},
		{"unknown cid removed", `<img src="cid:nope">`, false, 0, nil, []string{"cid:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := SanitizeHTML(tc.in, cids, RenderOptions{LoadRemote: tc.load})
			all := r.body + "\n" + strings.Join(r.sheets, "\n")
			if r.blocked != tc.blocked {
				t.Errorf("blocked %d, want %d\n%s", r.blocked, tc.blocked, all)
			}
			for _, s := range tc.contains {
				if !strings.Contains(all, s) {
					t.Errorf("missing %q in\n%s", s, all)
				}
			}
			for _, s := range tc.forbidden {
				if strings.Contains(strings.ToLower(all), strings.ToLower(s)) {
					t.Errorf("%q survived in\n%s", s, all)
				}
			}
		})
	}
}

func TestDocumentPutsTheCSPFirstAndAllowsNoScript(t *testing.T) {
	r := Render(Content{Bodies: []Body{{HTML: true, Text: hostile}, {Text: "<plain> & text"}}}, RenderOptions{})
	head := r.Document[:strings.Index(r.Document, "<style>")]
	if !strings.Contains(head, `http-equiv="Content-Security-Policy"`) || !strings.Contains(head, "default-src &#39;none&#39;") {
		t.Fatalf("head: %s", head)
	}
	if strings.Contains(CSP(false), "script") || strings.Contains(CSP(false), "http") || !strings.Contains(CSP(true), "img-src data: http: https:") {
		t.Fatalf("CSP: %q / %q", CSP(false), CSP(true))
	}
	if !strings.Contains(r.Document, "&lt;plain&gt; &amp; text") || r.RemoteBlocked != 4 {
		t.Fatalf("document: %s (blocked %d)", r.Document, r.RemoteBlocked)
	}
	if Render(Content{}, RenderOptions{}).Document != "" {
		t.Fatal("a content without bodies renders a document")
	}
}
