// Package store is SealDesk's local database: accounts, groups, tickets,
// articles (the raw message exactly as received, its metadata and security
// result), the public parts of S/MIME certificates and OpenPGP keys, and the
// security log. It is SQLite through modernc.org/sqlite (pure Go, no cgo),
// in WAL mode, with versioned migrations; the write-ahead log is copied
// into the database file by a goroutine of its own after the sync's bulk
// writes (checkpoint.go), with SQLite's automatic checkpoint as a backstop.
//
// Limits: private keys, passphrases and decrypted content are never stored
// here in the clear. Decrypted content is stored only sealed by the caller
// with the keychain-held store key (see crypto/keystore.Sealer).
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database's name inside the data directory.
const FileName = "sealdesk.db"

// Store is an open database. It is safe for concurrent use.
type Store struct {
	db    *sql.DB
	dir   string
	stmts stmtCache
	// writes serialises this process's writers. SQLite allows one writer
	// at a time; contending writers otherwise wait in SQLite's busy
	// handler, which sleeps in steps of milliseconds and left a core idle
	// while the sync's processors queued for the lock.
	writes sync.Mutex
	// ckpt copies the write-ahead log into the database file off the
	// writers' path (checkpoint.go).
	ckpt *checkpointer
}

// maxIdleConns is how many open connections the pool keeps between uses
// (see Open): more than the sync uses at once, few enough that their page
// caches (2 MB each at most) stay small.
const maxIdleConns = 6

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("store: not found")

// Open opens (creating if needed) the database in dir and brings its schema
// up to date. Every migration runs in its own transaction.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: creating the data directory: %w", err)
	}
	// temp_store(MEMORY): statement journals and temporary tables (a
	// batched multi-row UPDATE needs one) stay in memory instead of temp
	// files: faster, and nothing of a message lands outside the database.
	// busy_timeout comes first: the pragmas run in order on every new
	// connection, and switching a new database to WAL waits for another
	// process's lock (parallel sealctl runs opening one new profile).
	dsn := sqliteURI(filepath.Join(dir, FileName),
		"_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_txlock=immediate"+
			fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", walAutocheckpoint))
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// database/sql keeps 2 idle connections by default and closes any
	// further one as soon as it is returned; the sync's saver and
	// processing workers use about five at once, so connections were
	// opened again and again, each parsing the schema, running the pragmas
	// above and preparing every cached statement anew (about a sixteenth
	// of the initial sync's CPU time, make bench).
	db.SetMaxIdleConns(maxIdleConns)
	s := &Store{db: db, dir: dir}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.startCheckpointer()
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stopCheckpointer()
	s.closeStatements()
	return s.db.Close()
}

// Dir is the data directory.
func (s *Store) Dir() string { return s.dir }

// DB exposes the database to the repositories in this module's other
// packages' tests; application code goes through Store's methods.
func (s *Store) DB() *sql.DB { return s.db }

// SchemaVersion returns the number of the last applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.queryRow(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("store: reading the schema version: %w", err)
	}
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("store: migration %s has no number", name)
		}
		if n <= current {
			continue
		}
		body, _ := migrations.ReadFile(name)
		err = s.Tx(ctx, func(tx *sql.Tx) error {
			// Another process opening the same profile (the app and
			// sealctl, or parallel sealctl runs) may have applied it since
			// the version was read: the version is read again under the
			// write lock.
			var now int
			if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&now); err != nil || now >= n {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, n))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", filepath.Base(name), err)
		}
	}
	// The highest migration number, not their count: numbers may have a
	// gap while branches that each add one are merged.
	latest := 0
	if len(names) > 0 {
		latest, _ = strconv.Atoi(strings.SplitN(filepath.Base(names[len(names)-1]), "_", 2)[0])
	}
	if current > latest {
		return fmt.Errorf("store: the database has schema version %d, newer than this SealDesk knows (%d): upgrade SealDesk", current, latest)
	}
	return nil
}

// Tx runs fn in one transaction, committed when fn returns nil and rolled
// back otherwise, so a write that spans rows is all or nothing.
func (s *Store) Tx(ctx context.Context, fn func(*sql.Tx) error) error {
	s.writes.Lock()
	defer s.writes.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// ProfileID returns the data directory's stable random identifier, created
// on first use. It namespaces keychain items, so two data directories never
// collide and a moved directory keeps its keys.
func (s *Store) ProfileID(ctx context.Context) (string, error) {
	var id string
	err := s.queryRow(ctx, `SELECT value FROM meta WHERE key = 'profile_id'`).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	id = hex.EncodeToString(b)
	if _, err := s.exec(ctx, `INSERT INTO meta(key, value) VALUES ('profile_id', ?) ON CONFLICT(key) DO NOTHING`, id); err != nil {
		return "", err
	}
	// Another process may have won the race: read back what is stored.
	err = s.queryRow(ctx, `SELECT value FROM meta WHERE key = 'profile_id'`).Scan(&id)
	return id, err
}

// now is the store's clock, in the text form SQLite sorts correctly.
func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }
