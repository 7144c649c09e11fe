package mime

import (
	"net/url"
	"regexp"
	"strings"

	xhtml "golang.org/x/net/html"
)

// remote finds the references a mail document would load by itself:
// src, srcset, background, poster and CSS url() (RFC 2392 cid: ones are
// resolved to the message's own images). The CSP of Document is the wall
// behind it; this pass is what lets the agent see how much was blocked and
// choose to load it.
type remote struct {
	cids    map[string]string
	load    bool
	blocked int
	links   *links
}

// resolve returns what a URL becomes: a data: URI for a known cid:, the URL
// itself for data: images and (when loading) remote ones, "" to remove it.
func (r *remote) resolve(raw string) string {
	u := strings.TrimSpace(raw)
	lower := strings.ToLower(u)
	switch {
	case strings.HasPrefix(lower, "cid:"):
		id, err := url.PathUnescape(strings.Trim(u[4:], "<>"))
		if err != nil {
			id = u[4:]
		}
		return r.cids[strings.ToLower(id)]
	case strings.HasPrefix(lower, "data:image/") && !strings.HasPrefix(lower, "data:image/svg"):
		return u
	case strings.HasPrefix(lower, "http:"), strings.HasPrefix(lower, "https:"), strings.HasPrefix(lower, "//"):
		if r.load {
			return u
		}
		r.blocked++
		return ""
	}
	return "" // relative (meaningless in srcdoc), javascript:, file: ...
}

// loading are the attributes whose URLs are fetched without a click.
var loading = map[string]bool{"src": true, "background": true, "poster": true, "srcset": true}

func (r *remote) node(n *xhtml.Node) {
	if n.Type == xhtml.ElementNode {
		attrs := n.Attr[:0]
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case key == "srcset":
				a.Val = r.srcset(a.Val)
			case loading[key]:
				a.Val = r.resolve(a.Val)
			case key == "style":
				a.Val = r.css(a.Val)
			}
			if a.Val == "" && (loading[key] || key == "style") {
				continue
			}
			attrs = append(attrs, a)
		}
		n.Attr = attrs
		if n.Data == "a" {
			// Links open nothing from the sandbox (no allow-popups): the
			// address shows on hover, and the app lists each link with its
			// real destination beside the mail, to be opened from there.
			if r.links != nil {
				r.links.fromAnchor(n)
			}
			for _, a := range n.Attr {
				if a.Key == "href" {
					n.Attr = append(n.Attr, xhtml.Attribute{Key: "title", Val: a.Val}, xhtml.Attribute{Key: "target", Val: "_blank"})
					break
				}
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.node(c)
	}
}

// srcset is a comma-separated list of "URL descriptor" (HTML's img srcset).
func (r *remote) srcset(v string) string {
	var keep []string
	for _, cand := range strings.Split(v, ",") {
		f := strings.Fields(cand)
		if len(f) == 0 {
			continue
		}
		if u := r.resolve(f[0]); u != "" {
			f[0] = u
			keep = append(keep, strings.Join(f, " "))
		}
	}
	return strings.Join(keep, ", ")
}

var (
	cssURL    = regexp.MustCompile(`(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*))\s*\)`)
	cssImport = regexp.MustCompile(`(?i)@import[^;]*;?`)
	// A bare remote string (image-set("…"), @font-face src lists) loads too.
	cssString = regexp.MustCompile(`(?i)(["'])\s*(?:https?:)?//[^"']*(["'])`)
)

// css cleans a style sheet or a style attribute: imports go, url()s are
// resolved like src, and "<" is escaped so the text cannot end its style
// element.
func (r *remote) css(s string) string {
	// Imported sheets never load (the CSP allows inline styles only).
	s = cssImport.ReplaceAllStringFunc(s, func(string) string {
		if !r.load {
			r.blocked++
		}
		return ""
	})
	s = cssURL.ReplaceAllStringFunc(s, func(m string) string {
		g := cssURL.FindStringSubmatch(m)
		u := r.resolve(g[1] + g[2] + g[3])
		if u == "" {
			return "none"
		}
		return `url("` + strings.NewReplacer(`"`, `%22`, `\`, `%5C`).Replace(u) + `")`
	})
	if !r.load {
		s = cssString.ReplaceAllStringFunc(s, func(string) string {
			r.blocked++
			return `""`
		})
	}
	return strings.ReplaceAll(s, "<", `\3c `)
}
