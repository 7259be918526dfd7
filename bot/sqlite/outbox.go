package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Priorities of outbox messages; lower is more urgent.
const (
	// PriorityUrgent is for the first reply to something a user wrote.
	PriorityUrgent = 0
	// PriorityNormal is for everything else.
	PriorityNormal = 1
)

// An OutMsg is a message in the outbox: queued by Commit or Enqueue, handed
// out by Pending, and removed by Done once sent.
type OutMsg struct {
	// ID identifies the row; set by the database.
	ID int64
	// ChatID is the chat the message goes to.
	ChatID int64
	// Seq orders the chat's messages: a message is sent after those of
	// the same chat with a lower Seq. Set by the database: one more than
	// the chat's last queued message, so 1 when its queue was empty.
	Seq int64
	// Priority is PriorityUrgent (the zero value) or PriorityNormal; it
	// orders messages of different chats only.
	Priority int
	// Payload is what to send (the adapter's JSON: method and parameters),
	// opaque to this package. It must not be empty.
	Payload []byte
	// Attempts counts the failed sends (calls to Retry).
	Attempts int
	// NotBefore is the earliest time to send; zero means at once.
	NotBefore time.Time
	// Created is when the message was queued; set by the database.
	Created time.Time
}

// Enqueue queues messages not tied to an update (a notice to an operator,
// say), in order, in one transaction. Each must have a ChatID and a Payload.
func (db *DB) Enqueue(ctx context.Context, msgs ...OutMsg) error {
	if len(msgs) == 0 {
		return nil
	}
	now := db.now()
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		return db.enqueue(ctx, tx, now, 0, msgs)
	})
}

// enqueue inserts msgs, giving each the next seq of its chat; chatID is the
// chat of a message without one.
func (db *DB) enqueue(ctx context.Context, tx *sql.Tx, now time.Time, chatID int64, msgs []OutMsg) error {
	for i, m := range msgs {
		if m.ChatID == 0 {
			m.ChatID = chatID
		}
		if m.ChatID == 0 {
			return fmt.Errorf("queue message %d: no chat", i)
		}
		if _, err := exec(ctx, tx, db.stmt.queueMessage, m.ChatID, m.Priority, m.Payload, ms(m.NotBefore), ms(now)); err != nil {
			return fmt.Errorf("queue message %d: %w", i, err)
		}
	}
	return nil
}

// Pending returns up to limit messages that may be sent at now (all of them
// if limit <= 0). A message is sendable when its NotBefore has passed and so
// has that of every earlier message of its chat, so a delayed message holds
// back the rest of its chat. Messages come in rounds: first the head of every
// chat's queue (urgent before normal, then oldest first), then every chat's
// second message, and so on; within a chat they are always in Seq order, and
// a limit cuts across chats rather than draining one.
//
// Pending does not lease anything: it returns the same messages until Done
// or Retry is called for them, so one scheduler should own the outbox and
// remember what it has in flight.
func (db *DB) Pending(ctx context.Context, limit int, now time.Time) ([]OutMsg, error) {
	if limit <= 0 {
		limit = -1 // no limit in SQLite
	}
	rows, err := db.stmt.pending.QueryContext(ctx, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	var msgs []OutMsg
	for rows.Next() {
		var m OutMsg
		var notBefore, created int64
		if err := rows.Scan(&m.ID, &m.ChatID, &m.Seq, &m.Priority, &m.Payload, &m.Attempts, &notBefore, &created); err != nil {
			return nil, fmt.Errorf("list outbox: %w", err)
		}
		m.NotBefore, m.Created = fromMS(notBefore), fromMS(created)
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return msgs, nil
}

// Done removes a message that was sent (or is given up on). It returns
// ErrNotFound if the message is no longer queued (removed by Forget or
// Expire); the caller may ignore that.
func (db *DB) Done(ctx context.Context, id int64) error {
	if err := oneRow(db.write.ExecContext(ctx, `DELETE FROM outbox WHERE id = ?`, id)); err != nil {
		return fmt.Errorf("remove outbox message %d: %w", id, err)
	}
	return nil
}

// Retry counts a failed attempt to send a message and holds it (and the
// messages after it in its chat) until notBefore. It returns ErrNotFound if
// the message is no longer queued.
func (db *DB) Retry(ctx context.Context, id int64, notBefore time.Time) error {
	err := oneRow(db.write.ExecContext(ctx,
		`UPDATE outbox SET attempts = attempts + 1, not_before = ? WHERE id = ?`, ms(notBefore), id))
	if err != nil {
		return fmt.Errorf("delay outbox message %d: %w", id, err)
	}
	return nil
}

// oneRow turns the outcome of a statement meant to change one row into an
// error: err itself, or ErrNotFound if it changed none.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
