package app

import (
	"encoding/json"
	"errors"

	"github.com/sealdesk/sealdesk/crypto/keystore"
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
)

// Error is what the UI receives for a failed call: options.App.ErrorFormatter
// turns every returned error into one.
type Error struct {
	Code    ErrorCode `json:"code"`
	Message string    `json:"message"`
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
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, keystore.ErrUnavailable):
		return &Error{Code: CodeKeychainUnavailable, Message: err.Error()}
	case errors.Is(err, keystore.ErrCorrupt):
		return &Error{Code: CodeKeychainCorrupt, Message: err.Error()}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Code: CodeNotFound, Message: "That item no longer exists; it may have been deleted elsewhere. Reload the list."}
	}
	return &Error{Code: CodeInternal, Message: err.Error()}
}
