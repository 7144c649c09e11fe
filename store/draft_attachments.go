package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// DraftAttachment is a file attached to a draft (table draft_attachments,
// migration 0014). Meta (name, content type, size) and Data are opaque
// here: the caller seals both with the store key, bound to the draft and
// the row, as it does the draft. Data is only read by DraftAttachmentData:
// listing a draft's attachments never loads their content.
type DraftAttachment struct {
	ID      int64  `json:"id"`
	DraftID int64  `json:"draft_id"`
	Meta    []byte `json:"-"`
	Data    []byte `json:"-"`
}

// DraftAttachmentSealFunc seals an attachment once its row has an ID:
// it returns the sealed meta and the sealed data.
type DraftAttachmentSealFunc func(id int64) (meta, data []byte, err error)

// AddDraftAttachment stores an attachment of draft draftID, sealed by seal
// in the transaction, and returns its ID. The draft's updated_at moves on,
// as for a save. An error matching ErrNotFound when there is no such draft.
func (s *Store) AddDraftAttachment(ctx context.Context, draftID int64, seal DraftAttachmentSealFunc) (int64, error) {
	if seal == nil {
		return 0, errors.New("store: a draft's attachment is only stored sealed")
	}
	var id int64
	t := now()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE drafts SET updated_at = ? WHERE id = ?`, t, draftID)
		if err != nil {
			return fmt.Errorf("store: attaching to draft %d: %w", draftID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: no draft %d: %w", draftID, ErrNotFound)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO draft_attachments(draft_id, meta, data, created_at)
		    VALUES (?, x'', x'', ?) RETURNING id`, draftID, t).Scan(&id); err != nil {
			return fmt.Errorf("store: attaching to draft %d: %w", draftID, err)
		}
		meta, data, err := seal(id)
		if err != nil {
			return err
		}
		if len(meta) == 0 || len(data) == 0 {
			return errors.New("store: a draft's attachment is only stored sealed")
		}
		_, err = tx.ExecContext(ctx, `UPDATE draft_attachments SET meta = ?, data = ? WHERE id = ?`, meta, data, id)
		return err
	})
	return id, err
}

// DraftAttachments lists a draft's attachments in the order they were
// attached, with their meta only (Data is nil).
func (s *Store) DraftAttachments(ctx context.Context, draftID int64) ([]DraftAttachment, error) {
	rows, err := s.query(ctx, `SELECT id, draft_id, meta FROM draft_attachments WHERE draft_id = ? ORDER BY id`, draftID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DraftAttachment{}
	for rows.Next() {
		var a DraftAttachment
		if err := rows.Scan(&a.ID, &a.DraftID, &a.Meta); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DraftAttachmentData returns one attachment of draft draftID with its
// meta and data, or an error matching ErrNotFound (also when the
// attachment belongs to another draft).
func (s *Store) DraftAttachmentData(ctx context.Context, draftID, id int64) (DraftAttachment, error) {
	a := DraftAttachment{ID: id, DraftID: draftID}
	err := s.queryRow(ctx, `SELECT meta, data FROM draft_attachments WHERE id = ? AND draft_id = ?`, id, draftID).Scan(&a.Meta, &a.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("store: no attachment %d in draft %d: %w", id, draftID, ErrNotFound)
	}
	return a, err
}

// DeleteDraftAttachment removes an attachment of draft draftID, or returns
// an error matching ErrNotFound.
func (s *Store) DeleteDraftAttachment(ctx context.Context, draftID, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM draft_attachments WHERE id = ? AND draft_id = ?`, id, draftID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: no attachment %d in draft %d: %w", id, draftID, ErrNotFound)
	}
	return nil
}
