package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/compose"
	"github.com/sealdesk/sealdesk/store"
)

// DraftMessage is the composer's message, as prefilled, saved or sent.
type DraftMessage struct {
	ID        int64  `json:"id"` // 0: not saved yet
	Mode      string `json:"mode"`
	TicketID  int64  `json:"ticket_id"`
	ArticleID int64  `json:"article_id"`
	// GroupID and From: the group sent from and its sender address.
	GroupID int64    `json:"group_id"`
	From    string   `json:"from"`
	To      []string `json:"to"`
	Cc      []string `json:"cc"`
	Bcc     []string `json:"bcc"`
	Subject string   `json:"subject"`
	Text    string   `json:"text"`
	Sign    bool     `json:"sign"`
	Encrypt bool     `json:"encrypt"`
	// Technology is "S/MIME" or "PGP".
	Technology string `json:"technology"`
	// Chosen: which of Technology, Sign and Encrypt the agent set by hand
	// (kept; the others follow compose.Choose).
	Chosen compose.Chosen `json:"chosen"`
	// Keys: certificates or OpenPGP keys picked for recipients with
	// several (address → fingerprint).
	Keys map[string]string `json:"keys"`
	// Attachments refer to files stored with AddAttachment: the draft's
	// sealed JSON does not hold them, opening a draft lists them from the
	// store, and Send reads the ones listed here.
	Attachments []AttachmentRef `json:"attachments"`
	// Seen is how far the ticket went when the composer opened, or as far
	// as the agent acknowledged (compose.Seen): Send refuses while another
	// agent's answer or change since is not acknowledged.
	Seen       compose.Seen `json:"seen"`
	InReplyTo  string       `json:"in_reply_to"`
	References []string     `json:"references"`
	UpdatedAt  string       `json:"updated_at"`
}

// DraftSummary is a draft as a list shows it.
type DraftSummary struct {
	ID        int64    `json:"id"`
	Mode      string   `json:"mode"`
	TicketID  int64    `json:"ticket_id"`
	Subject   string   `json:"subject"`
	To        []string `json:"to"`
	UpdatedAt string   `json:"updated_at"`
}

// DraftRequest names a draft.
type DraftRequest struct {
	ID int64 `json:"id"`
}

// drafts keeps the drafts sealed (compose.Drafts).
func (c *Compose) drafts() compose.Drafts {
	return compose.Drafts{Store: c.p.Store, Sealer: c.p.Sealer}
}

// SaveDraft keeps the draft, sealed with the store key (it may quote
// decrypted mail), and returns it as saved (with its ID). It is the
// composer's autosave: the attachments are stored apart (AddAttachment),
// so what it carries and seals is the text fields only.
func (c *Compose) SaveDraft(d DraftMessage) (DraftMessage, error) {
	body := d
	body.ID, body.UpdatedAt, body.Attachments = 0, "", nil
	row, err := c.drafts().Save(context.Background(), store.Draft{ID: d.ID, TicketID: d.TicketID, ArticleID: d.ArticleID, Mode: d.Mode}, body)
	if err != nil {
		return d, err
	}
	d.ID, d.UpdatedAt = row.ID, row.UpdatedAt
	return d, nil
}

// OpenDraft returns a saved draft.
func (c *Compose) OpenDraft(req DraftRequest) (DraftMessage, error) {
	row, err := c.p.Store.Draft(context.Background(), req.ID)
	if err != nil {
		return DraftMessage{}, err
	}
	return c.openDraft(context.Background(), row)
}

// openDraft returns a stored draft with its attachments. A draft saved
// before attachments had rows of their own (migration 0014) has them moved
// there first.
func (c *Compose) openDraft(ctx context.Context, row store.Draft) (DraftMessage, error) {
	var d DraftMessage
	var old legacyDraft
	err := c.drafts().Open(row, &d)
	if err == nil {
		err = c.drafts().Open(row, &old) // d decoded, so old does too
	}
	switch {
	case errors.Is(err, compose.ErrDraftSealed):
		return DraftMessage{}, &Error{Code: CodeInternal, Message: fmt.Sprintf("Draft %d cannot be decrypted (damaged, or saved with another profile's key): delete it and write the message again.", row.ID)}
	case errors.Is(err, compose.ErrDraftUnreadable):
		return DraftMessage{}, &Error{Code: CodeInternal, Message: fmt.Sprintf("Draft %d is unreadable: delete it and write the message again.", row.ID)}
	case err != nil:
		return DraftMessage{}, err
	}
	d.ID, d.UpdatedAt, d.Attachments = row.ID, row.UpdatedAt, nil
	if err := c.moveLegacyAttachments(ctx, d, old); err != nil {
		return DraftMessage{}, err
	}
	sealer, err := c.p.Sealer()
	if err != nil {
		return DraftMessage{}, err
	}
	if d.Attachments, err = c.attachmentRefs(ctx, sealer, row.ID); err != nil {
		return DraftMessage{}, err
	}
	return d, nil
}

// Drafts lists the saved drafts, newest first.
func (c *Compose) Drafts() ([]DraftSummary, error) {
	rows, err := c.p.Store.Drafts(context.Background())
	if err != nil {
		return nil, err
	}
	out := make([]DraftSummary, 0, len(rows))
	for _, r := range rows {
		s := DraftSummary{ID: r.ID, Mode: r.Mode, TicketID: r.TicketID, UpdatedAt: r.UpdatedAt, To: []string{}}
		var d DraftMessage
		if err := c.drafts().Open(r, &d); err == nil {
			s.Subject, s.To = d.Subject, d.To
		} else {
			s.Subject = "(cannot be decrypted)"
		}
		out = append(out, s)
	}
	return out, nil
}

// DeleteDraft discards a draft.
func (c *Compose) DeleteDraft(req DraftRequest) error {
	return c.p.Store.DeleteDraft(context.Background(), req.ID)
}
