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

// preparedTx is a transaction whose statements come from the cache: the
// sync saves a batch in one transaction of about ten statements per
// message, and SQLite compiling each text again was half of the saving's
// CPU time (make bench, a profile of the initial sync). It is a querier,
// so code written for *sql.Tx takes it as is.
type preparedTx struct {
	s  *Store
	tx *sql.Tx
	// bound are the statements bound to tx so far, by text: binding
	// allocates, and a batch runs each text a hundred times.
	bound map[string]*sql.Stmt
}

func (s *Store) preparedTx(tx *sql.Tx) *preparedTx {
	return &preparedTx{s: s, tx: tx, bound: map[string]*sql.Stmt{}}
}

var _ querier = (*preparedTx)(nil)

func (p *preparedTx) stmt(ctx context.Context, query string) (*sql.Stmt, bool) {
	if st, ok := p.bound[query]; ok {
		return st, true
	}
	if st := p.s.prepared(ctx, query); st != nil {
		// Tx.StmtContext reuses what the statement holds for this
		// connection and re-prepares it once on another; the bound
		// statement is closed with the transaction.
		p.bound[query] = p.tx.StmtContext(ctx, st)
		return p.bound[query], true
	}
	return nil, false
}

func (p *preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := p.stmt(ctx, query); ok {
		return st.QueryRowContext(ctx, args...)
	}
	return p.tx.QueryRowContext(ctx, query, args...)
}

func (p *preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st, ok := p.stmt(ctx, query); ok {
		return st.QueryContext(ctx, args...)
	}
	return p.tx.QueryContext(ctx, query, args...)
}

func (p *preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, ok := p.stmt(ctx, query); ok {
		return st.ExecContext(ctx, args...)
	}
	return p.tx.ExecContext(ctx, query, args...)
}
