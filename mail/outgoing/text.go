package outgoing

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // legacy charsets of quoted mail
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Limits on the untrusted entity PlainText reads.
const (
	// MaxQuoted bounds the text taken from the original, in bytes.
	MaxQuoted = 256 << 10
	// maxParts bounds the parts looked at.
	maxParts = 200
)

// PlainText returns the text to quote from a received entity (a whole
// message, or the content a decryption revealed): the first text/plain
// part that is not an attachment, else the first text/html part with its
// tags dropped, decoded to UTF-8, at most MaxQuoted bytes. Signatures,
// keys and other attachments are skipped. It never fails: an entity it
// cannot read gives "".
func PlainText(entity []byte) string {
	// message.Read rejects an unknown charset or encoding with the entity
	// still usable; the header must parse at least.
	e, err := message.Read(bytes.NewReader(entity))
	if e == nil || (err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err)) {
		return ""
	}
	var html string
	parts := 0
	var text string
	found := false
	_ = e.Walk(func(_ []int, part *message.Entity, err error) error {
		parts++
		if err != nil && !message.IsUnknownCharset(err) {
			return nil
		}
		if found || parts > maxParts {
			return errStop
		}
		t, _, _ := part.Header.ContentType()
		if t == "" {
			t = "text/plain"
		}
		if disp, _, _ := part.Header.ContentDisposition(); disp == "attachment" {
			return nil
		}
		switch t {
		case "text/plain":
			text, found = read(part.Body), true
			return errStop
		case "text/html":
			if html == "" {
				html = stripTags(read(part.Body))
			}
		}
		return nil
	})
	if found {
		return text
	}
	return html
}

type stopError struct{}

func (stopError) Error() string { return "stop" }

var errStop error = stopError{}

func read(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, MaxQuoted))
	return strings.ToValidUTF8(normalize(string(b)), "\uFFFD")
}

// stripTags is a last resort for HTML-only mail: tags go, block ends
// become line breaks, the common entities are decoded. WARNING: it is not
// an HTML parser; the result is only ever shown as plain text.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	var tag strings.Builder
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			tag.Reset()
		case r == '>' && in:
			in = false
			t := strings.ToLower(strings.Fields(tag.String() + " x")[0])
			if t == "br" || t == "br/" || t == "/p" || t == "/div" || t == "/li" || t == "/tr" {
				b.WriteByte('\n')
			}
		case in:
			tag.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return strings.NewReplacer("&nbsp;", " ", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&amp;", "&").Replace(b.String())
}

// HeaderOf reads the fields a reply or forward takes from a raw message
// into an Original (Text left empty). A damaged header gives what could be
// read.
func HeaderOf(raw []byte) Original {
	th, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	h := mail.Header{Header: message.Header{Header: th}}
	var o Original
	if ids, err := h.MsgIDList("Message-Id"); err == nil && len(ids) > 0 {
		o.MessageID = ids[0]
	}
	o.References, _ = h.MsgIDList("References")
	o.Subject, _ = h.Subject()
	o.From, _ = h.AddressList("From")
	o.ReplyTo, _ = h.AddressList("Reply-To")
	o.To, _ = h.AddressList("To")
	o.Cc, _ = h.AddressList("Cc")
	o.Date, _ = h.Date()
	return o
}
