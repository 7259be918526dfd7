package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// statements are the statements run for every update, prepared once:
// parsing them each time would cost more than running them.
type statements struct {
	// On the write connection, for Commit.
	recordUpdate, advanceOffset, storeSession, queueMessage, countStat *sql.Stmt
	// On the read pool (database/sql prepares them on each connection).
	session, pending *sql.Stmt
}

func (s *statements) all() []*sql.Stmt {
	return []*sql.Stmt{s.recordUpdate, s.advanceOffset, s.storeSession, s.queueMessage, s.countStat, s.session, s.pending}
}

// prepareWrites prepares the statements of the write connection.
func (db *DB) prepareWrites(ctx context.Context) error {
	return prepare(ctx, db.write, []stmtDef{
		{&db.stmt.recordUpdate, `INSERT INTO processed_updates (update_id, at) VALUES (?, ?) ON CONFLICT DO NOTHING`},
		{&db.stmt.advanceOffset, `UPDATE polling SET next_update_id = max(next_update_id, ?) WHERE id = 1`},
		{&db.stmt.storeSession, `
INSERT INTO sessions (chat_id, user_id, state, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (chat_id) DO UPDATE SET
	user_id = CASE WHEN excluded.user_id != 0 THEN excluded.user_id ELSE user_id END,
	state = excluded.state,
	updated_at = excluded.updated_at`},
		// seq is one more than the chat's last queued message.
		{&db.stmt.queueMessage, `
INSERT INTO outbox (chat_id, seq, priority, payload, not_before, created_at)
VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox WHERE chat_id = ?1), ?2, ?3, ?4, ?5)`},
		{&db.stmt.countStat, `
INSERT INTO stat_events (day, level, category, script, signals, user_hash, at) VALUES (?, ?, ?, ?, ?, ?, ?)`},
	})
}

// prepareReads prepares the statements of the read pool.
func (db *DB) prepareReads(ctx context.Context) error {
	return prepare(ctx, db.read, []stmtDef{
		{&db.stmt.session, `SELECT user_id, state, question_msg_id, updated_at FROM sessions WHERE chat_id = ?`},
		// Each chat's messages are numbered (round) and carry the latest
		// not_before up to them (gate), so a delayed message holds back
		// those after it.
		{&db.stmt.pending, `
SELECT id, chat_id, seq, priority, payload, attempts, not_before, created_at
FROM (
	SELECT *,
		row_number() OVER chat AS round,
		max(not_before) OVER chat AS gate
	FROM outbox
	WINDOW chat AS (PARTITION BY chat_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
WHERE gate <= ?
ORDER BY round, priority, id
LIMIT ?`},
	})
}

type stmtDef struct {
	stmt  **sql.Stmt
	query string
}

func prepare(ctx context.Context, pool *sql.DB, defs []stmtDef) error {
	for _, d := range defs {
		var err error
		if *d.stmt, err = pool.PrepareContext(ctx, d.query); err != nil {
			return fmt.Errorf("prepare %q: %w", d.query, err)
		}
	}
	return nil
}

// closeStatements closes the prepared statements (those prepared so far).
func (db *DB) closeStatements() error {
	var first error
	for _, s := range db.stmt.all() {
		if s != nil {
			if err := s.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// exec runs a prepared statement in tx. On the single write connection the
// statement is already prepared, so this costs no parsing.
func exec(ctx context.Context, tx *sql.Tx, s *sql.Stmt, args ...any) (sql.Result, error) {
	return tx.StmtContext(ctx, s).ExecContext(ctx, args...)
}
