package app

import (
	"context"
	"errors"
	"os"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
)

// "Export for a colleague" (docs/team.md, bundles). The passphrase only
// crosses the bridge inward and the bundle never crosses it at all: it is
// written to a file the agent picks in a native dialog, or left in the
// team folder. Encrypted as it is, the web view has no use for it, and a
// script smuggled in through mail HTML must find nothing to take.

// ExportBundleRequest names the key to hand to a colleague and the
// passphrase (at least security.MinBundlePassphrase characters) the
// colleague is told out of band.
type ExportBundleRequest struct {
	Fingerprint string `json:"fingerprint"`
	Passphrase  string `json:"passphrase"`
	// ToTeam leaves the bundle in the team folder of Account ("" means
	// the only account) instead of saving it to a file.
	ToTeam  bool   `json:"to_team"`
	Account string `json:"account"`
}

// ExportBundleResult says where the bundle went: Path for a file, Team for
// the team folder; Cancelled when the agent closed the save dialog.
type ExportBundleResult struct {
	Path      string              `json:"path"`
	Team      *mailbox.TeamBundle `json:"team,omitempty"`
	Cancelled bool                `json:"cancelled"`
}

// bundleExporter is security's Certificates.ExportBundle or
// PGPKeys.ExportBundle.
type bundleExporter func(ctx context.Context, fingerprint string, passphrase []byte) (security.Bundle, error)

// exportBundle makes the bundle and saves or publishes it. save is the
// native dialog's request (the file name is the caller's to propose).
func exportBundle(mb *mailbox.Service, dialog func(SaveRequest) (string, error), export bundleExporter,
	req ExportBundleRequest, save SaveRequest) (ExportBundleResult, error) {
	ctx := context.Background()
	if req.Passphrase == "" {
		return ExportBundleResult{}, security.ErrNoPassphrase
	}
	if req.Account != "" && !req.ToTeam {
		return ExportBundleResult{}, invalid(errors.New("an account is only named to leave the bundle in its team folder"))
	}
	pass := []byte(req.Passphrase)
	defer keystore.Zero(pass)
	// Made before the dialog opens, so a short passphrase or a missing key
	// is said at once, not after the agent picked a folder.
	b, err := export(ctx, req.Fingerprint, pass)
	if err != nil {
		return ExportBundleResult{}, err
	}
	if req.ToTeam {
		tb, err := mb.PublishBundle(ctx, req.Account, b, mailbox.TeamOptions{})
		if err != nil {
			return ExportBundleResult{}, err
		}
		return ExportBundleResult{Team: &tb}, nil
	}
	path, err := dialog(save)
	if err != nil || path == "" {
		return ExportBundleResult{Cancelled: err == nil}, err
	}
	// 0600: the file is encrypted, but it is still nobody else's business.
	if err := os.WriteFile(path, b.Data, 0o600); err != nil {
		return ExportBundleResult{}, errors.New("the bundle could not be saved to " + path + ": " + err.Error() + ". Choose another folder.")
	}
	return ExportBundleResult{Path: path}, nil
}

// ExportBundle writes the certificate with its private key and chain as a
// passphrase-protected PKCS #12 file for a colleague, to a file picked in
// a native dialog or to the team folder.
func (c *Certificates) ExportBundle(req ExportBundleRequest) (ExportBundleResult, error) {
	cert, err := c.certs.Resolve(context.Background(), req.Fingerprint)
	if err != nil {
		return ExportBundleResult{}, err
	}
	name := keyFileName(cert.Subject, cert.Fingerprint)
	name = name[:len(name)-len(".key.pem")] + ".p12"
	req.Fingerprint = cert.Fingerprint
	return exportBundle(c.mb, c.saveDialog, c.certs.ExportBundle, req, SaveRequest{Title: "Save the bundle for a colleague",
		Name: name, Filter: "PKCS #12 bundle (*.p12)", Pattern: "*.p12"})
}

// ExportBundle writes the secret key under the bundle passphrase for a
// colleague, to a file picked in a native dialog or to the team folder.
func (k *PGPKeys) ExportBundle(req ExportBundleRequest) (ExportBundleResult, error) {
	key, err := k.keys.Resolve(context.Background(), req.Fingerprint)
	if err != nil {
		return ExportBundleResult{}, err
	}
	req.Fingerprint = key.Fingerprint
	return exportBundle(k.mb, k.saveDialog, k.keys.ExportBundle, req, SaveRequest{Title: "Save the bundle for a colleague",
		Name: pgpFileLabel(key) + "-" + key.Fingerprint[:8] + ".bundle.asc", Filter: "OpenPGP secret key (*.asc)", Pattern: "*.asc"})
}

// Bundles is the bound service behind "Keys from your team": the bundles
// colleagues left in the team folder, imported with the passphrase they
// told.
type Bundles struct {
	mb   *mailbox.Service
	emit Emitter
}

// ListBundlesRequest names the account; "" means every account with team
// records on.
type ListBundlesRequest struct {
	Account string `json:"account"`
}

// AccountBundles are the bundles of one account's team folder.
type AccountBundles struct {
	Account string               `json:"account"`
	Bundles []mailbox.TeamBundle `json:"bundles"`
}

// ImportBundleRequest names a bundle record by its account and UID, with
// the passphrase the colleague told.
type ImportBundleRequest struct {
	Account    string `json:"account"`
	UID        uint32 `json:"uid"`
	Passphrase string `json:"passphrase"`
}

// List returns the bundles of the team folders, oldest first per account.
func (b *Bundles) List(req ListBundlesRequest) ([]AccountBundles, error) {
	ctx := context.Background()
	names := []string{req.Account}
	if req.Account == "" {
		accounts, err := b.mb.Accounts(ctx)
		if err != nil {
			return nil, err
		}
		names = names[:0]
		for _, a := range accounts {
			if !a.NoTeam {
				names = append(names, a.Name)
			}
		}
	}
	out := []AccountBundles{}
	for _, name := range names {
		list, err := b.mb.TeamBundles(ctx, name, mailbox.TeamOptions{})
		if err != nil {
			return nil, err
		}
		out = append(out, AccountBundles{Account: name, Bundles: list})
	}
	return out, nil
}

// Import imports a team bundle into this profile's keychain. A wrong
// passphrase is CodeWrongPassphrase and stores nothing.
func (b *Bundles) Import(req ImportBundleRequest) (mailbox.BundleImport, error) {
	if req.Passphrase == "" {
		return mailbox.BundleImport{}, &Error{Code: CodePassphraseRequired, Message: "Enter the passphrase your colleague told you."}
	}
	if req.UID == 0 {
		return mailbox.BundleImport{}, invalid(errors.New("no bundle named: reload the list"))
	}
	pass := []byte(req.Passphrase)
	defer keystore.Zero(pass)
	res, err := b.mb.ImportTeamBundle(context.Background(), req.Account, req.UID, pass, mailbox.TeamOptions{})
	if err != nil {
		return res, err
	}
	rechecked := 0
	if res.Certificates != nil {
		b.emit.Emit(EventCertificatesChanged, struct{}{})
		rechecked = res.Certificates.Rechecked
	}
	if res.Keys != nil {
		b.emit.Emit(EventPGPKeysChanged, struct{}{})
		rechecked = res.Keys.Rechecked
	}
	if rechecked > 0 {
		b.emit.Emit(EventArticlesRechecked, ArticlesRechecked{Changed: rechecked})
	}
	return res, nil
}
