// Package sqlite keeps scambot's durable state in one SQLite file:
// conversation sessions, the Telegram polling offset and the updates already
// processed, the outbox of replies not yet delivered, user preferences and
// aggregated statistics. It is the only importer of
// github.com/mattn/go-sqlite3; it knows nothing of Telegram or of the
// conversation, whose state it stores as an opaque JSON blob.
//
// # Exactly once
//
// An adapter handles a Telegram update by reading the chat's Session, stepping
// the conversation, and calling Commit, which in one transaction records the
// update as processed, advances the polling offset, stores the new state and
// queues the replies in the outbox. A re-delivered update gets ErrDuplicate and
// changes nothing, so no update is processed twice and no reply is lost if the
// process dies between storing the state and sending.
//
// Replies leave the outbox through Pending, Done and Retry. That delivery is
// at least once: if the process dies after Telegram accepted a message but
// before Done removed it, the message is sent again after the restart.
//
// # Privacy
//
// No message text is stored anywhere in this package except inside the two
// opaque blobs its callers define: the session state and the outbox payload.
// Statistics are counts by day, level, category, script and signal; a user
// appears in them only as a salted hash of their id (HashUser). Forget deletes
// every row about a user; Expire deletes what is older than the retention.
// Deleted content is overwritten with zeros (PRAGMA secure_delete) and Forget
// checkpoints the write-ahead log, so a forgotten user's rows do not linger in
// free pages or in the WAL file.
//
// # Durability
//
// The database runs in WAL mode with synchronous=NORMAL unless
// Options.Durable: a commit survives a crash of the process (kill -9), but
// the last commits before a power loss or an operating-system crash may be
// rolled back; the file stays consistent. Rolling back means Telegram has
// forgotten updates whose processing was lost, and an outbox row already sent
// may be sent again. Options.Durable sets synchronous=FULL, an fsync per
// commit, which closes that window at the cost of commit throughput.
//
// # Connections
//
// All writes go through one connection, so they queue in process (bounded by
// their context) instead of failing with SQLITE_BUSY; BEGIN IMMEDIATE and a
// busy timeout cover another process, such as an operator's command, writing
// the same file. Reads use a separate pool of read-only connections, which WAL
// lets run beside the writer.
//
// # Schema
//
// The schema is a list of steps in code, applied at Open in one transaction
// each and recorded in the schema_version table. Opening a database written by
// a newer program (one with more steps) fails with ErrSchemaTooNew.
package sqlite

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// Errors callers branch on; test for them with errors.Is.
var (
	// ErrNotFound means the row the call refers to does not exist (it may
	// have been removed by Forget or Expire).
	ErrNotFound = errors.New("not found")
	// ErrDuplicate means Commit was given an update already committed.
	ErrDuplicate = errors.New("update already processed")
	// ErrSchemaTooNew means the database was migrated by a newer program.
	ErrSchemaTooNew = errors.New("database schema is newer than this program")
)

const (
	busyTimeout = 5 * time.Second
	readConns   = 4

	// UpdateRetention is how long processed update ids are kept to detect
	// re-deliveries; Telegram keeps an update at most 24 hours.
	UpdateRetention = 48 * time.Hour

	saltKey = "stats_salt"
)

// Options configure Open. The zero value is ready to use.
type Options struct {
	// Logger receives operational events (migrations, expiry counts). Nil
	// discards them.
	Logger *slog.Logger
	// Salt keys the hash of user ids in statistics (HashUser). Nil or empty
	// uses a random salt generated on first Open and stored in the database,
	// so hashes are stable across restarts. Changing the salt later makes
	// earlier statistics rows unreachable by Forget (they still expire).
	Salt []byte
	// Now is the clock for timestamps. Nil means time.Now.
	Now func() time.Time
	// Durable makes every commit survive power loss (synchronous=FULL, an
	// fsync per commit). False (synchronous=NORMAL) survives process crashes
	// only; see the package documentation.
	Durable bool
}

// A DB is an open scambot database. It is safe for concurrent use by
// multiple goroutines. Close it when done.
type DB struct {
	write *sql.DB // a single connection: every write, in turn
	read  *sql.DB // read-only pool; the same as write for ":memory:"
	log   *slog.Logger
	now   func() time.Time
	salt  []byte
	stmt  statements
}

// Open opens the database at path, creating the file if needed, and brings
// its schema up to date. The path ":memory:" gives a private in-memory
// database on one connection, for tests. Open fails with ErrSchemaTooNew if
// the file was migrated by a newer program.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" || strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("open database %q: want a plain file path", path)
	}
	db := &DB{log: opts.Logger, now: opts.Now}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	if db.now == nil {
		db.now = time.Now
	}
	memory := path == ":memory:"

	common := url.Values{}
	common.Set("_busy_timeout", strconv.FormatInt(busyTimeout.Milliseconds(), 10))
	common.Set("_foreign_keys", "1")
	common.Set("_secure_delete", "on")

	w := cloneValues(common)
	w.Set("_journal_mode", "WAL")
	w.Set("_synchronous", "NORMAL")
	if opts.Durable {
		w.Set("_synchronous", "FULL")
	}
	// Every write transaction takes the write lock at BEGIN, so a transaction
	// never fails half-way when another process holds it.
	w.Set("_txlock", "immediate")
	var err error
	db.write, err = sql.Open("sqlite3", path+"?"+w.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// One connection: writes are serialised here, and ":memory:" stays one
	// database (each connection would get its own). It is kept open forever.
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)
	db.write.SetConnMaxIdleTime(0)

	if err := db.setUp(ctx, memory, opts.Salt); err != nil {
		return nil, errors.Join(fmt.Errorf("open database %s: %w", path, err), db.closeStatements(), db.write.Close())
	}

	if memory {
		db.read = db.write
	} else {
		r := cloneValues(common)
		r.Set("_query_only", "1")
		db.read, err = sql.Open("sqlite3", path+"?"+r.Encode())
		if err != nil {
			return nil, errors.Join(fmt.Errorf("open database %s: %w", path, err), db.closeStatements(), db.write.Close())
		}
		db.read.SetMaxOpenConns(readConns)
		db.read.SetMaxIdleConns(readConns)
		db.read.SetConnMaxIdleTime(5 * time.Minute)
	}
	if err := db.prepareReads(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open database %s: %w", path, err), db.Close())
	}
	return db, nil
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// setUp checks the journal mode, migrates, prepares statements and loads
// the salt.
func (db *DB) setUp(ctx context.Context, memory bool, salt []byte) error {
	if !memory {
		var mode string
		if err := db.write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
			return err // the driver's message names the problem (not a database, no permission)
		}
		if !strings.EqualFold(mode, "wal") {
			return fmt.Errorf("journal mode is %q, want wal (is the file on a network file system?)", mode)
		}
	}
	if err := db.migrate(ctx); err != nil {
		return err
	}
	if err := db.prepareWrites(ctx); err != nil {
		return err
	}
	if len(salt) > 0 {
		db.salt = append([]byte(nil), salt...)
		return nil
	}
	return db.loadSalt(ctx)
}

// Version returns the number of schema steps this program knows; a database
// it has opened is at this version.
func Version() int { return len(migrations) }

func (db *DB) migrate(ctx context.Context) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_version (
	version    INTEGER PRIMARY KEY,
	applied_at INTEGER NOT NULL
)`
	if _, err := db.write.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	for {
		done, err := db.migrateStep(ctx)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next migration, if any, in its own transaction. It
// reads the version inside the transaction, so two processes opening the same
// file at once do not apply a step twice.
func (db *DB) migrateStep(ctx context.Context) (done bool, err error) {
	err = db.writeTx(ctx, func(tx *sql.Tx) error {
		var v int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		switch {
		case v > len(migrations):
			return fmt.Errorf("%w: database is at version %d, this program knows %d", ErrSchemaTooNew, v, len(migrations))
		case v == len(migrations):
			done = true
			return nil
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrate to version %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`, v+1, ms(db.now())); err != nil {
			return fmt.Errorf("record schema version %d: %w", v+1, err)
		}
		db.log.Info("schema migrated", "version", v+1)
		return nil
	})
	return done, err
}

func (db *DB) loadSalt(ctx context.Context) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, saltKey).Scan(&db.salt)
		if !errors.Is(err, sql.ErrNoRows) {
			if err != nil {
				return fmt.Errorf("load statistics salt: %w", err)
			}
			return nil
		}
		db.salt = make([]byte, 32)
		rand.Read(db.salt) // never fails (crypto/rand)
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, saltKey, db.salt); err != nil {
			return fmt.Errorf("store statistics salt: %w", err)
		}
		db.log.Info("generated statistics salt")
		return nil
	})
}

// Close closes the database. Calls in progress may fail; calls after Close
// fail.
func (db *DB) Close() error {
	var errs []error
	if db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	// Let SQLite refresh its query planner statistics, as it recommends
	// before closing a long-lived connection; failing here loses nothing.
	if _, err := db.write.Exec(`PRAGMA optimize`); err != nil {
		db.log.Debug("optimize on close failed", "err", err)
	}
	errs = append(errs, db.closeStatements(), db.write.Close())
	return errors.Join(errs...)
}

// HashUser returns the salted hash under which a user's statistics are kept:
// 16 hex digits of HMAC-SHA256(salt, decimal user id). It is also what logs
// should show instead of a user or chat id.
func (db *DB) HashUser(userID int64) string {
	m := hmac.New(sha256.New, db.salt)
	m.Write(strconv.AppendInt(nil, userID, 10))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// Tables returns the names of the tables in the database, sorted, including
// SQLite's own (such as sqlite_sequence). It is meant for tests and
// diagnostics.
func (db *DB) Tables(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return names, nil
}

// writeTx runs fn in a write transaction (BEGIN IMMEDIATE on the single
// write connection) and commits it if fn returns nil; otherwise it rolls back
// and returns fn's error.
func (db *DB) writeTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("roll back: %w", rerr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// ms converts a time to the unix milliseconds stored in the database; the
// zero time is 0.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts stored unix milliseconds back; 0 is the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
