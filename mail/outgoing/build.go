// Package outgoing writes the plain RFC 5322 messages the composer sends:
// header, a UTF-8 text body and attachments, ready for sealing (S/MIME or
// PGP/MIME) and submission. It knows nothing of keys or servers; replies
// and forwards get their recipients, subject and quoted text from the
// helpers in reply.go.
package outgoing

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// Attachment is one file attached by the agent.
type Attachment struct {
	// Name is the file name shown to the recipient (RFC 2231 encoded when
	// it is not ASCII).
	Name string
	// ContentType is the media type; empty or unparsable means
	// application/octet-stream.
	ContentType string
	Data        []byte
}

// Message is one outgoing mail. Addresses are RFC 5322 mailboxes, bare
// ("a@example.org") or with a display name ("Ann <a@example.org>").
type Message struct {
	From   string
	To, Cc []string
	// Bcc is written as a header field: the submission path takes the
	// envelope from it and removes it before the message leaves (see
	// mail/smtp.EnvelopeOf and the sealing engines; RFC 5322 section
	// 3.6.3).
	Bcc     []string
	Subject string
	// InReplyTo and References are message identifiers without angle
	// brackets (RFC 5322 section 3.6.4).
	InReplyTo  string
	References []string
	Text       string
	// Attachments, in order; none gives a single text/plain message.
	Attachments []Attachment
	// Date and MessageID; zero values are filled in later by the sender.
	Date      time.Time
	MessageID string
}

// Limits on what the composer hands in.
const (
	// MaxAttachments bounds the number of files of one message.
	MaxAttachments = 50
	// MaxSize bounds the text plus attachments (before base64).
	MaxSize = 25 << 20
)

// Errors the composer shows beside the field to correct.
var (
	ErrNoFrom       = errors.New("outgoing: choose the group to send from")
	ErrNoRecipients = errors.New("outgoing: add at least one recipient in To, Cc or Bcc")
	ErrTooLarge     = fmt.Errorf("outgoing: the message is larger than %d MB: attach fewer or smaller files", MaxSize>>20)
)

// AddressError names an address that does not parse.
type AddressError struct {
	Field, Value string
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("outgoing: %q in %s is not an e-mail address: correct or remove it", e.Value, e.Field)
}

// ParseAddresses parses a list of single addresses; field names the header
// field in errors. Empty entries are skipped.
func ParseAddresses(field string, list []string) ([]*mail.Address, error) {
	var out []*mail.Address
	for _, v := range list {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		a, err := mail.ParseAddress(v)
		if err != nil || !strings.Contains(a.Address, "@") {
			return nil, &AddressError{Field: field, Value: v}
		}
		out = append(out, a)
	}
	return out, nil
}

// Build writes m as a MIME message with CRLF line ends. The text is
// text/plain; charset=utf-8 in quoted-printable and attachments are
// base64, so that the whole message is 7-bit and survives any relay
// unchanged: a signature over it stays valid (RFC 8551 section 3.1.1).
func Build(m Message) ([]byte, error) {
	var h mail.Header
	from, err := ParseAddresses("From", []string{m.From})
	if err != nil {
		return nil, err
	}
	if len(from) != 1 {
		return nil, ErrNoFrom
	}
	h.SetAddressList("From", from)
	n := 0
	for _, f := range []struct {
		name string
		list []string
	}{{"To", m.To}, {"Cc", m.Cc}, {"Bcc", m.Bcc}} {
		addrs, err := ParseAddresses(f.name, f.list)
		if err != nil {
			return nil, err
		}
		if len(addrs) > 0 {
			h.SetAddressList(f.name, addrs)
		}
		n += len(addrs)
	}
	if n == 0 {
		return nil, ErrNoRecipients
	}
	size := len(m.Text)
	for _, a := range m.Attachments {
		size += len(a.Data)
	}
	if size > MaxSize || len(m.Attachments) > MaxAttachments {
		return nil, ErrTooLarge
	}
	h.SetSubject(m.Subject)
	if !m.Date.IsZero() {
		h.SetDate(m.Date)
	}
	if m.MessageID != "" {
		h.SetMessageID(m.MessageID)
	}
	if m.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{m.InReplyTo})
	}
	if len(m.References) > 0 {
		h.SetMsgIDList("References", m.References)
	}
	h.Set("MIME-Version", "1.0")

	var buf bytes.Buffer
	text := crlf(m.Text)
	if len(m.Attachments) == 0 {
		h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := message.CreateWriter(&buf, h.Header)
		if err != nil {
			return nil, fmt.Errorf("outgoing: %w", err)
		}
		if err := writeAll(w, text); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	mw, err := mail.CreateWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("outgoing: %w", err)
	}
	var th mail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	th.Set("Content-Transfer-Encoding", "quoted-printable")
	tw, err := mw.CreateSingleInline(th)
	if err != nil {
		return nil, fmt.Errorf("outgoing: %w", err)
	}
	if err := writeAll(tw, text); err != nil {
		return nil, err
	}
	for _, a := range m.Attachments {
		var ah mail.AttachmentHeader
		ah.SetContentType(mediaType(a.ContentType), nil)
		ah.SetFilename(fileName(a.Name))
		aw, err := mw.CreateAttachment(ah)
		if err != nil {
			return nil, fmt.Errorf("outgoing: %w", err)
		}
		if err := writeAll(aw, a.Data); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("outgoing: %w", err)
	}
	return buf.Bytes(), nil
}

func writeAll(w io.WriteCloser, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("outgoing: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("outgoing: %w", err)
	}
	return nil
}

// crlf makes every line end CRLF (RFC 5322 section 2.1).
func crlf(s string) []byte {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

// mediaType keeps a well-formed type/subtype without parameters, else
// application/octet-stream: the browser's guess is not trusted further.
func mediaType(t string) string {
	mt, _, err := mime.ParseMediaType(t)
	if err != nil || !strings.Contains(mt, "/") || strings.HasPrefix(mt, "multipart/") || strings.HasPrefix(mt, "message/") {
		return "application/octet-stream"
	}
	return mt
}

// fileName drops any directory part and control characters.
func fileName(n string) string {
	if i := strings.LastIndexAny(n, `/\`); i >= 0 {
		n = n[i+1:]
	}
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, n)
	if strings.TrimSpace(n) == "" {
		return "attachment"
	}
	return n
}
