package mime

import (
	"fmt"
	"strings"
)

// cssNode is a component value (CSS Syntax 3 section 5.4.8): a token, a
// function with its arguments, or a block ((), [] or {}) with its
// contents. A closing bracket without its opening one is dropped: the
// writer produces closing brackets only as the ends of blocks, so the
// structure the browser reads from the output is the one checked here.
type cssNode struct {
	cssToken
	kids []cssNode // the arguments of a function, the contents of a block
}

// cssMaxDepth bounds nesting (calc(calc(…)), blocks in blocks): deeper
// content is dropped, which no real mail reaches.
const cssMaxDepth = 32

func cssTree(toks []cssToken) []cssNode {
	nodes, _ := cssComponents(toks, 0, "", 0)
	return nodes
}

// cssComponents reads component values until the closing bracket close
// (none at the top level); it returns them and the index after the close.
func cssComponents(toks []cssToken, i int, close string, depth int) ([]cssNode, int) {
	var out []cssNode
	for i < len(toks) {
		t := toks[i]
		i++
		switch t.kind {
		case cssClose:
			if t.val == close {
				return out, i
			}
			continue // stray: dropped (see cssNode)
		case cssFunction, cssOpen:
			end := map[string]string{"(": ")", "[": "]", "{": "}"}[t.val]
			if t.kind == cssFunction {
				end = ")"
			}
			var kids []cssNode
			kids, i = cssComponents(toks, i, end, depth+1)
			if depth >= cssMaxDepth {
				continue
			}
			out = append(out, cssNode{cssToken: t, kids: kids})
			continue
		}
		out = append(out, cssNode{cssToken: t})
	}
	return out, i
}

// cssWriter serializes nodes so that a CSS Syntax 3 tokenizer reads back
// the same tokens (section 9, and CSSOM's rules for identifiers and
// strings); "<" never appears raw, so a sheet cannot end its style element.
type cssWriter struct {
	b    strings.Builder
	last cssToken
	any  bool // something was written since the last separator
}

func (w *cssWriter) nodes(ns []cssNode) {
	for _, n := range ns {
		w.node(n)
	}
}

func (w *cssWriter) node(n cssNode) {
	switch n.kind {
	case cssFunction:
		w.token(n.cssToken)
		w.nodes(n.kids)
		w.raw(")")
	case cssOpen:
		w.token(n.cssToken)
		w.nodes(n.kids)
		w.raw(map[string]string{"(": ")", "[": "]", "{": "}"}[n.val])
	default:
		w.token(n.cssToken)
	}
}

// raw writes punctuation that never joins with its neighbours.
func (w *cssWriter) raw(s string) {
	w.b.WriteString(s)
	w.last, w.any = cssToken{kind: cssClose, val: s}, true
}

func (w *cssWriter) token(t cssToken) {
	if t.kind == cssSpace {
		if w.any && w.last.kind != cssSpace {
			w.b.WriteByte(' ')
			w.last = t
		}
		return
	}
	if t.kind == cssDelim && !strings.Contains(cssSafeDelims, t.val) || t.kind == cssBad {
		return
	}
	if w.any && cssNeedsComment(w.last, t) {
		w.b.WriteString("/**/")
	}
	w.b.WriteString(cssText(t))
	w.last, w.any = t, true
}

// cssSafeDelims are the delimiters written back; others ("<", "\") are
// dropped.
const cssSafeDelims = ".*>+~!/=%&|-#$^?@"

func cssText(t cssToken) string {
	switch t.kind {
	case cssIdent:
		return cssIdentText(t.val)
	case cssFunction:
		return cssIdentText(t.val) + "("
	case cssAtKeyword:
		return "@" + cssIdentText(t.val)
	case cssHash:
		return "#" + cssNameText(t.val)
	case cssString:
		return cssStringText(t.val)
	case cssURL:
		return "url(" + cssStringText(t.val) + ")"
	case cssNumber:
		return t.num
	case cssPercentage:
		return t.num + "%"
	case cssDimension:
		unit := cssIdentText(t.val)
		if (unit[0] == 'e' || unit[0] == 'E') && len(unit) > 1 && (unit[1] >= '0' && unit[1] <= '9' || unit[1] == '-' || unit[1] == '+') {
			unit = fmt.Sprintf(`\%x `, unit[0]) + unit[1:] // 1\65 5 is not 1e5
		}
		return t.num + unit
	case cssColon:
		return ":"
	case cssSemicolon:
		return ";"
	case cssComma:
		return ","
	}
	return t.val // unicode range, match, delim, brackets: ASCII as read
}

// cssNeedsComment is the table of CSS Syntax 3 section 9: pairs of tokens
// that would read back as one token if written side by side (plus the
// match tokens "|=", "||", "*=" and so on that delims could form).
func cssNeedsComment(a, b cssToken) bool {
	wordy := b.kind == cssIdent || b.kind == cssFunction || b.kind == cssURL || b.kind == cssDelim && b.val == "-"
	numeric := b.kind == cssNumber || b.kind == cssPercentage || b.kind == cssDimension
	switch {
	case a.kind == cssIdent:
		return wordy || numeric || b.kind == cssOpen && b.val == "("
	case a.kind == cssAtKeyword, a.kind == cssHash, a.kind == cssDimension,
		a.kind == cssDelim && (a.val == "#" || a.val == "-"):
		return wordy || numeric
	case a.kind == cssNumber:
		return wordy || numeric || b.kind == cssDelim && b.val == "%"
	case a.kind == cssDelim && a.val == "@":
		return wordy
	case a.kind == cssDelim && (a.val == "." || a.val == "+"):
		return numeric
	case a.kind == cssDelim && a.val == "/":
		return b.kind == cssDelim && b.val == "*"
	case a.kind == cssDelim && strings.Contains("|~^$*", a.val):
		return b.kind == cssDelim && (b.val == "=" || b.val == "|") || b.kind == cssMatch
	}
	return false
}

// cssIdentText is CSSOM's "serialize an identifier".
func cssIdentText(s string) string { return cssNameOrIdent(s, true) }

// cssNameText is CSSOM's "serialize a name" (a hash may start with a digit).
func cssNameText(s string) string { return cssNameOrIdent(s, false) }

func cssNameOrIdent(s string, ident bool) string {
	if s == "" {
		return `\fffd ` // an escaped ident cannot be empty; U+FFFD keeps it a name
	}
	var b strings.Builder
	for i, r := range s {
		leadingDigit := ident && r >= '0' && r <= '9' && (i == 0 || i == 1 && s[0] == '-')
		switch {
		case ident && r == '-' && len(s) == 1:
			b.WriteString(`\-`)
		case !leadingDigit && (r >= 0x80 || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'):
			b.WriteRune(r)
		default: // as hex, so that no "<" (of "</style") is ever written
			fmt.Fprintf(&b, `\%x `, r)
		}
	}
	return b.String()
}

// cssStringText is CSSOM's "serialize a string", with "<" escaped too.
func cssStringText(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || r == '<':
			fmt.Fprintf(&b, `\%x `, r)
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
