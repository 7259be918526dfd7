package sqlite

// What a long-running bot (scambot serve) needs beyond sessions, commits and
// the outbox: readiness, gauges, and dropping a chat that can no longer be
// written to.

import (
	"context"
	"fmt"
	"strings"
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

// PendingSince returns up to limit messages with an id above afterID that
// may be sent at now, in id order, with the same rule as Pending: a message
// waits while an earlier message of its chat is held by Retry. It reads only
// the new end of the outbox, so a scheduler can call it after every commit;
// a message it skips because it was held is found by the next Pending.
func (db *DB) PendingSince(ctx context.Context, afterID int64, limit int, now time.Time) ([]OutMsg, error) {
	if limit <= 0 {
		limit = -1 // no limit in SQLite
	}
	rows, err := db.read.QueryContext(ctx, `
SELECT id, chat_id, seq, priority, payload, attempts, not_before, created_at
FROM outbox AS o
WHERE id > ?1 AND not_before <= ?2
	AND NOT EXISTS (SELECT 1 FROM outbox AS p WHERE p.chat_id = o.chat_id AND p.seq < o.seq AND p.not_before > ?2)
ORDER BY id
LIMIT ?3`, afterID, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("list new outbox messages: %w", err)
	}
	defer rows.Close()
	var msgs []OutMsg
	for rows.Next() {
		var m OutMsg
		var notBefore, created int64
		if err := rows.Scan(&m.ID, &m.ChatID, &m.Seq, &m.Priority, &m.Payload, &m.Attempts, &notBefore, &created); err != nil {
			return nil, fmt.Errorf("list new outbox messages: %w", err)
		}
		m.NotBefore, m.Created = fromMS(notBefore), fromMS(created)
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list new outbox messages: %w", err)
	}
	return msgs, nil
}

// DoneMany removes the messages with the given ids (sent, or given up on) in
// one statement, and returns how many were still queued. Ids no longer
// queued (removed by Forget or Expire) are skipped.
func (db *DB) DoneMany(ctx context.Context, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	var q strings.Builder
	q.WriteString(`DELETE FROM outbox WHERE id IN (`)
	args := make([]any, len(ids))
	for i, id := range ids {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('?')
		args[i] = id
	}
	q.WriteByte(')')
	res, err := db.write.ExecContext(ctx, q.String(), args...)
	if err != nil {
		return 0, fmt.Errorf("remove %d outbox messages: %w", len(ids), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("remove %d outbox messages: %w", len(ids), err)
	}
	return n, nil
}
