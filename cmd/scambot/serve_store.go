package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/sqlite"
	"github.com/scambot/scambot/bot/telegram"
)

// tgStore backs the Telegram adapter's Store with the SQLite database.
// Adapters do not import each other; they meet here. Every method copies
// fields and maps the database's sentinel errors to the adapter's.
type tgStore struct{ db *sqlite.DB }

var _ telegram.Store = tgStore{}

// mapErr keeps the message and the chain, and adds the adapter's sentinel
// for the conditions it branches on.
func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sqlite.ErrDuplicate):
		return fmt.Errorf("%w (%w)", telegram.ErrDuplicate, err)
	case errors.Is(err, sqlite.ErrNotFound):
		return fmt.Errorf("%w (%w)", telegram.ErrNotFound, err)
	}
	return err
}

func (s tgStore) Session(ctx context.Context, chatID int64) (telegram.Session, error) {
	x, err := s.db.Session(ctx, chatID)
	return telegram.Session{ChatID: x.ChatID, UserID: x.UserID, State: x.State, QuestionMsgID: x.QuestionMsgID, Updated: x.Updated}, mapErr(err)
}

func (s tgStore) Prefs(ctx context.Context, userID int64) (telegram.Prefs, error) {
	p, err := s.db.Prefs(ctx, userID)
	return telegram.Prefs{Lang: p.Lang, Region: p.Region}, mapErr(err)
}

func (s tgStore) SetPrefs(ctx context.Context, userID int64, lang, region string) error {
	return mapErr(s.db.SetPrefs(ctx, userID, lang, region))
}

func (s tgStore) Commit(ctx context.Context, c telegram.Commit) error {
	sc := sqlite.Commit{
		UpdateID:   c.UpdateID,
		ChatID:     c.ChatID,
		UserID:     c.UserID,
		State:      c.State,
		DeleteChat: c.DeleteChat,
		Forget:     c.Forget,
		Out:        make([]sqlite.OutMsg, len(c.Out)),
	}
	for i, m := range c.Out {
		sc.Out[i] = sqlite.OutMsg{ChatID: m.ChatID, Priority: m.Priority, Payload: m.Payload, NotBefore: m.NotBefore}
	}
	if c.Stat != nil {
		sc.Stat = &sqlite.StatEvent{Level: c.Stat.Level, Category: c.Stat.Category, Script: c.Stat.Script, Signals: c.Stat.Signals}
	}
	return mapErr(s.db.Commit(ctx, sc))
}

func (s tgStore) Processed(ctx context.Context, updateID int64) (bool, error) {
	ok, err := s.db.Processed(ctx, updateID)
	return ok, mapErr(err)
}

func (s tgStore) Offset(ctx context.Context) (int64, error) {
	off, err := s.db.Offset(ctx)
	return off, mapErr(err)
}

func (s tgStore) SetQuestionMessage(ctx context.Context, chatID, msgID int64) error {
	return mapErr(s.db.SetQuestionMessage(ctx, chatID, msgID))
}

func (s tgStore) Pending(ctx context.Context, limit int, now time.Time) ([]telegram.OutMsg, error) {
	ms, err := s.db.Pending(ctx, limit, now)
	return outMsgs(ms), mapErr(err)
}

func (s tgStore) PendingSince(ctx context.Context, afterID int64, limit int, now time.Time) ([]telegram.OutMsg, error) {
	ms, err := s.db.PendingSince(ctx, afterID, limit, now)
	return outMsgs(ms), mapErr(err)
}

func outMsgs(ms []sqlite.OutMsg) []telegram.OutMsg {
	if ms == nil {
		return nil
	}
	out := make([]telegram.OutMsg, len(ms))
	for i, m := range ms {
		out[i] = telegram.OutMsg{
			ID: m.ID, ChatID: m.ChatID, Seq: m.Seq, Priority: m.Priority, Payload: m.Payload,
			Attempts: m.Attempts, NotBefore: m.NotBefore, Created: m.Created,
		}
	}
	return out
}

func (s tgStore) DoneMany(ctx context.Context, ids []int64) (int64, error) {
	n, err := s.db.DoneMany(ctx, ids)
	return n, mapErr(err)
}

func (s tgStore) Retry(ctx context.Context, id int64, notBefore time.Time) error {
	return mapErr(s.db.Retry(ctx, id, notBefore))
}

func (s tgStore) DropOutbox(ctx context.Context, chatID int64) (int64, error) {
	n, err := s.db.DropOutbox(ctx, chatID)
	return n, mapErr(err)
}

func (s tgStore) AddReport(ctx context.Context, userID int64, r conversation.Report) error {
	sr := sqlite.Report{
		UserHash: s.db.HashUser(userID), Lang: string(r.Lang), Region: r.Region, Level: r.Level.String(),
		Category: string(r.Category), Script: r.Script, Text: r.Text, Evidence: r.Evidence,
	}
	for _, id := range r.Signals {
		sr.Signals = append(sr.Signals, string(id))
	}
	_, err := s.db.AddReport(ctx, sr)
	return mapErr(err)
}

func (s tgStore) CountReports(ctx context.Context, userID int64, since time.Time) (int, error) {
	n, err := s.db.CountReports(ctx, s.db.HashUser(userID), since)
	return n, mapErr(err)
}
