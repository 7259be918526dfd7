package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Forget deletes every row about a user: the session of chatID (their
// private chat) and of any other chat where they were the last to write,
// the messages queued to those chats, their preferences, and their
// statistics events, found by their hash. A chat's session is attributed to
// its last writer only, so in a group an earlier writer's part of the shared
// state stays until the session is deleted or expires. Figures already
// reported from Stats are not recalled.
// Afterwards it checkpoints the write-ahead log so the deleted rows leave it;
// a checkpoint held up by readers is only logged. Commit with Forget set does
// the same as part of processing an update.
func (db *DB) Forget(ctx context.Context, userID, chatID int64) error {
	var n forgotten
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = db.forget(ctx, tx, userID, chatID)
		return err
	})
	if err != nil {
		return fmt.Errorf("forget user: %w", err)
	}
	db.afterForget(ctx, n)
	return nil
}

// afterForget logs what Forget deleted and checkpoints the WAL so the deleted
// rows leave it too.
func (db *DB) afterForget(ctx context.Context, n forgotten) {
	db.log.Info("forgot user", "sessions", n.sessions, "prefs", n.prefs, "outbox", n.outbox, "stat_events", n.stats, "reports", n.reports)
	db.checkpoint(ctx)
}

type forgotten struct{ sessions, prefs, outbox, stats, reports int64 }

func (db *DB) forget(ctx context.Context, tx *sql.Tx, userID, chatID int64) (forgotten, error) {
	var n forgotten
	for _, d := range []struct {
		what  string
		query string
		arg   []any
		n     *int64
	}{
		// The outbox first: it goes by the sessions about to be deleted.
		{"outbox", `DELETE FROM outbox WHERE chat_id = ? OR chat_id IN (SELECT chat_id FROM sessions WHERE user_id = ?)`,
			[]any{chatID, userID}, &n.outbox},
		{"sessions", `DELETE FROM sessions WHERE chat_id = ? OR user_id = ?`, []any{chatID, userID}, &n.sessions},
		{"preferences", `DELETE FROM prefs WHERE user_id = ?`, []any{userID}, &n.prefs},
		{"statistics", `DELETE FROM stat_events WHERE user_hash = ?`, []any{db.HashUser(userID)}, &n.stats},
		// Reports not yet approved; an approved report was anonymised when it
		// was approved and belongs to the catalogue now.
		{"reports", `DELETE FROM reports WHERE user_hash = ? AND status != 'approved'`, []any{db.HashUser(userID)}, &n.reports},
	} {
		res, err := tx.ExecContext(ctx, d.query, d.arg...)
		if err == nil {
			*d.n, err = res.RowsAffected()
		}
		if err != nil {
			return forgotten{}, fmt.Errorf("delete %s: %w", d.what, err)
		}
	}
	return n, nil
}

// checkpoint copies the WAL into the database file and truncates it.
func (db *DB) checkpoint(ctx context.Context) {
	var busy, logFrames, done int
	err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done)
	switch {
	case err != nil:
		db.log.Warn("checkpoint failed", "err", err)
	case busy != 0:
		db.log.Warn("checkpoint incomplete: readers active", "wal_frames", logFrames, "checkpointed", done)
	}
}

// ExpireCounts are the rows Expire deleted.
type ExpireCounts struct {
	// Sessions idle longer than the session TTL.
	Sessions int64
	// Updates: processed update ids older than UpdateRetention.
	Updates int64
	// Outbox messages older than the retention, never delivered.
	Outbox int64
	// Stats: statistics events older than the retention.
	Stats int64
	// Reports not approved and older than the retention.
	Reports int64
}

// Expire deletes, as of now, sessions idle longer than sessionTTL, processed
// update ids older than UpdateRetention, and outbox messages and statistics
// events older than retention, in one transaction. A sessionTTL or retention
// <= 0 keeps those rows forever. Undelivered messages it deletes are logged
// as a warning.
func (db *DB) Expire(ctx context.Context, now time.Time, sessionTTL, retention time.Duration) (ExpireCounts, error) {
	var c ExpireCounts
	never := int64(-1 << 63) // before every stored time
	sessionsBefore, retainedBefore := never, never
	if sessionTTL > 0 {
		sessionsBefore = ms(now.Add(-sessionTTL))
	}
	if retention > 0 {
		retainedBefore = ms(now.Add(-retention))
	}
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		for _, d := range []struct {
			what   string
			query  string
			before int64
			n      *int64
		}{
			{"sessions", `DELETE FROM sessions WHERE updated_at < ?`, sessionsBefore, &c.Sessions},
			{"processed updates", `DELETE FROM processed_updates WHERE at < ?`, ms(now.Add(-UpdateRetention)), &c.Updates},
			{"outbox", `DELETE FROM outbox WHERE created_at < ?`, retainedBefore, &c.Outbox},
			{"statistics", `DELETE FROM stat_events WHERE at < ?`, retainedBefore, &c.Stats},
			// Reports nobody approved; approved ones are anonymised samples.
			{"reports", `DELETE FROM reports WHERE status != 'approved' AND created_at < ?`, retainedBefore, &c.Reports},
		} {
			res, err := tx.ExecContext(ctx, d.query, d.before)
			if err == nil {
				*d.n, err = res.RowsAffected()
			}
			if err != nil {
				return fmt.Errorf("delete %s: %w", d.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return ExpireCounts{}, fmt.Errorf("expire: %w", err)
	}
	if c.Outbox > 0 {
		db.log.Warn("expired undelivered messages", "outbox", c.Outbox, "retention", retention)
	}
	if c != (ExpireCounts{}) {
		db.log.Info("expired", "sessions", c.Sessions, "updates", c.Updates, "outbox", c.Outbox, "stat_events", c.Stats, "reports", c.Reports)
	}
	return c, nil
}

// RunExpiry calls Expire at once and then every interval, with the time from
// Options.Now, until ctx is done; then it returns nil. A failing Expire is
// logged and tried again at the next tick. It returns an error only for an
// interval <= 0.
func (db *DB) RunExpiry(ctx context.Context, every, sessionTTL, retention time.Duration) error {
	if every <= 0 {
		return fmt.Errorf("run expiry: interval %v is not positive", every)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := db.Expire(ctx, db.now(), sessionTTL, retention); err != nil && ctx.Err() == nil {
			db.log.Error("expiry failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
