package security

import (
	"fmt"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// The one list a message is encrypted to, and its one judgement. Readiness
// shows it before a send and Seal and Copies refuse on it, so the composer
// cannot say "Encrypt is possible" about a message that sealing then
// refuses: both call encryptionStatuses over the same encryptTo list.

// judge is an engine's answer to "can it", over the public material of
// one request (the certificates or keys it holds, the agent's picks): it
// says whether from can sign and, per address, whether it can be
// encrypted to. No private key is unlocked.
type judge struct {
	sign       func(from string) AddressStatus
	recipients func(addrs []string) []AddressStatus
	release    func()
}

// encryptTo is every address a message from `from` to rcpts is encrypted
// to: the recipients (To, Cc and Bcc, or one Bcc copy's), and the sender,
// so that the copy kept in Sent stays readable to us (see Copies). Each
// address is lowercased and listed once; the sender comes last.
func encryptTo(from string, rcpts []string) []string {
	from = normAddress(from)
	seen := map[string]bool{"": true, from: true}
	out := make([]string, 0, len(rcpts)+1)
	for _, a := range rcpts {
		if a = normAddress(a); !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	if from != "" {
		out = append(out, from)
	}
	return out
}

// encryptionStatuses judges every address of encryptTo(from, rcpts). The
// sender's own entry is marked Own and, when it fails, says that the
// helpdesk's own certificate or key is what is missing, and where to
// import it: the engines' words ("ask them for a signed message") are
// about a customer.
func encryptionStatuses(j *judge, tech verdict.Technology, from string, rcpts []string) []AddressStatus {
	out := j.recipients(encryptTo(from, rcpts))
	own := normAddress(from)
	for i := range out {
		if normAddress(out[i].Address) == own {
			out[i].Own = true
			if !out[i].OK {
				out[i].Comment = ownComment(tech, out[i])
			}
		}
	}
	return out
}

// ownComment says why the helpdesk's own address cannot be encrypted to,
// naming the screen and button that fix it.
func ownComment(tech verdict.Technology, a AddressStatus) string {
	why := "every encrypted message is encrypted to it too, so that the copy in Sent stays readable"
	switch {
	case tech == verdict.TechPGP && a.Reason == "no_key":
		return fmt.Sprintf("the helpdesk address %s has no OpenPGP key of its own: import its secret key under Admin → PGP keys → Add key (%s)", a.Address, why)
	case tech == verdict.TechPGP:
		return fmt.Sprintf("the helpdesk address %s cannot be encrypted to with its own OpenPGP key (%s): %s", a.Address, why, a.Comment)
	case a.Reason == "no_certificate":
		return fmt.Sprintf("the helpdesk address %s has no certificate of its own: import your .p12 under Admin → Certificates → Add private key or PKCS #12 (%s)", a.Address, why)
	}
	return fmt.Sprintf("the helpdesk address %s cannot be encrypted to with its own certificate (%s): %s", a.Address, why, a.Comment)
}

// NotReadyError: a message cannot be encrypted to every address it must
// be, its recipients and the sender (see encryptTo). Recipients are the
// addresses that fail, as Readiness reports them (the sender's is Own).
// Sealing returns it before any engine runs.
type NotReadyError struct {
	Technology verdict.Technology
	Recipients []AddressStatus
}

func (e *NotReadyError) Error() string {
	names := make([]string, 0, len(e.Recipients))
	for _, a := range e.Recipients {
		names = append(names, a.Address+" ("+a.Comment+")")
	}
	return fmt.Sprintf("security: cannot encrypt with %s to %s", e.Technology, strings.Join(names, "; "))
}

// encryptable is nil when every address of encryptTo(from, rcpts) can be
// encrypted to, else a *NotReadyError naming those that cannot.
func encryptable(j *judge, tech verdict.Technology, from string, rcpts []string) error {
	var bad []AddressStatus
	for _, a := range encryptionStatuses(j, tech, from, rcpts) {
		if !a.OK {
			bad = append(bad, a)
		}
	}
	if len(bad) > 0 {
		return &NotReadyError{Technology: tech, Recipients: bad}
	}
	return nil
}
