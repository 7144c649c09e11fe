package pgp

// Stable codes for the reasons, for the UI and scripts to branch on; the
// Comment beside a reason is the text for people.

var recipientReasonCodes = [...]string{
	RecipientOK: "ok", RecipientNoKey: "no_key", RecipientExpired: "expired", RecipientRevoked: "revoked",
	RecipientNoEncryptionKey: "no_encryption_key", RecipientAddressMismatch: "address_mismatch",
}

func (r RecipientReason) String() string {
	if int(r) < len(recipientReasonCodes) {
		return recipientReasonCodes[r]
	}
	return "unknown"
}

var signReasonCodes = [...]string{
	SignOK: "ok", SignNoKey: "no_key", SignNoSecretKey: "no_secret_key", SignExpired: "expired",
	SignRevoked: "revoked", SignNoSigningKey: "no_signing_key", SignLocked: "locked",
}

func (r SignReason) String() string {
	if int(r) < len(signReasonCodes) {
		return signReasonCodes[r]
	}
	return "unknown"
}
