package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// Ticket is one row of the ticket list.
type Ticket struct {
	ID        int64       `json:"id"`
	Number    int64       `json:"number"`
	Subject   string      `json:"subject"`
	State     TicketState `json:"state"`
	GroupID   int64       `json:"group_id"`
	Customer  string      `json:"customer"`
	Unread    bool        `json:"unread"`
	CreatedAt string      `json:"created_at"`
	UpdatedAt string      `json:"updated_at"`
	// Security summarises the articles (the worst of them): none, signed,
	// encrypted or failed.
	Security string `json:"security"`
	// Pending: an article waits for the security engines (a sync was
	// interrupted); the next sync processes it.
	Pending bool `json:"pending"`
	// Owner is the owning agent's address ("" unassigned); PendingUntil a
	// pending ticket's reminder date (YYYY-MM-DD). Shared by the team
	// desk (docs/team.md).
	Owner        string `json:"owner,omitempty"`
	PendingUntil string `json:"pending_until,omitempty"`
}

// TicketQuery selects one page of the ticket list. Zero values mean "any".
type TicketQuery struct {
	Search string      `json:"search"` // matched against subject, customer and ticket number
	State  TicketState `json:"state"`  // one of TicketStates
	// GroupID narrows to one group; 0 means any.
	GroupID int64 `json:"group_id"`
	// Security narrows by the ticket's security summary: none, signed,
	// encrypted, failed, or pending (an article waits for the security
	// engines, e.g. after an interrupted sync).
	Security string `json:"security"`
	// Unread narrows to unread tickets.
	Unread bool `json:"unread"`
	// Owner narrows to one agent's tickets (an address), or to the
	// unassigned ones with OwnerNone.
	Owner  string `json:"owner,omitempty"`
	Offset int    `json:"offset"`
	Limit  int    `json:"limit"` // at most 500; 0 means 100
}

// OwnerNone selects the unassigned tickets (TicketQuery.Owner).
const OwnerNone = "-"

// TicketPage is one page of tickets and the total that match the query, so
// a virtualized list can size itself without loading every row.
type TicketPage struct {
	Total   int      `json:"total"`
	Tickets []Ticket `json:"tickets"`
}

// ticketColumns are the columns of a Ticket, in the order of fields.
// security and security_pending are kept up to date by triggers on
// articles (migration 0007).
const ticketColumns = `t.id, t.number, t.subject, t.state, COALESCE(t.group_id, 0), t.customer,
	        t.unread, t.created_at, t.updated_at, t.security, t.security_pending > 0, t.owner, t.pending_until`

func (t *Ticket) fields() []any {
	return []any{&t.ID, &t.Number, &t.Subject, &t.State, &t.GroupID, &t.Customer, &t.Unread, &t.CreatedAt, &t.UpdatedAt, &t.Security, &t.Pending, &t.Owner, &t.PendingUntil}
}

// Tickets returns one page of tickets, most recently updated first.
func (s *Store) Tickets(ctx context.Context, q TicketQuery) (TicketPage, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	q.Limit = min(q.Limit, 500)
	var where []string
	var args []any
	if q.State != "" {
		if !q.State.Valid() {
			return TicketPage{}, fmt.Errorf("%w: unknown state %q (%s)", ErrBadFilter, q.State, orList(TicketStates()))
		}
		where = append(where, "t.state = ?")
		args = append(args, q.State)
	}
	if q.GroupID != 0 {
		where = append(where, "t.group_id = ?")
		args = append(args, q.GroupID)
	}
	if q.Unread {
		where = append(where, "t.unread = 1")
	}
	switch q.Owner {
	case "":
	case OwnerNone:
		where = append(where, "t.owner = ''")
	default:
		where = append(where, "t.owner = ? COLLATE NOCASE")
		args = append(args, q.Owner)
	}
	switch q.Security {
	case "":
	case "pending":
		where = append(where, "t.security_pending > 0")
	case SecurityNone, SecuritySigned, SecurityEncrypted, SecurityFailed:
		where = append(where, "t.security = ?")
		args = append(args, q.Security)
	default:
		return TicketPage{}, fmt.Errorf("%w: unknown security status %q (none, signed, encrypted, failed, pending)", ErrBadFilter, q.Security)
	}
	if q.Search != "" {
		cond, a := searchCondition(q.Search)
		where = append(where, cond)
		args = append(args, a...)
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	page := TicketPage{Tickets: []Ticket{}}
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM tickets t `+cond, args...).Scan(&page.Total); err != nil {
		return page, err
	}
	// The page's IDs first, then its rows: skipping Offset rows walks
	// only the index, not the table (deep pages were slow; README,
	// Benchmarks, BenchmarkTicketList100k).
	rows, err := s.query(ctx, `SELECT `+ticketColumns+` FROM tickets t WHERE t.id IN (
	        SELECT t.id FROM tickets t `+cond+` ORDER BY t.updated_at DESC, t.id DESC LIMIT ? OFFSET ?)
	    ORDER BY t.updated_at DESC, t.id DESC`,
		append(args, q.Limit, q.Offset)...)
	if err != nil {
		return page, err
	}
	defer rows.Close()
	for rows.Next() {
		var t Ticket
		if err := rows.Scan(t.fields()...); err != nil {
			return page, err
		}
		page.Tickets = append(page.Tickets, t)
	}
	return page, rows.Err()
}

// CreateTicket inserts a ticket with the next free number.
func (s *Store) CreateTicket(ctx context.Context, subject, customer string) (Ticket, error) {
	t := Ticket{Subject: subject, Customer: customer, State: "open", Unread: true, CreatedAt: now()}
	t.UpdatedAt = t.CreatedAt
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO tickets(number, subject, customer, created_at, updated_at)
		    VALUES ((SELECT COALESCE(MAX(number), 10000) + 1 FROM tickets), ?, ?, ?, ?) RETURNING id, number`,
			subject, customer, t.CreatedAt, t.UpdatedAt).Scan(&t.ID, &t.Number); err != nil {
			return err
		}
		return indexTickets(ctx, tx, []int64{t.ID})
	})
	t.Security = "none"
	return t, err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ArticleSummary is an article as a ticket's history lists it.
type ArticleSummary struct {
	ID        int64          `json:"id"`
	MessageID string         `json:"message_id"`
	From      string         `json:"from"`
	To        string         `json:"to"`
	Subject   string         `json:"subject"`
	Date      string         `json:"date"`
	Direction string         `json:"direction"`
	Security  verdict.Result `json:"security"`
	// Pending: the security engines have not run over it yet.
	Pending  bool `json:"pending"`
	Expunged bool `json:"expunged"`
	// Agent and AgentName: the team agent who sent an outgoing article
	// (its X-SealDesk-Agent field, migration 0018); empty when unknown. A
	// display hint, never a trust decision: anyone can write the field.
	Agent     string `json:"agent"`
	AgentName string `json:"agent_name"`
}

// articleSummaryColumns are what scanArticleSummary reads, in order.
const articleSummaryColumns = `id, message_id, from_addr, to_addrs, subject, date, direction, security, security_pending, expunged, agent, agent_name`

func scanArticleSummary(r scanner, extra ...any) (ArticleSummary, error) {
	var a ArticleSummary
	var sec string
	if err := r.Scan(append([]any{&a.ID, &a.MessageID, &a.From, &a.To, &a.Subject, &a.Date, &a.Direction, &sec,
		&a.Pending, &a.Expunged, &a.Agent, &a.AgentName}, extra...)...); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(sec), &a.Security); err != nil {
		return a, fmt.Errorf("store: article %d has an unreadable security result: %w", a.ID, err)
	}
	return a, nil
}

// TicketArticles lists a ticket's articles, oldest first.
func (s *Store) TicketArticles(ctx context.Context, ticketID int64) ([]ArticleSummary, error) {
	return s.queryArticleSummaries(ctx, `SELECT `+articleSummaryColumns+` FROM articles WHERE ticket_id = ? ORDER BY id`, ticketID)
}

// queryArticleSummaries runs a query of articleSummaryColumns.
func (s *Store) queryArticleSummaries(ctx context.Context, query string, args ...any) ([]ArticleSummary, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ArticleSummary{}
	for rows.Next() {
		a, err := scanArticleSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ArticleSummary returns one article as its ticket's history lists it,
// and the ticket it belongs to, without reading the raw message or the
// ticket's other articles; an error matching ErrNotFound when there is
// no such article.
func (s *Store) ArticleSummary(ctx context.Context, id int64) (ArticleSummary, int64, error) {
	var ticketID int64
	a, err := scanArticleSummary(s.queryRow(ctx, `SELECT `+articleSummaryColumns+`, ticket_id FROM articles WHERE id = ?`, id), &ticketID)
	if errors.Is(err, sql.ErrNoRows) {
		return a, 0, fmt.Errorf("store: no article %d: %w", id, ErrNotFound)
	}
	return a, ticketID, err
}

// searchCondition matches subject and customer by substring, and the ticket
// number exactly. Three characters or more go through the trigram index
// (migration 0008); shorter input, which a trigram index cannot answer,
// scans with LIKE.
func searchCondition(search string) (string, []any) {
	number := strings.TrimSpace(search)
	if utf8.RuneCountInString(search) >= 3 {
		// One FTS5 string (a double quote inside is doubled), so
		// the input is a substring, never query syntax.
		phrase := `"` + strings.ReplaceAll(search, `"`, `""`) + `"`
		// The matches drive the query (the number by its unique index),
		// rather than a probe of the index for every ticket.
		return "t.id IN (SELECT rowid FROM tickets_search WHERE tickets_search MATCH ? UNION SELECT id FROM tickets WHERE number = ?)",
			[]any{phrase, number}
	}
	like := "%" + escapeLike(search) + "%"
	return "(t.subject LIKE ? ESCAPE '\\' OR t.customer LIKE ? ESCAPE '\\' OR CAST(t.number AS TEXT) = ?)", []any{like, like, number}
}
