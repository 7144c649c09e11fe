package smime

import "crypto/x509"

// RecipientStatus says whether a message can be encrypted to one address,
// and with which certificate.
type RecipientStatus struct {
	Address     string
	OK          bool
	Reason      RecipientReason
	Comment     string            // for a person: what is wrong and what to do
	Certificate *x509.Certificate // the certificate that would be used (nil when none)
}

// SignStatus says whether a message can be signed as an address.
type SignStatus struct {
	Address     string
	OK          bool
	Reason      SignReason
	Comment     string
	Certificate *x509.Certificate
	// Note is set on an OK status that the agent should know about:
	// SignNoteCANotImported. Comment says it in words.
	Note SignNote
}

// SignNote is a typed remark on a signature that can be made.
type SignNote string

// SignNoteCANotImported: our certificate does not chain to an imported
// CA. The message is signed; recipients verify it only if they hold our
// CA, and the agent is told so before sending.
const SignNoteCANotImported SignNote = "ca_not_imported"
