package sqlite

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestPendingSince: only messages after the id, in id order, and none held
// back by an earlier message of their chat.
func TestPendingSince(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	db := open(t, dbPath(t), Options{Now: clock.Now})
	must(t, db.Commit(ctx, Commit{UpdateID: 1, ChatID: 1, Out: []OutMsg{msg(0, "a1"), msg(0, "a2")}}))
	must(t, db.Commit(ctx, Commit{UpdateID: 2, ChatID: 2, Out: []OutMsg{msg(0, "b1")}}))
	all, err := db.Pending(ctx, 0, clock.Now())
	must(t, err)
	var a1, last int64
	for _, m := range all {
		last = max(last, m.ID)
		if string(m.Payload) == "a1" {
			a1 = m.ID
		}
	}
	must(t, db.Commit(ctx, Commit{UpdateID: 3, ChatID: 1, Out: []OutMsg{msg(0, "a3")}}))
	must(t, db.Commit(ctx, Commit{UpdateID: 4, ChatID: 2, Out: []OutMsg{msg(0, "b2")}}))
	must(t, db.Commit(ctx, Commit{UpdateID: 5, ChatID: 3, Out: []OutMsg{msg(0, "c1")}}))
	got, err := db.PendingSince(ctx, last, 0, clock.Now())
	must(t, err)
	if !slices.Equal(payloads(got), []string{"a3", "b2", "c1"}) {
		t.Errorf("PendingSince = %q, want [a3 b2 c1]", payloads(got))
	}
	got, err = db.PendingSince(ctx, last, 2, clock.Now())
	must(t, err)
	if !slices.Equal(payloads(got), []string{"a3", "b2"}) {
		t.Errorf("PendingSince with limit 2 = %q", payloads(got))
	}
	// A held message holds back the rest of its chat.
	must(t, db.Retry(ctx, a1, clock.Now().Add(time.Minute)))
	got, err = db.PendingSince(ctx, last, 0, clock.Now())
	must(t, err)
	if !slices.Equal(payloads(got), []string{"b2", "c1"}) {
		t.Errorf("PendingSince with chat 1 held = %q, want [b2 c1]", payloads(got))
	}
	clock.Add(2 * time.Minute)
	got, err = db.PendingSince(ctx, last, 0, clock.Now())
	must(t, err)
	if !slices.Equal(payloads(got), []string{"a3", "b2", "c1"}) {
		t.Errorf("PendingSince after the hold = %q", payloads(got))
	}
}

func TestDoneMany(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	must(t, db.Commit(ctx, Commit{UpdateID: 1, ChatID: 1, Out: []OutMsg{msg(0, "a"), msg(0, "b"), msg(0, "c")}}))
	all, err := db.Pending(ctx, 0, time.Now())
	must(t, err)
	if n, err := db.DoneMany(ctx, []int64{all[0].ID, all[2].ID, 999}); err != nil || n != 2 {
		t.Errorf("DoneMany = %d, %v; want 2", n, err)
	}
	left, err := db.Pending(ctx, 0, time.Now())
	must(t, err)
	if !slices.Equal(payloads(left), []string{"b"}) {
		t.Errorf("left = %q, want [b]", payloads(left))
	}
	if n, err := db.DoneMany(ctx, nil); err != nil || n != 0 {
		t.Errorf("DoneMany(nil) = %d, %v", n, err)
	}
}
