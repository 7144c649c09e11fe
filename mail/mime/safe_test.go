package mime

import (
	"fmt"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The structural check of sanitized output: the document is parsed the
// way the mail frame will parse it (x/net/html, the HTML5 algorithm) and
// its CSS with the CSS tokenizer, and every place a browser takes an
// address from is looked at. Nothing may load by itself but data: images
// (cid: references become those); links (a, area) may point to the web
// but must open nothing from the frame.

// urlAttrs are the attributes that hold an address some browser fetches
// or navigates to (HTML, SVG and legacy ones; cf. Cure53 HTTPLeaks).
var urlAttrs = wordSet(`src href srcset poster background action formaction data codebase longdesc lowsrc dynsrc
	xlink:href manifest icon ping profile archive classid imagesrcset itemtype`)

// forbiddenElements run, embed, submit or load by their nature.
var forbiddenElements = wordSet(`script iframe frame frameset object embed applet link base form input button textarea
	select svg math portal audio video source track picture noscript template meta style param image isindex`)

// documentProblems lists what in a rendered document could run, load or
// navigate; nil when nothing can.
func documentProblems(doc string) []string {
	root, err := xhtml.Parse(strings.NewReader(doc))
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	var walk func(n *xhtml.Node, inHead bool)
	walk = func(n *xhtml.Node, inHead bool) {
		if n.Type == xhtml.ElementNode {
			inHead = inHead || n.DataAtom == atom.Head
			out = append(out, elementProblems(n, inHead)...)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inHead)
		}
	}
	walk(root, false)
	return out
}

func elementProblems(n *xhtml.Node, inHead bool) []string {
	var out []string
	bad := func(format string, a ...any) {
		out = append(out, fmt.Sprintf("<%s> ", n.Data)+fmt.Sprintf(format, a...))
	}
	switch {
	case inHead && n.Data == "meta" && ourMeta(n):
	case inHead && n.Data == "style":
		out = append(out, cssProblems(textOf(n), false)...)
	case forbiddenElements[n.Data] || n.Namespace != "":
		bad("element survived")
	}
	target := ""
	for i, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		switch {
		case strings.HasPrefix(key, "on"):
			bad("event handler %s", key)
		case key == "target" && target == "" && !hasEarlier(n.Attr[:i], "target"):
			target = a.Val
		case key == "style":
			out = append(out, cssProblems(a.Val, true)...)
		case key == "href" && (n.Data == "a" || n.Data == "area"):
			if s := scheme(a.Val); s != "http" && s != "https" && s != mailtoScheme && s != "cid" {
				bad("link to %q", a.Val)
			}
		case key == "srcset":
			for _, c := range strings.Split(a.Val, ",") {
				if f := strings.Fields(c); len(f) > 0 && !inlineImage(f[0]) {
					bad("srcset loads %q", f[0])
				}
			}
		case urlAttrs[key] && !inlineImage(a.Val):
			bad("%s loads %q", key, a.Val)
		}
	}
	if (n.Data == "a" || n.Data == "area") && hasEarlier(n.Attr, "href") && target != "_blank" {
		bad("link navigates the frame (target %q)", target)
	}
	return out
}

// ourMeta: the three meta elements Document writes itself.
func ourMeta(n *xhtml.Node) bool {
	for _, a := range n.Attr {
		switch {
		case a.Key == "charset", a.Key == "name" && a.Val == "referrer",
			a.Key == "http-equiv" && a.Val == "Content-Security-Policy":
			return len(n.Attr) <= 2
		}
	}
	return false
}

func hasEarlier(attrs []xhtml.Attribute, key string) bool {
	for _, a := range attrs {
		if strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}

func textOf(n *xhtml.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(c.Data)
	}
	return b.String()
}

func scheme(u string) string {
	s, _, ok := strings.Cut(strings.ToLower(strings.TrimSpace(u)), ":")
	if !ok {
		return ""
	}
	return s
}

// inlineImage: a data: picture, which loads nothing (SVG is a document).
func inlineImage(u string) bool {
	l := strings.ToLower(strings.TrimSpace(u))
	return strings.HasPrefix(l, "data:image/") && !strings.HasPrefix(l, "data:image/svg")
}

// cssProblems reads a sheet (or a style attribute) with the tokenizer and
// lists every construct that loads or runs something: url tokens and
// url()/src() not to a data: image, strings in image functions, @import
// and other at-rules that fetch, functions that evaluate, properties
// that bind behaviour, bad or unclosed tokens, and a "<" that could end
// the style element.
func cssProblems(src string, inline bool) []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, "css: "+fmt.Sprintf(format, a...)+" in "+src) }
	if strings.Contains(src, "<") {
		bad("raw <")
	}
	toks, closed := tokenizeCSS(src)
	if !closed {
		bad("a string or url( never closes")
	}
	var walk func(ns []cssNode, image bool)
	walk = func(ns []cssNode, image bool) {
		for _, name := range declarationNames(ns) {
			if cssDropped[name] || strings.HasPrefix(name, "--") {
				bad("property %s", name)
			}
		}
		for _, n := range ns {
			name := strings.ToLower(n.val)
			switch n.kind {
			case cssBad:
				bad("bad string or url")
			case cssURL:
				if !inlineImage(n.val) {
					bad("url(%q)", n.val)
				}
			case cssString:
				if image && !inlineImage(n.val) {
					bad("image string %q", n.val)
				}
			case cssAtKeyword:
				if inline || !cssKeptAtRules[name] {
					bad("@%s", n.val)
				}
			case cssFunction:
				if cssURLFunctions[name] || name == "expression" || name == "var" || name == "attr" || name == "env" ||
					strings.HasSuffix(name, "element") || name == "paint" {
					bad("function %s()", n.val)
				}
			}
			walk(n.kids, image || n.kind == cssFunction && cssImageFunctions[name])
		}
	}
	walk(cssTree(toks), false)
	return out
}

// declarationNames are the names of what reads as declarations in ns:
// pieces between semicolons that start "ident :" and hold no {} block.
func declarationNames(ns []cssNode) []string {
	var names []string
	for _, d := range splitNodes(ns, cssSemicolon) {
		d = trimSpace(d)
		if len(d) < 2 || d[0].kind != cssIdent || !cssSafePrelude(d) {
			continue
		}
		if rest := trimSpace(d[1:]); len(rest) > 0 && rest[0].kind == cssColon {
			names = append(names, strings.ToLower(d[0].val))
		}
	}
	return names
}

// renderProblems renders bodies as one section and checks the document.
func renderProblems(t *testing.T, bodies ...string) ([]string, Rendered) {
	t.Helper()
	var c Content
	for _, b := range bodies {
		c.Bodies = append(c.Bodies, Body{HTML: true, Text: b})
	}
	c.Attachments = []Attachment{{ContentID: "map", ContentType: "image/png", data: []byte("\x89PNG")}}
	r := Render(c, RenderOptions{})
	return documentProblems(r.Document), r
}
