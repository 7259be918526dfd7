package sqlite

// What a long-running bot (scambot serve) needs beyond sessions, commits and
// the outbox: readiness, gauges, and dropping a chat that can no longer be
// written to.

import (
	"context"
	"fmt"
	"time"
)

// Ping checks that the database answers a query, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// DropOutbox removes every message queued to chatID, for a chat the bot can
// no longer write to (the user blocked it, or it left the group). It returns
// how many were removed.
func (db *DB) DropOutbox(ctx context.Context, chatID int64) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM outbox WHERE chat_id = ?`, chatID)
	if err != nil {
		return 0, fmt.Errorf("drop outbox of chat: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("drop outbox of chat: %w", err)
	}
	return n, nil
}

// OutboxDepth returns how many messages are queued, due or not.
func (db *DB) OutboxDepth(ctx context.Context) (int64, error) {
	var n int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}

// CountSessions returns how many sessions were stored at or after since.
func (db *DB) CountSessions(ctx context.Context, since time.Time) (int64, error) {
	var n int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE updated_at >= ?`, ms(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count sessions: %w", err)
	}
	return n, nil
}
