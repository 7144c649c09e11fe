package mailbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// Bundles in the team folder (docs/team.md, "Handing the helpdesk's own
// key to a new agent"): an agent leaves the helpdesk's key there,
// encrypted under a passphrase it tells the colleague out of band; the
// colleague lists the bundles and imports one with the passphrase. A
// bundle is written at once, never queued: nothing of a key waits in the
// local database for a server to come back. The team pass skips bundle
// records (the store's rules hold them as ignored).

// ErrTeamOff: the account has team records turned off.
var ErrTeamOff = errors.New("mailbox: team records are off for this account")

// TeamBundle is a bundle record of the team folder.
type TeamBundle struct {
	UID         uint32    `json:"uid"`
	Format      string    `json:"format"`
	Fingerprint string    `json:"fingerprint"`
	Addresses   []string  `json:"addresses"`
	Label       string    `json:"label"`
	Agent       string    `json:"agent"`
	At          time.Time `json:"at"`
	// Imported: this profile holds the private key already; the others
	// are "waiting for you to import with the passphrase".
	Imported bool `json:"imported"`
}

// withTeamFolder runs fn on the named account's team folder (name "":
// the only account) over a connection of its own.
func (s *Service) withTeamFolder(ctx context.Context, name string, opt TeamOptions, fn func(*team.Folder, store.Account) error) error {
	a, err := s.sendingAccount(ctx, name)
	if err != nil {
		return err
	}
	if a.NoTeam {
		return fmt.Errorf("%w: %s", ErrTeamOff, name)
	}
	c, err := s.teamConnect(ctx, a, opt, nil)
	if err != nil {
		return err
	}
	defer c.Logout()
	f, err := team.Open(ctx, c, opt.Folder)
	if err != nil {
		return err
	}
	return fn(f, a)
}

// PublishBundle leaves b (from security's ExportBundle) in the account's
// team folder and returns its record.
func (s *Service) PublishBundle(ctx context.Context, name string, b security.Bundle, opt TeamOptions) (TeamBundle, error) {
	var out TeamBundle
	err := s.withTeamFolder(ctx, name, opt, func(f *team.Folder, a store.Account) error {
		from := s.agentAddress(ctx, a)
		r := team.Record{Kind: team.KindBundle, MessageID: team.NewMessageID(), At: s.now().UTC(),
			Bundle: &team.Bundle{Format: b.Format, Fingerprint: b.Fingerprint, Addresses: b.Addresses, Label: b.Label, Data: b.Data}}
		if from != nil {
			r.Agent = from.Address
		}
		raw, err := team.Build(r, from)
		if err != nil {
			return err
		}
		uid, err := f.Append(ctx, raw)
		if err != nil {
			return err
		}
		out = s.teamBundle(ctx, team.Fetched{UID: uid, Record: r})
		return nil
	})
	return out, err
}

// TeamBundles lists the bundle records of the account's team folder,
// oldest first; a message that only looks like one is skipped.
func (s *Service) TeamBundles(ctx context.Context, name string, opt TeamOptions) ([]TeamBundle, error) {
	out := []TeamBundle{}
	err := s.withTeamFolder(ctx, name, opt, func(f *team.Folder, _ store.Account) error {
		got, err := f.Bundles(ctx)
		for _, fe := range got {
			if fe.Err == nil && fe.Record.Kind == team.KindBundle {
				out = append(out, s.teamBundle(ctx, fe))
			}
		}
		return err
	})
	return out, err
}

// BundleImport is what importing a team bundle stored.
type BundleImport struct {
	Bundle TeamBundle `json:"bundle"`
	// Certificates is set for a PKCS #12 bundle, Keys for an OpenPGP one.
	Certificates *security.ImportResult    `json:"certificates,omitempty"`
	Keys         *security.PGPImportResult `json:"keys,omitempty"`
}

// ImportTeamBundle imports the bundle record at uid into this profile's
// keychain with passphrase. A wrong passphrase stores nothing
// (smime.ErrWrongPassphrase, pgp.ErrWrongPassphrase); a bundle holding
// another key than its record names is refused
// (security.ErrBundleMismatch). The caller zeroes passphrase.
func (s *Service) ImportTeamBundle(ctx context.Context, name string, uid uint32, passphrase []byte, opt TeamOptions) (BundleImport, error) {
	var rec team.Fetched
	err := s.withTeamFolder(ctx, name, opt, func(f *team.Folder, _ store.Account) error {
		r, err := f.Bundle(ctx, uid)
		rec = team.Fetched{UID: uid, Record: r}
		return err
	})
	if err != nil {
		return BundleImport{}, err
	}
	b := rec.Record.Bundle
	out := BundleImport{Bundle: s.teamBundle(ctx, rec)}
	switch b.Format {
	case team.FormatPKCS12:
		res, err := s.sec.Certificates.ImportBundle(ctx, b.Data, passphrase, b.Fingerprint)
		if err != nil {
			return out, err
		}
		out.Certificates = &res
	default: // team.FormatOpenPGP; Parse admits no other
		res, err := s.sec.PGPKeys.ImportBundle(ctx, b.Data, passphrase, b.Fingerprint)
		if err != nil {
			return out, err
		}
		out.Keys = &res
	}
	out.Bundle.Imported = true
	return out, nil
}

// teamBundle is a bundle record as listed, with whether this profile
// holds its private key already.
func (s *Service) teamBundle(ctx context.Context, fe team.Fetched) TeamBundle {
	r := fe.Record
	b := r.Bundle
	out := TeamBundle{UID: fe.UID, Format: b.Format, Fingerprint: b.Fingerprint, Addresses: b.Addresses,
		Label: b.Label, Agent: r.Agent, At: r.At}
	if out.Addresses == nil {
		out.Addresses = []string{}
	}
	if b.Format == team.FormatPKCS12 {
		c, err := s.sec.Certificates.Resolve(ctx, b.Fingerprint)
		out.Imported = err == nil && c.HasPrivate
	} else {
		k, err := s.sec.PGPKeys.Resolve(ctx, b.Fingerprint)
		out.Imported = err == nil && k.HasSecret
	}
	return out
}
