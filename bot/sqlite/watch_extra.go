package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// ForgetWatcher removes a user from the group watch records, for /forget:
// the groups whose watch they switched and the audit entries of those
// switches keep the setting and the time but no longer say who did it.
// (Forget does not reach these rows: they are keyed by the group, and the
// audit keeps moderators' own actions.)
func (db *DB) ForgetWatcher(ctx context.Context, userID int64) error {
	h := db.HashUser(userID)
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE group_watch SET set_by_hash = '' WHERE set_by_hash = ?`, h); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE audit SET actor_hash = '' WHERE actor_hash = ? AND action IN ('watch_on', 'watch_off')`, h)
		return err
	})
	if err != nil {
		return fmt.Errorf("forget watcher: %w", err)
	}
	return nil
}
