package sqlite

import (
	"context"
	"testing"
	"time"
)

// TestForgetWatcher: the admin who switched a group's watch is no longer
// recorded after ForgetWatcher, while the setting, other admins' switches
// and moderators' own audit entries stay.
func TestForgetWatcher(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	const admin, other, moderator = int64(5151), int64(6161), int64(7171)
	must(t, db.SetWatch(ctx, -100, true, 10*time.Minute, db.HashUser(admin)))
	must(t, db.SetWatch(ctx, -200, true, 10*time.Minute, db.HashUser(other)))
	must(t, db.Audit(ctx, db.HashUser(admin), "reload", "catalogue"))
	must(t, db.Audit(ctx, db.HashUser(moderator), "reload", "catalogue"))

	must(t, db.ForgetWatcher(ctx, admin))

	h := db.HashUser(admin)
	var n int
	must(t, db.read.QueryRowContext(ctx, `SELECT count(*) FROM group_watch WHERE set_by_hash = ?`, h).Scan(&n))
	if n != 0 {
		t.Errorf("%d group_watch rows still name the admin", n)
	}
	must(t, db.read.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE actor_hash = ? AND action LIKE 'watch%'`, h).Scan(&n))
	if n != 0 {
		t.Errorf("%d watch audit entries still name the admin", n)
	}
	if w, err := db.Watch(ctx, -100); err != nil || !w.Enabled {
		t.Errorf("Watch(-100) = %+v, %v; the setting must stay", w, err)
	}
	must(t, db.read.QueryRowContext(ctx, `SELECT count(*) FROM group_watch WHERE set_by_hash = ?`, db.HashUser(other)).Scan(&n))
	if n != 1 {
		t.Errorf("the other admin's switch lost its author (%d rows)", n)
	}
	// A moderator action is not a watch switch: it keeps its actor.
	must(t, db.read.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'reload' AND actor_hash != ''`).Scan(&n))
	if n != 2 {
		t.Errorf("reload entries with an actor = %d, want 2", n)
	}
}
