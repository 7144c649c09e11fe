package imap

import (
	"context"
	"fmt"
	"strings"

	goimap "github.com/emersion/go-imap/v2"
)

// Mailbox is one entry of the server's folder list.
type Mailbox struct {
	Name  string
	Attrs []goimap.MailboxAttr
}

// Mailboxes is what [Client.Mailboxes] found.
type Mailboxes struct {
	// Inbox is always "INBOX" (RFC 9051 section 5.1: case-insensitive).
	Inbox string
	// Sent is the folder with the \Sent attribute (RFC 6154), else the
	// first of the usual names; empty when there is none.
	Sent string
	// All lists every selectable mailbox.
	All []Mailbox
}

// sentNames are tried, case-insensitively, when no folder has \Sent.
//
// QUIRK: servers without SPECIAL-USE (and go-imap's in-memory server) only
// tell us by name.
var sentNames = []string{"Sent", "Sent Items", "Sent Messages", "Sent Mail", "INBOX.Sent", "INBOX/Sent"}

// Mailboxes lists the folders and picks INBOX and Sent. Servers that
// implement SPECIAL-USE return the attributes in a plain LIST (RFC 6154
// section 2), so no LIST-EXTENDED is needed.
func (c *Client) Mailboxes(ctx context.Context) (*Mailboxes, error) {
	stop := c.Guard(ctx)
	defer stop()
	list, err := c.raw.List("", "*", nil).Collect()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("imap: LIST: %w", ctx.Err())
		}
		return nil, fmt.Errorf("imap: LIST: %w", err)
	}
	res := &Mailboxes{Inbox: "INBOX"}
	for _, l := range list {
		if hasAttr(l.Attrs, goimap.MailboxAttrNoSelect) || hasAttr(l.Attrs, goimap.MailboxAttrNonExistent) {
			continue
		}
		res.All = append(res.All, Mailbox{Name: l.Mailbox, Attrs: l.Attrs})
		if res.Sent == "" && hasAttr(l.Attrs, goimap.MailboxAttrSent) {
			res.Sent = l.Mailbox
		}
	}
	for _, want := range sentNames {
		if res.Sent != "" {
			break
		}
		for _, m := range res.All {
			if strings.EqualFold(m.Name, want) {
				res.Sent = m.Name
				break
			}
		}
	}
	return res, nil
}

func hasAttr(attrs []goimap.MailboxAttr, want goimap.MailboxAttr) bool {
	for _, a := range attrs {
		if strings.EqualFold(string(a), string(want)) {
			return true
		}
	}
	return false
}
