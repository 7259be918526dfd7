package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// A Session is what is kept about one chat's conversation.
type Session struct {
	ChatID int64
	// UserID is the user who last wrote in the chat (0 if unknown).
	UserID int64
	// State is the conversation state as JSON, opaque to this package. Nil
	// means there is no session.
	State []byte
	// QuestionMsgID is the Telegram message id of the checklist question
	// being shown, which the adapter edits in place; 0 if none.
	QuestionMsgID int64
	// Updated is when State was last stored.
	Updated time.Time
}

// Session returns the chat's session, or the zero Session (nil State) if
// the chat has none.
func (db *DB) Session(ctx context.Context, chatID int64) (Session, error) {
	s := Session{ChatID: chatID}
	var updated int64
	err := db.stmt.session.QueryRowContext(ctx, chatID).Scan(&s.UserID, &s.State, &s.QuestionMsgID, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, nil
	}
	if err != nil {
		return Session{}, fmt.Errorf("load session: %w", err)
	}
	s.Updated = fromMS(updated)
	return s, nil
}

// SetQuestionMessage records msgID (0 for none) as the message showing the
// chat's current question. It returns ErrNotFound if the chat has no session,
// for example because it was forgotten or expired since the question was
// queued; the caller may ignore that.
func (db *DB) SetQuestionMessage(ctx context.Context, chatID, msgID int64) error {
	err := oneRow(db.write.ExecContext(ctx, `UPDATE sessions SET question_msg_id = ? WHERE chat_id = ?`, msgID, chatID))
	if err != nil {
		return fmt.Errorf("set question message: %w", err)
	}
	return nil
}

// Prefs are a user's preferences, kept apart from any conversation.
type Prefs struct {
	// Lang is a language code; "" means not chosen.
	Lang string
	// Region is a region code of the hotline directory; "" means not chosen.
	Region string
	// Updated is when they were last set; zero if never.
	Updated time.Time
}

// Prefs returns the user's preferences, or the zero Prefs if none were set.
func (db *DB) Prefs(ctx context.Context, userID int64) (Prefs, error) {
	var p Prefs
	var updated int64
	err := db.read.QueryRowContext(ctx,
		`SELECT lang, region, updated_at FROM prefs WHERE user_id = ?`, userID,
	).Scan(&p.Lang, &p.Region, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Prefs{}, nil
	}
	if err != nil {
		return Prefs{}, fmt.Errorf("load preferences: %w", err)
	}
	p.Updated = fromMS(updated)
	return p, nil
}

// SetPrefs stores the user's preferences, replacing earlier ones.
func (db *DB) SetPrefs(ctx context.Context, userID int64, lang, region string) error {
	_, err := db.write.ExecContext(ctx, `
INSERT INTO prefs (user_id, lang, region, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET lang = excluded.lang, region = excluded.region, updated_at = excluded.updated_at`,
		userID, lang, region, ms(db.now()))
	if err != nil {
		return fmt.Errorf("set preferences: %w", err)
	}
	return nil
}
