package mime

import (
	"bytes"
	"encoding/base64"
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// RenderOptions tunes Render.
type RenderOptions struct {
	// LoadRemote keeps references to remote content (images, CSS
	// backgrounds), which tells the sender that and when the mail was read.
	// The agent chooses it per message; false (the default) removes them.
	LoadRemote bool
}

// Rendered is a section's content as one HTML document for a sandboxed
// iframe's srcdoc.
type Rendered struct {
	Document string
	// RemoteBlocked counts the remote references removed; 0 when
	// LoadRemote was set.
	RemoteBlocked int
	// Links are the http, https and mailto links of the bodies, judged
	// (see Link); never nil.
	Links []Link
}

// Render turns the bodies of c into a complete HTML document: HTML bodies
// sanitized, plain text escaped, images referred to by Content-ID inlined
// as data: URIs. It returns an empty Document when c has no body.
func Render(c Content, opts RenderOptions) Rendered {
	if len(c.Bodies) == 0 {
		return Rendered{Links: []Link{}}
	}
	cids := inlineImages(c.Attachments)
	var body strings.Builder
	var sheets []string
	blocked := 0
	found := &links{list: []Link{}}
	for i, b := range c.Bodies {
		if i > 0 {
			body.WriteString("<hr class=\"sd-part\">")
		}
		if !b.HTML {
			body.WriteString(PlainToHTML(b.Text))
			found.fromPlain(b.Text)
			continue
		}
		r := sanitizeHTML(b.Text, cids, opts, found)
		body.WriteString(r.body)
		sheets = append(sheets, r.sheets...)
		blocked += r.blocked
	}
	return Rendered{Document: Document(body.String(), sheets, opts.LoadRemote), RemoteBlocked: blocked, Links: found.list}
}

// PlainToHTML escapes plain text for display; line breaks are kept by the
// document's style (white-space: pre-wrap).
func PlainToHTML(text string) string {
	return `<div class="sd-plain">` + html.EscapeString(text) + `</div>`
}

// CSP is the Content-Security-Policy of every mail document: nothing may
// load but inline styles and data: images (and remote images only when
// the agent chose to load remote content). No script-src: scripts never
// run, even if the sanitizer let one through and the sandbox were lifted.
func CSP(loadRemote bool) string {
	img := "img-src data:"
	if loadRemote {
		img += " http: https:"
	}
	return "default-src 'none'; " + img + "; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'"
}

// Document wraps a sanitized body and its sanitized style sheets into the
// srcdoc document. The CSP meta element comes first, before anything it
// governs. Each sheet gets its own style element, so that no construct
// of one (an unclosed url(, a string) can run on into another.
func Document(body string, sheets []string, loadRemote bool) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><meta charset="utf-8">`)
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="` + html.EscapeString(CSP(loadRemote)) + `">`)
	b.WriteString(`<meta name="referrer" content="no-referrer">`)
	b.WriteString(`<style>` + baseCSS + `</style>`)
	for _, css := range sheets {
		b.WriteString(`<style>` + css + `</style>`)
	}
	b.WriteString(`</head><body>` + body + `</body></html>`)
	return b.String()
}

// baseCSS: mail is written for a white page, whatever the app's theme.
const baseCSS = `html{color-scheme:light}body{margin:0;padding:12px;font:14px/1.45 system-ui,sans-serif;color:#1b1b1b;background:#fff;overflow-wrap:anywhere}` +
	`.sd-plain{white-space:pre-wrap}img{max-width:100%;height:auto}hr.sd-part{border:0;border-top:1px dashed #bbb;margin:16px 0}`

// inlineImages maps the Content-IDs of image attachments to data: URIs.
// SVG is left out: it is a document, not a picture.
func inlineImages(atts []Attachment) map[string]string {
	m := map[string]string{}
	for _, a := range atts {
		if a.ContentID == "" || !safeImage(a.ContentType) {
			continue
		}
		m[strings.ToLower(a.ContentID)] = "data:" + a.ContentType + ";base64," + base64.StdEncoding.EncodeToString(a.data)
	}
	return m
}

func safeImage(ct string) bool {
	switch ct {
	case "image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp", "image/bmp":
		return true
	}
	return false
}

var (
	policyOnce sync.Once
	policy     *bluemonday.Policy
)

// mailPolicy is bluemonday's policy for user content widened by what mail
// layouts use (tables with presentational attributes, font, classes and
// inline styles checked property by property), with cid: and data: images.
func mailPolicy() *bluemonday.Policy {
	policyOnce.Do(func() {
		p := bluemonday.UGCPolicy()
		p.AllowDataURIImages()
		p.AllowURLSchemes("mailto", "http", "https", "cid")
		p.AllowAttrs("class").Globally()
		p.AllowStyles("color", "background-color", "background", "background-image", "font", "font-family",
			"font-size", "font-weight", "font-style", "text-align", "text-decoration", "line-height", "margin",
			"margin-top", "margin-bottom", "margin-left", "margin-right", "padding", "padding-top", "padding-bottom",
			"padding-left", "padding-right", "border", "border-collapse", "border-color", "border-style", "border-width",
			"border-radius", "width", "height", "max-width", "min-width", "vertical-align", "white-space", "display").Globally()
		p.AllowElements("font", "center", "span", "div")
		p.AllowAttrs("color", "face", "size").OnElements("font")
		p.AllowAttrs("align", "valign", "width", "height", "bgcolor", "border", "cellpadding", "cellspacing").
			OnElements("table", "tbody", "thead", "tfoot", "tr", "td", "th", "div", "p", "img", "center")
		p.AllowAttrs("background").Matching(regexp.MustCompile(`^(?i)(https?:|cid:)`)).OnElements("table", "td", "th", "body")
		p.RequireNoReferrerOnLinks(true)
		policy = p
	})
	return policy
}

type sanitized struct {
	body string
	// sheets are the body's style elements, each cleaned on its own.
	sheets  []string
	blocked int
}

// SanitizeHTML makes one HTML body safe for the mail document: style
// sheets are taken out first (bluemonday drops style elements) and rebuilt
// one by one from their CSS tokens (css_clean.go), the rest goes through
// bluemonday, then remote references
// are counted and, unless opts.LoadRemote, removed, and cid: references
// become the data: URIs of cids (or are removed).
func SanitizeHTML(src string, cids map[string]string, opts RenderOptions) sanitized {
	return sanitizeHTML(src, cids, opts, nil)
}

// sanitizeHTML is SanitizeHTML that also adds the links it keeps to found
// (when not nil): only links that survived sanitizing are listed.
func sanitizeHTML(src string, cids map[string]string, opts RenderOptions, found *links) sanitized {
	doc, err := xhtml.Parse(strings.NewReader(src))
	if err != nil { // x/net/html parses any input; this is defensive
		if found != nil {
			found.fromPlain(src)
		}
		return sanitized{body: PlainToHTML(src)}
	}
	var styles []string
	takeStyles(doc, &styles)
	var buf bytes.Buffer
	_ = xhtml.Render(&buf, doc)
	clean := mailPolicy().Sanitize(buf.String())

	r := remote{cids: cids, load: opts.LoadRemote, links: found}
	frag, err := xhtml.ParseFragment(strings.NewReader(clean), &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body})
	out := sanitized{}
	if err == nil {
		var b bytes.Buffer
		for _, n := range frag {
			r.node(n)
			_ = xhtml.Render(&b, n)
		}
		out.body = b.String()
	}
	for _, s := range styles {
		if css := r.sheet(s); css != "" {
			out.sheets = append(out.sheets, css)
		}
	}
	out.blocked = r.blocked
	return out
}

// takeStyles removes style elements from the tree and keeps their text.
func takeStyles(n *xhtml.Node, out *[]string) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == xhtml.ElementNode && c.Data == "style" {
			var t strings.Builder
			for k := c.FirstChild; k != nil; k = k.NextSibling {
				if k.Type == xhtml.TextNode {
					t.WriteString(k.Data)
				}
			}
			*out = append(*out, t.String())
			n.RemoveChild(c)
		} else {
			takeStyles(c, out)
		}
		c = next
	}
}
