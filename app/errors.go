package app

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/compose"
	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// ErrorCode tells the UI what kind of failure it got, so it can react (offer
// a fix, show a form error) without parsing messages.
type ErrorCode string

const (
	CodeKeychainUnavailable ErrorCode = "keychain_unavailable"
	CodeKeychainCorrupt     ErrorCode = "keychain_corrupt"
	CodeNotFound            ErrorCode = "not_found"
	CodeInvalid             ErrorCode = "invalid"
	CodeInternal            ErrorCode = "internal"
	// CodeDuplicate: the import brought nothing new; the message names
	// what is already there.
	CodeDuplicate ErrorCode = "duplicate"
	// CodePassphraseRequired: ask for a passphrase and call again.
	CodePassphraseRequired ErrorCode = "passphrase_required"
	// CodeWrongPassphrase: the passphrase does not open the file.
	CodeWrongPassphrase ErrorCode = "wrong_passphrase"
	// CodeCertificateMissing: a private key whose certificate must be
	// imported first.
	CodeCertificateMissing ErrorCode = "certificate_missing"
	// CodeAuthFailed: the mail server rejected the user name or password.
	CodeAuthFailed ErrorCode = "auth_failed"
	// CodeCertificateUntrusted: the server's TLS certificate did not
	// verify (or does not match the pin); the message names its
	// fingerprint to check and pin.
	CodeCertificateUntrusted ErrorCode = "certificate_untrusted"
	// CodeUnreachable: nothing answers at the server's address.
	CodeUnreachable ErrorCode = "unreachable"
	// CodeAccountExists: the demo mailbox is only offered to a profile
	// without accounts.
	CodeAccountExists ErrorCode = "account_exists"
	// CodeAnsweredMeanwhile: another agent answered or changed the ticket
	// since the composer opened (compose.ErrMeanwhile); ask Meanwhile,
	// show it, and send again with the acknowledged mark.
	CodeAnsweredMeanwhile ErrorCode = "answered_meanwhile"
	// CodeReplyClaimed: another agent started sending an answer to the
	// ticket from the same view a moment ago (compose.ErrReplyClaimed);
	// Error.Claim names their claim: send again with it acknowledged
	// (Seen.ReplyUID) to send anyway.
	CodeReplyClaimed ErrorCode = "reply_claimed"
)

// ErrorCodes lists every code, in the order declared above; the front end's
// ErrorCode type is generated from it (internal/tsgen).
func ErrorCodes() []ErrorCode {
	return []ErrorCode{CodeKeychainUnavailable, CodeKeychainCorrupt, CodeNotFound, CodeInvalid, CodeInternal,
		CodeDuplicate, CodePassphraseRequired, CodeWrongPassphrase, CodeCertificateMissing, CodeAuthFailed,
		CodeCertificateUntrusted, CodeUnreachable, CodeAccountExists, CodeAnsweredMeanwhile, CodeReplyClaimed}
}

// Error is what the UI receives for a failed call: options.App.ErrorFormatter
// turns every returned error into one.
type Error struct {
	Code    ErrorCode `json:"code"`
	Message string    `json:"message"`
	// Claim is the reply claim that stopped a send (CodeReplyClaimed
	// only).
	Claim *ReplyClaimView `json:"claim,omitempty"`
}

// ReplyClaimView is another agent's reply claim as the composer shows it.
type ReplyClaimView struct {
	// UID is what the composer sends back in Seen.ReplyUID to send anyway.
	UID   uint32 `json:"uid"`
	Agent string `json:"agent"`
	Name  string `json:"name"`
	// At is when the other agent started sending (their clock), RFC 3339.
	At string `json:"at"`
}

func (e *Error) Error() string { return e.Message }

// invalid marks an error as the user's input to correct.
func invalid(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: CodeInvalid, Message: err.Error()}
}

// FormatError is the ErrorFormatter. It sends the UI an Error as a JSON
// string: the native webview hands a rejected value through as it is, but
// Wails' browser bridge wraps it in new Error(value), which would turn an
// object into "[object Object]"; a string survives both.
func FormatError(err error) any {
	b, _ := json.Marshal(Classify(err))
	return string(b)
}

// Classify maps an error onto a code and keeps the message a person can act
// on.
func Classify(err error) *Error {
	var e *Error
	var certErr *imapx.CertificateError
	var claimed *compose.ReplyClaimedError
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, keystore.ErrUnavailable):
		return &Error{Code: CodeKeychainUnavailable, Message: err.Error()}
	case errors.Is(err, keystore.ErrCorrupt):
		return &Error{Code: CodeKeychainCorrupt, Message: err.Error()}
	case errors.Is(err, security.ErrDuplicate):
		return &Error{Code: CodeDuplicate, Message: forPerson(err)}
	case errors.Is(err, smime.ErrPassphraseRequired), errors.Is(err, security.ErrNoPassphrase),
		errors.Is(err, security.ErrPGPPassphraseRequired), errors.Is(err, pgp.ErrPassphraseRequired):
		return &Error{Code: CodePassphraseRequired, Message: forPerson(err)}
	case errors.Is(err, smime.ErrWrongPassphrase), errors.Is(err, pgp.ErrWrongPassphrase):
		return &Error{Code: CodeWrongPassphrase, Message: forPerson(err)}
	case errors.Is(err, imapx.ErrAuthFailed):
		return &Error{Code: CodeAuthFailed, Message: forPerson(err)}
	case errors.As(err, &certErr):
		return &Error{Code: CodeCertificateUntrusted, Message: forPerson(certErr)}
	case errors.Is(err, imapx.ErrConnRefused):
		return &Error{Code: CodeUnreachable, Message: forPerson(err)}
	case errors.Is(err, compose.ErrMeanwhile):
		return &Error{Code: CodeAnsweredMeanwhile, Message: "Someone else answered or changed this ticket while you were writing: look at what is new, then send again."}
	case errors.As(err, &claimed):
		return &Error{Code: CodeReplyClaimed, Message: claimed.Notice(), Claim: &ReplyClaimView{UID: claimed.Claim.UID,
			Agent: claimed.Claim.Agent, Name: claimed.Name, At: claimed.Claim.At.UTC().Format(time.RFC3339)}}
	case errors.Is(err, security.ErrNoMatchingCertificate):
		return &Error{Code: CodeCertificateMissing, Message: forPerson(err)}
	case isUserInput(err):
		return &Error{Code: CodeInvalid, Message: forPerson(err)}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Code: CodeNotFound, Message: "That item no longer exists; it may have been deleted elsewhere. Reload the list."}
	}
	return &Error{Code: CodeInternal, Message: err.Error()}
}

// isUserInput: errors about what the agent handed in, which they correct.
func isUserInput(err error) bool {
	var ie *smime.ImportError
	var se *smime.SealError
	var pie *pgp.ImportError
	var pse *pgp.SealError
	var nre *security.NotReadyError
	return errors.As(err, &ie) || errors.As(err, &se) || errors.As(err, &pie) || errors.As(err, &pse) || errors.As(err, &nre) ||
		errors.Is(err, security.ErrBadFingerprint) || errors.Is(err, security.ErrAmbiguous) ||
		errors.Is(err, smime.ErrNoPrivateKey) || errors.Is(err, smime.ErrNotMessage) ||
		errors.Is(err, pgp.ErrNoSecretKey) || errors.Is(err, pgp.ErrEmpty) || errors.Is(err, store.ErrDecided) ||
		errors.Is(err, mailbox.ErrInvalid) || errors.Is(err, mailbox.ErrBadChange) || errors.Is(err, mailbox.ErrNoAgent) || errors.Is(err, mailbox.ErrNoAccount) || errors.Is(err, imapx.ErrInsecure) ||
		errors.Is(err, imapx.ErrConfig) ||
		errors.Is(err, security.ErrWeakPassphrase) || errors.Is(err, security.ErrBundleMismatch) || errors.Is(err, mailbox.ErrTeamOff)
}

// forPerson drops the package prefixes, which help a log reader but not
// the agent reading a form error.
func forPerson(err error) string {
	msg := err.Error()
	for _, p := range []string{"security: ", "smime: ", "pgp: ", "mailbox: ", "imap: ", "sync: ", "store: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return msg
}
