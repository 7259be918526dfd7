package main

import (
	"context"
	"time"

	"github.com/scambot/scambot/bot/sqlite"
	"github.com/scambot/scambot/bot/telegram"
)

// tgCommunity backs the Telegram adapter's CommunityStore (the group watch)
// with the SQLite database. Administrators appear in it only as the
// database's salted hash of their id.
type tgCommunity struct{ db *sqlite.DB }

var _ telegram.CommunityStore = tgCommunity{}

func (s tgCommunity) SetWatch(ctx context.Context, chatID int64, enabled bool, interval time.Duration, byUserID int64) error {
	by := ""
	if byUserID != 0 { // 0: an anonymous administrator
		by = s.db.HashUser(byUserID)
	}
	return mapErr(s.db.SetWatch(ctx, chatID, enabled, interval, by))
}

func (s tgCommunity) Watch(ctx context.Context, chatID int64) (telegram.WatchState, error) {
	w, err := s.db.Watch(ctx, chatID)
	return telegram.WatchState{Enabled: w.Enabled, Interval: w.Interval}, mapErr(err)
}

func (s tgCommunity) ClaimWarning(ctx context.Context, chatID int64, now time.Time) (bool, error) {
	ok, err := s.db.ClaimWarning(ctx, chatID, now)
	return ok, mapErr(err)
}

func (s tgCommunity) ForgetWatcher(ctx context.Context, userID int64) error {
	return mapErr(s.db.ForgetWatcher(ctx, userID))
}
