package mailbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/store"
)

// SentFolder is the account's Sent folder as sending needs it: where the
// sent copy is saved, and where an attempt whose outcome was lost (the
// process died while sending) is looked for by its Message-ID.
type SentFolder interface {
	// Append saves raw, marked \Seen, in the account's Sent folder and
	// returns the folder's name. On a server that files sent mail itself
	// (Gmail, see serverSavesSent) nothing is appended: the server's own
	// copy is the one in Sent.
	Append(ctx context.Context, a store.Account, raw []byte) (string, error)
	// Contains reports whether a message with this Message-ID (without
	// angle brackets) is in the account's Sent folder.
	Contains(ctx context.Context, a store.Account, messageID string) (bool, error)
}

// ErrNoSentFolder: the server has no folder marked \Sent (RFC 6154) or
// named like one.
var ErrNoSentFolder = errors.New("mailbox: the account has no Sent folder")

// imapSent is SentFolder over the account's IMAP server.
type imapSent struct{ s *Service }

var _ SentFolder = imapSent{}

// connect logs in and finds Sent (SPECIAL-USE, else the usual names).
func (f imapSent) connect(ctx context.Context, a store.Account) (*imapx.Client, string, error) {
	cfg, err := f.s.IMAPConfig(a)
	if err != nil {
		return nil, "", err
	}
	c, err := imapx.Connect(ctx, cfg)
	if err != nil {
		return nil, "", err
	}
	boxes, err := c.Mailboxes(ctx)
	if err == nil && boxes.Sent == "" {
		err = ErrNoSentFolder
	}
	if err != nil {
		_ = c.Logout()
		return nil, "", err
	}
	return c, boxes.Sent, nil
}

// capGmail is Gmail's IMAP extension capability
// (https://developers.google.com/gmail/imap/imap-extensions).
const capGmail goimap.Cap = "X-GM-EXT-1"

// serverSavesSent reports whether the server files what its SMTP server
// sent into Sent by itself. QUIRK: Gmail does ("[Gmail]/Sent Mail"), so an
// APPEND of ours would leave two copies there; Gmail is recognised by its
// X-GM-EXT-1 capability.
func serverSavesSent(caps goimap.CapSet) bool { return caps.Has(capGmail) }

// Append implements SentFolder with APPEND (RFC 9051 section 6.3.12),
// skipped where the server saves sent mail itself (serverSavesSent).
func (f imapSent) Append(ctx context.Context, a store.Account, raw []byte) (string, error) {
	c, sent, err := f.connect(ctx, a)
	if err != nil {
		return "", err
	}
	defer c.Logout()
	if serverSavesSent(c.Caps()) {
		return sent, nil
	}
	stop := c.Guard(ctx)
	defer stop()
	cmd := c.Raw().Append(sent, int64(len(raw)), &goimap.AppendOptions{Flags: []goimap.Flag{goimap.FlagSeen}, Time: time.Now()})
	if _, err := cmd.Write(raw); err != nil {
		_ = cmd.Close()
		return sent, fmt.Errorf("imap: APPEND to %q: %w", sent, err)
	}
	if err := cmd.Close(); err != nil {
		return sent, fmt.Errorf("imap: APPEND to %q: %w", sent, err)
	}
	if _, err := cmd.Wait(); err != nil {
		return sent, fmt.Errorf("imap: APPEND to %q: %w", sent, err)
	}
	return sent, nil
}

// Contains implements SentFolder with a read-only SELECT and UID SEARCH
// HEADER Message-ID (RFC 9051 section 6.4.4).
func (f imapSent) Contains(ctx context.Context, a store.Account, messageID string) (bool, error) {
	c, sent, err := f.connect(ctx, a)
	if err != nil {
		return false, err
	}
	defer c.Logout()
	stop := c.Guard(ctx)
	defer stop()
	if _, err := c.Raw().Select(sent, &goimap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return false, fmt.Errorf("imap: EXAMINE %q: %w", sent, err)
	}
	res, err := c.Raw().UIDSearch(&goimap.SearchCriteria{
		Header: []goimap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: messageID}},
	}, nil).Wait()
	if err != nil {
		return false, fmt.Errorf("imap: SEARCH %q for <%s>: %w", sent, messageID, err)
	}
	return len(res.AllUIDs()) > 0, nil
}
