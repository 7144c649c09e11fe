package mime

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // sets message.CharsetReader: every charset go-message knows
	"github.com/emersion/go-message/mail"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/mimelimit"
)

// Limits of one parse (see the package comment), those of package
// mimelimit, which the engines apply too: the view reads no deeper and no
// more than they did.
const (
	MaxDepth   = mimelimit.MaxDepth
	MaxParts   = mimelimit.MaxParts
	MaxDecoded = mimelimit.MaxMessageBytes
)

// ErrNotMIME is matched by the error Parse and Split return for input that
// is not a MIME entity at all (a header that does not parse).
var ErrNotMIME = errors.New("mime: this is not a readable message")

// Body is one readable body, in display order. Text is valid UTF-8.
type Body struct {
	HTML bool
	Text string
}

// Attachment is a leaf that is not a readable body: a file, an inline
// image, a forwarded message. Index numbers the attachments of one Split
// (or Parse) in order, across sections, so a caller can ask for one again.
type Attachment struct {
	Index       int    `json:"index"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	// Inline: an image the HTML refers to by Content-ID (RFC 2392).
	Inline    bool   `json:"inline"`
	ContentID string `json:"-"`
	data      []byte
}

// Data is the decoded content.
func (a Attachment) Data() []byte { return a.data }

// Content is what one stretch of a message holds.
type Content struct {
	Bodies      []Body
	Attachments []Attachment
	// Notices say in plain language what could not be read as sent.
	Notices []string
	// TooLarge: a part did not fit in what was left of the message's size
	// budget (MaxDecoded) and is not shown; a notice says so.
	TooLarge bool
}

// Parse reads an entity (a whole message or the decrypted inner entity)
// as one Content, with no regard to protection layers: signature parts
// are skipped, encrypted parts are not opened (a notice says so).
func Parse(entity []byte) (*Content, error) {
	secs, err := Split(entity, entity, false)
	if err != nil {
		return nil, err
	}
	c := &Content{}
	for _, s := range secs {
		c.Bodies = append(c.Bodies, s.Bodies...)
		c.Attachments = append(c.Attachments, s.Attachments...)
		c.Notices = append(c.Notices, s.Notices...)
		c.TooLarge = c.TooLarge || s.TooLarge
	}
	return c, nil
}

// read parses the outer header of an entity. Unknown charsets and
// transfer encodings are not errors here: the body stays readable and the
// part gets a notice.
func read(raw []byte) (e *message.Entity, soft error, err error) {
	e, err = message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, nil, fmt.Errorf("%w: its header cannot be parsed (%s)", ErrNotMIME, strings.TrimSpace(err.Error()))
	}
	return e, err, nil
}

// leaf is a decoded non-multipart part.
type leaf struct {
	mediaType string
	params    map[string]string
	name      string
	cid       string
	attach    bool // Content-Disposition: attachment, or a file name
	data      []byte
	notice    string
	tooLarge  bool // over the budget: data is nil
}

// readLeaf decodes a part's body within the remaining budget.
func (w *walker) readLeaf(e *message.Entity, newErr error) leaf {
	mt, params, _ := e.Header.ContentType()
	if mt == "" {
		mt = "text/plain" // RFC 2045 section 5.2
	}
	l := leaf{mediaType: mt, params: params}
	ah := mail.AttachmentHeader{Header: e.Header}
	disp, _, _ := ah.ContentDisposition()
	l.name, _ = ah.Filename()
	if l.name == "" {
		l.name = params["name"]
	}
	l.attach = disp == "attachment" || (l.name != "" && disp != "inline")
	l.cid = strings.Trim(strings.TrimSpace(e.Header.Get("Content-ID")), "<>")
	data, err := w.budget.ReadAll(e.Body)
	if errors.Is(err, verdict.ErrTooLarge) {
		l.tooLarge = true
		l.notice = fmt.Sprintf("This part is not shown: with it the message would be larger than %d MiB once decoded, the most SealDesk reads of one message.", MaxDecoded>>20)
		return l
	}
	switch {
	case message.IsUnknownCharset(newErr):
		l.notice = fmt.Sprintf("This part declares the character set %q, which SealDesk cannot read; unreadable characters are shown as �.", params["charset"])
	case message.IsUnknownEncoding(newErr):
		l.notice = fmt.Sprintf("This part uses the unknown transfer encoding %q; it is shown as received.", e.Header.Get("Content-Transfer-Encoding"))
	case err != nil:
		l.notice = "Part of this content could not be decoded (its transfer encoding is broken); what could be read is shown."
	}
	l.data = data
	return l
}

// text turns a leaf into valid UTF-8, noting bytes that were not.
func (l *leaf) text() string {
	if utf8.Valid(l.data) {
		return string(l.data)
	}
	if l.notice == "" {
		l.notice = "Some characters of this part are not valid in its character set and are shown as �."
	}
	return strings.ToValidUTF8(string(l.data), "\uFFFD")
}
