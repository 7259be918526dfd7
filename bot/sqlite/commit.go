package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// A Commit is everything that results from processing one update, stored
// together by DB.Commit. The zero value records the update as processed and
// nothing else (an update the bot ignores).
type Commit struct {
	// UpdateID is the update's id (Telegram's update_id).
	UpdateID int64
	// ChatID is the chat the update came from: the session to change and
	// the default chat of Out.
	ChatID int64
	// UserID is the user who sent the update; it is stored with the
	// session and, hashed, with Stat.
	UserID int64
	// State, if not nil, replaces the chat's session state (creating the
	// session); nil leaves the session as it is. The session's question
	// message id is kept.
	State []byte
	// DeleteChat deletes the chat's session. It cannot be combined with
	// State.
	DeleteChat bool
	// Forget deletes everything about UserID and ChatID, as DB.Forget does,
	// before Out is queued (so a confirmation can be sent). It cannot be
	// combined with State, DeleteChat or Stat.
	Forget bool
	// Out are the replies to queue, in order; a message with ChatID 0 goes
	// to the Commit's ChatID. Their ID, Seq, Attempts and Created are set by
	// the database.
	Out []OutMsg
	// Stat, if not nil, is counted in the statistics.
	Stat *StatEvent
}

func (c *Commit) check() error {
	switch {
	case c.State != nil && c.DeleteChat:
		return errors.New("both State and DeleteChat set")
	case c.Forget && (c.State != nil || c.DeleteChat || c.Stat != nil):
		return errors.New("both Forget and State, DeleteChat or Stat set")
	}
	if c.Stat != nil {
		return c.Stat.check()
	}
	return nil
}

// Commit stores the outcome of processing an update, all or nothing, in one
// transaction: it records c.UpdateID as processed, advances the polling
// offset to at least c.UpdateID+1, upserts or deletes the session (or
// forgets the user), queues c.Out and counts c.Stat. If the update was
// already committed, it returns ErrDuplicate and changes nothing. If any part
// fails, nothing is stored, and the update can be processed again.
//
// Callers must not process two updates of the same chat at once: Commit
// stores the state it is given and does not compare it with the one read.
func (db *DB) Commit(ctx context.Context, c Commit) error {
	if err := c.check(); err != nil {
		return fmt.Errorf("commit update %d: %w", c.UpdateID, err)
	}
	now := db.now()
	var forgot forgotten
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := exec(ctx, tx, db.stmt.recordUpdate, c.UpdateID, ms(now))
		if err != nil {
			return fmt.Errorf("record update: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record update: %w", err)
		} else if n == 0 {
			return ErrDuplicate
		}
		if _, err := exec(ctx, tx, db.stmt.advanceOffset, c.UpdateID+1); err != nil {
			return fmt.Errorf("advance offset: %w", err)
		}
		switch {
		case c.Forget:
			var err error
			if forgot, err = db.forget(ctx, tx, c.UserID, c.ChatID); err != nil {
				return err
			}
		case c.DeleteChat:
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE chat_id = ?`, c.ChatID); err != nil {
				return fmt.Errorf("delete session: %w", err)
			}
		case c.State != nil:
			if _, err := exec(ctx, tx, db.stmt.storeSession, c.ChatID, c.UserID, c.State, ms(now)); err != nil {
				return fmt.Errorf("store session: %w", err)
			}
		}
		if err := db.enqueue(ctx, tx, now, c.ChatID, c.Out); err != nil {
			return err
		}
		if c.Stat != nil {
			if err := db.insertStat(ctx, tx, now, c.UserID, c.Stat); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("commit update %d: %w", c.UpdateID, err)
	}
	if c.Forget {
		db.afterForget(ctx, forgot)
	}
	return nil
}

// Offset returns the update id to resume long polling from (getUpdates'
// offset): one more than the highest update committed, or 0 before the
// first.
func (db *DB) Offset(ctx context.Context) (int64, error) {
	var off int64
	if err := db.read.QueryRowContext(ctx, `SELECT next_update_id FROM polling WHERE id = 1`).Scan(&off); err != nil {
		return 0, fmt.Errorf("load polling offset: %w", err)
	}
	return off, nil
}

// Processed reports whether the update was committed. Ids older than
// UpdateRetention may have been pruned by Expire and then report false.
func (db *DB) Processed(ctx context.Context, updateID int64) (bool, error) {
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT 1 FROM processed_updates WHERE update_id = ?`, updateID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up update %d: %w", updateID, err)
	}
	return true, nil
}

// joinSignals stores signal ids as one comma-separated column.
func joinSignals(ids []string) string { return strings.Join(ids, ",") }
