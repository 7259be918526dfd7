package telegram

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// floodControl throttles what one user sends: a token bucket per user
// (golang.org/x/time/rate, whose burst models "a few at once is fine").
// Over the limit the user gets one "please slow down" reply, then nothing
// until the bucket has refilled a little; their updates are still
// confirmed. The state is in memory: a restart forgets it, which only
// forgives. Safe for concurrent use.
type floodControl struct {
	limit rate.Limit
	burst int

	mu    sync.Mutex
	users map[int64]*floodUser
	swept time.Time
}

type floodUser struct {
	lim    *rate.Limiter
	warned bool
	last   time.Time
}

// floodVerdict is what to do with an update.
type floodVerdict int

const (
	floodOK     floodVerdict = iota // handle it
	floodWarn                       // the first over the limit: say "slow down" once
	floodIgnore                     // over the limit and warned: ignore
)

// newFloodControl allows perMinute updates a minute per user with a burst
// of perMinute. perMinute <= 0 turns it off.
func newFloodControl(perMinute int) *floodControl {
	if perMinute <= 0 {
		return &floodControl{limit: rate.Inf}
	}
	return &floodControl{
		limit: rate.Limit(float64(perMinute) / 60),
		burst: perMinute,
		users: map[int64]*floodUser{},
	}
}

// check counts one update from userID at now.
func (f *floodControl) check(userID int64, now time.Time) floodVerdict {
	if f.limit == rate.Inf || userID == 0 {
		return floodOK
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweep(now)
	u := f.users[userID]
	if u == nil {
		u = &floodUser{lim: rate.NewLimiter(f.limit, f.burst)}
		f.users[userID] = u
	}
	u.last = now
	if u.lim.AllowN(now, 1) {
		// Calm again once a quarter of the bucket is back.
		if u.warned && u.lim.TokensAt(now) >= float64(f.burst)/4 {
			u.warned = false
		}
		if !u.warned {
			return floodOK
		}
		return floodIgnore
	}
	if u.warned {
		return floodIgnore
	}
	u.warned = true
	return floodWarn
}

// sweep forgets users idle long enough for their bucket to be full again,
// at most once a minute, so memory follows the number of active users.
func (f *floodControl) sweep(now time.Time) {
	if now.Sub(f.swept) < time.Minute {
		return
	}
	f.swept = now
	full := time.Duration(float64(f.burst) / float64(f.limit) * float64(time.Second))
	for id, u := range f.users {
		if now.Sub(u.last) > full {
			delete(f.users, id)
		}
	}
}
