package smime

// Stable codes for the reasons, for the UI and scripts to branch on; the
// Comment beside a reason is the text for people.

var recipientReasonCodes = [...]string{
	RecipientOK: "ok", RecipientNoCertificate: "no_certificate", RecipientExpired: "expired",
	RecipientNotYetValid: "not_yet_valid", RecipientWrongKeyUsage: "wrong_key_usage",
	RecipientUntrusted: "untrusted", RecipientAddressMismatch: "address_mismatch",
	RecipientUnsupportedKey: "unsupported_key",
}

func (r RecipientReason) String() string {
	if int(r) < len(recipientReasonCodes) {
		return recipientReasonCodes[r]
	}
	return "unknown"
}

var signReasonCodes = [...]string{
	SignOK: "ok", SignNoCertificate: "no_certificate", SignNoPrivateKey: "no_private_key",
	SignExpired: "expired", SignWrongKeyUsage: "wrong_key_usage", SignUnsupportedKey: "unsupported_key",
	SignUntrusted: "untrusted",
}

func (r SignReason) String() string {
	if int(r) < len(signReasonCodes) {
		return signReasonCodes[r]
	}
	return "unknown"
}
