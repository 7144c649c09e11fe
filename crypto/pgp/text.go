package pgp

import (
	"bytes"
	"io"
	"strings"

	"github.com/emersion/go-message/charset"
	"golang.org/x/net/html"
)

// readableText extracts what a person reads: text/plain parts, or HTML
// reduced to text when a (sub)tree offers no plain text.
func readableText(e *entity, depth int) string {
	if depth > 20 {
		return ""
	}
	switch {
	case strings.HasPrefix(e.mediaType, "multipart/"):
		parts, _ := splitMultipart(e.body, e.params["boundary"])
		var ents []*entity
		for _, raw := range parts {
			if p, err := parseEntity(raw); err == nil && !p.isAttachment() {
				ents = append(ents, p)
			}
		}
		if e.mediaType == "multipart/alternative" {
			for _, p := range ents { // prefer the plain text alternative
				if p.mediaType == "text/plain" {
					return readableText(p, depth+1)
				}
			}
			if len(ents) > 0 {
				return readableText(ents[len(ents)-1], depth+1)
			}
			return ""
		}
		if e.mediaType == "multipart/signed" && len(ents) > 0 {
			ents = ents[:1]
		}
		var texts []string
		for _, p := range ents {
			if t := readableText(p, depth+1); t != "" {
				texts = append(texts, t)
			}
		}
		return strings.Join(texts, "\n")
	case e.mediaType == "text/plain", e.mediaType == "text/html":
		if e.isAttachment() {
			return ""
		}
		body, err := e.decodedBody()
		if err != nil && len(body) == 0 {
			return ""
		}
		body = toUTF8(body, e.params["charset"])
		if e.mediaType == "text/html" {
			return htmlToText(body)
		}
		return strings.ReplaceAll(string(body), "\r\n", "\n")
	}
	return ""
}

func toUTF8(b []byte, cs string) []byte {
	cs = strings.ToLower(strings.TrimSpace(cs))
	if cs == "" || cs == "utf-8" || cs == "us-ascii" {
		return b
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		return b
	}
	out, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return b
	}
	return out
}

// htmlToText keeps text nodes, drops script and style, and breaks lines at
// block elements.
func htmlToText(b []byte) string {
	z := html.NewTokenizer(bytes.NewReader(b))
	var sb strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(sb.String())
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "head", "title":
				skip++
			case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre":
				sb.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "head", "title":
				if skip > 0 {
					skip--
				}
			case "p", "div", "tr", "li":
				sb.WriteByte('\n')
			}
		case html.TextToken:
			if skip == 0 {
				sb.Write(z.Text())
			}
		}
	}
}
