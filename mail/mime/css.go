package mime

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
)

// CSS is read the way a browser reads it (CSS Syntax Level 3, section 4)
// and written back from the tokens, never passed through as text: an
// escape (@\69mport, \75rl(), a comment or a line break cannot make the
// browser see a construct the sanitizer did not. The lexer is
// tdewolff/parse's (a CSS Syntax 3 tokenizer); it leaves escapes in the
// token text, so they are decoded here (section 4.3.7), and its two
// departures from the standard are handled where they matter: a url( whose
// name is hex-escaped comes as a function (cssFunction named "url"), and a
// string or url cut off by the end of the sheet comes as a whole token
// (marked unclosed).

type cssKind uint8

const (
	cssSpace cssKind = iota // white space and comments
	cssIdent
	cssFunction // val: the name; the arguments follow until the matching ")"
	cssAtKeyword
	cssHash
	cssString
	cssURL
	cssBad // bad-string, bad-url: the browser drops what holds them
	cssNumber
	cssPercentage
	cssDimension // num: the number, val: the unit
	cssUnicodeRange
	cssMatch // ~= |= ^= $= *= ||
	cssDelim
	cssColon
	cssSemicolon
	cssComma
	cssOpen  // val: "(", "[" or "{"
	cssClose // val: ")", "]" or "}"
	cssNone  // comments, <!-- and -->: dropped by the tokenizer
)

type cssToken struct {
	kind cssKind
	val  string // decoded name, string or URL; the character of a delim
	num  string // the number of a number, percentage or dimension
}

// cssPreprocess is section 3.3: one kind of line break, no NUL, and
// invalid UTF-8 replaced as the browser's decoder does.
var cssPreprocess = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\f", "\n", "\x00", "\uFFFD")

// tokenizeCSS splits a style sheet or style attribute into tokens with
// their escapes decoded. closed is false when a string or url( runs to
// the end of the text: the rest of the mail must never become a URL
// (EFAIL, 2018), so callers drop such a sheet whole.
func tokenizeCSS(src string) (toks []cssToken, closed bool) {
	src = cssPreprocess.Replace(strings.ToValidUTF8(src, "\uFFFD"))
	l := css.NewLexer(parse.NewInputString(src))
	closed = true
	for {
		tt, raw := l.Next()
		if tt == css.ErrorToken {
			return toks, closed
		}
		t, ok := cssFromLexer(tt, string(raw))
		closed = closed && ok
		if t.kind != cssNone {
			toks = append(toks, t)
		}
	}
}

func cssFromLexer(tt css.TokenType, raw string) (cssToken, bool) {
	switch tt {
	case css.IdentToken, css.CustomPropertyNameToken:
		return cssToken{kind: cssIdent, val: cssUnescape(raw)}, true
	case css.FunctionToken:
		return cssToken{kind: cssFunction, val: cssUnescape(strings.TrimSuffix(raw, "("))}, true
	case css.AtKeywordToken:
		return cssToken{kind: cssAtKeyword, val: cssUnescape(raw[1:])}, true
	case css.HashToken:
		return cssToken{kind: cssHash, val: cssUnescape(raw[1:])}, true
	case css.StringToken:
		s, ok := cssUnquote(raw)
		return cssToken{kind: cssString, val: s}, ok
	case css.URLToken:
		u, ok := cssURLValue(raw)
		return cssToken{kind: cssURL, val: u}, ok
	case css.BadStringToken, css.BadURLToken:
		return cssToken{kind: cssBad}, true
	case css.NumberToken:
		return cssToken{kind: cssNumber, num: raw}, true
	case css.PercentageToken:
		return cssToken{kind: cssPercentage, num: strings.TrimSuffix(raw, "%")}, true
	case css.DimensionToken:
		n := cssNumberPrefix.FindString(raw)
		return cssToken{kind: cssDimension, num: n, val: cssUnescape(raw[len(n):])}, true
	case css.UnicodeRangeToken:
		return cssToken{kind: cssUnicodeRange, val: raw}, true
	case css.IncludeMatchToken, css.DashMatchToken, css.PrefixMatchToken, css.SuffixMatchToken,
		css.SubstringMatchToken, css.ColumnToken:
		return cssToken{kind: cssMatch, val: raw}, true
	case css.ColonToken:
		return cssToken{kind: cssColon}, true
	case css.SemicolonToken:
		return cssToken{kind: cssSemicolon}, true
	case css.CommaToken:
		return cssToken{kind: cssComma}, true
	case css.LeftParenthesisToken, css.LeftBracketToken, css.LeftBraceToken:
		return cssToken{kind: cssOpen, val: raw}, true
	case css.RightParenthesisToken, css.RightBracketToken, css.RightBraceToken:
		return cssToken{kind: cssClose, val: raw}, true
	case css.DelimToken:
		return cssToken{kind: cssDelim, val: raw}, true
	case css.WhitespaceToken:
		return cssToken{kind: cssSpace}, true
	}
	// Comments (an unclosed one swallows the rest of the sheet in the
	// browser too), <!-- and -->: nothing is kept; the writer separates
	// the tokens around them where they would otherwise join.
	return cssToken{kind: cssNone}, true
}

var cssNumberPrefix = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?`)

// cssUnescape decodes the escapes of a name (section 4.3.7): up to six
// hex digits and one white space after them, or any other character
// taken as itself; zero, surrogates and values beyond Unicode become
// U+FFFD, as does a backslash at the end.
func cssUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			i++
			continue
		}
		r, n := cssEscape(s[i+1:])
		b.WriteRune(r)
		i += 1 + n
	}
	return b.String()
}

// cssEscape reads one escape after its backslash; it returns the
// character and the bytes used.
func cssEscape(s string) (rune, int) {
	if s == "" {
		return utf8.RuneError, 0
	}
	n := 0
	for n < len(s) && n < 6 && isHex(s[n]) {
		n++
	}
	if n == 0 {
		r, size := utf8.DecodeRuneInString(s)
		return r, size
	}
	v, _ := strconv.ParseUint(s[:n], 16, 32)
	if n < len(s) && (s[n] == ' ' || s[n] == '\t' || s[n] == '\n') {
		n++
	}
	if v == 0 || v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return utf8.RuneError, n
	}
	return rune(v), n
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// cssUnquote decodes a string token (section 4.3.5); ok is false when the
// closing quote never came.
func cssUnquote(raw string) (string, bool) {
	if raw == "" {
		return "", false
	}
	quote := raw[0]
	var b strings.Builder
	for i := 1; i < len(raw); {
		switch c := raw[i]; {
		case c == quote:
			return b.String(), i == len(raw)-1
		case c == '\\' && i+1 < len(raw) && raw[i+1] == '\n': // a continued line
			i += 2
		case c == '\\':
			r, n := cssEscape(raw[i+1:])
			if n > 0 {
				b.WriteRune(r)
			}
			i += 1 + n
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), false
}

// cssURLValue is the address of a url( token, quoted or not (section
// 4.3.6); ok is false when it runs to the end of the text.
func cssURLValue(raw string) (string, bool) {
	open := strings.IndexByte(raw, '(')
	rest := strings.Trim(raw[open+1:], " \t\n")
	if rest == "" || rest[len(rest)-1] != ')' {
		if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
			s, _ := cssUnquote(rest)
			return s, false
		}
		return cssUnescape(rest), false
	}
	rest = strings.TrimRight(rest[:len(rest)-1], " \t\n")
	if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
		return cssUnquote(rest)
	}
	// An unquoted url whose ")" is escaped (an odd run of backslashes
	// before it) has not ended.
	if slashes := len(rest) - len(strings.TrimRight(rest, `\`)); slashes%2 == 1 {
		return cssUnescape(rest + ")"), false
	}
	return cssUnescape(rest), true
}
