package mailbox

import (
	"crypto/sha256"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/sealdesk/sealdesk/mail/sync"
)

type syncMessage = sync.Message

func checkpoint(last uint32) sync.Checkpoint { return sync.Checkpoint{UIDValidity: 1, LastUID: last} }

func sha(raw []byte) [32]byte { return sha256.Sum256(raw) }

var smtpError550 = gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
