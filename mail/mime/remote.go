package mime

import (
	"net/url"
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
	case isRemote(u):
		if r.load {
			return u
		}
		r.blocked++
		return ""
	}
	return "" // relative (resolved against the app itself in srcdoc), javascript:, file: ...
}

// isRemote: an address on another host, the one kind the agent may choose
// to load.
func isRemote(raw string) bool {
	lower := strings.ToLower(strings.TrimSpace(raw))
	return strings.HasPrefix(lower, "http:") || strings.HasPrefix(lower, "https:") || strings.HasPrefix(lower, "//")
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
				a.Val = r.inline(a.Val)
			}
			if a.Val == "" && (loading[key] || key == "style") {
				continue
			}
			attrs = append(attrs, a)
		}
		n.Attr = attrs
		if n.Data == "a" || n.Data == "area" {
			r.link(n)
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.node(c)
	}
}

// link makes an <a> or an image map's <area> (HTML section 4.8.14: it
// navigates like <a>) open nothing from the sandbox: without a target an
// area or a link would load its address into the mail frame itself. The
// address shows on hover, and the app lists each link with its real
// destination beside the mail, to be opened from there.
func (r *remote) link(n *xhtml.Node) {
	if r.links != nil {
		r.links.fromAnchor(n)
	}
	attrs := n.Attr[:0]
	href := ""
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "target", "title":
			continue
		case "href":
			// Only what the link list could open stays: a relative
			// address would point into the app itself (srcdoc documents
			// take their base from the app's page).
			if _, err := CheckLink(a.Val, ""); err != nil {
				continue
			}
			href = a.Val
		}
		attrs = append(attrs, a)
	}
	n.Attr = attrs
	if href != "" {
		n.Attr = append(n.Attr, xhtml.Attribute{Key: "title", Val: href}, xhtml.Attribute{Key: "target", Val: "_blank"})
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
