package mime

import "strings"

// The style sheets and style attributes of a mail are rebuilt from what
// the CSS tokenizer (css.go) read: rules with their selectors, @media,
// @supports and @keyframes, and declarations whose values hold only
// known functions. Every address is resolved like an img src (remote.go):
// a url(), src(), or a string in image-set() or another image function
// that comes to nothing takes its declaration with it. Dropped outright:
// @import (counted as blocked remote content), @font-face (its src loads
// fonts), every other at-rule (@namespace, @document, @page ...), custom
// properties and var() (a string in a variable becomes a URL where the
// variable is used), attr() and env(), expression() and every other
// unknown function, behavior and -moz-binding, and any rule or
// declaration holding a bad string or bad url.
//
// WARNING: the rules of one body can style everything in the document,
// other bodies of the same section included: sheets are kept apart, not
// scoped.

// cssDropped are properties that load or run something by name.
var cssDropped = map[string]bool{"behavior": true, "-ms-behavior": true, "-moz-binding": true, "-webkit-binding": true, "src": true}

// cssURLFunctions take one address; cssImageFunctions hold addresses as
// plain strings (image-set("a.png" 1x)).
var (
	cssURLFunctions   = map[string]bool{"url": true, "src": true}
	cssImageFunctions = map[string]bool{"image-set": true, "-webkit-image-set": true, "image": true, "-webkit-image": true,
		"cross-fade": true, "-webkit-cross-fade": true}
)

// cssFunctions are the functions kept in values: colours, maths,
// gradients, transforms, timing, shapes, filters and grid helpers.
var cssFunctions = wordSet(`rgb rgba hsl hsla hwb lab lch oklab oklch color color-mix light-dark
	calc min max clamp abs sign round mod rem sin cos tan asin acos atan atan2 pow sqrt hypot log exp -webkit-calc -moz-calc
	linear-gradient radial-gradient conic-gradient repeating-linear-gradient repeating-radial-gradient repeating-conic-gradient
	-webkit-linear-gradient -webkit-radial-gradient -webkit-repeating-linear-gradient -webkit-repeating-radial-gradient
	-moz-linear-gradient -moz-radial-gradient -o-linear-gradient -webkit-gradient color-stop from to
	translate translatex translatey translatez translate3d rotate rotatex rotatey rotatez rotate3d scale scalex scaley scalez
	scale3d skew skewx skewy matrix matrix3d perspective cubic-bezier steps rect inset circle ellipse polygon
	counter counters blur brightness contrast drop-shadow grayscale hue-rotate invert opacity saturate sepia
	minmax repeat fit-content`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// cssKeptAtRules hold rules; their preludes are checked like selectors.
var cssKeptAtRules = map[string]bool{"media": true, "supports": true, "keyframes": true, "-webkit-keyframes": true}

// sheet cleans the text of one style element; "" when nothing is left.
func (r *remote) sheet(src string) string { return r.cleanCSS(src, r.rules) }

// inline cleans a style attribute (a declaration list, CSS Style
// Attributes section 3); "" when nothing is left.
func (r *remote) inline(src string) string { return r.cleanCSS(src, r.declarations) }

// cleanCSS tokenizes src and writes back what write keeps. CSS whose
// string or url( never closes is dropped whole.
func (r *remote) cleanCSS(src string, write func([]cssNode) string) string {
	toks, closed := tokenizeCSS(src)
	tree := cssTree(toks)
	if !closed {
		r.countRemote(tree)
		return ""
	}
	return write(tree)
}

// rules is "consume a list of rules" (CSS Syntax 3 section 5.4.1) with
// only what is kept written back; a rule left empty is left out.
func (r *remote) rules(ns []cssNode) string {
	var w cssWriter
	for i := 0; i < len(ns); {
		if ns[i].kind == cssSpace {
			i++
			continue
		}
		start := i
		// The prelude runs to a {} block (or, for an at-rule, a ";").
		at := ns[i].kind == cssAtKeyword
		j := i
		for j < len(ns) && !isBlock(ns[j], "{") && !(at && ns[j].kind == cssSemicolon) {
			j++
		}
		prelude := ns[i:j]
		var block *cssNode
		if j < len(ns) && isBlock(ns[j], "{") {
			block = &ns[j]
		}
		i = j + 1
		if len(prelude) == 0 { // a block with no selector
			r.countRemote(ns[start:min(i, len(ns))])
			continue
		}
		switch name := strings.ToLower(prelude[0].val); {
		case at && name == "import":
			if !r.load {
				r.blocked++
			}
		case at && cssKeptAtRules[name] && block != nil && cssSafePrelude(prelude[1:]):
			if body := r.rules(block.kids); body != "" {
				w.nodes(trimSpace(prelude))
				w.raw("{" + body + "}")
			}
		case at || block == nil || !cssSafePrelude(prelude):
			r.countRemote(ns[start:min(i, len(ns))])
		default:
			if body := r.declarations(block.kids); body != "" {
				w.nodes(trimSpace(prelude))
				w.raw("{" + body + "}")
			}
		}
	}
	return w.b.String()
}

// declarations is "consume a list of declarations" (section 5.4.5): each
// "name: value" whose value survives is written back, the rest dropped.
func (r *remote) declarations(ns []cssNode) string {
	var w cssWriter
	first := true
	for _, d := range splitNodes(ns, cssSemicolon) {
		d = trimSpace(d)
		if len(d) < 2 || d[0].kind != cssIdent {
			r.countRemote(d)
			continue
		}
		name := strings.ToLower(d[0].val)
		rest := trimSpace(d[1:])
		if len(rest) == 0 || rest[0].kind != cssColon || strings.HasPrefix(name, "--") || cssDropped[name] {
			r.countRemote(d)
			continue
		}
		value := trimSpace(rest[1:])
		if len(value) == 0 || !r.value(value, false) {
			continue
		}
		if !first {
			w.raw(";")
		}
		first = false
		w.token(cssToken{kind: cssIdent, val: name})
		w.raw(":")
		w.nodes(value)
	}
	return w.b.String()
}

// value checks a declaration's value and resolves its addresses in place;
// false drops the declaration. Inside an image function (image-set() and
// the like) every string, however deep, is an address.
func (r *remote) value(ns []cssNode, image bool) bool {
	ok := true
	for i := range ns {
		n := &ns[i]
		switch n.kind {
		case cssBad, cssSemicolon, cssAtKeyword:
			ok = false
		case cssDelim: // one the writer would drop ("<", "\", controls)
			ok = ok && strings.Contains(cssSafeDelims, n.val)
		case cssURL:
			n.val = r.resolve(n.val)
			ok = ok && n.val != ""
		case cssString:
			if image {
				n.val = r.resolve(n.val)
				ok = ok && n.val != ""
			}
		case cssOpen:
			ok = r.value(n.kids, image) && ok && n.val != "{"
		case cssFunction:
			ok = r.function(n, image) && ok
		}
	}
	return ok
}

// function checks one function of a value: an address function becomes a
// url token, unknown functions are refused.
func (r *remote) function(n *cssNode, image bool) bool {
	name := strings.ToLower(n.val)
	switch {
	case cssURLFunctions[name]:
		args := trimSpace(n.kids)
		if len(args) != 1 || args[0].kind != cssString {
			r.countRemote(n.kids)
			return false
		}
		*n = cssNode{cssToken: cssToken{kind: cssURL, val: r.resolve(args[0].val)}}
		return n.val != ""
	case cssImageFunctions[name], cssFunctions[name]:
		return r.value(n.kids, image || cssImageFunctions[name])
	}
	r.countRemote(n.kids)
	return false
}

// countRemote counts the remote addresses in what is being dropped, so
// that the agent sees how much was blocked.
func (r *remote) countRemote(ns []cssNode) {
	if r.load {
		return
	}
	for _, n := range ns {
		if (n.kind == cssURL || n.kind == cssString) && isRemote(n.val) {
			r.blocked++
		}
		r.countRemote(n.kids)
	}
}

// cssSafePrelude: a selector or at-rule prelude loads nothing, holds no
// structure of its own and is written back whole (no dropped delimiter).
func cssSafePrelude(ns []cssNode) bool {
	for _, n := range ns {
		switch {
		case n.kind == cssURL, n.kind == cssBad, n.kind == cssSemicolon, n.kind == cssAtKeyword, isBlock(n, "{"),
			n.kind == cssDelim && !strings.Contains(cssSafeDelims, n.val),
			n.kind == cssFunction && (cssURLFunctions[strings.ToLower(n.val)] || cssImageFunctions[strings.ToLower(n.val)]):
			return false
		}
		if !cssSafePrelude(n.kids) {
			return false
		}
	}
	return true
}

func isBlock(n cssNode, open string) bool { return n.kind == cssOpen && n.val == open }

func splitNodes(ns []cssNode, sep cssKind) [][]cssNode {
	var out [][]cssNode
	start := 0
	for i, n := range ns {
		if n.kind == sep {
			out = append(out, ns[start:i])
			start = i + 1
		}
	}
	return append(out, ns[start:])
}

func trimSpace(ns []cssNode) []cssNode {
	for len(ns) > 0 && ns[0].kind == cssSpace {
		ns = ns[1:]
	}
	for len(ns) > 0 && ns[len(ns)-1].kind == cssSpace {
		ns = ns[:len(ns)-1]
	}
	return ns
}
