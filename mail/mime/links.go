package mime

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/idna"
)

// Link is an address a mail points to: what the mail shows for it and
// where it really goes. Links cannot be followed from inside the
// sandboxed mail frame (no scripts, no popups), so the app lists them
// beside the mail and opens one only when the agent asks, after seeing
// the real destination.
type Link struct {
	URL string `json:"url"`
	// Text is what the mail shows; empty for an address written out in
	// plain text.
	Text string `json:"text"`
	// Host is where the link goes: the host name (international names in
	// their Unicode form) or, for mailto:, the address written to.
	Host string `json:"host"`
	// Warning says in plain language why the link may not go where it
	// seems; empty when nothing stands out.
	Warning string `json:"warning"`
}

// Limits: a mail may carry thousands of links (newsletters); the list
// beside the mail is for reading, not an index.
const (
	maxLinks     = 200
	maxLinkURL   = 4096
	maxLinkText  = 200
	linkEllipsis = "…"
	mailtoScheme = "mailto"
)

// ErrNotWebLink: OpenLink only hands http and https addresses to the
// browser; anything else (javascript:, file:, custom schemes) could run
// or open something on this computer.
var ErrNotWebLink = errors.New("mime: only web addresses (http or https) can be opened in the browser")

// CheckLink parses a link as the mail gave it and judges it. Only http,
// https and mailto links are accepted.
func CheckLink(raw, text string) (Link, error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > maxLinkURL {
		return Link{}, errors.New("mime: the address is too long to be a real link")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Link{}, errors.New("mime: the address is malformed")
	}
	l := Link{URL: raw, Text: shorten(collapseSpace(text))}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Hostname() == "" {
			return Link{}, errors.New("mime: the web address has no host")
		}
		l.Host, l.Warning = judgeHost(u, l.Text)
	case mailtoScheme:
		l.Host = strings.ToLower(strings.SplitN(u.Opaque, "?", 2)[0])
		if shown := emailInText(l.Text); shown != "" && !strings.EqualFold(shown, l.Host) {
			l.Warning = "The text shows " + shown + " but the link writes to " + l.Host + "."
		}
	default:
		return Link{}, ErrNotWebLink
	}
	return l, nil
}

// WebLink checks that raw may be opened in the browser: http or https.
func WebLink(raw string) (Link, error) {
	l, err := CheckLink(raw, "")
	if err != nil {
		return l, err
	}
	if strings.HasPrefix(strings.ToLower(l.URL), mailtoScheme+":") {
		return Link{}, ErrNotWebLink
	}
	return l, nil
}

// judgeHost returns the host to show and the first thing about it that
// phishing mail relies on: userinfo before the host, a bare IP address,
// look-alike international letters (IDNA, RFC 5890), or link text that
// names another site.
func judgeHost(u *url.URL, text string) (host, warning string) {
	ascii := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	host = ascii
	if uni, err := idna.Lookup.ToUnicode(ascii); err == nil && uni != ascii {
		host = uni
	}
	switch {
	case u.User != nil:
		return host, fmt.Sprintf("The address hides its destination behind an @: it opens %s, not %s.", host, u.User.Username())
	case net.ParseIP(ascii) != nil:
		return host, "It opens a bare IP address (" + ascii + "), not a named site."
	case host != ascii:
		return host, "The name uses international letters (" + host + ") that can imitate another name; it is spelled " + ascii + "."
	}
	if shown := hostInText(text); shown != "" && !sameSite(shown, ascii) {
		return host, "The text shows " + shown + " but the link opens " + host + "."
	}
	return host, ""
}

var (
	// A link text that reads as an address: optional scheme, a dotted
	// name with a top-level label of letters, optional path.
	textAddress = regexp.MustCompile(`(?i)^(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?::\d+)?(?:[/?#]\S*)?$`)
	textEmail   = regexp.MustCompile(`(?i)^(?:mailto:)?([^\s@<>]+@[a-z0-9.-]+\.[a-z]{2,})$`)
	// plainURL finds web addresses in plain text.
	plainURL = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'\x60]+`)
)

func hostInText(text string) string {
	if m := textAddress.FindStringSubmatch(strings.TrimSpace(text)); m != nil {
		return strings.ToLower(m[1])
	}
	return ""
}

func emailInText(text string) string {
	if m := textEmail.FindStringSubmatch(strings.TrimSpace(text)); m != nil {
		return strings.ToLower(m[1])
	}
	return ""
}

// sameSite: the text's host is the link's host, or the link goes to a
// subdomain of it; a leading "www." on either side does not count.
func sameSite(shown, host string) bool {
	shown, host = strings.TrimPrefix(shown, "www."), strings.TrimPrefix(host, "www.")
	return shown == host || strings.HasSuffix(host, "."+shown)
}

// links collects a section's links, each URL and text once, in order.
type links struct {
	list []Link
	seen map[string]bool
}

func (ls *links) add(raw, text string) {
	if len(ls.list) >= maxLinks {
		return
	}
	l, err := CheckLink(raw, text)
	if err != nil {
		return
	}
	key := l.URL + "\x00" + l.Text
	if ls.seen[key] {
		return
	}
	if ls.seen == nil {
		ls.seen = map[string]bool{}
	}
	ls.seen[key] = true
	ls.list = append(ls.list, l)
}

// fromPlain adds the web addresses written out in plain text; punctuation
// that ends a sentence is not part of the address.
func (ls *links) fromPlain(text string) {
	for _, m := range plainURL.FindAllString(text, maxLinks) {
		m = strings.TrimRight(m, ".,;:!?'\")]}>")
		ls.add(m, "")
	}
}

// fromAnchor adds an <a href> with the text it shows, or an image map's
// <area href> with its alt text (an area has no content of its own).
func (ls *links) fromAnchor(n *xhtml.Node) {
	href, alt, found := "", "", false
	for _, a := range n.Attr {
		switch a.Key {
		case "href":
			href, found = a.Val, true
		case "alt":
			alt = a.Val
		}
	}
	switch {
	case !found:
	case n.Data == "area":
		ls.add(href, alt)
	default:
		ls.add(href, nodeText(n))
	}
}

// nodeText is the visible text under n, or an image's alt text (a linked
// banner shows no words).
func nodeText(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if b.Len() > maxLinkText*4 {
			return
		}
		switch {
		case n.Type == xhtml.TextNode:
			b.WriteString(n.Data)
		case n.Type == xhtml.ElementNode && n.Data == "img":
			for _, a := range n.Attr {
				if a.Key == "alt" {
					b.WriteString(" " + a.Val + " ")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxLinkText {
		return s
	}
	r := []rune(s)
	return string(r[:maxLinkText]) + linkEllipsis
}
