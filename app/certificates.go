package app

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Certificates is the bound service behind the S/MIME certificate screen.
// Key material goes in (an import) but never comes back out to the web
// view: a private key is exported only to a file the agent picks in a
// native dialog.
type Certificates struct {
	certs *security.Certificates
	// mb leaves a bundle in the team folder.
	mb   *mailbox.Service
	emit Emitter
	// saveDialog asks where to save a file; "" means the agent cancelled.
	saveDialog func(SaveRequest) (string, error)
}

// SaveRequest is what a native save dialog shows.
type SaveRequest struct {
	Title, Name     string
	Filter, Pattern string // e.g. "Encrypted private key (*.pem)", "*.pem"
}

// ImportCertificatesRequest carries one uploaded or pasted file.
type ImportCertificatesRequest struct {
	// Data is PEM text as pasted or read, or base64 of a binary file (DER,
	// .p7b, .p12): the web view cannot send raw bytes.
	Data     string `json:"data"`
	FileName string `json:"file_name"`
	// SelfSigned says what a self-signed certificate naming an e-mail
	// address is: "contact" (that contact's own, trusted for its addresses
	// only) or "ca" (a CA trusted for everything it issues). Empty asks:
	// nothing is stored and the result's needs_choice lists them, so that
	// a contact's certificate never silently becomes a CA.
	SelfSigned security.SelfSigned `json:"self_signed"`
}

// TrustCertificateRequest trusts a certificate for its own addresses
// (On) or takes that back.
type TrustCertificateRequest struct {
	Fingerprint string `json:"fingerprint"`
	On          bool   `json:"on"`
}

// ImportPrivateKeyRequest carries a private key or PKCS #12 file and its
// passphrase (empty when the file is not encrypted).
type ImportPrivateKeyRequest struct {
	Data       string `json:"data"`
	FileName   string `json:"file_name"`
	Passphrase string `json:"passphrase"`
}

// DeleteCertificateRequest names a certificate by fingerprint (or a unique
// prefix of at least 8 hex digits).
type DeleteCertificateRequest struct {
	Fingerprint string `json:"fingerprint"`
}

// ExportCertificateRequest names the certificate to export.
type ExportCertificateRequest struct {
	Fingerprint string `json:"fingerprint"`
}

// ExportPrivateKeyRequest names the key to export and the passphrase the
// file is encrypted with.
type ExportPrivateKeyRequest struct {
	Fingerprint string `json:"fingerprint"`
	Passphrase  string `json:"passphrase"`
}

// ExportPrivateKeyResult says where the key was saved; Cancelled when the
// agent closed the dialog.
type ExportPrivateKeyResult struct {
	Path      string `json:"path"`
	Cancelled bool   `json:"cancelled"`
}

// List returns the certificate inventory.
func (c *Certificates) List() ([]security.Certificate, error) {
	return c.certs.List(context.Background())
}

// ImportCertificates imports every certificate in one file.
func (c *Certificates) ImportCertificates(req ImportCertificatesRequest) (security.ImportResult, error) {
	data, err := decodeUpload(req.Data, req.FileName)
	if err != nil {
		return security.ImportResult{}, err
	}
	choice := req.SelfSigned
	if choice == security.SelfSignedAsIs {
		choice = security.SelfSignedAsk
	}
	res, err := c.certs.ImportWith(context.Background(), choice, security.Input{Data: data})
	if err != nil || len(res.NeedsChoice) > 0 {
		return res, err
	}
	c.changed(res.Rechecked)
	return res, nil
}

// Trust trusts a certificate for the addresses it names, not as a CA, or
// with On false takes that back; failed articles are re-checked.
func (c *Certificates) Trust(req TrustCertificateRequest) (security.TrustResult, error) {
	res, err := c.certs.TrustDirectly(context.Background(), req.Fingerprint, req.On)
	if errors.Is(err, security.ErrNoAddresses) {
		return res, invalid(err)
	}
	if err != nil {
		return res, err
	}
	c.changed(res.Rechecked)
	return res, nil
}

// ImportPrivateKey imports a private key (for a certificate already
// imported) or a PKCS #12 file (key, certificate and chain).
func (c *Certificates) ImportPrivateKey(req ImportPrivateKeyRequest) (security.ImportResult, error) {
	data, pass, release, err := secretUpload(req.Data, req.FileName, req.Passphrase)
	if err != nil {
		return security.ImportResult{}, err
	}
	defer release()
	res, err := c.certs.ImportKey(context.Background(), data, pass)
	if err != nil {
		return res, err
	}
	c.changed(res.Rechecked)
	return res, nil
}

// Delete removes a certificate and its private key.
func (c *Certificates) Delete(req DeleteCertificateRequest) error {
	if _, err := c.certs.Delete(context.Background(), req.Fingerprint); err != nil {
		return err
	}
	c.changed(0)
	return nil
}

// ExportCertificate returns the certificate as PEM, for the agent to copy
// or save: it is public.
func (c *Certificates) ExportCertificate(req ExportCertificateRequest) (string, error) {
	b, err := c.certs.Export(context.Background(), req.Fingerprint)
	return string(b), err
}

// SaveCertificate writes the certificate as PEM to a file the agent picks
// in a native save dialog (the web view cannot save downloads) and returns
// its path, or "" when the agent cancelled.
func (c *Certificates) SaveCertificate(req ExportCertificateRequest) (string, error) {
	ctx := context.Background()
	cert, err := c.certs.Resolve(ctx, req.Fingerprint)
	if err != nil {
		return "", err
	}
	pemBytes, err := c.certs.Export(ctx, cert.Fingerprint)
	if err != nil {
		return "", err
	}
	name := strings.TrimSuffix(keyFileName(cert.Subject, cert.Fingerprint), ".key.pem") + ".pem"
	path, err := c.saveDialog(SaveRequest{Title: "Save the certificate", Name: name,
		Filter: "Certificate (*.pem)", Pattern: "*.pem"})
	if err != nil || path == "" {
		return "", err
	}
	if err := os.WriteFile(path, pemBytes, 0o644); err != nil {
		return "", errors.New("the certificate could not be saved to " + path + ": " + err.Error() + ". Choose another folder.")
	}
	return path, nil
}

// ExportPrivateKey writes the private key, encrypted under the passphrase,
// to a file the agent picks in a native save dialog. The key never passes
// through the web view.
func (c *Certificates) ExportPrivateKey(req ExportPrivateKeyRequest) (ExportPrivateKeyResult, error) {
	ctx := context.Background()
	if req.Passphrase == "" {
		return ExportPrivateKeyResult{}, security.ErrNoPassphrase
	}
	cert, err := c.certs.Resolve(ctx, req.Fingerprint)
	if err != nil {
		return ExportPrivateKeyResult{}, err
	}
	if !cert.HasPrivate {
		return ExportPrivateKeyResult{}, invalid(errors.New("SealDesk holds no private key for " + security.Describe(cert)))
	}
	path, err := c.saveDialog(SaveRequest{Title: "Save the encrypted private key", Name: keyFileName(cert.Subject, cert.Fingerprint),
		Filter: "Encrypted private key (*.pem)", Pattern: "*.pem"})
	if err != nil || path == "" {
		return ExportPrivateKeyResult{Cancelled: err == nil}, err
	}
	pass := []byte(req.Passphrase)
	defer keystore.Zero(pass)
	pemBytes, err := c.certs.ExportPrivateKey(ctx, cert.Fingerprint, pass)
	if err != nil {
		return ExportPrivateKeyResult{}, err
	}
	// 0600: the file is encrypted, but it is still nobody else's business.
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		return ExportPrivateKeyResult{}, errors.New("the key could not be saved to " + path + ": " + err.Error())
	}
	return ExportPrivateKeyResult{Path: path}, nil
}

// changed tells the UI to reload the list and, after an import, how many
// stored articles changed on the re-run.
func (c *Certificates) changed(rechecked int) {
	c.emit.Emit(EventCertificatesChanged, struct{}{})
	if rechecked > 0 {
		c.emit.Emit(EventArticlesRechecked, ArticlesRechecked{Changed: rechecked})
	}
}

// secretUpload decodes an upload that holds secret material and copies its
// passphrase (nil when empty); release zeroes both. The request's strings
// cannot be wiped (Go strings are immutable); the copies made here are.
func secretUpload(data, fileName, passphrase string) (b, pass []byte, release func(), err error) {
	if b, err = decodeUpload(data, fileName); err != nil {
		return nil, nil, nil, err
	}
	if passphrase != "" {
		pass = []byte(passphrase)
	}
	return b, pass, func() { keystore.Zero(b); keystore.Zero(pass) }, nil
}

// decodeUpload turns the wire form into bytes: PEM or other text as is,
// base64 decoded. Binary read as text (the web view's readAsText on a .der
// or .p12) arrives with replacement characters, which no decoding can
// repair, so it is refused with what to do. The file name only sharpens
// that: a binary kind of file must come base64-encoded.
func decodeUpload(s, fileName string) ([]byte, error) {
	errBinary := invalid(errors.New("this binary file arrived as text and is damaged: send binary files (DER, .p7b, .p12) base64-encoded"))
	if strings.TrimSpace(s) == "" {
		return nil, invalid(errors.New("the file is empty"))
	}
	if strings.ContainsRune(s, utf8.RuneError) || strings.ContainsFunc(s, func(r rune) bool {
		return r == 0 || (unicode.IsControl(r) && !unicode.IsSpace(r))
	}) {
		return nil, errBinary
	}
	if strings.Contains(s, "-----BEGIN ") {
		return []byte(s), nil
	}
	compact := strings.Join(strings.Fields(s), "")
	if b, err := base64.StdEncoding.DecodeString(compact); err == nil {
		return b, nil
	}
	switch strings.ToLower(filepath.Ext(fileName)) {
	case ".der", ".cer", ".crt", ".p7b", ".p7c", ".p12", ".pfx", ".key", ".gpg", ".pgp":
		return nil, errBinary
	}
	return []byte(s), nil
}

// keyFileName proposes "<common name>-<fingerprint prefix>.key.pem" with
// only characters every file system accepts.
func keyFileName(subject, fp string) string {
	name := "certificate"
	for _, part := range strings.Split(subject, ",") {
		if v, ok := strings.CutPrefix(part, "CN="); ok {
			name = v
			break
		}
	}
	return safeFileName(name) + "-" + fp[:min(8, len(fp))] + ".key.pem"
}

// safeFileName keeps only characters every file system accepts.
func safeFileName(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.' || r == '@' {
			return r
		}
		return '-'
	}, name)
}

// wailsSaveDialog opens the native save dialog of the window.
func wailsSaveDialog(w *wailsEmitter) func(SaveRequest) (string, error) {
	return func(req SaveRequest) (string, error) {
		w.mu.RLock()
		ctx := w.ctx
		w.mu.RUnlock()
		if ctx == nil {
			return "", errors.New("the window is not ready yet")
		}
		return runtime.SaveFileDialog(ctx, runtime.SaveDialogOptions{
			Title:           req.Title,
			DefaultFilename: req.Name,
			Filters:         []runtime.FileFilter{{DisplayName: req.Filter, Pattern: req.Pattern}},
		})
	}
}
