package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestReportsLifecycle(t *testing.T) {
	ctx := context.Background()
	now := t0
	db := open(t, dbPath(t), Options{Now: func() time.Time { return now }})
	user := db.HashUser(42)
	var ids []int64
	for i := 0; i < 3; i++ {
		id, err := db.AddReport(ctx, Report{UserHash: user, Lang: "zh", Category: "fake_courier_compensation", Signals: []string{"asks_to_borrow", "credit_score_low"}, Text: "快递客服说我信用分低"})
		must(t, err)
		ids = append(ids, id)
	}
	if _, err := db.AddReport(ctx, Report{UserHash: user, Lang: "zh"}); err == nil {
		t.Error("a report without text was accepted")
	}
	n, err := db.CountReports(ctx, user, now.Add(-time.Hour))
	must(t, err)
	if n != 3 {
		t.Fatalf("CountReports = %d, want 3", n)
	}
	if p, _ := db.PendingReports(ctx); p != 3 {
		t.Fatalf("PendingReports = %d, want 3", p)
	}
	must(t, db.ReviewReport(ctx, ids[0], ReportApproved, "courier-compensation-credit-loop", "mod"))
	must(t, db.ReviewReport(ctx, ids[1], ReportRejected, "", "mod"))
	must(t, db.ReviewReport(ctx, ids[2], ReportNewPattern, "", "mod"))
	if err := db.ReviewReport(ctx, ids[0], ReportRejected, "", "mod"); !errors.Is(err, ErrNotFound) {
		t.Errorf("reviewing a report twice: err = %v, want ErrNotFound", err)
	}
	if err := db.ReviewReport(ctx, 999, ReportRejected, "", "mod"); !errors.Is(err, ErrNotFound) {
		t.Errorf("reviewing a missing report: err = %v, want ErrNotFound", err)
	}
	if err := db.ReviewReport(ctx, ids[1], ReportApproved, "", "mod"); err == nil {
		t.Error("approval without a script was accepted")
	}
	r, err := db.Report(ctx, ids[0])
	must(t, err)
	if r.UserHash != "" || r.Status != ReportApproved || r.ReviewScript != "courier-compensation-credit-loop" || len(r.Signals) != 2 {
		t.Errorf("approved report = %+v: want anonymised, approved, filed, with its signals", r)
	}
	approved, err := db.ApprovedReports(ctx)
	must(t, err)
	if len(approved) != 1 || approved[0].ID != ids[0] {
		t.Fatalf("ApprovedReports = %+v, want the one approved", approved)
	}
	must(t, db.MarkExported(ctx, []int64{ids[0]}))
	if approved, _ := db.ApprovedReports(ctx); len(approved) != 0 {
		t.Errorf("an exported report is listed again: %+v", approved)
	}
	h, err := db.History(ctx, 10)
	must(t, err)
	if len(h) != 3 || h[0].Action != "review" {
		t.Errorf("History = %+v, want the three reviews, newest first", h)
	}
	// Expiry removes old reports nobody approved, keeps approved ones.
	now = now.Add(40 * 24 * time.Hour)
	c, err := db.Expire(ctx, now, 24*time.Hour, 30*24*time.Hour)
	must(t, err)
	if c.Reports != 2 {
		t.Errorf("Expire removed %d reports, want the 2 not approved", c.Reports)
	}
	if _, err := db.Report(ctx, ids[0]); err != nil {
		t.Errorf("the approved report expired: %v", err)
	}
}

func TestModeratorsAndCatalogueVersions(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	must(t, db.AddModerator(ctx, 100, db.HashUser(1)))
	must(t, db.AddModerator(ctx, 100, db.HashUser(1))) // idempotent
	must(t, db.AddModerator(ctx, 200, db.HashUser(1)))
	ids, err := db.Moderators(ctx)
	must(t, err)
	if len(ids) != 2 {
		t.Fatalf("Moderators = %v, want 2", ids)
	}
	if ok, _ := db.IsModerator(ctx, 100); !ok {
		t.Error("100 is not a moderator")
	}
	must(t, db.RemoveModerator(ctx, 100, db.HashUser(1)))
	if ok, _ := db.IsModerator(ctx, 100); ok {
		t.Error("100 is still a moderator")
	}
	if err := db.RemoveModerator(ctx, 100, db.HashUser(1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice: %v, want ErrNotFound", err)
	}
	must(t, db.RecordCatalogue(ctx, CatalogueVersion{Hash: "abcdef0123456789", Source: "reload", Scripts: 31, ActorHash: "m", Changed: []string{"new-script"}}))
	vs, err := db.CatalogueVersions(ctx, 5)
	must(t, err)
	if len(vs) != 1 || vs[0].Scripts != 31 || len(vs[0].Changed) != 1 {
		t.Fatalf("CatalogueVersions = %+v", vs)
	}
	h, _ := db.History(ctx, 1)
	if len(h) != 1 || h[0].Action != "catalogue" {
		t.Errorf("the catalogue version is not audited: %+v", h)
	}
}

func TestWatchInterval(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	chat := int64(-100123)
	if ok, _ := db.ClaimWarning(ctx, chat, t0); ok {
		t.Fatal("a group without watch got a warning")
	}
	must(t, db.SetWatch(ctx, chat, true, 10*time.Minute, "admin"))
	w, err := db.Watch(ctx, chat)
	must(t, err)
	if !w.Enabled || w.Interval != 10*time.Minute {
		t.Fatalf("Watch = %+v", w)
	}
	for _, tc := range []struct {
		at   time.Duration
		want bool
	}{{0, true}, {time.Minute, false}, {9 * time.Minute, false}, {10 * time.Minute, true}, {11 * time.Minute, false}, {25 * time.Minute, true}} {
		ok, err := db.ClaimWarning(ctx, chat, t0.Add(tc.at))
		must(t, err)
		if ok != tc.want {
			t.Errorf("ClaimWarning at +%v = %v, want %v", tc.at, ok, tc.want)
		}
	}
	must(t, db.SetWatch(ctx, chat, false, 10*time.Minute, "admin"))
	if ok, _ := db.ClaimWarning(ctx, chat, t0.Add(time.Hour)); ok {
		t.Error("a switched-off watch still warns")
	}
}
