package app

import (
	"context"
	"errors"
	"strings"

	"github.com/sealdesk/sealdesk/compose"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/outgoing"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// Compose is the bound service behind the composer: it prefills replies
// and forwards, completes addresses, says per recipient why Sign or
// Encrypt must stay off and offers the fixes, keeps drafts sealed, and
// sends through the outbox (compose_send.go, compose_drafts.go).
// Private keys never pass through it; the sealing happens in Go.
type Compose struct {
	p    *profile.Profile
	sec  *security.Service
	mb   *mailbox.Service
	emit Emitter
}

// ReadinessRequest names the sender, the recipients (To, Cc and Bcc
// together) and the technology, "S/MIME" or "PGP". Keys are the
// certificates or OpenPGP keys picked for recipients with several
// (address → fingerprint).
type ReadinessRequest struct {
	Technology string            `json:"technology"`
	From       string            `json:"from"`
	Recipients []string          `json:"recipients"`
	Keys       map[string]string `json:"keys"`
}

// Readiness reports whether the message can be signed and encrypted, and
// per address why not. It reads public material only.
func (c *Compose) Readiness(req ReadinessRequest) (security.Readiness, error) {
	tech := verdict.Technology(req.Technology)
	if tech != verdict.TechSMIME && tech != verdict.TechPGP {
		return security.Readiness{}, &Error{Code: CodeInvalid, Message: "Choose S/MIME or PGP."}
	}
	return c.sec.Sealing.Readiness(context.Background(), security.SealRequest{Technology: tech, From: req.From, Recipients: req.Recipients, Choices: security.KeyChoice(req.Keys)})
}

// PrepareRequest is what the composer was opened for.
type PrepareRequest struct {
	Mode      string `json:"mode"` // new, reply, reply-all, forward
	TicketID  int64  `json:"ticket_id"`
	ArticleID int64  `json:"article_id"`
}

// Prepare returns the draft to start from: the saved draft of the same
// intent when there is one, else a new one prefilled by the composer's
// rules (compose.Composer.Prefill): recipients, subject, quote, threading,
// the group, and the technology and toggles compose.Choose picks for the
// recipients and the answered mail.
func (c *Compose) Prepare(req PrepareRequest) (DraftMessage, error) {
	ctx := context.Background()
	if d, err := c.p.Store.DraftFor(ctx, req.TicketID, req.ArticleID, req.Mode); err == nil {
		return c.openDraft(ctx, d)
	} else if !errors.Is(err, store.ErrNotFound) {
		return DraftMessage{}, err
	}
	p, err := c.composer().Prefill(ctx, outgoing.Mode(req.Mode), req.TicketID, req.ArticleID)
	var inv *compose.InvalidError
	if errors.As(err, &inv) {
		return DraftMessage{}, &Error{Code: CodeInvalid, Message: inv.Msg}
	}
	if err != nil {
		return DraftMessage{}, err
	}
	seen, err := compose.Look(ctx, c.p.Store, p.TicketID)
	if err != nil {
		return DraftMessage{}, err
	}
	return DraftMessage{Seen: seen, Mode: req.Mode, TicketID: p.TicketID, ArticleID: p.ArticleID, GroupID: p.GroupID, From: p.From,
		To: p.To, Cc: p.Cc, Bcc: []string{}, Subject: p.Subject, Text: p.Text, InReplyTo: p.InReplyTo, References: p.References,
		Sign: p.Choice.Sign, Encrypt: p.Choice.Encrypt, Technology: string(p.Choice.Technology),
		Keys: map[string]string{}, Attachments: []AttachmentRef{}}, nil
}

// Meanwhile says what another agent did to the draft's ticket since the
// mark seen (compose.Since): answers sent and state or owner changes. The
// composer asks before Send and on each sync while open; when something is
// new it shows it and, on the agent's second Send, sends with Now as the
// draft's Seen.
func (c *Compose) Meanwhile(seen compose.Seen) (compose.Meanwhile, error) {
	ctx := context.Background()
	return compose.Since(ctx, c.p.Store, seen, compose.Self(ctx, c.p.Store))
}

// composer is the core of the composer over this profile.
func (c *Compose) composer() *compose.Composer {
	return &compose.Composer{Store: c.p.Store, Quoter: c.sec.Processing, Judge: c.sec.Sealing}
}

// ChooseRequest is the composer's message as Choose needs it: the group,
// the article answered (a reply's; a forward answers nothing), the
// addresses (To, Cc and Bcc together), the key picks, the toggles now and
// which of them the agent set by hand.
type ChooseRequest struct {
	Mode       string            `json:"mode"`
	GroupID    int64             `json:"group_id"`
	ArticleID  int64             `json:"article_id"`
	From       string            `json:"from"`
	Recipients []string          `json:"recipients"`
	Keys       map[string]string `json:"keys"`
	Technology string            `json:"technology"`
	Sign       bool              `json:"sign"`
	Encrypt    bool              `json:"encrypt"`
	Chosen     compose.Chosen    `json:"chosen"`
}

// Choose says which technology and toggles the composer shows for the
// message now, why, and the readiness of that technology (see
// compose.Choose): what the agent set by hand is kept, the rest follows
// the group's defaults where they can be met.
func (c *Compose) Choose(req ChooseRequest) (compose.Choice, error) {
	s := compose.Situation{GroupID: req.GroupID, From: req.From, Recipients: req.Recipients, Keys: security.KeyChoice(req.Keys),
		Technology: verdict.Technology(req.Technology), Sign: req.Sign, Encrypt: req.Encrypt, Chosen: req.Chosen}
	if m := outgoing.Mode(req.Mode); m == outgoing.ModeReply || m == outgoing.ModeReplyAll {
		s.ArticleID = req.ArticleID
	}
	return c.composer().Choose(context.Background(), s)
}

// Contacts completes an address from known contacts: senders and
// recipients of stored mail and the addresses of certificates and keys.
func (c *Compose) Contacts(q store.ContactQuery) ([]store.Contact, error) {
	return c.p.Store.Contacts(context.Background(), q)
}

// FixesRequest asks what the ticket's mail offers for addresses that
// cannot be encrypted to. Technology is "S/MIME" (also when empty, as
// before it was asked) or "PGP".
type FixesRequest struct {
	TicketID   int64    `json:"ticket_id"`
	Addresses  []string `json:"addresses"`
	Technology string   `json:"technology"`
}

// What applying a CarriedFix does.
const (
	// FixImport imports the certificate an earlier signed mail carried.
	FixImport = "import"
	// FixAccept accepts the OpenPGP key a mail carried, waiting in the
	// keys found in mail, as an admin's Accept does.
	FixAccept = "accept"
	// FixReview: the key a mail carried is a key change. There is nothing
	// to apply; Comment tells the agent to have an admin review it.
	FixReview = "review"
)

// CarriedFix is a certificate or OpenPGP key for Address that an earlier
// mail of the ticket carried: for S/MIME a certificate to import, for
// OpenPGP a key found in mail to accept (Subject is then its user ID, and
// NotAfter is "" for a key that never expires).
type CarriedFix struct {
	Address     string `json:"address"`
	Fingerprint string `json:"fingerprint"`
	Subject     string `json:"subject"`
	NotAfter    string `json:"not_after"`
	ArticleID   int64  `json:"article_id"`
	Technology  string `json:"technology"`
	// Kind is FixImport, FixAccept or FixReview.
	Kind    string `json:"kind"`
	Comment string `json:"comment"`
}

// Fixes lists, per address, what an earlier mail of the ticket carried
// (at most one per address): the certificate of a signed mail that is not
// imported yet, or the OpenPGP key waiting in the keys found in mail.
func (c *Compose) Fixes(req FixesRequest) ([]CarriedFix, error) {
	out := []CarriedFix{}
	tech, err := fixTechnology(req.Technology)
	if err != nil || req.TicketID == 0 {
		return out, err
	}
	for _, a := range req.Addresses {
		fix, ok, err := c.fixFor(context.Background(), tech, req.TicketID, a)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, fix)
		}
	}
	return out, nil
}

// fixFor is the fix for one address, if the ticket's mail offers one.
func (c *Compose) fixFor(ctx context.Context, tech verdict.Technology, ticketID int64, addr string) (CarriedFix, bool, error) {
	fix := CarriedFix{Address: strings.ToLower(addr), Technology: string(tech)}
	if tech == verdict.TechSMIME {
		found, err := c.sec.Certificates.CarriedFor(ctx, ticketID, addr)
		if err != nil || len(found) == 0 {
			return fix, false, err
		}
		f := found[0]
		fix.Fingerprint, fix.Subject, fix.NotAfter, fix.ArticleID, fix.Kind = f.Fingerprint, f.Subject, f.NotAfter, f.ArticleID, FixImport
		return fix, true, nil
	}
	found, err := c.sec.FoundKeys.CarriedFor(ctx, ticketID, addr)
	if err != nil || len(found) == 0 {
		return fix, false, err
	}
	k := found[0]
	fix.Fingerprint, fix.Subject, fix.NotAfter, fix.ArticleID, fix.Kind = k.Fingerprint, k.UserID, k.NotAfter, k.ArticleID, FixAccept
	if k.KeyChange {
		fix.Kind, fix.Comment = FixReview, k.Comment
	}
	return fix, true, nil
}

// fixTechnology reads a fix request's technology; "" is S/MIME, the only
// one the composer asked for before.
func fixTechnology(t string) (verdict.Technology, error) {
	switch verdict.Technology(t) {
	case "", verdict.TechSMIME:
		return verdict.TechSMIME, nil
	case verdict.TechPGP:
		return verdict.TechPGP, nil
	}
	return "", &Error{Code: CodeInvalid, Message: "Choose S/MIME or PGP."}
}

// ImportCarriedRequest names the ticket, the recipient address and the
// technology of the fix ("S/MIME" when empty, or "PGP").
type ImportCarriedRequest struct {
	TicketID   int64  `json:"ticket_id"`
	Address    string `json:"address"`
	Technology string `json:"technology"`
}

// ImportCarried applies the fix for a recipient. For S/MIME it imports the
// certificate carried by the ticket's newest signed mail (the end-entity
// certificate only; a CA is never trusted this way); for OpenPGP it
// accepts the key found in the ticket's newest mail that carried one,
// unless that is a key change (an admin's decision). Failed articles are
// re-checked either way.
func (c *Compose) ImportCarried(req ImportCarriedRequest) (security.ImportResult, error) {
	tech, err := fixTechnology(req.Technology)
	if err != nil {
		return security.ImportResult{}, err
	}
	if tech == verdict.TechPGP {
		return c.acceptCarriedPGP(req)
	}
	res, err := c.sec.Certificates.ImportCarried(context.Background(), req.TicketID, req.Address)
	if errors.Is(err, security.ErrNothingCarried) {
		return res, &Error{Code: CodeNotFound, Message: forPerson(err)}
	}
	if err != nil {
		return res, err
	}
	if c.emit != nil {
		c.emit.Emit(EventCertificatesChanged, struct{}{})
		c.emit.Emit(EventPendingChanged, struct{}{})
		if res.Rechecked > 0 {
			c.emit.Emit(EventArticlesRechecked, ArticlesRechecked{Changed: res.Rechecked})
		}
	}
	return res, nil
}

// acceptCarriedPGP accepts the recipient's found OpenPGP key through the
// admin's Accept (PendingKeys.Accept), so that the key lands in the
// keyring, the found key is closed, failed articles are re-checked and the
// same events go out, whichever screen the decision came from.
func (c *Compose) acceptCarriedPGP(req ImportCarriedRequest) (security.ImportResult, error) {
	k, err := c.sec.FoundKeys.CarriedToAccept(context.Background(), req.TicketID, req.Address)
	switch {
	case errors.Is(err, security.ErrNoKeyCarried):
		return security.ImportResult{}, &Error{Code: CodeNotFound, Message: forPerson(err)}
	case errors.Is(err, security.ErrKeyChangeNeedsReview):
		return security.ImportResult{}, &Error{Code: CodeInvalid, Message: k.Comment}
	case err != nil:
		return security.ImportResult{}, err
	}
	res, err := (&PendingKeys{found: c.sec.FoundKeys, emit: c.emit}).Accept(PendingKeyRequest{ID: k.PendingID})
	return security.ImportResult{Rechecked: res.Rechecked, RecheckError: res.RecheckError}, err
}
