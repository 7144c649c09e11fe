package store

import (
	"context"
	"strings"
)

// LogEntry is one security operation (Zammad's "Recent Logs").
type LogEntry struct {
	ID         int64  `json:"id"`
	At         string `json:"at"`
	Direction  string `json:"direction"`  // in, out
	Technology string `json:"technology"` // S/MIME, PGP
	Operation  string `json:"operation"`  // sign, verify, encrypt, decrypt
	Status     string `json:"status"`     // success, failed
	ArticleID  int64  `json:"article_id"`
	MessageID  string `json:"message_id"`
	Detail     string `json:"detail"`
}

// LogQuery filters the security log. Zero values mean "any".
type LogQuery struct {
	Direction  string `json:"direction"` // in, out
	Technology string `json:"technology"`
	Operation  string `json:"operation"`
	Status     string `json:"status"`
	Search     string `json:"search"`
	Limit      int    `json:"limit"` // 0 means 200; at most 5,000
}

// AppendLog records one security operation. Detail must never carry key
// material, passphrases or decrypted content.
func (s *Store) AppendLog(ctx context.Context, e LogEntry) (LogEntry, error) {
	if e.At == "" {
		e.At = now()
	}
	var article any
	if e.ArticleID != 0 {
		article = e.ArticleID
	}
	err := s.queryRow(ctx, `INSERT INTO security_log(at, direction, technology, operation, status, article_id, message_id, detail)
	    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.At, e.Direction, e.Technology, e.Operation, e.Status, article, e.MessageID, e.Detail).Scan(&e.ID)
	return e, err
}

// Log returns the newest entries that match q, newest first.
func (s *Store) Log(ctx context.Context, q LogQuery) ([]LogEntry, error) {
	if q.Limit <= 0 {
		q.Limit = 200
	}
	q.Limit = min(q.Limit, 5000)
	var where []string
	var args []any
	for col, v := range map[string]string{"direction": q.Direction, "technology": q.Technology, "operation": q.Operation, "status": q.Status} {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	if q.Search != "" {
		where = append(where, "(detail LIKE ? ESCAPE '\\' OR message_id LIKE ? ESCAPE '\\')")
		like := "%" + escapeLike(q.Search) + "%"
		args = append(args, like, like)
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.query(ctx, `SELECT id, at, direction, technology, operation, status, COALESCE(article_id, 0), message_id, detail
	    FROM security_log `+cond+` ORDER BY at DESC, id DESC LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	entries := []LogEntry{}
	for rows.Next() {
		var e LogEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Direction, &e.Technology, &e.Operation, &e.Status, &e.ArticleID, &e.MessageID, &e.Detail); err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, rows.Err()
}
