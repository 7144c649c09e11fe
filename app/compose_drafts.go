package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/compose"
	"github.com/sealdesk/sealdesk/store"
)

// Attachment is a file the agent attached: Data is base64, read in the
// web view from a file the agent picked (the agent's own data going in).
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        string `json:"data"`
	Size        int    `json:"size"`
}

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
	Keys        map[string]string `json:"keys"`
	Attachments []Attachment      `json:"attachments"`
	InReplyTo   string            `json:"in_reply_to"`
	References  []string          `json:"references"`
	UpdatedAt   string            `json:"updated_at"`
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
// decrypted mail), and returns it as saved (with its ID).
func (c *Compose) SaveDraft(d DraftMessage) (DraftMessage, error) {
	body := d
	body.ID, body.UpdatedAt = 0, ""
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
	return c.openDraft(row)
}

func (c *Compose) openDraft(row store.Draft) (DraftMessage, error) {
	var d DraftMessage
	err := c.drafts().Open(row, &d)
	switch {
	case errors.Is(err, compose.ErrDraftSealed):
		return DraftMessage{}, &Error{Code: CodeInternal, Message: fmt.Sprintf("Draft %d cannot be decrypted (damaged, or saved with another profile's key): delete it and write the message again.", row.ID)}
	case errors.Is(err, compose.ErrDraftUnreadable):
		return DraftMessage{}, &Error{Code: CodeInternal, Message: fmt.Sprintf("Draft %d is unreadable: delete it and write the message again.", row.ID)}
	}
	if err != nil {
		return DraftMessage{}, err
	}
	d.ID, d.UpdatedAt = row.ID, row.UpdatedAt
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
		if d, err := c.openDraft(r); err == nil {
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
