package pgp

import (
	"net/mail"
	"sort"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// A user ID binds an address to a key only through its self-certification
// (RFC 9580 section 5.2.1, types 0x10-0x13, made by the primary key over
// the primary key and the user ID). Anyone can append a user ID packet to
// someone else's key, with no signature or with one copied from another
// user ID, and go-crypto's reader keeps the second kind unchecked: it
// attaches a user ID to the entity as soon as one signature after it
// names the primary key as issuer (openpgp/v2 readUser), whether or not
// that signature verifies. A user ID with no such signature at all is
// dropped by the reader itself. So every user ID is checked here, once,
// at parse time, and the ones that do not verify are removed from the
// entity: nothing downstream (Emails, the store's index, the composer's
// choice of key, the From check, merging, export) can see them.
//
// The self-certification that counts is the newest one that verifies
// (GnuPG's rule too): a newer invalid one, which anyone can append with
// any creation date, must not take a genuine user ID away.

// farFuture judges revocations whatever their date: a user ID revoked
// once is never listed again.
var farFuture = time.Unix(1<<40, 0)

// dropUnverifiedUserIDs removes from e the user IDs that carry no valid
// self-certification and returns them, sorted.
func dropUnverifiedUserIDs(e *openpgp.Entity) []string {
	var dropped []string
	for name, id := range e.Identities {
		// A zero date: no expiry checks, only the signature itself (an
		// expired user ID still tells whose old signatures these are).
		if _, err := id.LatestValidSelfCertification(time.Time{}, nil); err != nil {
			delete(e.Identities, name)
			dropped = append(dropped, name)
		}
	}
	sort.Strings(dropped)
	return dropped
}

// userIDs lists e's user IDs that are self-certified and not revoked,
// sorted, and their addresses, lowercased and deduplicated. A revocation
// counts only when it verifies and is not older than the
// self-certification it revokes (RFC 9580 section 5.2.1.13: a user ID can
// be certified again after a revocation).
func userIDs(e *openpgp.Entity) (names, emails []string) {
	for name, id := range e.Identities {
		sig, err := id.LatestValidSelfCertification(time.Time{}, nil)
		if err != nil || id.Revoked(sig, farFuture, nil) {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	seen := map[string]bool{}
	for _, n := range names {
		if a := userIDEmail(e.Identities[n].UserId); a != "" && !seen[a] {
			seen[a] = true
			emails = append(emails, a)
		}
	}
	return names, emails
}

// userIDEmail extracts the address of a user ID ("Name <a@b>" or "a@b").
func userIDEmail(u *packet.UserId) string {
	if u == nil {
		return ""
	}
	if u.Email != "" {
		return strings.ToLower(u.Email)
	}
	if a, err := mail.ParseAddress(u.Id); err == nil {
		return strings.ToLower(a.Address)
	}
	if strings.Count(u.Id, "@") == 1 && !strings.ContainsAny(u.Id, " <>") {
		return strings.ToLower(u.Id)
	}
	return ""
}
