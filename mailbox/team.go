package mailbox

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// The team desk (docs/team.md): after the mailbox sync, one pass over the
// account's team folder reads the records other laptops wrote, applies
// them by the store's rules, and writes what this laptop has to say
// (claims for its tickets, its queued changes, its agent identity).

// TeamOptions tunes a team pass. The zero value is what the app and
// sealctl use.
type TeamOptions struct {
	// Folder is the team folder; "" means team.DefaultFolder.
	Folder string
	// Dialer opens the IMAP connection; nil means the default. Tests pass
	// a cutting proxy's.
	Dialer imapx.ContextDialer
}

// teamConnect logs in to account a on a connection of its own for team
// work, over opt's dialer if it has one; unilateral, if not nil, hears
// what the server says unasked.
func (s *Service) teamConnect(ctx context.Context, a store.Account, opt TeamOptions, unilateral *imapclient.UnilateralDataHandler) (*imapx.Client, error) {
	cfg, err := s.IMAPConfig(a)
	if err != nil {
		return nil, err
	}
	if opt.Dialer != nil {
		cfg.Dialer = opt.Dialer
	}
	cfg.Unilateral = unilateral
	return imapx.Connect(ctx, cfg)
}

// TeamSummary sums up one team pass.
type TeamSummary struct {
	Account string `json:"account"`
	// Off: the account has team records turned off; nothing was done.
	Off bool `json:"off,omitempty"`
	// Read records (and other messages) from the folder; Written records.
	Read    int `json:"read"`
	Written int `json:"written"`
	Applied int `json:"applied"`
	Lost    int `json:"lost"`
	// Reset: the log was lost (folder deleted, emptied, records
	// expunged) and this laptop started a new epoch (docs/team.md).
	Reset bool `json:"reset,omitempty"`
	// Skipped are messages of the folder that are not readable records
	// (the first maxSkipped): logged here, never fatal.
	Skipped []SkippedRecord `json:"skipped,omitempty"`
	// Conflicts are this laptop's changes that lost to another agent's
	// (exactly one of two concurrent writers is told).
	Conflicts []store.TeamConflict `json:"conflicts,omitempty"`
	// Keys is what became of the keys team members published or removed
	// (the shared key directory): offered under Found in mail, accepted
	// by the laptop's setting, or ignored (and logged); withdrawn from
	// Found in mail, or noted beside a key held here, after a removal;
	// nil when none arrived.
	Keys *security.TeamKeysResult `json:"keys,omitempty"`
	// KeysError: the keys read could not be judged now; they are on the
	// next pass.
	KeysError string `json:"keys_error,omitempty"`
}

// SkippedRecord is a message of the team folder that was not applied.
type SkippedRecord struct {
	UID    uint32 `json:"uid"`
	Reason string `json:"reason"`
}

const maxSkipped = 20

// TeamSync runs one team pass over the named account on a connection of
// its own.
func (s *Service) TeamSync(ctx context.Context, name string, opt TeamOptions) (TeamSummary, error) {
	sum := TeamSummary{Account: name}
	a, err := s.p.Store.AccountByName(ctx, name)
	if err != nil {
		return sum, err
	}
	if a.NoTeam {
		sum.Off = true
		return sum, nil
	}
	c, err := s.teamConnect(ctx, a, opt, nil)
	if err != nil {
		return sum, err
	}
	defer c.Logout()
	mu := s.teamLock(name)
	mu.Lock()
	defer mu.Unlock()
	err = s.teamPass(ctx, c, a, opt, &sum)
	s.offerTeamKeys(ctx, &sum)
	return sum, err
}

// offerTeamKeys hands the key records read to the security side, which
// offers them under Found in mail (never trusts them). It runs after a
// pass that failed midway too: what was read is committed.
func (s *Service) offerTeamKeys(ctx context.Context, sum *TeamSummary) {
	keys, err := s.sec.FoundKeys.OfferTeamKeys(ctx)
	if err != nil {
		sum.KeysError = err.Error()
	}
	if len(keys.Offered)+len(keys.Accepted)+len(keys.Ignored)+keys.Held+len(keys.Withdrawn)+len(keys.Removed) > 0 {
		sum.Keys = &keys
	}
}

// teamPass reads, applies, publishes, writes and reads back.
func (s *Service) teamPass(ctx context.Context, c *imapx.Client, a store.Account, opt TeamOptions, sum *TeamSummary) error {
	st := s.p.Store
	f, err := team.Open(ctx, c, opt.Folder)
	if err != nil {
		return err
	}
	held, err := st.TeamFolderState(ctx, a.ID)
	if err != nil {
		return err
	}
	// A new UIDVALIDITY (the folder deleted and made again) or fewer
	// messages than we hold (expunged by hand): the log is lost.
	if held.UIDValidity != 0 && (held.UIDValidity != f.Status.UIDValidity || f.Status.Messages < held.Messages) {
		if err := st.ResetTeam(ctx, a.ID); err != nil {
			return err
		}
		sum.Reset = true
		held = store.TeamFolder{}
	}
	held.Name, held.UIDValidity, held.HighestModSeq = f.Name, f.Status.UIDValidity, f.Status.HighestModSeq
	if err := s.teamRead(ctx, f, a.ID, &held, sum); err != nil {
		return err
	}
	if err := s.teamPublish(ctx, a); err != nil {
		return err
	}
	queued, err := st.TeamOutbox(ctx, a.ID)
	if err != nil || len(queued) == 0 {
		return err
	}
	for _, o := range queued {
		if said, err := s.logSaysAlready(ctx, a.ID, o); err != nil {
			return err
		} else if said {
			continue
		}
		uid, err := f.Append(ctx, o.Raw)
		if err != nil {
			// Still queued: written on the next pass. If the APPEND
			// reached the server, reading finds it by its Message-ID and
			// it leaves the queue unwritten a second time.
			return err
		}
		_ = uid
		sum.Written++
	}
	// Read our own records back: their outcome (applied or lost) is
	// known before the pass returns.
	if err := f.Refresh(ctx); err != nil {
		return err
	}
	if f.Status.UIDValidity != held.UIDValidity {
		return fmt.Errorf("mailbox: %w", team.ErrFolderReset)
	}
	return s.teamRead(ctx, f, a.ID, &held, sum)
}

// logSaysAlready drops a queued key or unkey record that the log, as read
// by this pass, says already: another laptop published the same key (or
// its removal) since this one queued it. Two laptops holding the same
// certificate then write it once each at most, never again and again.
func (s *Service) logSaysAlready(ctx context.Context, account int64, o store.TeamOutgoing) (bool, error) {
	if o.Kind != string(team.KindKey) && o.Kind != string(team.KindUnkey) {
		return false, nil
	}
	r, err := team.Parse(o.Raw)
	if err != nil {
		// Ours, built by team.Build: written as it is, like any record.
		return false, nil
	}
	held, removed, err := s.p.Store.TeamLogSays(ctx, account, r.Format, r.Fingerprint, r.Data)
	if err != nil {
		return false, err
	}
	if (r.Kind == team.KindKey && held) || (r.Kind == team.KindUnkey && removed) {
		return true, s.p.Store.DropTeamOutbox(ctx, account, o.MessageID)
	}
	return false, nil
}

// teamRead applies the folder's messages above held.LastUID, batch by
// batch, each batch in one transaction with the read position.
func (s *Service) teamRead(ctx context.Context, f *team.Folder, account int64, held *store.TeamFolder, sum *TeamSummary) error {
	return f.Fetch(ctx, held.LastUID, func(batch []team.Fetched) error {
		recs := make([]store.TeamRecord, 0, len(batch))
		for _, fe := range batch {
			if fe.Err != nil {
				if len(sum.Skipped) < maxSkipped {
					sum.Skipped = append(sum.Skipped, SkippedRecord{UID: fe.UID, Reason: fe.Err.Error()})
				}
				recs = append(recs, store.TeamRecord{UID: fe.UID, MessageID: fe.Record.MessageID})
				continue
			}
			recs = append(recs, fromRecord(fe.UID, fe.Record))
		}
		next := *held
		next.LastUID = batch[len(batch)-1].UID
		res, err := s.p.Store.ApplyTeamRecords(ctx, account, recs, next)
		if err != nil {
			return err
		}
		next.Messages += uint32(len(recs))
		*held = next
		sum.Read += len(recs)
		sum.Applied += res.Applied
		sum.Lost += res.Lost
		sum.Conflicts = append(sum.Conflicts, res.Conflicts...)
		return nil
	})
}

// fromRecord is a record in the store's terms.
func fromRecord(uid uint32, r team.Record) store.TeamRecord {
	out := store.TeamRecord{UID: uid, MessageID: r.MessageID, Kind: string(r.Kind), Root: r.Root, State: r.State,
		Until: r.Until, Owner: r.Owner, Base: r.Base, Address: r.Address, Name: r.Name, Agent: r.Agent, At: r.At, Republish: r.Republish,
		Format: r.Format, Data: r.Data, Fingerprint: r.Fingerprint, Seen: r.Seen, Articles: r.Articles}
	for _, c := range r.Claims {
		out.Claims = append(out.Claims, store.TeamClaim{Root: c.Root, Number: c.Number})
	}
	return out
}

// teamPublish queues what the log lacks: claims for this laptop's
// tickets, their states and owners when the log has none, and the agent
// identity when the log does not say it yet.
func (s *Service) teamPublish(ctx context.Context, a store.Account) error {
	st := s.p.Store
	claims, changes, err := st.TeamToPublish(ctx, a.ID)
	if err != nil {
		return err
	}
	from := s.agentAddress(ctx, a)
	var out []store.TeamOutgoing
	add := func(r team.Record, claimRoots []string, keyQueueID int64) error {
		r.MessageID, r.Agent, r.At = team.NewMessageID(), from.Address, time.Now().UTC()
		raw, err := team.Build(r, from)
		if err != nil {
			return err
		}
		root := r.Root
		if r.Kind == team.KindKey || r.Kind == team.KindUnkey {
			root = store.TeamKeySubject(r.Format, r.Fingerprint)
		}
		out = append(out, store.TeamOutgoing{MessageID: r.MessageID, Raw: raw, Root: root, Kind: string(r.Kind),
			ClaimRoots: claimRoots, KeyQueueID: keyQueueID})
		return nil
	}
	for chunk := range slices.Chunk(claims, team.MaxClaims) {
		r := team.Record{Kind: team.KindClaim}
		roots := make([]string, len(chunk))
		for i, c := range chunk {
			r.Claims = append(r.Claims, team.Claim{Root: c.Root, Number: c.Number})
			roots[i] = c.Root
		}
		if err := add(r, roots, 0); err != nil {
			return err
		}
	}
	for _, ch := range changes {
		if err := add(team.Record{Kind: team.Kind(ch.Kind), Root: ch.Root, State: ch.State, Until: ch.Until, Owner: ch.Owner, Republish: true}, nil, 0); err != nil {
			return err
		}
	}
	if r, ok, err := s.agentRecord(ctx, a); err != nil {
		return err
	} else if ok {
		if err := add(r, nil, 0); err != nil {
			return err
		}
	}
	if err := s.teamPublishKeys(ctx, a.ID, add); err != nil {
		return err
	}
	if len(out) == 0 {
		return nil
	}
	return st.QueueTeamRecords(ctx, a.ID, out)
}

// teamPublishKeys adds a key record for each public key imported here that
// the log does not hold yet, and an unkey record for each one deleted here
// (store.TeamKeysToPublish). On a profile's first pass, the first of a new
// epoch, or the first after team records were switched back on, the
// whole inventory is queued first, marked republish
// (store.QueueTeamInventory): what the log holds by now is left out. A
// key mail/team refuses to write (secret material, too large) stays out
// of the log and leaves the queue: it is never retried into a record.
func (s *Service) teamPublishKeys(ctx context.Context, account int64, add func(team.Record, []string, int64) error) error {
	if _, err := s.p.Store.QueueTeamInventory(ctx, account); err != nil {
		return err
	}
	keys, err := s.p.Store.TeamKeysToPublish(ctx, account)
	if err != nil {
		return err
	}
	var refused []int64
	for _, k := range keys {
		r := team.Record{Kind: team.KindKey, Address: k.Address, Format: k.Format, Data: k.Data, Fingerprint: k.Fingerprint, Republish: k.Republish}
		if k.Removed {
			r.Kind, r.Data = team.KindUnkey, nil
		}
		if err := add(r, nil, k.QueueID); errors.Is(err, team.ErrInvalid) {
			refused = append(refused, k.QueueID)
		} else if err != nil {
			return err
		}
	}
	return s.p.Store.DropTeamKeys(ctx, refused)
}

// agentAddress is who this laptop's records are from: the agent identity
// when set (sealctl agent set, Settings), else the account's user name.
func (s *Service) agentAddress(ctx context.Context, a store.Account) *mail.Address {
	name, _ := s.p.Store.Setting(ctx, store.SettingAgentName)
	addr, _ := s.p.Store.Setting(ctx, store.SettingAgentAddress)
	if addr == "" {
		addr = a.Username
	}
	return &mail.Address{Name: name, Address: addr}
}

// ErrNoAgent: a change needs this laptop's agent identity.
var ErrNoAgent = errors.New("mailbox: no agent identity: set one first (sealctl agent set NAME ADDRESS, or Settings)")

// afterSync runs the team pass after a completed mailbox sync: the one
// place the sync calls into the team desk.
func (s *Service) afterSync(ctx context.Context, name string, opt SyncOptions, sum *Summary) {
	ts, err := s.TeamSync(ctx, name, opt.Team)
	if ts.Off {
		return
	}
	sum.Team = &ts
	if err != nil {
		sum.TeamError = err.Error()
	}
}
