package security

import (
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// reasonWarnings say precisely what is wrong with the sender or the date
// of a message whose signature may well be intact (crypto.Check.Reason);
// the Kind is the reason code itself, except from_mismatch, which keeps
// the kind it always had. The check's Detail is appended to the Fix.
var reasonWarnings = map[verdict.Reason]Warning{
	verdict.ReasonFromMismatch: {Kind: "from_mismatch", Title: "Signed by a different address than the sender",
		Fix: "The signer is not the address in From: confirm with the sender through another channel before acting on it."},
	verdict.ReasonFromMissing: {Kind: string(verdict.ReasonFromMissing), Title: "The message names no sender",
		Fix: "There is no address in From for the signature to confirm: treat the message as not signed."},
	verdict.ReasonFromUnreadable: {Kind: string(verdict.ReasonFromUnreadable), Title: "The sender's address cannot be read",
		Fix: "The From field is malformed, so nobody can say whom the signature confirms: treat the message as not signed."},
	verdict.ReasonFromHeaders: {Kind: string(verdict.ReasonFromHeaders), Title: "The message has several From fields",
		Fix: "Mail programs show only one of them: the signature cannot say which sender it confirms. Treat the message as not signed."},
	verdict.ReasonFromAddresses: {Kind: string(verdict.ReasonFromAddresses), Title: "The message names several senders",
		Fix: "From holds more than one address, so the signature cannot confirm the sender: treat the message as not signed."},
	verdict.ReasonFromName: {Kind: string(verdict.ReasonFromName), Title: "The sender's name shows another address",
		Fix: "The display name pretends to be another address than the one the message comes from: treat the message as not signed and do not act on it."},
	verdict.ReasonDateMismatch: {Kind: string(verdict.ReasonDateMismatch), Title: "Signed at another time than the message's date",
		Fix: "The signature was made more than an hour before or after the Date of the message: it may be an old signed message sent again. Confirm with the sender before acting on it."},
}

// checkWarning is the warning for one failed check: by its reason code
// when it has one, else by its name (signWarnings).
func checkWarning(c verdict.Check) (Warning, bool) {
	if w, ok := reasonWarnings[c.Reason]; ok {
		if c.Detail != "" {
			w.Fix += " (" + c.Detail + ")"
		}
		return w, true
	}
	w, ok := signWarnings[c.Name]
	return w, ok
}
