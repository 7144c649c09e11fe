package mailbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/smtp"
	"github.com/sealdesk/sealdesk/mail/thread"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// Sending. A message is sealed, then written to the outbox (store) in one
// transaction before any network I/O, then submitted (RFC 6409). The
// guarantees:
//
//   - Never lost: until the server acknowledged DATA the row stays in the
//     outbox (queued with a backoff, or failed for a 5xx refusal) and
//     FlushOutbox retries the due ones.
//   - Never sent twice on purpose: the row is marked sent in the step that
//     got the server's 250. A row found in "sending" after its lease ran out
//     (the process died mid-attempt, or the connection broke after the
//     final dot: smtp.ErrUnknownOutcome) is not resent blindly: its
//     Message-ID is looked for in the account's Sent folder first; found,
//     it is marked sent; not found, it is sent again, once; when Sent
//     cannot be checked it waits.
//
//   - Bcc copies (encrypted mail with Bcc recipients, see
//     security.Sealing.Copies) are sent before the row's own message, over the
//     same connection, and each is recorded as sent the moment the server
//     accepted it (store.OutboxCopy.Sent): a retry sends only the copies
//     not yet accepted, then the main message. The main message goes last
//     because its acceptance is what marks the row sent: "sent" means
//     every recipient got their copy, and a Message-ID found in Sent
//     during recovery means the Bcc copies had gone out before it. A
//     refusal of one copy stops the attempt (failed for a 5xx, as a
//     refused recipient of a plain message does); the copies accepted
//     before it stay recorded and are not sent again.
//
// WARNING: the window between the 250 and the commit marking the row sent
// is not covered: a crash exactly there resends the message (with the same
// Message-ID, which receiving clients use to fold duplicates), unless the
// server saved its own copy to Sent. The same holds for each Bcc copy and
// its record. And on a server that files submitted mail into Sent itself
// (Gmail), a Bcc copy carries the message's Message-ID: a row cut off
// after its last Bcc copy was accepted and before the outcome of the main
// message was known is then taken as sent.

const (
	// sendLease is how long an attempt owns a row; longer than any SMTP
	// timeout of mail/smtp.
	sendLease = 10 * time.Minute
	// firstRetry doubles per attempt up to maxRetry.
	firstRetry, maxRetry = 30 * time.Second, time.Hour
)

// backoff is the wait after the n-th failed attempt (n >= 1).
func backoff(n int) time.Duration {
	d := firstRetry
	for i := 1; i < n && d < maxRetry; i++ {
		d *= 2
	}
	return min(d, maxRetry)
}

// SendInput is one outgoing message.
type SendInput struct {
	// Account sends it; empty means the only account.
	Account string
	// Raw is the plain RFC 5322 message. A missing Message-ID and Date are
	// added before sealing.
	Raw []byte
	// Sign and Encrypt seal it; Technology is either spelling of one
	// (verdict.ParseTechnology: "smime" or "S/MIME", "pgp" or "PGP"); empty means the technology of the group whose sender address
	// is the From address, else S/MIME.
	Sign, Encrypt bool
	Technology    string
	// Keys are the S/MIME certificates or OpenPGP keys (as Technology
	// says) the agent picked for recipients with several (nil: the
	// engine's pick).
	Keys security.KeyChoice
	// Progress, when set, hears each step as it starts: StepSealing,
	// StepQueued, StepSending (the composer's progress). The outcome is
	// the result.
	Progress func(step SendStep)
}

func (in SendInput) step(name SendStep) {
	if in.Progress != nil {
		in.Progress(name)
	}
}

// SendResult says what happened to one message.
type SendResult struct {
	OutboxID  int64  `json:"outbox_id"`
	Account   string `json:"account"`
	MessageID string `json:"message_id"`
	// Status is the outbox status: sent, queued (retried at NextAttemptAt),
	// failed (refused for good) or sending (outcome unknown, checked in Sent
	// at NextAttemptAt).
	Status        store.OutboxStatus `json:"status"`
	Attempts      int                `json:"attempts"`
	NextAttemptAt time.Time          `json:"next_attempt_at"`
	// Technology is "S/MIME", "PGP" or empty (sent as written).
	Technology string   `json:"technology"`
	Signed     bool     `json:"signed"`
	SignedAs   string   `json:"signed_as"`
	Encrypted  bool     `json:"encrypted"`
	Recipients []string `json:"recipients"` // the envelope, Bcc included
	ArticleID  int64    `json:"article_id"`
	// SentFolder is where the copy was saved; SentCopyError why it was not.
	SentFolder    string `json:"sent_folder"`
	SentCopyError string `json:"sent_copy_error"`
}

// NotSentError is a message that stays in the outbox.
type NotSentError struct {
	OutboxID int64
	Status   store.OutboxStatus
	Next     time.Time
	Err      error
}

func (e *NotSentError) Error() string {
	switch e.Status {
	case store.OutboxFailed:
		return fmt.Sprintf("%v; the message stays in the outbox (item %d) as failed and is not retried: correct it and send it again", e.Err, e.OutboxID)
	case store.OutboxSending:
		return fmt.Sprintf("%v; the message stays in the outbox (item %d): its Sent folder is checked before any new attempt, from %s", e.Err, e.OutboxID, e.Next.Local().Format(time.DateTime))
	}
	return fmt.Sprintf("%v; the message stays in the outbox (item %d) and is retried from %s (sealctl send, or the app)", e.Err, e.OutboxID, e.Next.Local().Format(time.DateTime))
}

func (e *NotSentError) Unwrap() error { return e.Err }

// ErrNoSMTP: the account has no submission server.
var ErrNoSMTP = errors.New("mailbox: the account has no SMTP server: add one (sealctl account add NAME … --smtp smtp://HOST:PORT)")

// SMTPConfig is how to reach the account's submission server, password
// included (read from the keychain now; the same as IMAP's).
func (s *Service) SMTPConfig(a store.Account) (smtp.Config, error) {
	if a.SMTPHost == "" {
		return smtp.Config{}, fmt.Errorf("%w: %s", ErrNoSMTP, a.Name)
	}
	imapCfg, err := s.IMAPConfig(a)
	if err != nil {
		return smtp.Config{}, err
	}
	return smtp.Config{
		Addr: net.JoinHostPort(a.SMTPHost, strconv.Itoa(a.SMTPPort)), TLS: smtp.TLSMode(a.SMTPTLS),
		Username: a.Username, Password: imapCfg.Password, PinnedSHA256: a.SMTPPinnedCert,
	}, nil
}

// Send seals the message as asked, queues it and submits it once; the
// result says what happened. An error after queueing is a *NotSentError:
// the message stays in the outbox.
func (s *Service) Send(ctx context.Context, in SendInput) (SendResult, error) {
	res := SendResult{Account: in.Account}
	a, err := s.sendingAccount(ctx, in.Account)
	if err != nil {
		return res, err
	}
	res.Account = a.Name
	plain := withIDAndDate(in.Raw, s.now())
	agentName, _ := s.p.Store.Setting(ctx, store.SettingAgentName)
	agentAddr, _ := s.p.Store.Setting(ctx, store.SettingAgentAddress)
	plain = withAgent(plain, agentName, agentAddr)
	env, wire, err := smtp.EnvelopeOf(plain)
	if err != nil {
		return res, err
	}
	res.MessageID, res.Recipients = thread.MessageID(plain), env.To
	var copies []store.OutboxCopy
	if in.Sign || in.Encrypt {
		in.step(StepSealing)
		g, tech, err := s.technology(ctx, in.Technology, env.From)
		if err != nil {
			return res, err
		}
		sealed, err := s.sec.Sealing.Copies(ctx, security.SealRequest{Raw: plain, Sign: in.Sign, Encrypt: in.Encrypt,
			Technology: tech, Choices: in.Keys, PGP: security.PGPSealOptions{Autocrypt: g.Autocrypt}})
		if err != nil {
			return res, err
		}
		wire = sealed.Main
		for _, c := range sealed.Bcc {
			copies = append(copies, store.OutboxCopy{Recipients: c.Recipients, Raw: c.Raw})
		}
		res.Technology, res.Signed, res.Encrypted = string(tech), in.Sign, in.Encrypt
		if in.Sign {
			res.SignedAs = env.From
		}
	}
	it, err := s.p.Store.EnqueueOutbox(ctx, store.OutboxItem{AccountID: a.ID, Raw: wire, Sign: in.Sign, Encrypt: in.Encrypt,
		Technology: res.Technology, MessageID: res.MessageID, EnvelopeFrom: env.From, Recipients: env.To}, copies...)
	if err != nil {
		return res, err
	}
	res.OutboxID = it.ID
	in.step(StepQueued)
	in.step(StepSending)
	return s.attempt(ctx, a, it, res)
}

// FlushSummary is what FlushOutbox did.
type FlushSummary struct {
	Results []SendResult `json:"results"`
}

// FlushOutbox attempts every due row of the outbox once: queued rows whose
// backoff passed, and sending rows whose lease ran out (see the top of this
// file). It returns the results and the errors of the rows not sent.
func (s *Service) FlushOutbox(ctx context.Context) (FlushSummary, error) {
	var sum FlushSummary
	items, err := s.p.Store.OutboxItems(ctx, store.OutboxQueued, store.OutboxSending)
	if err != nil || len(items) == 0 {
		return sum, err
	}
	accounts, err := s.p.Store.Accounts(ctx)
	if err != nil {
		return sum, err
	}
	byID := map[int64]store.Account{}
	for _, a := range accounts {
		byID[a.ID] = a
	}
	var errs []error
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		if it.NextAttemptAt.After(s.now()) {
			continue
		}
		res := SendResult{OutboxID: it.ID, Account: byID[it.AccountID].Name, MessageID: it.MessageID, Technology: it.Technology,
			Signed: it.Sign, Encrypted: it.Encrypt, Recipients: it.Recipients}
		var err error
		if it.Status == store.OutboxSending {
			res, err = s.recoverSending(ctx, byID[it.AccountID], it, res)
		} else {
			res, err = s.attempt(ctx, byID[it.AccountID], it, res)
		}
		sum.Results = append(sum.Results, res)
		if err != nil {
			errs = append(errs, fmt.Errorf("<%s>: %w", it.MessageID, err))
		}
	}
	return sum, errors.Join(errs...)
}

// recoverSending decides the fate of a row whose attempt was cut off.
func (s *Service) recoverSending(ctx context.Context, a store.Account, it store.OutboxItem, res SendResult) (SendResult, error) {
	found, err := s.sent.Contains(ctx, a, it.MessageID)
	if err != nil {
		next := s.now().Add(backoff(it.Attempts))
		cause := fmt.Errorf("mailbox: an earlier attempt was cut off and the Sent folder could not be checked: %w", err)
		if rerr := s.p.Store.RescheduleOutbox(context.WithoutCancel(ctx), it.ID, store.OutboxSending, cause.Error(), next); rerr != nil {
			return res, rerr
		}
		res.Status, res.NextAttemptAt, res.Attempts = store.OutboxSending, next, it.Attempts
		return res, &NotSentError{OutboxID: it.ID, Status: store.OutboxSending, Next: next, Err: cause}
	}
	if found {
		return s.delivered(ctx, a, it, res, false)
	}
	return s.attempt(ctx, a, it, res)
}

// attempt claims the row and submits it once.
func (s *Service) attempt(ctx context.Context, a store.Account, it store.OutboxItem, res SendResult) (SendResult, error) {
	ok, err := s.p.Store.ClaimOutbox(ctx, it, s.now().Add(sendLease))
	if err != nil {
		return res, err
	}
	if !ok {
		return res, fmt.Errorf("mailbox: outbox item %d is being sent by another process", it.ID)
	}
	it.Attempts++
	res.Attempts, res.Status = it.Attempts, store.OutboxSending
	cfg, err := s.SMTPConfig(a)
	if err == nil {
		if err = s.submit(ctx, cfg, it); err == nil {
			return s.delivered(ctx, a, it, res, true)
		}
	}
	status, next := store.OutboxQueued, s.now().Add(backoff(it.Attempts))
	switch {
	case errors.Is(err, smtp.ErrUnknownOutcome):
		status = store.OutboxSending // recoverSending looks in Sent first
	case smtp.Permanent(err) && !errors.Is(err, smtp.ErrAuthFailed):
		status = store.OutboxFailed
	}
	// The outcome is recorded even when ctx was cancelled mid-attempt.
	if rerr := s.p.Store.RescheduleOutbox(context.WithoutCancel(ctx), it.ID, status, err.Error(), next); rerr != nil {
		return res, errors.Join(err, rerr)
	}
	res.Status, res.NextAttemptAt = status, next
	return res, &NotSentError{OutboxID: it.ID, Status: status, Next: next, Err: err}
}

// delivered records an accepted message at once (the store threads its
// article), runs the security engines over the article and saves the copy
// to Sent when it is not there yet.
func (s *Service) delivered(ctx context.Context, a store.Account, it store.OutboxItem, res SendResult, appendCopy bool) (SendResult, error) {
	keep := context.WithoutCancel(ctx)
	id, err := s.p.Store.MarkOutboxSent(keep, it.ID)
	if err == nil {
		res.Status, res.ArticleID = store.OutboxSent, id
		// Best effort: an article left pending is processed by the next sync.
		_, _ = s.sec.Processing.ProcessStored(keep, id)
	}
	if appendCopy {
		// Even if recording failed: the copy in Sent is what stops a resend.
		if res.SentFolder, err = s.sent.Append(ctx, a, it.Raw); err != nil {
			res.SentFolder, res.SentCopyError = "", err.Error()
		}
	}
	if res.Status != store.OutboxSent {
		return res, fmt.Errorf("mailbox: <%s> was sent, but recording it failed: %w", it.MessageID, err)
	}
	return res, nil
}

// sendingAccount is the named account, or the only one.
func (s *Service) sendingAccount(ctx context.Context, name string) (store.Account, error) {
	if name != "" {
		return s.p.Store.AccountByName(ctx, name)
	}
	list, err := s.p.Store.Accounts(ctx)
	if err != nil {
		return store.Account{}, err
	}
	switch len(list) {
	case 0:
		return store.Account{}, ErrNoAccount
	case 1:
		return list[0], nil
	}
	names := make([]string, len(list))
	for i, a := range list {
		names[i] = a.Name
	}
	return store.Account{}, fmt.Errorf("%w: there are several accounts (%s): name the one to send from", ErrAccountNeeded, strings.Join(names, ", "))
}

// ErrAccountNeeded: several accounts and none named.
var ErrAccountNeeded = errors.New("mailbox: which account?")

// technology picks S/MIME or PGP and the group of the From address.
func (s *Service) technology(ctx context.Context, asked, from string) (store.Group, verdict.Technology, error) {
	var match store.Group
	groups, err := s.p.Store.Groups(ctx)
	if err != nil {
		return match, "", err
	}
	for _, g := range groups {
		if strings.EqualFold(addrOf(g.SenderAddress), from) {
			match = g
			break
		}
	}
	tech, err := verdict.ParseTechnology(asked)
	switch {
	case err != nil:
		return match, "", fmt.Errorf("%w: technology %q: want smime or pgp", ErrInvalid, asked)
	case tech != verdict.TechNone:
		return match, tech, nil
	case match.Technology != "":
		return match, verdict.Technology(match.Technology), nil
	}
	return match, verdict.TechSMIME, nil
}
