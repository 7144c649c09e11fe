package app

import (
	"context"

	sdcrypto "github.com/sealdesk/sealdesk/crypto"
	"github.com/sealdesk/sealdesk/security"
)

// Compose is the bound service behind the composer's Sign and Encrypt
// toggles: it says, per recipient, why a toggle must stay off.
type Compose struct {
	sec *security.Service
}

// ReadinessRequest names the sender, the recipients (To, Cc and Bcc
// together) and the technology, "S/MIME" or "PGP".
type ReadinessRequest struct {
	Technology string   `json:"technology"`
	From       string   `json:"from"`
	Recipients []string `json:"recipients"`
}

// Readiness reports whether the message can be signed and encrypted, and
// per address why not. It reads public material only.
func (c *Compose) Readiness(req ReadinessRequest) (security.Readiness, error) {
	tech := sdcrypto.Technology(req.Technology)
	if tech != sdcrypto.TechSMIME && tech != sdcrypto.TechPGP {
		return security.Readiness{}, &Error{Code: CodeInvalid, Message: "Choose S/MIME or PGP."}
	}
	return c.sec.Readiness(context.Background(), tech, req.From, req.Recipients)
}
