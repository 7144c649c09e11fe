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
}
