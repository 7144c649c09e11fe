package security

import (
	"context"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/smime"
)

// ProcessStored runs the engines over an article the mailbox sync saved
// raw and security_pending, through the same path as Retry: the result is
// stored, decrypted content only sealed with the store key, verify and
// decrypt are logged, keys the message carries are proposed, and the
// article is no longer pending. When decryption reveals a protected
// Subject (RFC 9788) it becomes the article's subject and, for an article
// alone in its ticket, the ticket's, and may move the article to the
// ticket it names by number (store.RethreadBySubject).
//
// A raw message that is no message at all is marked processed with its
// parse error, so that it is not tried again on every sync.
func (s *Processing) ProcessStored(ctx context.Context, articleID int64) (Inspection, error) {
	a, err := s.p.Store.Article(ctx, articleID)
	if err != nil {
		return Inspection{}, err
	}
	in, _, err := s.retry(ctx, a, nil, s.now())
	if errors.Is(err, smime.ErrNotMessage) {
		if cerr := s.p.Store.ClearPending(ctx, articleID, err.Error()); cerr != nil {
			return in, cerr
		}
		return in, err
	}
	if err != nil {
		return in, err
	}
	if in.Subject != a.Subject {
		if _, err := s.p.Store.RethreadBySubject(ctx, articleID, in.Subject); err != nil {
			return in, fmt.Errorf("security: article %d: threading by its protected subject: %w", articleID, err)
		}
	}
	return in, nil
}
