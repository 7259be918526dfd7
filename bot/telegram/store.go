package telegram

import (
	"context"
	"errors"
	"time"

	"github.com/scambot/scambot/bot/conversation"
)

// Store is the durable state the bot needs. bot/sqlite provides it (through
// a thin adapter in cmd/scambot: adapters do not import each other); the
// types mirror that package's so the adapter only copies fields.
//
// The contract that makes delivery exactly-once for updates and at-least-once
// for replies: Commit stores, in one transaction, that an update was
// processed, the polling offset after it, the chat's new state and the
// replies to send (the outbox); the scheduler removes an outbox message with
// Done only after Telegram accepted it.
type Store interface {
	// Session returns a chat's session; the zero Session (nil State) if none.
	Session(ctx context.Context, chatID int64) (Session, error)
	// Prefs returns a user's language and region preferences, zero if none.
	Prefs(ctx context.Context, userID int64) (Prefs, error)
	// SetPrefs stores a user's preferences.
	SetPrefs(ctx context.Context, userID int64, lang, region string) error
	// Commit stores what an update produced, all or nothing; an error
	// wrapping ErrDuplicate means the update was already committed and
	// nothing changed.
	Commit(ctx context.Context, c Commit) error
	// Processed reports whether an update was committed.
	Processed(ctx context.Context, updateID int64) (bool, error)
	// Offset returns the getUpdates offset to resume from.
	Offset(ctx context.Context) (int64, error)
	// SetQuestionMessage records the message showing a chat's current
	// question; ErrNotFound if the chat has no session any more.
	SetQuestionMessage(ctx context.Context, chatID, msgID int64) error
	// Pending returns up to limit outbox messages sendable at now, each
	// chat's in order (a delayed message holds back the rest of its chat).
	Pending(ctx context.Context, limit int, now time.Time) ([]OutMsg, error)
	// PendingSince is Pending for the messages with an id above afterID
	// only, in id order: a cheap look at what was queued since the last
	// look. A message it skips because it was held is left for Pending.
	PendingSince(ctx context.Context, afterID int64, limit int, now time.Time) ([]OutMsg, error)
	// DoneMany removes sent messages (or messages given up on) in one go;
	// ids already gone are skipped.
	DoneMany(ctx context.Context, ids []int64) (int64, error)
	// Retry counts a failed attempt and holds the message (and the rest of
	// its chat) until notBefore; ErrNotFound if it is gone.
	Retry(ctx context.Context, id int64, notBefore time.Time) error
	// DropOutbox removes every message queued to a chat.
	DropOutbox(ctx context.Context, chatID int64) (int64, error)
	// AddReport stores a field report a user consented to send (its text
	// already masked by the core) for moderators to review.
	AddReport(ctx context.Context, userID int64, r conversation.Report) error
	// CountReports counts the reports a user sent since a time.
	CountReports(ctx context.Context, userID int64, since time.Time) (int, error)
}

// Errors a Store returns (wrapped); test with errors.Is.
var (
	ErrDuplicate = errors.New("update already processed")
	ErrNotFound  = errors.New("not found")
)

// A Session is what is kept about one chat's conversation.
type Session struct {
	ChatID        int64
	UserID        int64
	State         []byte // the conversation.State as JSON; nil: no session
	QuestionMsgID int64  // the message showing the current question; 0: none
	Updated       time.Time
}

// Prefs are a user's preferences, kept apart from any conversation.
type Prefs struct {
	Lang   string
	Region string
}

// Outbox priorities: lower goes first across chats.
const (
	PriorityUrgent = 0
	PriorityNormal = 1
)

// An OutMsg is a message in the outbox. Payload is this package's JSON
// (see payload); the store treats it as opaque.
type OutMsg struct {
	ID        int64
	ChatID    int64
	Seq       int64
	Priority  int
	Payload   []byte
	Attempts  int
	NotBefore time.Time
	Created   time.Time
}

// A Commit is everything one update produced.
type Commit struct {
	UpdateID int64
	ChatID   int64
	UserID   int64
	// State replaces the chat's state; nil leaves it unchanged.
	State []byte
	// DeleteChat deletes the chat's session.
	DeleteChat bool
	// Forget deletes everything about UserID and ChatID before Out is
	// queued.
	Forget bool
	Out    []OutMsg
	Stat   *StatEvent
}

// A StatEvent counts one assessment shown: its outcome, never its text.
type StatEvent struct {
	Level    string
	Category string
	Script   string
	Signals  []string
}
