package main

import (
	"context"
	"time"

	"github.com/scambot/scambot/bot/sqlite"
	"github.com/scambot/scambot/bot/telegram"
)

// modStore backs the Telegram adapter's ModStore (moderators, audit,
// statistics, report review) with the SQLite database, copying fields and
// mapping sentinel errors like tgStore.
type modStore struct{ db *sqlite.DB }

var _ telegram.ModStore = modStore{}

func (s modStore) IsModerator(ctx context.Context, userID int64) (bool, error) {
	ok, err := s.db.IsModerator(ctx, userID)
	return ok, mapErr(err)
}

func (s modStore) AddModerator(ctx context.Context, userID int64, byHash string) error {
	return mapErr(s.db.AddModerator(ctx, userID, byHash))
}

func (s modStore) RemoveModerator(ctx context.Context, userID int64, byHash string) error {
	return mapErr(s.db.RemoveModerator(ctx, userID, byHash))
}

func (s modStore) Moderators(ctx context.Context) ([]int64, error) {
	ids, err := s.db.Moderators(ctx)
	return ids, mapErr(err)
}

func (s modStore) Audit(ctx context.Context, actorHash, action, detail string) error {
	return mapErr(s.db.Audit(ctx, actorHash, action, detail))
}

func (s modStore) History(ctx context.Context, limit int) ([]telegram.AuditEntry, error) {
	es, err := s.db.History(ctx, limit)
	out := make([]telegram.AuditEntry, len(es))
	for i, e := range es {
		out[i] = telegram.AuditEntry{At: e.At, Actor: e.ActorHash, Action: e.Action, Detail: e.Detail}
	}
	return out, mapErr(err)
}

func (s modStore) CatalogueVersions(ctx context.Context, limit int) ([]telegram.CatalogueVersion, error) {
	vs, err := s.db.CatalogueVersions(ctx, limit)
	out := make([]telegram.CatalogueVersion, len(vs))
	for i, v := range vs {
		out[i] = telegram.CatalogueVersion{Hash: v.Hash, At: v.At, Actor: v.ActorHash, Source: v.Source, Scripts: v.Scripts, Changed: v.Changed}
	}
	return out, mapErr(err)
}

func (s modStore) Stats(ctx context.Context, since time.Time) (telegram.Stats, error) {
	st, err := s.db.Stats(ctx, since)
	out := telegram.Stats{
		Events: st.Events, Users: st.Users,
		Levels: statCounts(st.Levels), Categories: statCounts(st.Categories),
		Scripts: statCounts(st.Scripts), Signals: statCounts(st.Signals),
	}
	for _, d := range st.Days {
		out.Days = append(out.Days, telegram.StatDay{Day: d.Day, Events: d.Events, Users: d.Users})
	}
	return out, mapErr(err)
}

func statCounts(cs []sqlite.Count) []telegram.StatCount {
	var out []telegram.StatCount
	for _, c := range cs {
		out = append(out, telegram.StatCount{Name: c.Name, N: c.N})
	}
	return out
}

func (s modStore) PendingReports(ctx context.Context) (int, error) {
	n, err := s.db.PendingReports(ctx)
	return n, mapErr(err)
}

func (s modStore) NextReport(ctx context.Context, afterID int64) (telegram.FieldReport, error) {
	r, err := s.db.NextPendingReport(ctx, afterID)
	return fieldReport(r), mapErr(err)
}

func (s modStore) Report(ctx context.Context, id int64) (telegram.FieldReport, error) {
	r, err := s.db.Report(ctx, id)
	return fieldReport(r), mapErr(err)
}

// fieldReport copies what a moderator sees of a report: never the
// reporter's hash.
func fieldReport(r sqlite.Report) telegram.FieldReport {
	return telegram.FieldReport{
		ID: r.ID, Lang: r.Lang, Region: r.Region, Level: r.Level, Category: r.Category, Script: r.Script,
		Signals: r.Signals, Text: r.Text, Evidence: r.Evidence, Status: r.Status, Created: r.Created,
	}
}

func (s modStore) ReviewReport(ctx context.Context, id int64, status, script, reviewerHash string) error {
	return mapErr(s.db.ReviewReport(ctx, id, status, script, reviewerHash))
}
