package security

import (
	"bytes"
	"context"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/mime"
	"github.com/sealdesk/sealdesk/store"
)

// Display is an article's content as the article view shows it: sections
// labelled by origin (mail/mime), judged by the article's stored result.
type Display struct {
	Article  store.Article
	Sections []mime.Section
}

// Display reads an article for the view. The protected entity comes from
// the sealed cache when there is one; otherwise the engines run again over
// the raw message, without logging or storing anything (they are not
// "processing" the article, only unwrapping it for display). An article
// whose stored result says decryption failed is not decrypted here even if
// a key arrived since: its label would be wrong; Retry is the way.
func (s *Processing) Display(ctx context.Context, articleID int64) (Display, error) {
	a, err := s.p.Store.Article(ctx, articleID)
	if err != nil {
		return Display{}, err
	}
	ks := s.keySet(ctx)
	defer ks.Release()
	entity, whole := s.displayEntity(ks, a)
	var opts mime.SplitOptions
	// Inline blocks are cut out of every unprotected body, whatever the
	// article's technology: the engine reads one alternative of a
	// multipart/alternative (the plain text), the view may show another,
	// and a block shown as plain text would show its armor as content.
	if !whole {
		opts.Inline = s.inlineParts(ks, a.Raw)
	}
	secs, err := mime.SplitWith(a.Raw, entity, whole, opts)
	if err != nil {
		return Display{Article: a}, err
	}
	return Display{Article: a, Sections: secs}, nil
}

// displayEntity returns the entity the engines display (nil: nothing could
// be decrypted) and whether it stands for the whole message (inline
// OpenPGP, whose protected text has no MIME entity of its own).
func (s *Processing) displayEntity(ks *keySet, a store.Article) ([]byte, bool) {
	r := a.Security
	if r.Type == verdict.TechNone && !r.Signed && !r.Encrypted {
		return a.Raw, false
	}
	if r.Encrypted && !r.Encryption.Success {
		return nil, false
	}
	// A repaired Exchange rewrite (verdict.RepairExchangePGPMIME) is a
	// multipart/encrypted in all but its label, and a gateway's
	// message/rfc822 wrapper (RepairGatewayRFC822) holds nothing but the
	// message: the unwrapped entity stands for the whole message, whose
	// raw parts (an empty text, the control part, the ciphertext; the
	// wrapped message) are no content of their own.
	repaired := r.Repaired == verdict.RepairExchangePGPMIME || r.Repaired == verdict.RepairGatewayRFC822
	if a.SealedContent != nil {
		if sealer, err := s.p.Sealer(); err == nil {
			if plain, err := sealer.Open(a.SealedContent, ArticleAAD(a.ID)); err == nil && !bytes.Equal(plain, a.Raw) {
				return plain, repaired
			}
		}
	}
	p, err := ks.process(a.Raw, s.now())
	if err != nil || p.Entity == nil || (r.Encrypted && !p.Result.Encryption.Success) {
		return nil, false
	}
	if repaired {
		return p.Entity, true
	}
	if bytes.Equal(p.Entity, a.Raw) && r.Type == verdict.TechPGP && (r.Encryption.Success || r.Sign.Success) {
		// Inline OpenPGP over the whole text: the engine's text is the
		// protected content.
		return []byte("Content-Type: text/plain; charset=utf-8\r\n\r\n" + p.Text), true
	}
	return p.Entity, false
}

// inlineParts cuts the unprotected text bodies of an OpenPGP article at
// their inline blocks (cleartext-signed, armored encrypted), each block a
// section of its own with its own verdict, so that a partly protected
// message is shown part by part: the text around a block stays "not
// protected", a decrypted block is never merged with it, and a block
// that cannot be opened says so instead of showing its ciphertext. The
// article's result is untouched: a block's valid signature is never the
// message's. It decrypts in memory only and logs nothing. When the
// OpenPGP keyring cannot be had, the bodies are shown as sent.
// Not safe for concurrent use (one Split calls it).
func (s *Processing) inlineParts(ks *keySet, raw []byte) func(string, bool, string) []mime.InlinePart {
	var (
		sp    *pgp.InlineSplitter
		on    Integrations
		tried bool
	)
	// The keyring is loaded on the first body that holds a block, not for
	// every OpenPGP article shown.
	load := func() {
		tried = true
		var err error
		if on, err = ks.Integrations(); err != nil {
			return
		}
		var kr pgp.Keyring = pgp.NewMemoryKeyring()
		if on.PGP {
			k, err := ks.PGP()
			if err != nil {
				return
			}
			kr = k
		}
		sp, _ = pgp.NewEngine(kr).InlineSplitter(raw, pgp.ProcessOptions{Now: s.now()})
	}
	return func(text string, html bool, charset string) []mime.InlinePart {
		if !strings.Contains(text, "-----BEGIN PGP ") {
			return nil
		}
		if !tried {
			load()
		}
		if sp == nil {
			return nil
		}
		segs := sp.Split(text, html, charset)
		if len(segs) == 0 {
			return nil
		}
		out := make([]mime.InlinePart, 0, len(segs))
		for _, sg := range segs {
			out = append(out, inlinePart(sg, on.PGP))
		}
		return out
	}
}

// inlinePart labels one segment. The label is short; the notices say the
// same at length, with the engine's reasons.
func inlinePart(sg pgp.Segment, on bool) mime.InlinePart {
	switch sg.Kind {
	case pgp.SegmentSigned:
		// mime.Unchecked: a signature over part of a message is never the
		// message's signature, however valid it is for the block.
		if sg.Sign.Success {
			return mime.InlinePart{Origin: mime.Unchecked, Text: sg.Text,
				Label:   "Signed block: signature valid for this block only" + signerName(sg.Sign),
				Notices: []string{sg.Sign.Comment + " It covers only this block, not the message: the text around it is not signed."}}
		}
		return mime.InlinePart{Origin: mime.Unchecked, Text: sg.Text, Label: "Signed block: signature NOT valid",
			Notices: []string{orElse(sg.Sign.Comment, "The signature of this block could not be checked.") + " Treat this block as not signed."}}
	case pgp.SegmentDecrypted:
		label := "Decrypted block"
		notices := []string{sg.Encryption.Comment + " Only this block was encrypted: what is shown outside it travelled readable by anyone."}
		if sg.Signed {
			if sg.Sign.Success {
				label += ", signed inside: signature valid for this block only" + signerName(sg.Sign)
			} else {
				label += ", signed inside: signature NOT valid"
			}
			notices = append(notices, sg.Sign.Comment)
		}
		return mime.InlinePart{Origin: mime.Protected, Label: label, Text: sg.Text, Notices: notices}
	case pgp.SegmentUnopened:
		c := sg.Encryption.Comment
		if !on {
			c = "OpenPGP is switched off in Settings > Integrations: switch it on to decrypt it."
		}
		return mime.InlinePart{Origin: mime.Unopened, Label: "Encrypted block that was not decrypted",
			Notices: []string{orElse(c, "This encrypted block could not be decrypted.")}}
	}
	return mime.InlinePart{Origin: mime.Unprotected, Text: sg.Text}
}

func signerName(r verdict.SignResult) string {
	if len(r.Signers) == 0 {
		return ""
	}
	who := r.Signers[0].Subject
	if who == "" {
		who = r.Signers[0].Fingerprint
	}
	return " (" + who + ")"
}

func orElse(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// Attachment returns one attachment of an article's display by its index.
func (s *Processing) Attachment(ctx context.Context, articleID int64, index int) (mime.Attachment, error) {
	d, err := s.Display(ctx, articleID)
	if err != nil {
		return mime.Attachment{}, err
	}
	for _, sec := range d.Sections {
		for _, at := range sec.Attachments {
			if at.Index == index {
				return at, nil
			}
		}
	}
	return mime.Attachment{}, store.ErrNotFound
}

// Warning is a security problem of an article in plain language, with
// what the agent can do about it. Its words come from the wording table
// (wording.go), chosen by the result's codes.
type Warning struct {
	// Kind is stable for the UI: sender_key_missing, our_key_missing,
	// our_key_locked, our_key_failed, keychain, untrusted, from_mismatch,
	// expired, revoked, tampered, damaged, partial, weak,
	// wrong_key_usage, unsupported, too_large, not_integrity_protected,
	// switched_off, other, and the sender and date reason codes of
	// verdict.Reason (from_name_address, date_mismatch, ...).
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Fix   string `json:"fix"`
	// Retry: fixing it and pressing "Retry security process" can change
	// the outcome.
	Retry bool `json:"retry"`
}

// Warnings derives the warnings of a result from its codes: one per
// failed check of the signature (in check order, one per Kind), one for a
// failed decryption, and one for content that is encrypted without
// integrity protection and not signed.
func Warnings(r verdict.Result) []Warning {
	out := []Warning{}
	if r.Sign.Reason == verdict.ReasonSwitchedOff || r.Encryption.Failure == verdict.DecryptSwitchedOff {
		return append(out, offWording.warning(r.Type))
	}
	if r.Signed && !r.Sign.Success {
		seen := map[string]bool{}
		add := func(w Warning) {
			if !seen[w.Kind] {
				seen[w.Kind] = true
				out = append(out, w)
			}
		}
		for _, c := range r.Sign.Checks {
			if wd, ok := signWording[c.Reason]; ok && !c.OK {
				w := wd.warning(r.Type)
				if c.Reason.IsSender() && c.Detail != "" {
					w.Fix += " (" + c.Detail + ")"
				}
				add(w)
			}
		}
		if wd, ok := signWording[r.Sign.Reason]; ok && len(seen) == 0 {
			add(wd.warning(r.Type))
		}
		if len(seen) == 0 {
			out = append(out, Warning{Kind: "other", Title: "The signature is not valid", Fix: r.Sign.Comment, Retry: true})
		}
	}
	if r.Encrypted && !r.Encryption.Success {
		if wd, ok := decryptWording[r.Encryption.Failure]; ok {
			out = append(out, wd.warning(r.Type))
		} else {
			out = append(out, Warning{Kind: "other", Title: "The message could not be decrypted", Fix: r.Encryption.Comment, Retry: true})
		}
	}
	// The typed field decides, not the algorithm's name: the engines write
	// the key transport beside it ("AES-256-CBC, RSA PKCS #1 v1.5").
	if r.Encrypted && r.Encryption.Success && !r.Encryption.IntegrityProtected && !(r.Signed && r.Sign.Success) {
		out = append(out, Warning{Kind: "not_integrity_protected", Title: titleNotProtected,
			Fix: "It was encrypted with " + r.Encryption.Algorithm + ", which carries no integrity check, and it is not validly signed: someone on the way could have changed it. Confirm anything important with the sender."})
	}
	return out
}
