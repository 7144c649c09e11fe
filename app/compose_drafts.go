package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/sealdesk/sealdesk/crypto/keystore"
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
	// Keys: certificates or OpenPGP keys picked for recipients with
	// several (address → fingerprint).
	Keys map[string]string `json:"keys"`
	// Attachments refer to files stored with AddAttachment: the draft's
	// sealed JSON does not hold them, opening a draft lists them from the
	// store, and Send reads the ones listed here.
	Attachments []AttachmentRef `json:"attachments"`
	InReplyTo   string          `json:"in_reply_to"`
	References  []string        `json:"references"`
	UpdatedAt   string          `json:"updated_at"`
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

// draftAAD binds a sealed draft to its row.
func draftAAD(id int64) []byte { return []byte("draft:" + strconv.FormatInt(id, 10)) }

// SaveDraft keeps the draft, sealed with the store key (it may quote
// decrypted mail), and returns it as saved (with its ID). It is the
// composer's autosave: the attachments are stored apart (AddAttachment),
// so what it carries and seals is the text fields only.
func (c *Compose) SaveDraft(d DraftMessage) (DraftMessage, error) {
	sealer, err := c.p.Sealer()
	if err != nil {
		return d, err
	}
	body := d
	body.ID, body.UpdatedAt, body.Attachments = 0, "", nil
	plain, err := json.Marshal(body)
	if err != nil {
		return d, err
	}
	row, err := c.p.Store.SaveDraft(context.Background(), store.Draft{ID: d.ID, TicketID: d.TicketID, ArticleID: d.ArticleID, Mode: d.Mode},
		func(id int64) ([]byte, error) { return sealer.Seal(plain, draftAAD(id)) })
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
// before attachments had rows of their own has them moved there first.
func (c *Compose) openDraft(ctx context.Context, row store.Draft) (DraftMessage, error) {
	sealer, err := c.p.Sealer()
	if err != nil {
		return DraftMessage{}, err
	}
	d, old, err := decodeDraft(sealer, row)
	if err != nil {
		return DraftMessage{}, err
	}
	if err := c.moveLegacyAttachments(ctx, d, old); err != nil {
		return DraftMessage{}, err
	}
	if d.Attachments, err = c.attachmentRefs(ctx, sealer, row.ID); err != nil {
		return DraftMessage{}, err
	}
	return d, nil
}

// decodeDraft opens a draft's sealed JSON; old is what a draft saved
// before migration 0014 held inline.
func decodeDraft(sealer *keystore.Sealer, row store.Draft) (d DraftMessage, old legacyDraft, err error) {
	plain, err := sealer.Open(row.Sealed, draftAAD(row.ID))
	if err != nil {
		return d, old, &Error{Code: CodeInternal, Message: fmt.Sprintf("Draft %d cannot be decrypted (damaged, or saved with another profile's key): delete it and write the message again.", row.ID)}
	}
	if err := json.Unmarshal(plain, &d); err != nil {
		return d, old, &Error{Code: CodeInternal, Message: fmt.Sprintf("Draft %d is unreadable: delete it and write the message again.", row.ID)}
	}
	_ = json.Unmarshal(plain, &old) // d decoded, so old does too
	d.ID, d.UpdatedAt, d.Attachments = row.ID, row.UpdatedAt, nil
	return d, old, nil
}

// Drafts lists the saved drafts, newest first.
func (c *Compose) Drafts() ([]DraftSummary, error) {
	rows, err := c.p.Store.Drafts(context.Background())
	if err != nil {
		return nil, err
	}
	sealer, err := c.p.Sealer()
	if err != nil {
		return nil, err
	}
	out := make([]DraftSummary, 0, len(rows))
	for _, r := range rows {
		s := DraftSummary{ID: r.ID, Mode: r.Mode, TicketID: r.TicketID, UpdatedAt: r.UpdatedAt, To: []string{}}
		if d, _, err := decodeDraft(sealer, r); err == nil {
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
