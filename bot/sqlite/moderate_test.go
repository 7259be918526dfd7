package sqlite

import (
	"context"
	"errors"
	"testing"
)

func TestNextPendingReport(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	if _, err := db.NextPendingReport(ctx, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no reports: err = %v, want ErrNotFound", err)
	}
	var ids []int64
	for range 3 {
		id, err := db.AddReport(ctx, Report{UserHash: "u", Lang: "en", Text: "the courier asked me to borrow"})
		must(t, err)
		ids = append(ids, id)
	}
	must(t, db.ReviewReport(ctx, ids[1], ReportRejected, "", "mod"))
	for _, c := range []struct {
		after, want int64
	}{
		{0, ids[0]},
		{ids[0], ids[2]}, // the reviewed one is skipped
		{ids[2], ids[0]}, // past the last: back to the oldest
		{ids[2] + 100, ids[0]},
	} {
		r, err := db.NextPendingReport(ctx, c.after)
		if err != nil || r.ID != c.want || r.Status != ReportPending || r.Text == "" {
			t.Errorf("NextPendingReport(%d) = %d %q %v, want report %d, pending, with its text", c.after, r.ID, r.Status, err, c.want)
		}
	}
	must(t, db.ReviewReport(ctx, ids[0], ReportApproved, "some-script", "mod"))
	must(t, db.ReviewReport(ctx, ids[2], ReportNewPattern, "", "mod"))
	if _, err := db.NextPendingReport(ctx, ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("all reviewed: err = %v, want ErrNotFound", err)
	}
}
