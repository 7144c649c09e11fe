package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the cache: the store's SQL is a fixed set of
// texts (filters add clauses, never values), far below this.
const maxCachedStatements = 256

// stmtCache keeps prepared statements by their SQL text. database/sql does
// not cache them for this driver, and SQLite compiling the same text again
// on every call was a large share of an article's processing time
// (README, Benchmarks). Statements inside a transaction go through the
// *sql.Tx as usual.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func (s *Store) prepared(ctx context.Context, query string) *sql.Stmt {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if st, ok := s.stmts.m[query]; ok {
		return st
	}
	if len(s.stmts.m) >= maxCachedStatements {
		return nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		// Run it unprepared: the call itself then reports the error.
		return nil
	}
	if s.stmts.m == nil {
		s.stmts.m = map[string]*sql.Stmt{}
	}
	s.stmts.m[query] = st
	return st
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, query, args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, query, args...)
}

func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s.writes.Lock()
	defer s.writes.Unlock()
	if st := s.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.db.ExecContext(ctx, query, args...)
}

func (s *Store) closeStatements() {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	for _, st := range s.stmts.m {
		st.Close()
	}
	s.stmts.m = nil
}
