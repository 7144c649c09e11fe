package outgoing

import (
	"bufio"
	"bytes"
	"io"
	"path"
	"slices"
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

// EncryptedNote replaces, in a quote, every encrypted part of the
// original that was not the whole message.
const EncryptedNote = "[encrypted part not quoted]"

// PlainText returns the text to quote from a received entity (a whole
// message, or the content a decryption revealed): the first text/plain
// part that is not an attachment, else the first text/html part with its
// tags dropped, decoded to UTF-8, at most MaxQuoted bytes. Signatures,
// keys and other attachments are skipped. It never fails: an entity it
// cannot read gives "".
//
// Encrypted content is never quoted from it: an armored OpenPGP message
// in the text (inline PGP) becomes EncryptedNote, and an encrypted part
// (multipart/encrypted, application/pkcs7-mime other than signed-data,
// an encrypted attachment) adds EncryptedNote after the text. A caller
// whose whole message was encrypted, and decrypted, hands the decrypted
// entity instead. Quoting a decrypted part of a partly encrypted mail
// back to its sender is the reply oracle of EFAIL (USENIX Security 2018,
// section 5): an attacker wraps captured ciphertext in a mail of their
// own and waits for the reply.
func PlainText(entity []byte) string {
	// message.Read rejects an unknown charset or encoding with the entity
	// still usable; the header must parse at least.
	e, err := message.Read(bytes.NewReader(entity))
	if e == nil || (err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err)) {
		return ""
	}
	var html, text string
	parts := 0
	found, encrypted := false, false
	var skip []int // path of the encrypted container being skipped
	_ = e.Walk(func(path []int, part *message.Entity, err error) error {
		parts++
		if parts > maxParts {
			return errStop
		}
		if skip != nil && len(path) > len(skip) && slices.Equal(path[:len(skip)], skip) {
			return nil
		}
		skip = nil
		if err != nil && !message.IsUnknownCharset(err) {
			return nil
		}
		if isEncrypted(part) {
			encrypted, skip = true, slices.Clone(path)
			return nil
		}
		t, _, _ := part.Header.ContentType()
		if t == "" {
			t = "text/plain"
		}
		if disp, _, _ := part.Header.ContentDisposition(); disp == "attachment" || found {
			return nil
		}
		switch t {
		case "text/plain":
			text, found = read(part.Body), true
		case "text/html":
			if html == "" {
				html = stripTags(read(part.Body))
			}
		}
		return nil
	})
	if !found {
		text = html
	}
	text, inline := withoutArmoredMessages(text)
	if encrypted && !inline {
		text = strings.TrimRight(text, "\n")
		if text != "" {
			text += "\n\n"
		}
		text += EncryptedNote
	}
	return text
}

// isEncrypted reports an encrypted part: PGP/MIME (RFC 3156 section 4),
// S/MIME enveloped or auth-enveloped data (RFC 8551 section 3.3; an
// smime-type saying signed-data is a signature, quoted through its
// content), or a file GnuPG or S/MIME clients name as encrypted.
func isEncrypted(part *message.Entity) bool {
	t, params, _ := part.Header.ContentType()
	_, dp, _ := part.Header.ContentDisposition()
	switch {
	case t == "multipart/encrypted" || t == "application/pgp-encrypted":
		return true
	case t == "application/pkcs7-mime" || t == "application/x-pkcs7-mime":
		return !strings.Contains(strings.ToLower(params["smime-type"]), "signed")
	}
	for _, name := range []string{dp["filename"], params["name"]} {
		switch strings.ToLower(path.Ext(name)) {
		case ".pgp", ".gpg", ".p7m":
			return true
		}
	}
	return false
}

// withoutArmoredMessages replaces every armored OpenPGP message in text
// (RFC 9580 section 6.2, from its BEGIN line to its END line or the end of
// the text) by EncryptedNote, and reports whether it found one.
func withoutArmoredMessages(text string) (string, bool) {
	const begin, end = "-----BEGIN PGP MESSAGE-----", "-----END PGP MESSAGE-----"
	var b strings.Builder
	found := false
	for {
		i := strings.Index(text, begin)
		if i < 0 {
			b.WriteString(text)
			return b.String(), found
		}
		found = true
		b.WriteString(text[:i] + EncryptedNote)
		rest := text[i+len(begin):]
		j := strings.Index(rest, end)
		if j < 0 {
			return b.String() + "\n", found
		}
		text = rest[j+len(end):]
	}
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
