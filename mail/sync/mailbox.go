package sync

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/sealdesk/sealdesk/mail/mirror"
	"github.com/sealdesk/sealdesk/mail/thread"
)

// flagChunk is how many flag updates go to the store at once.
const flagChunk = 1000

// syncMailbox runs one pass over mailbox on a logged-in session: expunges,
// flag changes, then new messages in batches, each batch committed with
// its checkpoint. It leaves the mailbox selected.
func (s *session) syncMailbox(ctx context.Context, mailbox string) (Stats, error) {
	start := s.e.now()
	st := Stats{Mailbox: mailbox}
	store := s.e.store
	sel, err := s.selectMailbox(ctx, mailbox)
	if err != nil {
		return st, err
	}
	if sel.UIDValidity == 0 {
		return st, fmt.Errorf("sync: %q: the server sent no UIDVALIDITY", mailbox)
	}
	cp, err := store.Checkpoint(ctx, mailbox)
	if err != nil {
		return st, fmt.Errorf("sync: %q: read checkpoint: %w", mailbox, err)
	}
	if cp.UIDValidity != 0 && cp.UIDValidity != sel.UIDValidity {
		// RFC 9051 section 2.3.1.1: the old UIDs mean nothing any more.
		// The store keeps the messages detached; Lookup matches them below.
		if err := store.ResetMailbox(ctx, mailbox, sel.UIDValidity); err != nil {
			return st, fmt.Errorf("sync: %q: reset for UIDVALIDITY %d: %w", mailbox, sel.UIDValidity, err)
		}
		s.e.report(UIDValidityChanged{Mailbox: mailbox, Old: cp.UIDValidity, New: sel.UIDValidity})
		cp = Checkpoint{UIDValidity: sel.UIDValidity}
		st.Reset = true
	}
	saved := cp // what the store holds
	cp.UIDValidity = sel.UIDValidity
	oldLast := cp.LastUID
	// CONDSTORE is usable unless the mailbox says NOMODSEQ (RFC 7162
	// section 3.1.2.2), which go-imap reports as HIGHESTMODSEQ 0.
	condstore := s.condstore && sel.HighestModSeq != 0

	// Expunges and new UIDs. Without QRESYNC (RFC 7162 section 3.2, not
	// spoken by go-imap's client) the only way to learn expunged UIDs is
	// to compare UID sets; skip it when no UID was assigned since the last
	// pass and the message count still matches.
	known, err := s.countKnown(ctx, mailbox)
	if err != nil {
		return st, err
	}
	var newUIDs []uint32
	if oldLast == 0 || uint32(sel.UIDNext) != oldLast+1 || int(sel.NumMessages) != known {
		server, err := s.searchAll(ctx, mailbox)
		if err != nil {
			return st, err
		}
		if known > 0 {
			have, err := store.UIDs(ctx, mailbox)
			if err != nil {
				return st, fmt.Errorf("sync: %q: list stored UIDs: %w", mailbox, err)
			}
			if gone := missing(have, server); len(gone) > 0 {
				if err := store.Expunge(ctx, mailbox, gone); err != nil {
					return st, fmt.Errorf("sync: %q: expunge: %w", mailbox, err)
				}
				st.Expunged = len(gone)
			}
		}
		i, _ := slices.BinarySearch(server, oldLast+1)
		newUIDs = server[i:]
	}

	// Flags of the messages we had. With CONDSTORE only those changed since
	// the saved HIGHESTMODSEQ (RFC 7162 section 3.1.4.1, CHANGEDSINCE);
	// otherwise all of them.
	if oldLast > 0 && known > 0 {
		since := uint64(0)
		if condstore && cp.HighestModSeq != 0 {
			since = cp.HighestModSeq
		}
		if since == 0 || sel.HighestModSeq != since {
			if st.Flags, err = s.fetchFlags(ctx, mailbox, oldLast, since); err != nil {
				return st, err
			}
		}
	}

	if len(newUIDs) > 0 {
		if err := s.fetchNew(ctx, mailbox, &cp, newUIDs, &st); err != nil {
			return st, err
		}
		saved = cp
	}

	// Everything below UIDNEXT as of SELECT is now saved or was expunged,
	// and every flag is known as of the HIGHESTMODSEQ of SELECT: newer
	// changes have higher mod-sequences and show up in the next pass.
	final := cp
	if next := uint32(sel.UIDNext); next > 0 && next-1 > final.LastUID {
		final.LastUID = next - 1
	}
	final.HighestModSeq = 0
	if condstore {
		final.HighestModSeq = sel.HighestModSeq
	}
	if final != saved {
		if _, err := store.SaveBatch(ctx, mailbox, nil, final); err != nil {
			return st, fmt.Errorf("sync: %q: save checkpoint: %w", mailbox, err)
		}
	}
	st.Duration = s.e.now().Sub(start)
	s.e.report(MailboxSynced{Stats: st})
	return st, nil
}

func (s *session) countKnown(ctx context.Context, mailbox string) (int, error) {
	if c, ok := s.e.store.(Counter); ok {
		n, err := c.CountUIDs(ctx, mailbox)
		if err != nil {
			return 0, fmt.Errorf("sync: %q: count stored UIDs: %w", mailbox, err)
		}
		return n, nil
	}
	uids, err := s.e.store.UIDs(ctx, mailbox)
	if err != nil {
		return 0, fmt.Errorf("sync: %q: list stored UIDs: %w", mailbox, err)
	}
	return len(uids), nil
}

// fetchBatch fetches whole messages (RFC 9051 section 6.4.5: BODY.PEEK[]
// leaves \Seen alone). UIDs expunged meanwhile are simply not returned.
func (s *session) fetchBatch(ctx context.Context, mailbox string, uids []uint32) ([]Message, error) {
	section := &goimap.FetchItemBodySection{Peek: true}
	opts := &goimap.FetchOptions{
		UID: true, Flags: true, InternalDate: true, RFC822Size: true,
		BodySection: []*goimap.FetchItemBodySection{section},
		ModSeq:      s.condstore,
	}
	stop := s.c.Guard(ctx)
	defer stop()
	cmd := s.c.Raw().Fetch(uidSet(uids), opts)
	var msgs []Message
	for {
		fm := cmd.Next()
		if fm == nil {
			break
		}
		m, err := collectMessage(fm)
		if err != nil {
			// QUIRK: go-imap's reader goroutine resumes as soon as a
			// literal read fails, so reading on (as FetchCommand.Close
			// would) races with it on the connection's buffer. Close the
			// client first: Close waits for that goroutine to end.
			_ = s.c.Close()
			_ = cmd.Close()
			return nil, s.cmdErr(ctx, mailbox, "UID FETCH", err)
		}
		if m.UID == 0 || m.Raw == nil {
			_ = cmd.Close()
			return nil, fmt.Errorf("sync: %q: UID FETCH: the server sent message %d (UID %d) without its body", mailbox, fm.SeqNum, m.UID)
		}
		m.Mailbox = mailbox
		// The whole header once, here: the store threads by it (see
		// mirror.Message.Header) while the batch before is saved.
		m.Header = thread.Parse(m.Raw)
		m.MessageID = m.Header.MessageID
		m.Hash = mirror.Hash(m.Raw)
		msgs = append(msgs, m)
	}
	if err := cmd.Close(); err != nil {
		return nil, s.cmdErr(ctx, mailbox, "UID FETCH", err)
	}
	slices.SortFunc(msgs, func(a, b Message) int { return cmp.Compare(a.UID, b.UID) })
	return msgs, nil
}

// collectMessage reads one FETCH response. Unlike go-imap's Collect it
// stops at the first error without touching the connection again.
func collectMessage(fm *imapclient.FetchMessageData) (Message, error) {
	var m Message
	for {
		item := fm.Next()
		if item == nil {
			return m, nil
		}
		switch item := item.(type) {
		case imapclient.FetchItemDataUID:
			m.UID = uint32(item.UID)
		case imapclient.FetchItemDataFlags:
			m.Flags = flagStrings(item.Flags)
		case imapclient.FetchItemDataInternalDate:
			m.InternalDate = item.Time
		case imapclient.FetchItemDataRFC822Size:
			m.Size = item.Size
		case imapclient.FetchItemDataModSeq:
			m.ModSeq = item.ModSeq
		case imapclient.FetchItemDataBodySection:
			if item.Literal == nil {
				continue
			}
			raw, err := readLiteral(item.Literal, item.Literal.Size())
			if err == nil && int64(len(raw)) != item.Literal.Size() {
				// QUIRK: a connection closed mid-literal ends the read with
				// a plain EOF, which reading takes for success.
				err = fmt.Errorf("message truncated at %d of %d bytes: %w", len(raw), item.Literal.Size(), io.ErrUnexpectedEOF)
			}
			if err != nil {
				return m, err
			}
			m.Raw = raw
		}
	}
}

// fetchFlags fetches FLAGS of UIDs 1..upTo, only those changed since
// changedSince when it is not zero, and applies them in chunks.
func (s *session) fetchFlags(ctx context.Context, mailbox string, upTo uint32, changedSince uint64) (int, error) {
	opts := &goimap.FetchOptions{UID: true, Flags: true, ModSeq: changedSince != 0, ChangedSince: changedSince}
	stop := s.c.Guard(ctx)
	defer stop()
	cmd := s.c.Raw().Fetch(goimap.UIDSet{{Start: 1, Stop: goimap.UID(upTo)}}, opts)
	var updates []FlagUpdate
	total := 0
	flush := func() error {
		if len(updates) == 0 {
			return nil
		}
		if err := s.e.store.ApplyFlags(ctx, mailbox, updates); err != nil {
			return fmt.Errorf("sync: %q: apply flags: %w", mailbox, err)
		}
		total += len(updates)
		updates = updates[:0]
		return nil
	}
	for {
		fm := cmd.Next()
		if fm == nil {
			break
		}
		buf, err := fm.Collect()
		if err != nil {
			_ = cmd.Close()
			return total, s.cmdErr(ctx, mailbox, "UID FETCH FLAGS", err)
		}
		if buf.UID == 0 {
			continue
		}
		updates = append(updates, FlagUpdate{UID: uint32(buf.UID), Flags: flagStrings(buf.Flags), ModSeq: buf.ModSeq})
		if len(updates) >= flagChunk {
			if err := flush(); err != nil {
				_ = cmd.Close()
				return total, err
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return total, s.cmdErr(ctx, mailbox, "UID FETCH FLAGS", err)
	}
	return total, flush()
}

// fetchSizes learns RFC822.SIZE of uids so that batches can be bounded in
// bytes as well as in messages.
func (s *session) fetchSizes(ctx context.Context, mailbox string, uids []uint32) (map[uint32]int64, error) {
	stop := s.c.Guard(ctx)
	defer stop()
	bufs, err := s.c.Raw().Fetch(uidSet(uids), &goimap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return nil, s.cmdErr(ctx, mailbox, "UID FETCH RFC822.SIZE", err)
	}
	sizes := make(map[uint32]int64, len(bufs))
	for _, b := range bufs {
		sizes[uint32(b.UID)] = b.RFC822Size
	}
	return sizes, nil
}

// planBatches cuts uids into batches of at most maxMsgs messages and, when
// sizes are known, at most maxBytes bytes (a bigger message goes alone).
func planBatches(uids []uint32, sizes map[uint32]int64, maxMsgs int, maxBytes int64) [][]uint32 {
	var out [][]uint32
	var cur []uint32
	var curBytes int64
	for _, uid := range uids {
		size := sizes[uid]
		if len(cur) > 0 && (len(cur) >= maxMsgs || (maxBytes > 0 && curBytes+size > maxBytes)) {
			out = append(out, cur)
			cur, curBytes = nil, 0
		}
		cur = append(cur, uid)
		curBytes += size
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// missing returns the elements of have (ascending) not in server
// (ascending).
func missing(have, server []uint32) []uint32 {
	var gone []uint32
	j := 0
	for _, uid := range have {
		for j < len(server) && server[j] < uid {
			j++
		}
		if j >= len(server) || server[j] != uid {
			gone = append(gone, uid)
		}
	}
	return gone
}

func uidSet(uids []uint32) goimap.UIDSet {
	var set goimap.UIDSet
	for _, uid := range uids {
		set.AddNum(goimap.UID(uid))
	}
	return set
}

func flagStrings(flags []goimap.Flag) []string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = string(f)
	}
	return out
}

// maxLiteralPrealloc bounds what readLiteral allocates on the server's word
// alone; a bigger message grows as it arrives.
const maxLiteralPrealloc = 16 << 20

// readLiteral is io.ReadAll of a literal of the announced size, into one
// allocation of that size: io.ReadAll starts small and doubles, about 2.3
// bytes allocated per byte of mail (make bench, the initial sync's
// biggest source of garbage after the CMS conversion).
func readLiteral(r io.Reader, size int64) ([]byte, error) {
	// One byte more than announced, so that EOF is seen without growing.
	b := make([]byte, 0, min(max(size, 0), maxLiteralPrealloc)+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
