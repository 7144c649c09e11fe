package mailbox

import (
	"context"
	"fmt"
	"strings"

	"github.com/sealdesk/sealdesk/mail/smtp"
	"github.com/sealdesk/sealdesk/store"
)

// submit sends the row's Bcc copies not yet accepted, recording each as
// it is accepted, and then the main message to the rest of the envelope
// (none when every recipient is in Bcc: the main message is then only the
// copy kept in Sent).
func (s *Service) submit(ctx context.Context, cfg smtp.Config, it store.OutboxItem) error {
	copies, err := s.p.Store.OutboxCopies(ctx, it.ID)
	if err != nil {
		return err
	}
	var subs []smtp.Submission
	var ids []int64
	inCopy := map[string]bool{}
	for _, c := range copies {
		for _, r := range c.Recipients {
			inCopy[strings.ToLower(r)] = true
		}
		if !c.Sent {
			subs = append(subs, smtp.Submission{Envelope: smtp.Envelope{From: it.EnvelopeFrom, To: c.Recipients}, Msg: c.Raw})
			ids = append(ids, c.ID)
		}
	}
	var main []string
	for _, r := range it.Recipients {
		if !inCopy[strings.ToLower(r)] {
			main = append(main, r)
		}
	}
	if len(main) > 0 {
		subs = append(subs, smtp.Submission{Envelope: smtp.Envelope{From: it.EnvelopeFrom, To: main}, Msg: it.Raw})
	}
	return smtp.SendEach(ctx, cfg, subs, func(i int) error {
		if i >= len(ids) {
			return nil // the main message: delivered records it
		}
		// Recorded even when ctx was cancelled meanwhile: it was accepted.
		if err := s.p.Store.MarkOutboxCopySent(context.WithoutCancel(ctx), ids[i]); err != nil {
			return fmt.Errorf("mailbox: the Bcc copy for %s was accepted, but recording it failed: %w",
				strings.Join(subs[i].Envelope.To, ", "), err)
		}
		return nil
	})
}
