package team

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
)

// DefaultFolder is the team folder's name with "/" as the hierarchy
// separator; Open replaces "/" with the server's.
const DefaultFolder = "SealDesk/Team"

// fetchBatch bounds one UID FETCH, so a first read of a long log streams.
const fetchBatch = 500

// Folder is the team folder, selected on one connection. It is not safe
// for concurrent use (an IMAP connection is one conversation).
type Folder struct {
	c    *imapx.Client
	Name string
	// Status is what SELECT said.
	Status Status
}

// Status is the folder's state as SELECT reports it.
type Status struct {
	UIDValidity uint32
	UIDNext     uint32
	Messages    uint32
	// HighestModSeq is 0 when the server lacks CONDSTORE (RFC 7162).
	HighestModSeq uint64
	// Created: the folder did not exist and Open created it.
	Created bool
}

// Fetched is one message read from the folder: a record, or the reason it
// is not one (Err: ErrNotRecord, ErrNewerVersion, ErrInvalid).
type Fetched struct {
	UID    uint32
	Record Record
	Err    error
}

// Open finds the team folder (creating it when missing) and SELECTs it,
// with CONDSTORE where the server has it (RFC 7162 section 3.1.8).
func Open(ctx context.Context, c *imapx.Client, name string) (*Folder, error) {
	if name == "" {
		name = DefaultFolder
	}
	stop := c.Guard(ctx)
	defer stop()
	f := &Folder{c: c}
	var err error
	if f.Name, f.Status.Created, err = ensure(c.Raw(), name); err != nil {
		return nil, wrapCtx(ctx, err)
	}
	sel, err := c.Raw().Select(f.Name, &goimap.SelectOptions{CondStore: c.Caps().Has(goimap.CapCondStore)}).Wait()
	if err != nil {
		return nil, wrapCtx(ctx, fmt.Errorf("team: SELECT %q: %w", f.Name, err))
	}
	f.Status.UIDValidity, f.Status.UIDNext = sel.UIDValidity, uint32(sel.UIDNext)
	f.Status.Messages, f.Status.HighestModSeq = sel.NumMessages, sel.HighestModSeq
	return f, nil
}

// ensure returns the folder's server name, creating it (and its parent)
// when LIST does not show it.
func ensure(c *imapclient.Client, name string) (string, bool, error) {
	delim := "/"
	root, err := c.List("", "", nil).Collect()
	if err != nil {
		return "", false, fmt.Errorf("team: LIST: %w", err)
	}
	if len(root) > 0 && root[0].Delim != 0 {
		delim = string(root[0].Delim)
	}
	full := strings.ReplaceAll(name, "/", delim)
	found, err := c.List("", full, nil).Collect()
	if err != nil {
		return "", false, fmt.Errorf("team: LIST %q: %w", full, err)
	}
	for _, l := range found {
		if l.Mailbox == full && !hasAttr(l.Attrs, goimap.MailboxAttrNoSelect) && !hasAttr(l.Attrs, goimap.MailboxAttrNonExistent) {
			return full, false, nil
		}
	}
	// RFC 9051 section 6.3.4: CREATE makes the missing parents too. A
	// laptop that created it at the same moment makes ours fail with
	// ALREADYEXISTS, which is fine.
	if err := c.Create(full, nil).Wait(); err != nil && !isAlreadyExists(err) {
		return "", false, fmt.Errorf("team: CREATE %q: %w", full, err)
	}
	return full, true, nil
}

func isAlreadyExists(err error) bool {
	var ie *goimap.Error
	return errors.As(err, &ie) && ie.Code == goimap.ResponseCodeAlreadyExists
}

func hasAttr(attrs []goimap.MailboxAttr, want goimap.MailboxAttr) bool {
	for _, a := range attrs {
		if strings.EqualFold(string(a), string(want)) {
			return true
		}
	}
	return false
}

// Fetch reads every message with a UID above since, ascending, handing
// each batch to fn. Messages that are not readable records come with Err
// set; they are skipped by the rules but still counted as read.
func (f *Folder) Fetch(ctx context.Context, since uint32, fn func([]Fetched) error) error {
	if f.Status.UIDNext != 0 && since+1 >= f.Status.UIDNext {
		return nil // nothing above since when SELECT answered
	}
	from := since + 1
	for {
		// "from:*" is "*:from" when from is above the last UID (RFC 9051
		// section 6.4.8): the last message comes back, and is dropped
		// below for being at or under since.
		set := goimap.UIDSet{goimap.UIDRange{Start: goimap.UID(from), Stop: goimap.UID(from + fetchBatch - 1)}}
		last := f.Status.UIDNext == 0 || from+fetchBatch-1 >= f.Status.UIDNext-1
		if last {
			set = goimap.UIDSet{goimap.UIDRange{Start: goimap.UID(from), Stop: 0}}
		}
		batch, err := f.fetch(ctx, set, since)
		if err != nil {
			return err
		}
		if len(batch) > 0 {
			if err := fn(batch); err != nil {
				return err
			}
		}
		if last {
			return nil
		}
		from += fetchBatch
	}
}

func (f *Folder) fetch(ctx context.Context, set goimap.UIDSet, since uint32) ([]Fetched, error) {
	stop := f.c.Guard(ctx)
	defer stop()
	section := &goimap.FetchItemBodySection{Peek: true}
	cmd := f.c.Raw().Fetch(set, &goimap.FetchOptions{UID: true, RFC822Size: true, BodySection: []*goimap.FetchItemBodySection{section}})
	var out []Fetched
	for {
		m := cmd.Next()
		if m == nil {
			break
		}
		buf, err := m.Collect()
		if err != nil {
			_ = cmd.Close()
			return nil, wrapCtx(ctx, fmt.Errorf("team: FETCH: %w", err))
		}
		if uint32(buf.UID) <= since {
			continue
		}
		fe := Fetched{UID: uint32(buf.UID)}
		raw := buf.FindBodySection(section)
		if buf.RFC822Size > MaxBundleSize || raw == nil {
			fe.Err = fmt.Errorf("%w: %d bytes", ErrInvalid, buf.RFC822Size)
		} else {
			fe.Record, fe.Err = Parse(raw)
		}
		out = append(out, fe)
	}
	if err := cmd.Close(); err != nil {
		return nil, wrapCtx(ctx, fmt.Errorf("team: FETCH: %w", err))
	}
	return out, nil
}

// Append writes one record message and returns its UID from APPENDUID
// (RFC 4315 section 3); 0 when the server does not say (no UIDPLUS), in
// which case the record is found by its Message-ID on the next read.
func (f *Folder) Append(ctx context.Context, raw []byte) (uint32, error) {
	stop := f.c.Guard(ctx)
	defer stop()
	cmd := f.c.Raw().Append(f.Name, int64(len(raw)), &goimap.AppendOptions{Flags: []goimap.Flag{goimap.FlagSeen}, Time: time.Now()})
	if _, err := cmd.Write(raw); err != nil {
		_ = cmd.Close()
		return 0, wrapCtx(ctx, fmt.Errorf("team: APPEND: %w", err))
	}
	if err := cmd.Close(); err != nil {
		return 0, wrapCtx(ctx, fmt.Errorf("team: APPEND: %w", err))
	}
	data, err := cmd.Wait()
	if err != nil {
		return 0, wrapCtx(ctx, fmt.Errorf("team: APPEND: %w", err))
	}
	if data.UIDValidity != 0 && data.UIDValidity != f.Status.UIDValidity {
		return 0, fmt.Errorf("%w: UIDVALIDITY %d, was %d", ErrFolderReset, data.UIDValidity, f.Status.UIDValidity)
	}
	return uint32(data.UID), nil
}

// Refresh reads the folder's status again (NOOP, then the selected
// mailbox's counters), after this session's own APPENDs.
func (f *Folder) Refresh(ctx context.Context) error {
	stop := f.c.Guard(ctx)
	defer stop()
	st, err := f.c.Raw().Status(f.Name, &goimap.StatusOptions{UIDNext: true, UIDValidity: true, NumMessages: true}).Wait()
	if err != nil {
		return wrapCtx(ctx, fmt.Errorf("team: STATUS %q: %w", f.Name, err))
	}
	f.Status.UIDNext, f.Status.UIDValidity = uint32(st.UIDNext), st.UIDValidity
	if st.NumMessages != nil {
		f.Status.Messages = *st.NumMessages
	}
	return nil
}

// ErrFolderReset: the folder was deleted and made again (a new
// UIDVALIDITY) while we wrote; the caller starts a new epoch.
var ErrFolderReset = errors.New("team: the team folder was recreated")

func wrapCtx(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}
