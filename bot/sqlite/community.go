package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Report statuses.
const (
	ReportPending    = "pending"
	ReportApproved   = "approved"
	ReportRejected   = "rejected"
	ReportNewPattern = "new_pattern"
)

// A Report is a scam a user chose to report from the field. Its Text is
// already masked (bot/redact) when it is stored; Evidence holds only what
// the user marked as the scammer's own numbers or links. The reporter
// appears only as a salted hash, and not even that once the report is
// approved.
type Report struct {
	ID       int64
	UserHash string
	Lang     string
	Region   string
	Level    string
	Category string
	Script   string
	Signals  []string
	Text     string
	Evidence string
	Status   string
	// ReviewScript is the script a moderator filed an approved report under.
	ReviewScript string
	ReviewerHash string
	Reviewed     time.Time
	Exported     time.Time
	Created      time.Time
}

// AddReport stores a report as pending and returns its id.
func (db *DB) AddReport(ctx context.Context, r Report) (int64, error) {
	if strings.TrimSpace(r.Text) == "" || r.UserHash == "" || r.Lang == "" {
		return 0, errors.New("add report: text, user hash and language are required")
	}
	var id int64
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO reports
			(user_hash, lang, region, level, category, script, signals, text, evidence, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.UserHash, r.Lang, r.Region, r.Level, r.Category, r.Script, joinSignals(r.Signals), r.Text, r.Evidence, ms(db.now()))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("add report: %w", err)
	}
	return id, nil
}

// CountReports counts the reports a user (by hash) made since a time, for
// the per-user rate limit.
func (db *DB) CountReports(ctx context.Context, userHash string, since time.Time) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE user_hash = ? AND created_at >= ?`,
		userHash, ms(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count reports: %w", err)
	}
	return n, nil
}

const reportColumns = `id, user_hash, lang, region, level, category, script, signals, text, evidence, status,
	review_script, reviewer_hash, reviewed_at, exported_at, created_at`

func scanReport(row interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var signals string
	var reviewed, exported, created int64
	err := row.Scan(&r.ID, &r.UserHash, &r.Lang, &r.Region, &r.Level, &r.Category, &r.Script, &signals, &r.Text,
		&r.Evidence, &r.Status, &r.ReviewScript, &r.ReviewerHash, &reviewed, &exported, &created)
	if err != nil {
		return Report{}, err
	}
	if signals != "" {
		r.Signals = strings.Split(signals, ",")
	}
	r.Reviewed, r.Exported, r.Created = fromMS(reviewed), fromMS(exported), fromMS(created)
	return r, nil
}

// Reports lists reports with a status, oldest first, at most limit.
func (db *DB) Reports(ctx context.Context, status string, limit int) ([]Report, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE status = ? ORDER BY id LIMIT ?`, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, fmt.Errorf("list reports: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Report returns one report, or ErrNotFound.
func (db *DB) Report(ctx context.Context, id int64) (Report, error) {
	r, err := scanReport(db.read.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, ErrNotFound
	}
	if err != nil {
		return Report{}, fmt.Errorf("read report %d: %w", id, err)
	}
	return r, nil
}

// ReviewReport records a moderator's decision on a pending report: approved
// (filed under script), rejected, or a new pattern. Approving anonymises the
// report: the reporter's hash is erased, so Forget no longer reaches it and
// it can become a catalogue sample. The decision is audited in the same
// transaction. It returns ErrNotFound for a report that does not exist or is
// no longer pending.
func (db *DB) ReviewReport(ctx context.Context, id int64, status, script, reviewerHash string) error {
	switch status {
	case ReportApproved, ReportRejected, ReportNewPattern:
	default:
		return fmt.Errorf("review report %d: unknown status %q", id, status)
	}
	if status == ReportApproved && script == "" {
		return fmt.Errorf("review report %d: an approved report needs a script", id)
	}
	now := ms(db.now())
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE reports SET status = ?, review_script = ?, reviewer_hash = ?, reviewed_at = ? WHERE id = ? AND status = 'pending'`
		if status == ReportApproved {
			q = `UPDATE reports SET status = ?, review_script = ?, reviewer_hash = ?, reviewed_at = ?, user_hash = '' WHERE id = ? AND status = 'pending'`
		}
		if err := oneRow(tx.ExecContext(ctx, q, status, script, reviewerHash, now, id)); err != nil {
			return fmt.Errorf("review report %d: %w", id, err)
		}
		return audit(ctx, tx, now, reviewerHash, "review", fmt.Sprintf("report %d %s %s", id, status, script))
	})
}

// ApprovedReports lists approved reports not yet exported.
func (db *DB) ApprovedReports(ctx context.Context) ([]Report, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE status = 'approved' AND exported_at = 0 ORDER BY review_script, id`)
	if err != nil {
		return nil, fmt.Errorf("list approved reports: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, fmt.Errorf("list approved reports: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkExported records that reports were written out as samples.
func (db *DB) MarkExported(ctx context.Context, ids []int64) error {
	now := ms(db.now())
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET exported_at = ? WHERE id = ?`, now, id); err != nil {
				return fmt.Errorf("mark report %d exported: %w", id, err)
			}
		}
		return nil
	})
}

// PendingReports counts reports waiting for review.
func (db *DB) PendingReports(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE status = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending reports: %w", err)
	}
	return n, nil
}

// AddModerator makes a user a moderator (the owner's action, audited).
func (db *DB) AddModerator(ctx context.Context, userID int64, byHash string) error {
	now := ms(db.now())
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO moderators (user_id, added_by, added_at) VALUES (?, ?, ?)`, userID, byHash, now); err != nil {
			return fmt.Errorf("add moderator: %w", err)
		}
		return audit(ctx, tx, now, byHash, "add_moderator", db.HashUser(userID))
	})
}

// RemoveModerator removes a moderator added in the bot; it returns
// ErrNotFound if the user was not one.
func (db *DB) RemoveModerator(ctx context.Context, userID int64, byHash string) error {
	now := ms(db.now())
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := oneRow(tx.ExecContext(ctx, `DELETE FROM moderators WHERE user_id = ?`, userID)); err != nil {
			return fmt.Errorf("remove moderator: %w", err)
		}
		return audit(ctx, tx, now, byHash, "remove_moderator", db.HashUser(userID))
	})
}

// Moderators lists the moderators added in the bot (not those of
// SCAMBOT_MODERATORS, which the configuration holds).
func (db *DB) Moderators(ctx context.Context) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT user_id FROM moderators ORDER BY user_id`)
	if err != nil {
		return nil, fmt.Errorf("list moderators: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list moderators: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// IsModerator reports whether a user was added as a moderator in the bot.
func (db *DB) IsModerator(ctx context.Context, userID int64) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM moderators WHERE user_id = ?`, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("check moderator: %w", err)
	}
	return n > 0, nil
}

// An AuditEntry is one recorded moderator action.
type AuditEntry struct {
	At        time.Time
	ActorHash string
	Action    string
	Detail    string
}

func audit(ctx context.Context, tx *sql.Tx, now int64, actorHash, action, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor_hash, action, detail) VALUES (?, ?, ?, ?)`, now, actorHash, action, detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Audit records a moderator action (a reload, a refused reload, a watch
// switched on). Actors appear as hashes (HashUser).
func (db *DB) Audit(ctx context.Context, actorHash, action, detail string) error {
	now := ms(db.now())
	return db.writeTx(ctx, func(tx *sql.Tx) error { return audit(ctx, tx, now, actorHash, action, detail) })
}

// History returns the latest audit entries, newest first.
func (db *DB) History(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT at, actor_hash, action, detail FROM audit ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.ActorHash, &e.Action, &e.Detail); err != nil {
			return nil, fmt.Errorf("read history: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// A CatalogueVersion records a catalogue that went live.
type CatalogueVersion struct {
	Hash      string
	At        time.Time
	ActorHash string
	// Source says how it came: "start", "reload", "watch".
	Source  string
	Scripts int
	// Changed lists the scripts added, removed or edited since the previous
	// version.
	Changed []string
}

// RecordCatalogue records a catalogue version that went live, and audits it.
func (db *DB) RecordCatalogue(ctx context.Context, v CatalogueVersion) error {
	now := ms(db.now())
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO catalogue_versions (hash, at, actor_hash, source, scripts, changed) VALUES (?, ?, ?, ?, ?, ?)`,
			v.Hash, now, v.ActorHash, v.Source, v.Scripts, strings.Join(v.Changed, ","))
		if err != nil {
			return fmt.Errorf("record catalogue: %w", err)
		}
		detail := fmt.Sprintf("%s %s, %d scripts", v.Source, short(v.Hash), v.Scripts)
		if len(v.Changed) > 0 {
			detail += "; changed: " + strings.Join(v.Changed, ", ")
		}
		return audit(ctx, tx, now, v.ActorHash, "catalogue", detail)
	})
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// CatalogueVersions returns the latest catalogue versions, newest first.
func (db *DB) CatalogueVersions(ctx context.Context, limit int) ([]CatalogueVersion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT hash, at, actor_hash, source, scripts, changed FROM catalogue_versions ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read catalogue versions: %w", err)
	}
	defer rows.Close()
	var out []CatalogueVersion
	for rows.Next() {
		var v CatalogueVersion
		var at int64
		var changed string
		if err := rows.Scan(&v.Hash, &at, &v.ActorHash, &v.Source, &v.Scripts, &changed); err != nil {
			return nil, fmt.Errorf("read catalogue versions: %w", err)
		}
		v.At = fromMS(at)
		if changed != "" {
			v.Changed = strings.Split(changed, ",")
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// WatchState is a group's watch setting.
type WatchState struct {
	Enabled    bool
	Interval   time.Duration
	LastWarned time.Time
}

// SetWatch switches a group's watch on or off (an admin's action, audited).
func (db *DB) SetWatch(ctx context.Context, chatID int64, enabled bool, interval time.Duration, byHash string) error {
	now := ms(db.now())
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO group_watch (chat_id, enabled, interval_ms, set_by_hash, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (chat_id) DO UPDATE SET enabled = excluded.enabled, interval_ms = excluded.interval_ms,
			set_by_hash = excluded.set_by_hash, updated_at = excluded.updated_at`,
			chatID, enabled, interval.Milliseconds(), byHash, now)
		if err != nil {
			return fmt.Errorf("set watch: %w", err)
		}
		action := "watch_off"
		if enabled {
			action = "watch_on"
		}
		return audit(ctx, tx, now, byHash, action, fmt.Sprintf("group %s every %s", short(db.HashUser(chatID)), interval))
	})
}

// Watch returns a group's watch setting; the zero value (off) if none.
func (db *DB) Watch(ctx context.Context, chatID int64) (WatchState, error) {
	var w WatchState
	var interval, last int64
	err := db.read.QueryRowContext(ctx, `SELECT enabled, interval_ms, last_warned FROM group_watch WHERE chat_id = ?`, chatID).Scan(&w.Enabled, &interval, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return WatchState{}, nil
	}
	if err != nil {
		return WatchState{}, fmt.Errorf("read watch: %w", err)
	}
	w.Interval, w.LastWarned = time.Duration(interval)*time.Millisecond, fromMS(last)
	return w, nil
}

// ClaimWarning records a warning in a watched group if the interval since
// the last one has passed, atomically, and reports whether the caller may
// send it. Two messages at once never both win.
func (db *DB) ClaimWarning(ctx context.Context, chatID int64, now time.Time) (bool, error) {
	var ok bool
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE group_watch SET last_warned = ? WHERE chat_id = ? AND enabled = 1 AND ? - last_warned >= interval_ms`,
			ms(now), chatID, ms(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claim warning: %w", err)
	}
	return ok, nil
}
