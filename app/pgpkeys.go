package app

import (
	"context"
	"errors"
	"os"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// PGPKeys is the bound service behind the OpenPGP key screen. As with
// Certificates, secret material goes in (an import) and never comes back
// out to the web view: a secret key is exported only to a file the agent
// picks in a native dialog.
type PGPKeys struct {
	keys       *security.PGPKeys
	mb         *mailbox.Service // leaves a bundle in the team folder
	emit       Emitter
	saveDialog func(SaveRequest) (string, error)
}

// ImportPGPKeysRequest carries one uploaded or pasted key file and the
// passphrase of its secret keys (empty for public keys).
type ImportPGPKeysRequest struct {
	// Data is armored text as pasted or read, or base64 of a binary file.
	Data       string `json:"data"`
	FileName   string `json:"file_name"`
	Passphrase string `json:"passphrase"`
}

// PGPKeyRequest names a key by fingerprint (or a unique prefix of at least
// 8 hex digits).
type PGPKeyRequest struct {
	Fingerprint string `json:"fingerprint"`
}

// List returns the OpenPGP key inventory.
func (k *PGPKeys) List() ([]security.PGPKey, error) {
	return k.keys.List(context.Background())
}

// Import imports every key of one file.
func (k *PGPKeys) Import(req ImportPGPKeysRequest) (security.PGPImportResult, error) {
	data, pass, release, err := secretUpload(req.Data, req.FileName, req.Passphrase)
	if err != nil {
		return security.PGPImportResult{}, err
	}
	defer release()
	res, err := k.keys.Import(context.Background(), pass, security.Input{Name: req.FileName, Data: data})
	if err != nil {
		return res, err
	}
	k.changed(res.Rechecked)
	return res, nil
}

// Delete removes a key with its secret key and passphrase.
func (k *PGPKeys) Delete(req PGPKeyRequest) error {
	if _, err := k.keys.Delete(context.Background(), req.Fingerprint); err != nil {
		return err
	}
	k.changed(0)
	return nil
}

// ExportPublic returns the public key, armored, for the agent to copy or
// save: it is public.
func (k *PGPKeys) ExportPublic(req PGPKeyRequest) (string, error) {
	b, err := k.keys.ExportPublic(context.Background(), req.Fingerprint)
	return string(b), err
}

// SavePublic writes the armored public key to a file the agent picks in a
// native save dialog (the web view cannot save downloads) and returns its
// path, or "" when the agent cancelled.
func (k *PGPKeys) SavePublic(req PGPKeyRequest) (string, error) {
	ctx := context.Background()
	key, err := k.keys.Resolve(ctx, req.Fingerprint)
	if err != nil {
		return "", err
	}
	armored, err := k.keys.ExportPublic(ctx, key.Fingerprint)
	if err != nil {
		return "", err
	}
	path, err := k.saveDialog(SaveRequest{Title: "Save the OpenPGP public key",
		Name: pgpFileLabel(key) + "-" + key.Fingerprint[:8] + ".asc", Filter: "OpenPGP public key (*.asc)", Pattern: "*.asc"})
	if err != nil || path == "" {
		return "", err
	}
	if err := os.WriteFile(path, armored, 0o644); err != nil {
		return "", errors.New("the key could not be saved to " + path + ": " + err.Error() + ". Choose another folder.")
	}
	return path, nil
}

// pgpFileLabel names a key file after its first address.
func pgpFileLabel(key store.PGPKey) string {
	if len(key.Emails) > 0 {
		return safeFileName(key.Emails[0])
	}
	return "openpgp-key"
}

// ExportSecret writes the secret key, protected by the passphrase the
// admin sets in the export dialog, to a file the agent picks in a native
// save dialog: this works for a key imported without a passphrase too,
// and never writes it unprotected. The key never passes through the web
// view.
func (k *PGPKeys) ExportSecret(req ExportPrivateKeyRequest) (ExportPrivateKeyResult, error) {
	ctx := context.Background()
	if req.Passphrase == "" {
		return ExportPrivateKeyResult{}, security.ErrNoPassphrase
	}
	key, err := k.keys.Resolve(ctx, req.Fingerprint)
	if err != nil {
		return ExportPrivateKeyResult{}, err
	}
	if !key.HasSecret {
		return ExportPrivateKeyResult{}, invalid(errors.New("SealDesk holds no secret key for " + security.DescribePGP(key)))
	}
	path, err := k.saveDialog(SaveRequest{Title: "Save the protected OpenPGP secret key",
		Name: pgpFileLabel(key) + "-" + key.Fingerprint[:8] + ".secret.asc", Filter: "OpenPGP secret key (*.asc)", Pattern: "*.asc"})
	if err != nil || path == "" {
		return ExportPrivateKeyResult{Cancelled: err == nil}, err
	}
	pass := []byte(req.Passphrase)
	defer keystore.Zero(pass)
	armored, err := k.keys.ExportSecret(ctx, key.Fingerprint, pass)
	if err != nil {
		return ExportPrivateKeyResult{}, err
	}
	defer keystore.Zero(armored)
	if err := os.WriteFile(path, armored, 0o600); err != nil {
		return ExportPrivateKeyResult{}, errors.New("the key could not be saved to " + path + ": " + err.Error())
	}
	return ExportPrivateKeyResult{Path: path}, nil
}

func (k *PGPKeys) changed(rechecked int) {
	k.emit.Emit(EventPGPKeysChanged, struct{}{})
	if rechecked > 0 {
		k.emit.Emit(EventArticlesRechecked, ArticlesRechecked{Changed: rechecked})
	}
}

// PendingKeys is the bound service behind the list of keys and
// certificates found in received mail.
type PendingKeys struct {
	found *security.FoundKeys
	emit  Emitter
}

// PendingKeyRequest names a found key by its ID.
type PendingKeyRequest struct {
	ID int64 `json:"id"`
}

// List returns the found keys waiting for a decision.
func (p *PendingKeys) List() ([]store.PendingKey, error) {
	return p.found.List(context.Background())
}

// Accept imports a found key; failed articles are re-checked.
func (p *PendingKeys) Accept(req PendingKeyRequest) (security.PendingResult, error) {
	res, err := p.found.Accept(context.Background(), req.ID)
	if err != nil {
		return res, err
	}
	p.emit.Emit(EventPendingChanged, struct{}{})
	if res.Pending.Technology == "PGP" {
		p.emit.Emit(EventPGPKeysChanged, struct{}{})
	} else {
		p.emit.Emit(EventCertificatesChanged, struct{}{})
	}
	if res.Rechecked > 0 {
		p.emit.Emit(EventArticlesRechecked, ArticlesRechecked{Changed: res.Rechecked})
	}
	return res, nil
}

// Reject marks a found key rejected; it is not proposed again.
func (p *PendingKeys) Reject(req PendingKeyRequest) (store.PendingKey, error) {
	k, err := p.found.Reject(context.Background(), req.ID)
	if err != nil {
		return k, err
	}
	p.emit.Emit(EventPendingChanged, struct{}{})
	return k, nil
}
