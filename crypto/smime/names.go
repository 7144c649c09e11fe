package smime

import (
	"crypto/x509"
	"strings"
)

// Which e-mail addresses a certificate names, and which of them it
// proves. A green seal says "this came from the address in From", so the
// address must be one the signer's CAs were allowed to certify: Go's
// verifier applies rfc822Name name constraints to subjectAltName entries
// only, and a CA restricted to example.org could otherwise put
// ceo@bank.example in the legacy subject emailAddress attribute.

// Emails lists the addresses a certificate names for its subject,
// lowercased and deduplicated: its subjectAltName rfc822Names, or, only
// when it has none, the legacy subject emailAddress attributes (RFC 8550
// section 3, RFC 5280 section 4.2.1.6). They are claims, good for looking
// a certificate up; an address is proven only by provenEmails over a
// verified chain.
func Emails(cert *x509.Certificate) []string {
	if cert == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.ToLower(strings.TrimSpace(s))
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, e := range cert.EmailAddresses {
		add(e)
	}
	if len(out) > 0 {
		return out
	}
	for _, n := range cert.Subject.Names {
		if n.Type.Equal(oidEmailAddress) {
			if s, ok := n.Value.(string); ok {
				add(s)
			}
		}
	}
	return out
}

// provenEmails returns the addresses of Emails(cert) that the verified
// chain (leaf first, as buildChain returns it) allows: each must lie
// inside the permitted and outside the excluded rfc822Name subtrees of
// every CA above the leaf (RFC 5280 section 4.2.1.10, whose last paragraph
// extends them to the subject emailAddress when there is no
// subjectAltName). Go checks subjectAltNames already; they are checked
// again here so that "proven" means one thing whatever the address came
// from. refused says why the first refused address is not proven, "" when
// none was.
//
// It is the only judge of "the addresses this certificate proves": the
// From match, CanSign and CheckRecipient all go through it.
func provenEmails(cert *x509.Certificate, chain []*x509.Certificate) (proven []string, refused string) {
	var cas []*x509.Certificate
	switch {
	case len(chain) > 1:
		cas = chain[1:]
	case len(chain) == 1:
		// A certificate trusted on its own (directly, or a trust anchor
		// that is its own leaf) is bound by its own name constraints.
		cas = chain
	}
	for _, addr := range Emails(cert) {
		if why := emailConstraintProblem(addr, cas); why != "" {
			if refused == "" {
				refused = why
			}
			continue
		}
		proven = append(proven, addr)
	}
	return proven, refused
}

// emailConstraintProblem says why addr is outside the e-mail name
// constraints of one of cas, "" when every CA allows it.
func emailConstraintProblem(addr string, cas []*x509.Certificate) string {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return addr + " is not an e-mail address"
	}
	host := addr[at+1:]
	for _, ca := range cas {
		if len(ca.PermittedEmailAddresses) > 0 && !anyEmailConstraint(addr, host, ca.PermittedEmailAddresses) {
			return addr + " is outside the addresses the CA \"" + subjectCN(ca) + "\" may certify (name constraints)"
		}
		if anyEmailConstraint(addr, host, ca.ExcludedEmailAddresses) {
			return addr + " is among the addresses the CA \"" + subjectCN(ca) + "\" may not certify (name constraints)"
		}
	}
	return ""
}

// anyEmailConstraint matches an address against rfc822Name constraints
// with RFC 5280 section 4.2.1.10's semantics (OpenSSL's and NSS's): a
// full address names one mailbox, a host names every mailbox at exactly
// that host, and a name starting with "." every mailbox at a host below
// that domain.
func anyEmailConstraint(addr, host string, constraints []string) bool {
	for _, c := range constraints {
		c = strings.ToLower(strings.TrimSpace(c))
		switch {
		case c == "":
		case strings.Contains(c, "@"):
			if addr == c {
				return true
			}
		case strings.HasPrefix(c, "."):
			if strings.HasSuffix(host, c) {
				return true
			}
		case host == c:
			return true
		}
	}
	return false
}
