package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mail/outgoing"
	"github.com/sealdesk/sealdesk/store"
)

// AttachmentRef is a file attached to a draft as the composer holds it:
// the reference AddAttachment returned, never the content. The content
// crosses the bridge once, when attached, and stays sealed in the store
// until Send builds the message from it: an autosave carries the draft's
// text fields and these references only.
type AttachmentRef struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

// AddAttachmentRequest attaches a file to a saved draft (the composer saves
// a new draft first, to have its ID). Data is the file's content in
// base64, read in the web view from a file the agent picked (the agent's
// own data going in).
type AddAttachmentRequest struct {
	DraftID     int64  `json:"draft_id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        string `json:"data"`
}

// AttachmentRequest names an attachment of a draft.
type AttachmentRequest struct {
	DraftID int64 `json:"draft_id"`
	ID      int64 `json:"id"`
}

// attachmentMeta is what an attachment's sealed meta holds.
type attachmentMeta struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

// attachmentAAD binds an attachment's sealed data to its draft and row,
// and (meta) its sealed meta: neither opens when copied to another row
// or draft.
func attachmentAAD(draftID, id int64, meta bool) []byte {
	aad := "draft:" + strconv.FormatInt(draftID, 10) + ":attachment:" + strconv.FormatInt(id, 10)
	if meta {
		aad += ":meta"
	}
	return []byte(aad)
}

// AddAttachment stores a file with a saved draft, sealed with the store
// key like the draft, and returns the reference the draft keeps.
func (c *Compose) AddAttachment(req AddAttachmentRequest) (AttachmentRef, error) {
	if req.DraftID == 0 {
		return AttachmentRef{}, &Error{Code: CodeInvalid, Message: "Save the draft before attaching files to it."}
	}
	data, err := base64.StdEncoding.DecodeString(req.Data)
	if err != nil {
		return AttachmentRef{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf("The attachment %q could not be read: attach the file again.", req.Name)}
	}
	return c.addAttachment(context.Background(), req.DraftID, attachmentMeta{Name: req.Name, ContentType: req.ContentType}, data)
}

func (c *Compose) addAttachment(ctx context.Context, draftID int64, m attachmentMeta, data []byte) (AttachmentRef, error) {
	if len(data) > outgoing.MaxSize {
		return AttachmentRef{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf("%q is larger than %d MB, more than a message can carry: attach a smaller file.", m.Name, outgoing.MaxSize>>20)}
	}
	sealer, err := c.p.Sealer()
	if err != nil {
		return AttachmentRef{}, err
	}
	m.Size = len(data)
	plainMeta, err := json.Marshal(m)
	if err != nil {
		return AttachmentRef{}, err
	}
	id, err := c.p.Store.AddDraftAttachment(ctx, draftID, func(id int64) ([]byte, []byte, error) {
		sealedMeta, err := sealer.Seal(plainMeta, attachmentAAD(draftID, id, true))
		if err != nil {
			return nil, nil, err
		}
		sealedData, err := sealer.Seal(data, attachmentAAD(draftID, id, false))
		return sealedMeta, sealedData, err
	})
	if err != nil {
		return AttachmentRef{}, err
	}
	return AttachmentRef{ID: id, Name: m.Name, ContentType: m.ContentType, Size: m.Size}, nil
}

// RemoveAttachment drops an attachment from a draft.
func (c *Compose) RemoveAttachment(req AttachmentRequest) error {
	return c.p.Store.DeleteDraftAttachment(context.Background(), req.DraftID, req.ID)
}

// attachmentRefs lists a draft's attachments from the store: the draft's
// sealed JSON does not hold them.
func (c *Compose) attachmentRefs(ctx context.Context, sealer *keystore.Sealer, draftID int64) ([]AttachmentRef, error) {
	rows, err := c.p.Store.DraftAttachments(ctx, draftID)
	if err != nil {
		return nil, err
	}
	out := make([]AttachmentRef, 0, len(rows))
	for _, r := range rows {
		m, err := openAttachmentMeta(sealer, r)
		if err != nil {
			return nil, err
		}
		out = append(out, AttachmentRef{ID: r.ID, Name: m.Name, ContentType: m.ContentType, Size: m.Size})
	}
	return out, nil
}

func openAttachmentMeta(sealer *keystore.Sealer, r store.DraftAttachment) (attachmentMeta, error) {
	var m attachmentMeta
	plain, err := sealer.Open(r.Meta, attachmentAAD(r.DraftID, r.ID, true))
	if err == nil {
		err = json.Unmarshal(plain, &m)
	}
	if err != nil {
		return m, &Error{Code: CodeInternal, Message: fmt.Sprintf("An attachment of draft %d cannot be decrypted (damaged, or saved with another profile's key): delete the draft and write the message again.", r.DraftID)}
	}
	return m, nil
}

// sendAttachments are the draft's attachments the composer lists, read
// from the store for the message being sent.
func (c *Compose) sendAttachments(ctx context.Context, d DraftMessage) ([]outgoing.Attachment, error) {
	if len(d.Attachments) == 0 {
		return nil, nil
	}
	sealer, err := c.p.Sealer()
	if err != nil {
		return nil, err
	}
	out := make([]outgoing.Attachment, 0, len(d.Attachments))
	for _, ref := range d.Attachments {
		r, err := c.p.Store.DraftAttachmentData(ctx, d.ID, ref.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("The attachment %q is no longer stored with this draft: remove it and attach the file again.", ref.Name)}
		}
		if err != nil {
			return nil, err
		}
		m, err := openAttachmentMeta(sealer, r)
		if err != nil {
			return nil, err
		}
		data, err := sealer.Open(r.Data, attachmentAAD(r.DraftID, r.ID, false))
		if err != nil {
			return nil, &Error{Code: CodeInternal, Message: fmt.Sprintf("The attachment %q cannot be decrypted (damaged, or saved with another profile's key): remove it and attach the file again.", m.Name)}
		}
		out = append(out, outgoing.Attachment{Name: m.Name, ContentType: m.ContentType, Data: data})
	}
	return out, nil
}

// legacyDraft is what drafts saved before migration 0014 hold besides a
// DraftMessage: their attachments' content inside the sealed JSON.
type legacyDraft struct {
	Attachments []struct {
		Name        string `json:"name"`
		ContentType string `json:"content_type"`
		Data        string `json:"data"`
	} `json:"attachments"`
}

// moveLegacyAttachments stores the attachments an older draft held inline
// as rows of their own, then saves the draft without them, so that it
// opens, autosaves and sends like any other.
func (c *Compose) moveLegacyAttachments(ctx context.Context, d DraftMessage, old legacyDraft) error {
	moved := false
	for _, a := range old.Attachments {
		if a.Data == "" {
			continue
		}
		data, err := base64.StdEncoding.DecodeString(a.Data)
		if err != nil {
			continue // unreadable since it was attached: Send refused it already
		}
		if _, err := c.addAttachment(ctx, d.ID, attachmentMeta{Name: a.Name, ContentType: a.ContentType}, data); err != nil {
			return err
		}
		moved = true
	}
	if !moved {
		return nil
	}
	_, err := c.SaveDraft(d)
	return err
}
