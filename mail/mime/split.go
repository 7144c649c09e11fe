package mime

import (
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/emersion/go-message"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// Origin says where a section's parts come from, which is what the agent
// may believe about them.
type Origin string

const (
	// Protected: from the entity the security engines decrypted and/or
	// verified; it carries the article's security result.
	Protected Origin = "protected"
	// Unprotected: parts of the message outside its security layers.
	Unprotected Origin = "unprotected"
	// Unchecked: a signed part inside the message that the engines did not
	// check as the message's signature (RFC 8551 and RFC 3156 protect a
	// message as a whole, not a part of it).
	Unchecked Origin = "unchecked"
	// Unopened: an encrypted part that could not be, or was not, decrypted.
	Unopened Origin = "unopened"
)

// Section is a run of parts of one origin. Split never merges two
// origins into one section, nor a labelled section with another.
type Section struct {
	Origin Origin
	// Label, when set, says what the agent may believe about this section
	// in particular (an inline block's own verdict, from SplitOptions.Inline);
	// empty: the caller labels the section by its Origin.
	Label string
	Content
}

// InlinePart is one stretch of a body that travelled outside the
// message's security layer, cut out by SplitOptions.Inline: the text
// around an inline OpenPGP block, or the block itself.
type InlinePart struct {
	Origin Origin
	Label  string
	// Text is plain text (valid UTF-8 is not required: it is made so);
	// "" for a block that could not be opened.
	Text    string
	Notices []string
}

// SplitOptions tune SplitWith. The zero value splits as Split does.
type SplitOptions struct {
	// Inline, when set, is offered the text of every readable body of
	// origin Unprotected (text/plain or text/html, decoded to UTF-8, with
	// its declared charset). When it returns parts, the body is replaced
	// by them, each its own section that is never merged with another;
	// nil keeps the body as it is. It lets a security engine show inline
	// protected blocks (RFC 9580 sections 6 and 7) apart from the text
	// around them without this package knowing the engine.
	Inline func(text string, html bool, charset string) []InlinePart
}

// Split reads raw, the message as received, into sections by origin.
// protected is the entity the security engines display: nil when
// decryption failed, raw itself when there was no layer to unwrap, else
// the unwrapped entity, which replaces the message's own security layer
// (the first one met). whole says that protected stands for all of raw
// (inline OpenPGP over the whole text): raw is then not walked at all.
func Split(raw, protected []byte, whole bool) ([]Section, error) {
	return SplitWith(raw, protected, whole, SplitOptions{})
}

// SplitWith is Split with options.
func SplitWith(raw, protected []byte, whole bool, opts SplitOptions) ([]Section, error) {
	w := &walker{protected: protected, inline: opts.Inline, budget: &verdict.Budget{}}
	if whole && protected != nil {
		w.ownDone = true
		if err := w.entity(protected, Protected, 0); err != nil {
			return nil, err
		}
		return w.finish(), nil
	}
	// Nothing was unwrapped: raw has no own layer to replace.
	w.ownDone = protected != nil && string(protected) == string(raw)
	if err := w.entity(raw, Unprotected, 0); err != nil {
		return nil, err
	}
	if !w.ownDone && protected != nil {
		// The engine unwrapped a layer this walk did not recognise: its
		// content still shows, as its own section.
		w.ownDone = true
		if err := w.entity(protected, Protected, 0); err != nil {
			return nil, err
		}
	}
	return w.finish(), nil
}

type walker struct {
	protected []byte
	inline    func(text string, html bool, charset string) []InlinePart
	ownDone   bool
	sections  []Section
	parts     int
	budget    *verdict.Budget // the message's, shared with sub-walkers
}

func (w *walker) finish() []Section {
	n := 0
	for i := range w.sections {
		for j := range w.sections[i].Attachments {
			w.sections[i].Attachments[j].Index = n
			n++
		}
	}
	return w.sections
}

// at returns the section parts of origin o go to: the last one when it has
// that origin and no label of its own, else a new one.
func (w *walker) at(o Origin) *Section {
	if n := len(w.sections); n > 0 && w.sections[n-1].Origin == o && w.sections[n-1].Label == "" {
		return &w.sections[n-1]
	}
	w.sections = append(w.sections, Section{Origin: o})
	return &w.sections[len(w.sections)-1]
}

func (w *walker) notice(o Origin, text string) {
	s := w.at(o)
	for _, n := range s.Notices {
		if n == text {
			return
		}
	}
	s.Notices = append(s.Notices, text)
}

func (w *walker) entity(raw []byte, o Origin, depth int) error {
	e, soft, err := read(raw)
	if err != nil {
		return err
	}
	w.walk(e, soft, o, depth)
	return nil
}

// layer classifies a part as one of the security containers.
type layer int

const (
	noLayer layer = iota
	signedLayer
	encryptedLayer
	detachedSignature // the signature part of a multipart/signed, or a PGP/MIME control part
)

func classify(e *message.Entity) layer {
	mt, params, _ := e.Header.ContentType()
	name := strings.ToLower(params["name"])
	switch mt {
	case "multipart/signed":
		return signedLayer
	case "multipart/encrypted":
		return encryptedLayer
	case "application/pkcs7-mime", "application/x-pkcs7-mime":
		if strings.Contains(strings.ToLower(params["smime-type"]), "signed") {
			return signedLayer
		}
		return encryptedLayer
	case "application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature":
		return detachedSignature
	case "application/octet-stream":
		if strings.HasSuffix(name, ".p7m") {
			return encryptedLayer
		}
		if strings.HasSuffix(name, ".p7s") {
			return detachedSignature
		}
	}
	return noLayer
}

func (w *walker) walk(e *message.Entity, newErr error, o Origin, depth int) {
	if depth > MaxDepth {
		w.notice(o, "The message nests too deep; its innermost parts are not shown.")
		return
	}
	switch classify(e) {
	case signedLayer, encryptedLayer:
		w.layer(e, o, depth)
		return
	case detachedSignature:
		return // what it says is the security result, not content
	}
	if mr := e.MultipartReader(); mr != nil {
		mt, _, _ := e.Header.ContentType()
		if mt == "multipart/alternative" {
			w.alternative(mr, o, depth)
			return
		}
		w.children(mr, o, depth, -1)
		return
	}
	w.leaf(e, newErr, o)
}

// layer handles a signed or encrypted container: the message's own layer
// is replaced by the protected entity; any other is a nested part.
func (w *walker) layer(e *message.Entity, o Origin, depth int) {
	kind := classify(e)
	if !w.ownDone && o == Unprotected {
		w.ownDone = true
		if w.protected == nil {
			w.notice(Unopened, "This content could not be decrypted.")
			return
		}
		if err := w.entity(w.protected, Protected, depth+1); err != nil {
			w.notice(Protected, "The decrypted content is not a readable message.")
		}
		return
	}
	mr := e.MultipartReader()
	if kind == encryptedLayer || mr == nil {
		w.notice(Unopened, "An encrypted or signed part inside this message was not opened: only a message as a whole is decrypted and verified.")
		return
	}
	// A multipart/signed inside the message: its first part is readable,
	// but its signature was not checked as the message's (RFC 1847
	// section 2.1: the first part is the signed content).
	w.children(mr, Unchecked, depth, 1)
}

// children walks the parts of a multipart; limit < 0 means all.
func (w *walker) children(mr message.MultipartReader, o Origin, depth, limit int) {
	for n := 0; limit < 0 || n < limit; n++ {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil && p == nil {
			w.notice(o, "The rest of this message is malformed and is not shown.")
			return
		}
		w.walk(p, err, o, depth+1)
	}
}

// alternative shows one of the alternatives (RFC 2046 section 5.1.4: the
// last is the richest): the last with an HTML body, else the last with
// any body. Attachments of the others are not shown: they are the same
// content again.
func (w *walker) alternative(mr message.MultipartReader, o Origin, depth int) {
	var alts [][]Section
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && p == nil {
			w.notice(o, "The rest of this message is malformed and is not shown.")
			break
		}
		sub := &walker{protected: w.protected, inline: w.inline, ownDone: w.ownDone, parts: w.parts, budget: w.budget}
		sub.walk(p, err, o, depth+1)
		w.parts, w.ownDone = sub.parts, sub.ownDone
		alts = append(alts, sub.sections)
	}
	pick := -1
	for i, secs := range alts {
		if hasBody(secs, true) || (pick < 0 || !hasBody(alts[pick], true)) && hasBody(secs, false) {
			pick = i
		}
	}
	if pick < 0 && len(alts) > 0 {
		pick = len(alts) - 1
	}
	if pick < 0 {
		return
	}
	// An alternative that is an encrypted or signed part nobody opened is
	// not shown, but it is not dropped in silence either: the agent learns
	// that the message holds content that is not on screen.
	for i, secs := range alts {
		for _, s := range secs {
			if i != pick && s.Origin == Unopened {
				w.notice(Unopened, "Another form of this message (a multipart/alternative part) is encrypted and was not opened: only a message as a whole is decrypted.")
			}
		}
	}
	for _, s := range alts[pick] {
		if s.Label != "" {
			w.sections = append(w.sections, s)
			continue
		}
		dst := w.at(s.Origin)
		dst.Bodies = append(dst.Bodies, s.Bodies...)
		dst.Attachments = append(dst.Attachments, s.Attachments...)
		for _, n := range s.Notices {
			w.notice(s.Origin, n)
		}
	}
}

func hasBody(secs []Section, html bool) bool {
	for _, s := range secs {
		for _, b := range s.Bodies {
			if b.HTML || !html {
				return true
			}
		}
	}
	return false
}

func (w *walker) leaf(e *message.Entity, newErr error, o Origin) {
	if w.parts >= MaxParts {
		w.notice(o, "The message has too many parts; the rest are not shown.")
		return
	}
	w.parts++
	l := w.readLeaf(e, newErr)
	if l.tooLarge {
		w.notice(o, l.notice)
		w.at(o).TooLarge = true
		return
	}
	if !l.attach && (l.mediaType == "text/plain" || l.mediaType == "text/html") {
		text := l.text()
		if l.notice != "" {
			w.notice(o, l.notice)
		}
		if o == Unprotected && w.inline != nil {
			if parts := w.inline(text, l.mediaType == "text/html", l.params["charset"]); len(parts) > 0 {
				w.inlineParts(parts)
				return
			}
		}
		s := w.at(o)
		s.Bodies = append(s.Bodies, Body{HTML: l.mediaType == "text/html", Text: text})
		return
	}
	if l.notice != "" {
		w.notice(o, l.notice)
	}
	s := w.at(o)
	name := l.name
	if name == "" {
		name = defaultName(l.mediaType)
	}
	s.Attachments = append(s.Attachments, Attachment{Name: name, ContentType: l.mediaType, Size: len(l.data),
		Inline: l.cid != "" && strings.HasPrefix(l.mediaType, "image/") && !l.attach, ContentID: l.cid, data: l.data})
}

// inlineParts adds the stretches SplitOptions.Inline cut a body into: the
// unprotected ones as plain text of their origin, every other one (and
// every labelled one) as a section of its own.
func (w *walker) inlineParts(parts []InlinePart) {
	for _, p := range parts {
		var s *Section
		if p.Label == "" && p.Origin == Unprotected {
			s = w.at(p.Origin)
		} else {
			w.sections = append(w.sections, Section{Origin: p.Origin, Label: p.Label})
			s = &w.sections[len(w.sections)-1]
		}
		for _, n := range p.Notices {
			if !slices.Contains(s.Notices, n) {
				s.Notices = append(s.Notices, n)
			}
		}
		if p.Text != "" {
			s.Bodies = append(s.Bodies, Body{Text: strings.ToValidUTF8(p.Text, "\uFFFD")})
		}
	}
}

func defaultName(mediaType string) string {
	switch {
	case mediaType == "message/rfc822":
		return "forwarded message.eml"
	case strings.HasPrefix(mediaType, "image/"):
		return "image." + strings.TrimPrefix(mediaType, "image/")
	}
	return "attachment"
}
