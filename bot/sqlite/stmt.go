package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// statements are the statements of the commit path, prepared once on the
// write connection: parsing them on every Commit would cost more than
// running them.
type statements struct {
	recordUpdate, advanceOffset, storeSession, queueMessage, countStat *sql.Stmt
}

func (db *DB) prepare(ctx context.Context) error {
	for _, s := range []struct {
		stmt  **sql.Stmt
		query string
	}{
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
	} {
		var err error
		if *s.stmt, err = db.write.PrepareContext(ctx, s.query); err != nil {
			return fmt.Errorf("prepare %q: %w", s.query, err)
		}
	}
	return nil
}

// closeStatements closes the prepared statements (those prepared so far).
func (db *DB) closeStatements() error {
	var first error
	for _, s := range []*sql.Stmt{db.stmt.recordUpdate, db.stmt.advanceOffset, db.stmt.storeSession, db.stmt.queueMessage, db.stmt.countStat} {
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
