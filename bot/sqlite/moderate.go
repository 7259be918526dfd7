package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// NextPendingReport returns the pending report with the smallest id above
// afterID, or, if there is none, the oldest pending report (so a moderator
// who skipped some comes back to them). It returns ErrNotFound when no report
// is pending.
func (db *DB) NextPendingReport(ctx context.Context, afterID int64) (Report, error) {
	q := `SELECT ` + reportColumns + ` FROM reports WHERE status = 'pending' AND id > ? ORDER BY id LIMIT 1`
	r, err := scanReport(db.read.QueryRowContext(ctx, q, afterID))
	if errors.Is(err, sql.ErrNoRows) && afterID > 0 {
		r, err = scanReport(db.read.QueryRowContext(ctx, q, 0))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, ErrNotFound
	}
	if err != nil {
		return Report{}, fmt.Errorf("next pending report: %w", err)
	}
	return r, nil
}
