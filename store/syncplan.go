package store

import (
	"context"
	"math/bits"
	"strings"
	gosync "sync"
)

// batchPlan holds the tickets and articles SaveMailboxBatch decided to
// add, until it writes them all at once (flush): a few multi-row INSERTs
// per batch instead of three or four statements per mail, each of which
// costs database/sql and SQLite more than its row (BenchmarkSyncWritePath:
// about half of saving a mail went to the statements themselves).
//
// A planned row takes the ID SQLite would give it (one more than the
// largest, read inside the transaction, which holds the write lock), so
// what SaveMailboxBatch returns and what threading finds is as if each row
// had been inserted at once. Whatever reads the tables (a claim, a copy, a
// rebind, a look-up by a Message-ID stored before this batch) sees
// planned rows only after a flush: saveMessage flushes before those, and
// the threader answers from the plan what only the plan holds.
type batchPlan struct {
	ctx context.Context
	q   querier
	// next are the next free IDs and ticket number, read on first use.
	loaded                 bool
	article, ticket, numer int64
	tickets                []plannedTicket
	articles               []any // articleRow.cols values per row
	raws                   []any // article_id, raw per row
	// touched are earlier tickets a planned article joined: updated_at;
	// touchOrder the same IDs in the order they were first touched.
	touched    map[int64]string
	touchOrder []int64
	// byTicket: index in tickets of a planned ticket; byNumber: planned
	// ticket by number; byMID: ticket of the first planned article with
	// a Message-ID.
	byTicket map[int64]int
	byNumber map[int64]int64
	byMID    map[string]int64
}

type plannedTicket struct {
	id, number                          int64
	subject, customer, created, updated string
}

func newBatchPlan(ctx context.Context, q querier) *batchPlan {
	return &batchPlan{ctx: ctx, q: q, touched: map[int64]string{}, byTicket: map[int64]int{},
		byNumber: map[int64]int64{}, byMID: map[string]int64{}}
}

func (p *batchPlan) load() error {
	if p.loaded {
		return nil
	}
	err := p.q.QueryRowContext(p.ctx, `SELECT (SELECT COALESCE(MAX(id), 0) FROM articles),
	    (SELECT COALESCE(MAX(id), 0) FROM tickets), (SELECT COALESCE(MAX(number), 10000) FROM tickets)`).Scan(
		&p.article, &p.ticket, &p.numer)
	p.loaded = err == nil
	return err
}

// pending reports whether anything is planned and not written yet.
func (p *batchPlan) pending() bool {
	return p != nil && (len(p.tickets) > 0 || len(p.raws) > 0 || len(p.touched) > 0)
}

// newTicket plans a ticket with the next number (as newTicket).
func (p *batchPlan) newTicket(subject, customer string) (int64, error) {
	if err := p.load(); err != nil {
		return 0, err
	}
	p.ticket++
	p.numer++
	t := now()
	p.byTicket[p.ticket] = len(p.tickets)
	p.byNumber[p.numer] = p.ticket
	p.tickets = append(p.tickets, plannedTicket{id: p.ticket, number: p.numer, subject: subject, customer: customer, created: t, updated: t})
	return p.ticket, nil
}

// ticketNumbered is the planned ticket with this number, if any. A nil
// plan has none.
func (p *batchPlan) ticketNumbered(n int64) (int64, bool) {
	if p == nil {
		return 0, false
	}
	id, ok := p.byNumber[n]
	return id, ok
}

// ticketOf is the ticket of the first planned article with this
// Message-ID, if any. A nil plan has none.
func (p *batchPlan) ticketOf(mid string) (int64, bool) {
	if p == nil {
		return 0, false
	}
	id, ok := p.byMID[mid]
	return id, ok
}

// addArticle plans an article in ticket (cols: articleRows' columns after
// id and ticket_id, in order) and its raw message, and returns its ID.
func (p *batchPlan) addArticle(mid string, ticket int64, raw []byte, cols ...any) (int64, error) {
	if err := p.load(); err != nil {
		return 0, err
	}
	p.article++
	p.articles = append(append(p.articles, p.article, ticket), cols...)
	if raw == nil {
		raw = []byte{} // NOT NULL, as insertRaw
	}
	p.raws = append(p.raws, p.article, raw)
	if _, ok := p.byMID[mid]; !ok {
		p.byMID[mid] = ticket
	}
	return p.article, nil
}

// touch marks a ticket updated at t by a new article, and unread.
func (p *batchPlan) touch(ticket int64, t string) {
	if i, ok := p.byTicket[ticket]; ok {
		p.tickets[i].updated = t // a planned ticket is unread already
		return
	}
	if _, ok := p.touched[ticket]; !ok {
		p.touchOrder = append(p.touchOrder, ticket)
	}
	p.touched[ticket] = t
}

// flush writes what is planned: tickets, then articles (whose trigger
// counts them into their tickets), raw messages and the updated tickets.
// It returns the Message-IDs written, which lookups by Message-ID now find
// in the tables. Planned tickets are indexed for search by the caller
// (threader.indexOpened).
func (p *batchPlan) flush() ([]string, error) {
	if !p.pending() { // a nil plan included
		return nil, nil
	}
	targs := make([]any, 0, len(p.tickets)*ticketRows.cols)
	for _, t := range p.tickets {
		targs = append(targs, t.id, t.number, t.subject, t.customer, t.created, t.updated)
	}
	uargs := make([]any, 0, len(p.touched)*touchRows.cols)
	for _, id := range p.touchOrder {
		uargs = append(uargs, id, p.touched[id])
	}
	for _, w := range []struct {
		rows *multiRow
		args []any
	}{{ticketRows, targs}, {articleRows, p.articles}, {rawRows, p.raws}, {touchRows, uargs}} {
		if _, err := w.rows.exec(p.ctx, p.q, w.args); err != nil {
			return nil, err
		}
	}
	mids := make([]string, 0, len(p.byMID))
	for mid := range p.byMID {
		mids = append(mids, mid)
	}
	p.tickets, p.articles, p.raws, p.touchOrder = p.tickets[:0], p.articles[:0], p.raws[:0], p.touchOrder[:0]
	clear(p.touched)
	clear(p.byTicket)
	clear(p.byNumber)
	clear(p.byMID)
	return mids, nil
}

// The multi-row statements of a flush. articleRows' columns are those of
// saveMessage's single INSERT, the ID first.
var (
	ticketRows  = newMultiRow(`INSERT INTO tickets(id, number, subject, customer, created_at, updated_at) VALUES `, 6, ``)
	articleRows = newMultiRow(`INSERT INTO articles(id, ticket_id, mailbox_id, uid, uid_validity, message_id, content_sha256,
        direction, from_addr, to_addrs, cc_addrs, subject, date, flags, internal_date, size, modseq,
        security_pending, parse_error, created_at, agent, agent_name) VALUES `, 22, ``)
	rawRows   = newMultiRow(`INSERT INTO article_raw(article_id, raw) VALUES `, 2, ``)
	touchRows = newMultiRow(`UPDATE tickets SET updated_at = v.column2, unread = 1 FROM (VALUES `, 2,
		`) AS v WHERE tickets.id = v.column1`)
)

// maxRowsPerStatement bounds a multi-row statement: 64 rows of 22
// parameters are far below SQLite's limit of 32766.
const maxRowsPerStatement = 64

// multiRow is a statement over any number of rows of cols values, run in
// chunks of a power of two rows (at most maxRowsPerStatement), so that the
// prepared-statement cache (stmts.go) holds a handful of texts per
// statement whatever the batch size. The texts are built once: they are
// the cache's key, and building one again per call would cost what the
// cache saves.
type multiRow struct {
	prefix, suffix string
	cols           int
	once           gosync.Once
	texts          [7]string // 1, 2, 4, ... maxRowsPerStatement rows
}

func newMultiRow(prefix string, cols int, suffix string) *multiRow {
	return &multiRow{prefix: prefix, suffix: suffix, cols: cols}
}

// text is the statement over n rows, n a power of two.
func (m *multiRow) text(n int) string {
	m.once.Do(func() {
		row := "(?" + strings.Repeat(", ?", m.cols-1) + ")"
		for i := range m.texts {
			m.texts[i] = m.prefix + row + strings.Repeat(", "+row, 1<<i-1) + m.suffix
		}
	})
	return m.texts[bits.TrailingZeros(uint(n))]
}

// exec runs the statement over args, cols values per row, and returns the
// number of rows it changed.
func (m *multiRow) exec(ctx context.Context, q querier, args []any) (int64, error) {
	var changed int64
	for len(args) >= m.cols {
		n := maxRowsPerStatement
		for n > len(args)/m.cols {
			n /= 2
		}
		res, err := q.ExecContext(ctx, m.text(n), args[:n*m.cols]...)
		if err != nil {
			return changed, err
		}
		k, _ := res.RowsAffected()
		changed += k
		args = args[n*m.cols:]
	}
	return changed, nil
}
