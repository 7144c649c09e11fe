package mimepart

import (
	"bytes"
	"io"
	"strings"

	"github.com/emersion/go-message/charset"
	"golang.org/x/net/html"
)

// ReadableText extracts what a person reads: text/plain parts, or HTML
// reduced to text when a (sub)tree offers no plain text. Attachments are
// skipped, and of a multipart/signed only the signed part is read.
func ReadableText(e *Entity) string {
	return readableText(e, 0)
}

func readableText(e *Entity, depth int) string {
	if depth > 20 {
		return ""
	}
	switch {
	case strings.HasPrefix(e.MediaType, "multipart/"):
		_, parts := e.Parts()
		var ents []*Entity
		for _, p := range parts {
			if p != nil && !p.IsAttachment() {
				ents = append(ents, p)
			}
		}
		if e.MediaType == "multipart/alternative" {
			for _, p := range ents { // prefer the plain text alternative
				if p.MediaType == "text/plain" {
					return readableText(p, depth+1)
				}
			}
			if len(ents) > 0 {
				return readableText(ents[len(ents)-1], depth+1)
			}
			return ""
		}
		if e.MediaType == "multipart/signed" && len(ents) > 0 {
			ents = ents[:1]
		}
		var texts []string
		for _, p := range ents {
			if t := readableText(p, depth+1); t != "" {
				texts = append(texts, t)
			}
		}
		return strings.Join(texts, "\n")
	case e.MediaType == "text/plain", e.MediaType == "text/html":
		if e.IsAttachment() {
			return ""
		}
		body, err := e.DecodedBody()
		if err != nil && len(body) == 0 {
			return ""
		}
		body = ToUTF8(body, e.Params["charset"])
		if e.MediaType == "text/html" {
			return HTMLToText(body)
		}
		return crlfToLF(body)
	}
	return ""
}

// crlfToLF is strings.ReplaceAll(string(b), "\r\n", "\n") with one
// allocation instead of two: it runs over the text of every article.
func crlfToLF(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for {
		i := bytes.Index(b, []byte("\r\n"))
		if i < 0 {
			sb.Write(b)
			return sb.String()
		}
		sb.Write(b[:i])
		sb.WriteByte('\n')
		b = b[i+2:]
	}
}

// ToUTF8 converts b from charset cs to UTF-8; it returns b unchanged when
// cs is empty, UTF-8 or US-ASCII, unknown, or does not decode.
func ToUTF8(b []byte, cs string) []byte {
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

// HTMLToText keeps text nodes, drops script and style, and breaks lines at
// block elements.
func HTMLToText(b []byte) string {
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
