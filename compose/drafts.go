package compose

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/store"
)

// Drafts keeps the composer's drafts sealed with the profile's store key
// (a draft may quote decrypted mail), each bound to its row. The body is
// the caller's: the app's draft type, as JSON.
type Drafts struct {
	Store *store.Store
	// Sealer is the profile's store-key sealer (profile.Profile.Sealer).
	Sealer func() (*keystore.Sealer, error)
}

var (
	// ErrDraftSealed: a saved draft cannot be decrypted (damaged, or
	// saved with another profile's key).
	ErrDraftSealed = errors.New("compose: the draft cannot be decrypted")
	// ErrDraftUnreadable: a decrypted draft does not parse.
	ErrDraftUnreadable = errors.New("compose: the draft is unreadable")
)

// draftAAD binds a sealed draft to its row.
func draftAAD(id int64) []byte { return []byte("draft:" + strconv.FormatInt(id, 10)) }

// Save seals body and writes it as row (ID 0: a new row); it returns the
// row as saved.
func (d Drafts) Save(ctx context.Context, row store.Draft, body any) (store.Draft, error) {
	sealer, err := d.Sealer()
	if err != nil {
		return row, err
	}
	plain, err := json.Marshal(body)
	if err != nil {
		return row, err
	}
	return d.Store.SaveDraft(ctx, row, func(id int64) ([]byte, error) { return sealer.Seal(plain, draftAAD(id)) })
}

// Open unseals a saved row into body; ErrDraftSealed or
// ErrDraftUnreadable when it cannot.
func (d Drafts) Open(row store.Draft, body any) error {
	sealer, err := d.Sealer()
	if err != nil {
		return err
	}
	plain, err := sealer.Open(row.Sealed, draftAAD(row.ID))
	if err != nil {
		return ErrDraftSealed
	}
	if err := json.Unmarshal(plain, body); err != nil {
		return ErrDraftUnreadable
	}
	return nil
}
