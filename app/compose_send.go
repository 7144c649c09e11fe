package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/compose"
	"github.com/sealdesk/sealdesk/mail/outgoing"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// SendRequest is the composer's message and an ID the composer chose to
// match the send:progress events of this send.
type SendRequest struct {
	SendID string       `json:"send_id"`
	Draft  DraftMessage `json:"draft"`
}

// SendProgress is the payload of send:progress.
type SendProgress struct {
	SendID   string           `json:"send_id"`
	Step     mailbox.SendStep `json:"step"`
	OutboxID int64            `json:"outbox_id"`
	Message  string           `json:"message"`
}

// OutboxView is one message of the outbox as the agent sees it: what
// happened and what to do.
type OutboxView struct {
	ID         int64              `json:"id"`
	Status     store.OutboxStatus `json:"status"`
	Subject    string             `json:"subject"`
	Recipients []string           `json:"recipients"`
	Technology string             `json:"technology"`
	Sign       bool               `json:"sign"`
	Encrypt    bool               `json:"encrypt"`
	Attempts   int                `json:"attempts"`
	// NextAttempt is RFC 3339, for queued and sending rows.
	NextAttempt string `json:"next_attempt"`
	// Reason is why the last attempt failed; Advice what to do about it.
	Reason    string `json:"reason"`
	Advice    string `json:"advice"`
	CreatedAt string `json:"created_at"`
	// SentFolder and SentCopyError: where the copy was saved, or why not
	// (only right after a send).
	SentFolder    string `json:"sent_folder"`
	SentCopyError string `json:"sent_copy_error"`
	ArticleID     int64  `json:"article_id"`
}

// OutboxRequest names an outbox item.
type OutboxRequest struct {
	ID int64 `json:"id"`
}

// Send builds the message, seals it as asked (in Go: keys never reach the
// web view), queues it in the outbox and submits it once. A message that
// was queued but not sent is no error: it comes back queued or failed with
// its reason and stays in the outbox. The draft is deleted once queued.
func (c *Compose) Send(req SendRequest) (OutboxView, error) {
	ctx := context.Background()
	d := req.Draft
	progress := func(step mailbox.SendStep, msg string, id int64) {
		if c.emit != nil {
			c.emit.Emit(EventSendProgress, SendProgress{SendID: req.SendID, Step: step, Message: msg, OutboxID: id})
		}
	}
	if d.Seen.TicketID != 0 {
		progress(mailbox.StepChecking, "", 0)
	}
	c.lookAgain(ctx, d)
	if err := compose.CheckSend(ctx, c.p.Store, d.Seen, compose.Self(ctx, c.p.Store)); err != nil {
		progress(mailbox.StepFailed, Classify(err).Message, 0)
		return OutboxView{}, err
	}
	if err := c.claimReply(ctx, d); err != nil {
		progress(mailbox.StepFailed, Classify(err).Message, 0)
		return OutboxView{}, err
	}
	atts, err := c.sendAttachments(ctx, d)
	if err != nil {
		progress(mailbox.StepFailed, Classify(err).Message, 0)
		return OutboxView{}, err
	}
	raw, err := buildDraft(d, atts)
	if err != nil {
		progress(mailbox.StepFailed, err.Error(), 0)
		return OutboxView{}, err
	}
	account, err := c.account(ctx, d.From)
	if err != nil {
		progress(mailbox.StepFailed, Classify(err).Message, 0)
		return OutboxView{}, err
	}
	res, err := c.mb.Send(ctx, mailbox.SendInput{Account: account, Raw: raw, Sign: d.Sign, Encrypt: d.Encrypt,
		Technology: d.Technology, Keys: security.KeyChoice(d.Keys), Progress: func(step mailbox.SendStep) { progress(step, "", 0) }})
	if res.OutboxID == 0 {
		if err == nil {
			err = errors.New("compose: the message was not queued")
		}
		e := Classify(err)
		progress(mailbox.StepFailed, e.Message, 0)
		return OutboxView{}, e
	}
	if d.ID != 0 {
		_ = c.p.Store.DeleteDraft(ctx, d.ID) // queued: the outbox holds it now
	}
	v, verr := c.outboxItem(ctx, res.OutboxID)
	if verr != nil {
		v = OutboxView{ID: res.OutboxID, Status: res.Status}
	}
	v.SentFolder, v.SentCopyError = res.SentFolder, forPerson(errors.New(res.SentCopyError))
	switch {
	case res.Status == store.OutboxSent && res.SentFolder != "":
		progress(mailbox.StepSaved, "Sent, and saved in "+res.SentFolder+".", res.OutboxID)
	case res.Status == store.OutboxSent:
		progress(mailbox.StepSent, "Sent, but the copy could not be saved in Sent: "+v.SentCopyError, res.OutboxID)
	default:
		progress(mailbox.StepFailed, v.Reason+" "+v.Advice, res.OutboxID)
	}
	c.emitOutbox()
	return v, nil
}

// lookBefore bounds the wait for the account's pass before the
// no-double-answers check.
const lookBefore = 10 * time.Second

// lookAgain brings the account of a reply on a ticket up to date before
// the no-double-answers check (mailbox.Service.Refresh), so another
// agent's answer (in the shared Sent folder) or change (in the team
// folder) since the last poll is seen now, not after the send. Best
// effort: offline, or past lookBefore, the check uses what this laptop saw
// last, and the send itself tells whether the server is reachable.
func (c *Compose) lookAgain(ctx context.Context, d DraftMessage) {
	if d.Seen.TicketID == 0 {
		return // a new ticket: nobody else answered it
	}
	account, err := c.account(ctx, d.From)
	if err != nil {
		return // Send says why below
	}
	ctx, cancel := context.WithTimeout(ctx, lookBefore)
	defer cancel()
	sum, err := c.mb.Refresh(ctx, account)
	if err != nil {
		slog.Info("compose: the look before send is incomplete; the check uses what was seen last", "account", account, "err", err)
	}
	if c.emit != nil {
		tellTeamPass(c.emit, c.p.Store, sum)
	}
}

// claimReply says in the team folder that this agent is sending an answer
// to the ticket now, and refuses with a *compose.ReplyClaimedError when
// another agent started sending one from the same view first
// (mailbox.Service.ClaimReply; docs/team.md, reply claims): the window
// the look before cannot close, two agents pressing Send in the same
// seconds. Best effort like the look: a team turned off, a server out of
// reach or past lookBefore, the send goes on alone.
func (c *Compose) claimReply(ctx context.Context, d DraftMessage) error {
	if d.Seen.TicketID == 0 {
		return nil
	}
	account, err := c.account(ctx, d.From)
	if err != nil {
		return nil // Send says why below
	}
	ctx, cancel := context.WithTimeout(ctx, lookBefore)
	defer cancel()
	claim, err := c.mb.ClaimReply(ctx, account, d.Seen, mailbox.TeamOptions{})
	if err != nil {
		slog.Info("compose: the reply claim could not be written or read; sending without it", "account", account, "err", err)
		return nil
	}
	if claim == nil {
		return nil
	}
	names, _ := c.p.Store.AgentNames(ctx)
	return &compose.ReplyClaimedError{Claim: *claim, Name: names[strings.ToLower(claim.Agent)], Ago: max(time.Since(claim.At), 0)}
}

// buildDraft writes the draft and its attachments (sendAttachments) as a
// plain RFC 5322 message.
func buildDraft(d DraftMessage, atts []outgoing.Attachment) ([]byte, error) {
	m := outgoing.Message{From: d.From, To: d.To, Cc: d.Cc, Bcc: d.Bcc, Subject: d.Subject, Text: d.Text,
		InReplyTo: d.InReplyTo, References: d.References, Attachments: atts}
	raw, err := outgoing.Build(m)
	if err != nil {
		return nil, &Error{Code: CodeInvalid, Message: forPerson(errors.New(strings.TrimPrefix(err.Error(), "outgoing: ")))}
	}
	return raw, nil
}

// account is the account to send from: the only one, else the one whose
// user name is the sender address.
func (c *Compose) account(ctx context.Context, from string) (string, error) {
	list, err := c.p.Store.Accounts(ctx)
	if err != nil {
		return "", err
	}
	if len(list) == 0 {
		return "", &Error{Code: CodeInvalid, Message: "There is no mail account to send from: add one under Admin → Accounts."}
	}
	if len(list) == 1 {
		return list[0].Name, nil
	}
	addr := from
	if a, err := mail.ParseAddress(from); err == nil {
		addr = a.Address
	}
	for _, a := range list {
		if strings.EqualFold(a.Username, addr) {
			return a.Name, nil
		}
	}
	return "", &Error{Code: CodeInvalid, Message: fmt.Sprintf("There are several accounts and none logs in as %s: choose a group whose address is an account's user name.", addr)}
}

// Outbox lists the messages not sent yet: queued, being sent, failed.
func (c *Compose) Outbox() ([]OutboxView, error) {
	items, err := c.p.Store.OutboxItems(context.Background(), store.OutboxQueued, store.OutboxSending, store.OutboxFailed)
	if err != nil {
		return nil, err
	}
	out := make([]OutboxView, 0, len(items))
	for _, it := range items {
		out = append(out, outboxView(it))
	}
	return out, nil
}

// RetryOutbox sends a queued or failed message now (after the agent fixed
// what its reason named, e.g. the account's password) and returns it.
func (c *Compose) RetryOutbox(req OutboxRequest) (OutboxView, error) {
	ctx := context.Background()
	it, err := c.p.Store.OutboxItemByID(ctx, req.ID)
	if err != nil {
		return OutboxView{}, err
	}
	switch it.Status {
	case store.OutboxSent:
		return outboxView(it), nil
	case store.OutboxSending:
		return OutboxView{}, &Error{Code: CodeInvalid, Message: "This message is being sent, or its last attempt was cut off: it is checked against the Sent folder before any new attempt. Wait for it."}
	}
	if err := c.p.Store.RescheduleOutbox(ctx, it.ID, store.OutboxQueued, it.LastError, time.Now()); err != nil {
		return OutboxView{}, err
	}
	_, _ = c.mb.FlushOutbox(ctx) // each row's outcome is recorded on the row
	c.emitOutbox()
	return c.outboxItem(ctx, it.ID)
}

// DiscardOutbox removes a queued or failed message from the outbox.
func (c *Compose) DiscardOutbox(req OutboxRequest) error {
	err := c.p.Store.DiscardOutbox(context.Background(), req.ID)
	if errors.Is(err, store.ErrOutboxBusy) {
		return &Error{Code: CodeInvalid, Message: forPerson(errors.New(strings.TrimPrefix(err.Error(), "store: ")))}
	}
	if err == nil {
		c.emitOutbox()
	}
	return err
}

func (c *Compose) emitOutbox() {
	if c.emit != nil {
		c.emit.Emit(EventOutboxChanged, struct{}{})
	}
}

func (c *Compose) outboxItem(ctx context.Context, id int64) (OutboxView, error) {
	it, err := c.p.Store.OutboxItemByID(ctx, id)
	if err != nil {
		return OutboxView{}, err
	}
	return outboxView(it), nil
}

// outboxView says what happened to a row and what the agent can do.
func outboxView(it store.OutboxItem) OutboxView {
	v := OutboxView{ID: it.ID, Status: it.Status, Subject: outgoing.HeaderOf(it.Raw).Subject, Recipients: it.Recipients,
		Technology: it.Technology, Sign: it.Sign, Encrypt: it.Encrypt, Attempts: it.Attempts, CreatedAt: it.CreatedAt,
		ArticleID: it.ArticleID}
	if v.Recipients == nil {
		v.Recipients = []string{}
	}
	if it.LastError != "" {
		v.Reason = forPerson(errors.New(strings.TrimPrefix(it.LastError, "smtp: ")))
	}
	next := it.NextAttemptAt.Local().Format("15:04")
	switch it.Status {
	case store.OutboxQueued:
		v.NextAttempt = it.NextAttemptAt.Format(time.RFC3339)
		if v.Reason == "" {
			v.Advice = "Waiting to be sent."
		} else {
			v.Advice = "It is tried again automatically from " + next + "; Retry sends it now, Discard drops it."
		}
	case store.OutboxSending:
		v.NextAttempt = it.NextAttemptAt.Format(time.RFC3339)
		v.Advice = "Being sent. If the attempt was cut off, the Sent folder is checked from " + next + " before it is sent again."
	case store.OutboxFailed:
		v.Advice = "The server refused it for good: correct what the reason names (an address, the account's settings), then Retry, or Discard it and write it again."
	}
	return v
}
