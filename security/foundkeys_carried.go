package security

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// The OpenPGP side of the composer's carried-key fix (see CarriedFor for
// S/MIME): a customer's mail often carries their public key, in an
// Autocrypt header or an attached .asc file. Processing proposed it in the
// keys found in mail (proposeFound); the composer offers the one a mail of
// the ticket carried, and one click accepts it as an admin's Accept would
// (FoundKeys.Accept). A key change is never such a click: replacing the key
// held for an address is an admin's decision under "Found in mail".

// CarriedPGPKey is a recipient's OpenPGP key that a mail of the ticket
// carried and that waits, neither accepted nor rejected, in the keys found
// in mail.
type CarriedPGPKey struct {
	PendingID   int64  `json:"pending_id"`
	Fingerprint string `json:"fingerprint"`
	// UserID is the key's user ID for the address (see userIDFor).
	UserID string `json:"user_id"`
	// NotAfter is the key's expiry, YYYY-MM-DD; "" when it never expires.
	NotAfter  string `json:"not_after"`
	ArticleID int64  `json:"article_id"`
	// KeyChange: SealDesk holds another key for the address, so accepting
	// this one replaces it. Comment then tells the agent to have an admin
	// review it; it is not accepted from the composer.
	KeyChange bool   `json:"key_change"`
	Comment   string `json:"comment,omitempty"`
}

// ErrNoKeyCarried: no mail of the ticket carried a usable OpenPGP key for
// the address that waits to be accepted.
var ErrNoKeyCarried = errors.New("security: no mail in this ticket carried an OpenPGP key for this address that waits to be accepted: ask them for their public key, or add it under PGP keys")

// ErrKeyChangeNeedsReview: the key the ticket's mail carried is a key
// change, which only an admin accepts (see FoundKeys.CarriedToAccept).
var ErrKeyChangeNeedsReview = errors.New("security: their mail carried a different OpenPGP key than the one SealDesk holds for this address: a changed key is never used without review, so ask an administrator to check it under \"Found in mail\"")

// CarriedFor lists the open found OpenPGP keys for addr that came from
// articles of the ticket, newest article first. Only keys that carry addr
// and can be encrypted to now are listed: accepting any other would not
// lift the block. A key is a key change when SealDesk holds another key
// for addr at the time of asking (not only when it was found: a key may
// have been imported since). An update of a held key (a new expiry date,
// say) is never a key change.
// Every mail a key was seen in counts (store.PendingSeenIn): a key first
// found in another ticket is offered here too when this ticket's mail
// carried it again.
func (s *FoundKeys) CarriedFor(ctx context.Context, ticketID int64, addr string) ([]CarriedPGPKey, error) {
	addr = normAddress(addr)
	arts, err := s.p.Store.TicketArticles(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	order := make(map[int64]int, len(arts)) // article ID → position in the ticket
	ids := make([]int64, 0, len(arts))
	for i, a := range arts {
		order[a.ID] = i
		ids = append(ids, a.ID)
	}
	seen, err := s.p.Store.PendingSeenIn(ctx, ids)
	if err != nil {
		return nil, err
	}
	open, err := s.p.Store.PendingKeys(ctx, store.PendingOpen)
	if err != nil {
		return nil, err
	}
	var found []store.PendingKey
	for _, pk := range open {
		in := seen[pk.ID]
		// Only a key its mail proved to be the sender's is offered here
		// (pgp.FoundFinding); a key change is listed, to be sent to an
		// admin. Keys for other addresses, unproven ones and one of
		// several keys for an address wait under "Found in mail".
		offer := pgp.FoundFinding(pk.Finding)
		if len(in) == 0 || pk.Technology != string(verdict.TechPGP) || !(offer.Offerable() || offer == pgp.FoundKeyChange) {
			continue
		}
		// The ticket's newest mail that carried it.
		pk.ArticleID = slices.MaxFunc(in, func(a, b int64) int { return order[a] - order[b] })
		found = append(found, pk)
	}
	// Newest article first; of one article, the key found last.
	sort.SliceStable(found, func(i, j int) bool {
		if oi, oj := order[found[i].ArticleID], order[found[j].ArticleID]; oi != oj {
			return oi > oj
		}
		return found[i].ID > found[j].ID
	})
	held, err := s.p.Store.PGPKeysByEmail(ctx, addr)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []CarriedPGPKey{}
	for _, pk := range found {
		k, err := s.parsed.pgpKey(pk.Key)
		if err != nil || !pgp.CheckRecipient(addr, k, now).OK {
			continue
		}
		c := CarriedPGPKey{PendingID: pk.ID, Fingerprint: k.Fingerprint, UserID: userIDFor(k, addr), ArticleID: pk.ArticleID}
		if !k.Expires.IsZero() {
			c.NotAfter = k.Expires.UTC().Format(time.DateOnly)
		}
		if other := otherPGPKey(held, k.Fingerprint); other != "" && !pk.Update {
			c.KeyChange = true
			c.Comment = fmt.Sprintf("Their mail in this ticket carried a different OpenPGP key (%s) for %s than the one SealDesk holds (%s). "+
				"A changed key is never used without review: ask an administrator to check it with them and accept it under \"Found in mail\".",
				FormatPGPFingerprint(k.Fingerprint), addr, FormatPGPFingerprint(other))
		}
		out = append(out, c)
	}
	return out, nil
}

// otherPGPKey is the fingerprint of a held key other than fp, "" when
// there is none.
func otherPGPKey(held []store.PGPKey, fp string) string {
	for _, h := range held {
		if !strings.EqualFold(h.Fingerprint, fp) {
			return h.Fingerprint
		}
	}
	return ""
}

// CarriedToAccept is the found key the composer's one click may accept
// for addr: the newest the ticket's mail carried (FoundKeys.CarriedFor). It is
// ErrNoKeyCarried when there is none and ErrKeyChangeNeedsReview when that
// key is a key change: the agent must not replace a key by accident, so
// the check runs again here, whatever the composer showed.
func (s *FoundKeys) CarriedToAccept(ctx context.Context, ticketID int64, addr string) (CarriedPGPKey, error) {
	found, err := s.CarriedFor(ctx, ticketID, addr)
	if err != nil {
		return CarriedPGPKey{}, err
	}
	if len(found) == 0 {
		return CarriedPGPKey{}, ErrNoKeyCarried
	}
	if found[0].KeyChange {
		return found[0], ErrKeyChangeNeedsReview
	}
	return found[0], nil
}
