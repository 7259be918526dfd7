package telegramtest

import (
	"math"
	"time"
)

// limiter tracks sends for Limits. Its zero value is empty.
type limiter struct {
	buckets map[int64]*bucket
	groups  map[int64][]time.Time
	global  []time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// admit reports how many seconds a send to chat must wait under lim (0:
// allowed now, and recorded). It returns the largest wait among the limits
// that are exceeded.
func (l *limiter) admit(lim Limits, chat Chat, now time.Time) int {
	if !lim.on() {
		return 0
	}
	if l.buckets == nil {
		l.buckets = map[int64]*bucket{}
		l.groups = map[int64][]time.Time{}
	}
	wait := time.Duration(0)

	var b *bucket
	if lim.PerChatPerSecond > 0 {
		burst := float64(max(lim.PerChatBurst, 1))
		b = l.buckets[chat.ID]
		if b == nil {
			b = &bucket{tokens: burst, last: now}
			l.buckets[chat.ID] = b
		}
		b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*lim.PerChatPerSecond)
		b.last = now
		if b.tokens < 1 {
			wait = max(wait, time.Duration((1-b.tokens)/lim.PerChatPerSecond*float64(time.Second)))
		}
	}
	if lim.PerGroupPerMinute > 0 && chat.isGroup() {
		sends := prune(l.groups[chat.ID], now.Add(-time.Minute))
		l.groups[chat.ID] = sends
		if len(sends) >= lim.PerGroupPerMinute {
			wait = max(wait, sends[len(sends)-lim.PerGroupPerMinute].Add(time.Minute).Sub(now))
		}
	}
	if lim.GlobalPerSecond > 0 {
		l.global = prune(l.global, now.Add(-time.Second))
		if len(l.global) >= lim.GlobalPerSecond {
			wait = max(wait, l.global[len(l.global)-lim.GlobalPerSecond].Add(time.Second).Sub(now))
		}
	}
	if wait > 0 {
		return max(1, int(math.Ceil(wait.Seconds())))
	}
	if b != nil {
		b.tokens--
	}
	if lim.PerGroupPerMinute > 0 && chat.isGroup() {
		l.groups[chat.ID] = append(l.groups[chat.ID], now)
	}
	if lim.GlobalPerSecond > 0 {
		l.global = append(l.global, now)
	}
	return 0
}

// prune drops the times not after cutoff from the sorted slice ts.
func prune(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}
