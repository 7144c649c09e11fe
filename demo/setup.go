package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// Setup makes a running demo mailbox usable in a profile: it saves the
// account "Demo" (its password goes to the keychain like any account's)
// and imports the demo keys through the ordinary import path, so that the
// sync that follows finds the mails readable. It is idempotent: material
// already present is skipped, and the account is updated to this server's
// address (IMAP and submission). It does not sync; the caller starts the
// sync as for any account. The demo's group (the composer's sender) is
// AddGroup's: Setup's services do not reach the groups.
func Setup(ctx context.Context, mb *mailbox.Service, sec *security.Service, m *Mailbox) (store.Account, error) {
	k := m.Keys()
	steps := []struct {
		what string
		do   func() error
	}{
		{"the demo certificates", func() error {
			_, err := sec.Certificates.Import(ctx, security.Input{Name: "demo-ca.pem", Data: k.CA}, security.Input{Name: "demo-helpdesk.pem", Data: k.HelpdeskCert})
			return err
		}},
		{"the helpdesk's S/MIME key", func() error {
			_, err := sec.Certificates.ImportKey(ctx, k.HelpdeskKey, nil)
			return err
		}},
		{"the OpenPGP keys", func() error {
			_, err := sec.PGPKeys.Import(ctx, nil, security.Input{Name: "demo-helpdesk.asc", Data: k.PGPSecret}, security.Input{Name: "demo-carol.asc", Data: k.PGPSender})
			return err
		}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil && !errors.Is(err, security.ErrDuplicate) {
			return store.Account{}, fmt.Errorf("demo: importing %s: %w", s.what, err)
		}
	}
	a, err := mb.SaveAccount(ctx, m.Account())
	if err != nil {
		return a, fmt.Errorf("demo: saving the account: %w", err)
	}
	return a, nil
}
