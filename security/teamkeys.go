package security

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// The reading side of the team's shared key directory (docs/team.md): a
// key another laptop published is a key found, like one a mail carried. It
// is parsed here with the engines' own parsers, strictly, and offered under
// "Found in mail" with its origin ("from your team: Anna imported this").
// Whoever holds the mailbox password can write a key record, so a record
// never makes a key trusted: a CA certificate, a key change, an OpenPGP
// key and anything we hold for the address always wait for the admin.
// Only a plain addition may be accepted without asking, and only when the
// laptop's setting (store.SettingTeamAutoAcceptKeys) says so: a leaf S/MIME
// certificate that this laptop's own trusted CAs vouch for
// (smime.Engine.CheckRecipient: the chain, the validity, the usage and
// the address the CA certifies), for addresses we hold no certificate for.

// TeamKeysResult sums up one OfferTeamKeys.
type TeamKeysResult struct {
	// Offered wait under Found in mail; Accepted were plain additions
	// accepted by the laptop's setting; Held we hold already, unchanged.
	Offered  []store.PendingKey `json:"offered"`
	Accepted []store.PendingKey `json:"accepted"`
	Held     int                `json:"held"`
	// Ignored are key records whose key does not parse or does not match
	// what the record says; they are logged and never offered.
	Ignored []IgnoredTeamKey `json:"ignored"`
	// Withdrawn are candidates only the team had offered, taken out of
	// Found in mail because a team member removed the key (an unkey
	// record); Removed are keys this laptop holds that a team member
	// removed on theirs: they stay here until an admin removes them.
	Withdrawn []store.PendingKey `json:"withdrawn"`
	Removed   []TeamKeyRemoval   `json:"removed"`
}

// IgnoredTeamKey is a key record that was not offered.
type IgnoredTeamKey struct {
	Account int64  `json:"account"`
	UID     uint32 `json:"uid"`
	Reason  string `json:"reason"`
}

// ErrTeamKey: a key record's key is not what the record says, or not a
// public key the engines read.
var ErrTeamKey = errors.New("security: team key record refused")

// OfferTeamKeys judges the key and unkey records the team passes read
// and did not judge yet (store.TeamKeysToOffer), each once, in UID order.
// A record that cannot be judged now (the store failing) stays waiting
// for the next pass.
func (s *FoundKeys) OfferTeamKeys(ctx context.Context) (TeamKeysResult, error) {
	res := TeamKeysResult{Offered: []store.PendingKey{}, Accepted: []store.PendingKey{}, Ignored: []IgnoredTeamKey{},
		Withdrawn: []store.PendingKey{}, Removed: []TeamKeyRemoval{}}
	recs, err := s.p.Store.TeamKeysToOffer(ctx)
	if err != nil || len(recs) == 0 {
		return res, err
	}
	auto, err := s.p.Store.BoolSetting(ctx, store.SettingTeamAutoAcceptKeys)
	if err != nil {
		return res, err
	}
	for _, r := range recs {
		if r.Removal {
			outcome, err := s.teamKeyRemoved(ctx, r, &res)
			if err != nil {
				return res, err
			}
			if err := s.p.Store.DecideTeamKey(ctx, r.Account, r.UID, true, "", outcome); err != nil {
				return res, err
			}
			continue
		}
		status, reason, err := s.offerTeamKey(ctx, r, auto, &res)
		if err != nil {
			return res, err
		}
		if status != store.TeamKeyIgnored {
			// Published again after a removal: the note that a team
			// member removed it is no longer true.
			if err := s.p.Store.ClearTeamRemoved(ctx, r.Format, r.Fingerprint); err != nil {
				return res, err
			}
		}
		if status == store.TeamKeyIgnored {
			res.Ignored = append(res.Ignored, IgnoredTeamKey{Account: r.Account, UID: r.UID, Reason: reason})
			// The log's operations are fixed (sign, verify, encrypt,
			// decrypt): reading a published key is a verification.
			s.log(ctx, formatTech(r.Format), store.LogEntry{Direction: "in", Operation: "verify", Status: "failed",
				Detail: fmt.Sprintf("team key record %d from %s ignored: %s", r.UID, r.Agent, reason)})
		}
		if err := s.p.Store.DecideTeamKey(ctx, r.Account, r.UID, false, status, reason); err != nil {
			return res, err
		}
	}
	return res, nil
}

// offerTeamKey judges one record: its status, and for an ignored one why.
func (s *FoundKeys) offerTeamKey(ctx context.Context, r store.TeamKey, auto bool, res *TeamKeysResult) (status, reason string, err error) {
	var pk store.PendingKey
	var ok bool
	var cert *x509.Certificate
	switch r.Format {
	case store.KeyFormatSMIME:
		cert, err = teamCertificate(r)
		if err == nil {
			pk, ok = s.foundCertificate(ctx, cert, verdict.SignResult{Success: true}, nil)
		}
	case store.KeyFormatOpenPGP:
		var k *pgp.Key
		k, err = teamPGPKey(r)
		if err == nil {
			pk, ok = s.foundPGP(ctx, pgp.FoundKey{Source: "attachment", Address: strings.ToLower(r.Address), Key: k}, s.now())
		}
	default:
		err = fmt.Errorf("%w: format %q", ErrTeamKey, r.Format)
	}
	if err != nil {
		return store.TeamKeyIgnored, err.Error(), nil
	}
	if !ok {
		// We hold it with nothing new (or the store could not say: the
		// same record is not judged again, a mail or an import brings it).
		res.Held++
		return store.TeamKeyHeld, "", nil
	}
	// Source keeps the store's vocabulary (its CHECK allows autocrypt,
	// attachment, signature): a key record's key is carried like an
	// attached key; Origin says it came from the team.
	pk.Source, pk.Origin, pk.OriginAgent, pk.OriginAgentName = "attachment", store.OriginTeam, r.Agent, r.AgentName
	added, err := s.p.Store.AddPendingKeys(ctx, []store.PendingKey{pk})
	if err != nil {
		return "", "", err
	}
	if len(added) == 0 {
		// Pending already (found in mail, or published twice) or rejected
		// here before: left as it is.
		return store.TeamKeyOffered, "", nil
	}
	pk = added[0]
	if auto && cert != nil && s.plainAddition(ctx, cert, pk) {
		if _, err := s.Accept(ctx, pk.ID); err != nil {
			return "", "", err
		}
		if pk, err = s.p.Store.PendingKey(ctx, pk.ID); err != nil {
			return "", "", err
		}
		res.Accepted = append(res.Accepted, pk)
		return store.TeamKeyAccepted, "", nil
	}
	res.Offered = append(res.Offered, pk)
	return store.TeamKeyOffered, "", nil
}

// plainAddition: a leaf certificate, for addresses we hold no certificate
// for, that this laptop's trusted CAs vouch for, for the address it is
// offered for. Anything else waits for the admin.
func (s *FoundKeys) plainAddition(ctx context.Context, c *x509.Certificate, pk store.PendingKey) bool {
	if c.IsCA || pk.KeyChange || pk.Update || pk.Address == "" {
		return false
	}
	held, err := s.p.Store.Certificates(ctx)
	if err != nil {
		return false
	}
	for _, h := range held {
		for _, e := range smime.Emails(c) {
			if containsFold(h.Emails, e) {
				return false
			}
		}
	}
	kr, err := s.smimeKeyring(ctx)
	if err != nil {
		return false
	}
	return smime.NewEngine(kr).CheckRecipient(pk.Address, c, s.now()).OK
}

// teamCertificate reads a key record's certificate with the engine's
// parser: exactly one certificate, exactly the record's DER, with the
// record's fingerprint, for the record's address.
func teamCertificate(r store.TeamKey) (*x509.Certificate, error) {
	certs, err := smime.ParseCertificates(r.Data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTeamKey, err)
	}
	if len(certs) != 1 || !bytes.Equal(certs[0].Raw, r.Data) {
		return nil, fmt.Errorf("%w: not exactly one DER certificate", ErrTeamKey)
	}
	c := certs[0]
	if !strings.EqualFold(smime.Fingerprint(c), r.Fingerprint) {
		return nil, fmt.Errorf("%w: the certificate is %s, not the fingerprint the record says", ErrTeamKey, smime.Fingerprint(c))
	}
	if r.Address != "" && !containsFold(smime.Emails(c), r.Address) {
		return nil, fmt.Errorf("%w: the certificate is not for %s", ErrTeamKey, r.Address)
	}
	return c, nil
}

// teamPGPKey reads a key record's OpenPGP key with the engine's parser:
// exactly one public key, with the record's fingerprint, carrying the
// record's address. A secret key is refused (mail/team refuses it too).
func teamPGPKey(r store.TeamKey) (*pgp.Key, error) {
	keys, err := pgp.ParseKeys(r.Data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTeamKey, err)
	}
	if len(keys) != 1 {
		return nil, fmt.Errorf("%w: %d keys, want one", ErrTeamKey, len(keys))
	}
	k := keys[0]
	if k.Secret {
		return nil, fmt.Errorf("%w: a secret key", ErrTeamKey)
	}
	if !strings.EqualFold(k.Fingerprint, r.Fingerprint) {
		return nil, fmt.Errorf("%w: the key is %s, not the fingerprint the record says", ErrTeamKey, k.Fingerprint)
	}
	if r.Address != "" && !containsFold(k.Emails, r.Address) {
		return nil, fmt.Errorf("%w: the key does not carry %s", ErrTeamKey, r.Address)
	}
	return k, nil
}
