package security

import (
	"context"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// The reading side of a key removal (docs/team.md, the shared key
// directory): a team member deleted a certificate or public key on their
// laptop and their pass wrote an unkey record. Whoever holds the mailbox
// password can write one, so it is a notice, never an order: nothing is
// removed here. Candidates that only the team had offered are withdrawn
// from Found in mail (a key a mail carried stays: the mail still carries
// it); a key this laptop holds keeps working, and the admin is told, in
// the security log and beside the key in its list, so that they can
// decide. A later key record for the same key offers it again and drops
// the note.

// TeamKeyRemoval is a key this laptop holds that a team member removed on
// their laptop.
type TeamKeyRemoval struct {
	Account     int64  `json:"account"`
	UID         uint32 `json:"uid"`
	Format      string `json:"format"`
	Fingerprint string `json:"fingerprint"`
	// Label names the key as its list does (subject, or primary user ID).
	Label string `json:"label"`
	store.TeamRemoval
	// Note is the sentence the key's list shows beside it.
	Note string `json:"note"`
}

// teamKeyRemoved reads one unkey record and returns what it did here:
// "withdrawn" (team-only candidates), "noted" (a key we hold), or
// "nothing".
func (s *FoundKeys) teamKeyRemoved(ctx context.Context, r store.TeamKey, res *TeamKeysResult) (string, error) {
	tech := formatTech(r.Format)
	who := teamWho(r.Agent, r.AgentName)
	withdrawn, err := s.p.Store.WithdrawTeamCandidates(ctx, string(tech), r.Fingerprint)
	if err != nil {
		return "", err
	}
	for _, k := range withdrawn {
		s.log(ctx, tech, store.LogEntry{Direction: "in", Operation: "verify", Status: "success",
			Detail: teamWithdrawnText(r.UID, who, keyNoun(tech), k.Label, k.Address)})
	}
	res.Withdrawn = append(res.Withdrawn, withdrawn...)
	label, screen, held, err := s.heldKey(ctx, r.Format, r.Fingerprint)
	if err != nil {
		return "", err
	}
	if !held {
		if len(withdrawn) > 0 {
			return "withdrawn", nil
		}
		return "nothing", nil
	}
	rm := store.TeamRemoval{Agent: r.Agent, AgentName: r.AgentName, At: r.At}
	if err := s.p.Store.MarkTeamRemoved(ctx, r.Format, r.Fingerprint, rm); err != nil {
		return "", err
	}
	s.log(ctx, tech, store.LogEntry{Direction: "in", Operation: "verify", Status: "success",
		Detail: teamRemovedText(r.UID, who, keyNoun(tech), label, screen)})
	res.Removed = append(res.Removed, TeamKeyRemoval{Account: r.Account, UID: r.UID, Format: r.Format,
		Fingerprint: store.NormalFingerprint(r.Format, r.Fingerprint), Label: label, TeamRemoval: rm, Note: teamRemovedNote(rm, screen)})
	return "noted", nil
}

// heldKey says whether the inventory holds the key, how its list names
// it, and the screen that list is on.
func (s *FoundKeys) heldKey(ctx context.Context, format, fingerprint string) (label, screen string, held bool, err error) {
	fp := store.NormalFingerprint(format, fingerprint)
	if format == store.KeyFormatOpenPGP {
		k, err := s.p.Store.PGPKey(ctx, fp)
		if errors.Is(err, store.ErrNotFound) {
			return "", "", false, nil
		}
		return DescribePGP(k), screenPGPKeys, err == nil, err
	}
	c, err := s.p.Store.Certificate(ctx, fp)
	if errors.Is(err, store.ErrNotFound) {
		return "", "", false, nil
	}
	return Describe(c), screenCertificates, err == nil, err
}

// teamRemovedNotes returns the notes of one format's held keys that a
// team member removed, by fingerprint, for the key lists.
func (d *deps) teamRemovedNotes(ctx context.Context, format string) (map[string]*TeamRemovedNote, error) {
	marks, err := d.p.Store.TeamRemovedKeys(ctx, format)
	if err != nil {
		return nil, err
	}
	screen := screenCertificates
	if format == store.KeyFormatOpenPGP {
		screen = screenPGPKeys
	}
	out := make(map[string]*TeamRemovedNote, len(marks))
	for fp, m := range marks {
		out[fp] = &TeamRemovedNote{TeamRemoval: m, Note: teamRemovedNote(m, screen)}
	}
	return out, nil
}

// TeamRemovedNote is shown beside a held key that a team member removed
// on their laptop.
type TeamRemovedNote struct {
	store.TeamRemoval
	Note string `json:"note"`
}

// formatTech is a key record format's technology.
func formatTech(format string) verdict.Technology {
	if format == store.KeyFormatOpenPGP {
		return verdict.TechPGP
	}
	return verdict.TechSMIME
}

// teamFormat is a technology's key record format.
func teamFormat(tech verdict.Technology) string {
	if tech == verdict.TechPGP {
		return store.KeyFormatOpenPGP
	}
	return store.KeyFormatSMIME
}

// teamWho names an agent for a person: "Anna <anna@example.test>".
func teamWho(agent, name string) string {
	switch {
	case agent == "" && name == "":
		return "A team member"
	case name == "":
		return agent
	case agent == "":
		return name
	}
	return fmt.Sprintf("%s <%s>", name, agent)
}
