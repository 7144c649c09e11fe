package verdict

import (
	"errors"
	"fmt"
	"strings"
)

// A Technology has two spellings, both contracts: the display one of its
// value ("S/MIME", "PGP": results, groups, the outbox, `inspect --json`)
// and the short one of sealctl's `--type smime|pgp` and of send requests.
// This type owns both; callers convert with ParseTechnology and Short.

// Technologies lists the technologies an article, a group or an outgoing
// message can use (TechNone is none of them).
func Technologies() []Technology { return []Technology{TechSMIME, TechPGP} }

// Short is the technology as sealctl's --type flag spells it: "smime",
// "pgp", or "" for TechNone.
func (t Technology) Short() string {
	switch t {
	case TechSMIME:
		return "smime"
	case TechPGP:
		return "pgp"
	}
	return ""
}

// ErrUnknownTechnology: a spelling that names no technology.
var ErrUnknownTechnology = errors.New("verdict: unknown technology (want smime or pgp)")

// ParseTechnology reads either spelling of a technology, in any case:
// "smime" or "S/MIME", "pgp" or "PGP". "" is TechNone; what it means
// (none, or a default) is the caller's to decide.
func ParseTechnology(s string) (Technology, error) {
	if s == "" {
		return TechNone, nil
	}
	for _, t := range Technologies() {
		if strings.EqualFold(s, t.Short()) || strings.EqualFold(s, string(t)) {
			return t, nil
		}
	}
	return TechNone, fmt.Errorf("%w: %q", ErrUnknownTechnology, s)
}
