package telegram

import (
	"log/slog"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// newTestScheduler returns a scheduler with no client or store: enough to
// exercise its choices in memory.
func newTestScheduler(tb testing.TB, lim Limits) *scheduler {
	tb.Helper()
	m, err := newMetrics(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return newScheduler(nil, nil, m, Options{Logger: slog.New(slog.DiscardHandler), Now: time.Now, HashID: randomHash(), Limits: lim})
}

// add queues messages in memory as loadPending would.
func (s *scheduler) add(now time.Time, msgs ...OutMsg) {
	for _, m := range msgs {
		s.known[m.ID] = true
		q := s.chats[m.ChatID]
		if q == nil {
			q = &chatQueue{id: m.ChatID, lim: s.chatLimiter(m.ChatID)}
			s.chats[m.ChatID] = q
			s.ring = append(s.ring, q)
		}
		if len(q.msgs) == 0 && !q.busy {
			q.fresh = true
		}
		q.msgs = append(q.msgs, m)
		q.active = now
	}
}

// delivered completes the call of j as a success.
func (s *scheduler) delivered(j *job) {
	q := s.chats[j.msg.ChatID]
	q.busy = false
	s.pop(q, j.msg.ID)
}

func TestPickOrder(t *testing.T) {
	s := newTestScheduler(t, Limits{Global: rate.Inf, Private: rate.Inf, Group: rate.Inf})
	now := time.Now()
	// Chat 1 has a backlog; chat 2 then has an urgent warning; chat 3 is new.
	s.add(now, OutMsg{ID: 1, ChatID: 1, Priority: PriorityNormal}, OutMsg{ID: 2, ChatID: 1, Priority: PriorityNormal},
		OutMsg{ID: 3, ChatID: 1, Priority: PriorityNormal})
	j, _ := s.pick(now)
	s.delivered(j)
	s.add(now, OutMsg{ID: 4, ChatID: 3, Priority: PriorityNormal}, OutMsg{ID: 5, ChatID: 2, Priority: PriorityUrgent},
		OutMsg{ID: 6, ChatID: 2, Priority: PriorityNormal})
	s.call(laneAnswer, "answerCallbackQuery", nil, now)
	var order []int64
	for {
		j, _ := s.pick(now)
		if j == nil {
			break
		}
		if j.msg == nil {
			order = append(order, 0)
			s.callsPending.Add(-1)
			continue
		}
		order = append(order, j.msg.ID)
		s.delivered(j)
	}
	// The answer, the urgent warning, the new chat's first message, then
	// the rest in turn.
	want := []int64{0, 5, 4, 2, 6, 3}
	if len(order) != len(want) {
		t.Fatalf("order = %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order = %v, want %v", order, want)
		}
	}
}

func TestPickPacing(t *testing.T) {
	s := newTestScheduler(t, Limits{Global: 1000, GlobalBurst: 100}) // per chat: the defaults
	now := time.Now()
	for i := range 6 {
		s.add(now, OutMsg{ID: int64(i + 1), ChatID: 7})
	}
	n := 0
	for {
		j, next := s.pick(now)
		if j == nil {
			if d := next.Sub(now); d < 900*time.Millisecond || d > 1100*time.Millisecond {
				t.Errorf("next send in %v, want about 1 s", d)
			}
			break
		}
		n++
		s.delivered(j)
	}
	if n != 3 {
		t.Errorf("%d messages to one private chat at once, want the burst of 3", n)
	}
	s.add(now, OutMsg{ID: 100, ChatID: -100200})
	if j, _ := s.pick(now); j == nil || j.msg.ChatID != -100200 {
		t.Error("a group was held back by a private chat's limit")
	} else {
		s.delivered(j)
	}
	s.add(now, OutMsg{ID: 102, ChatID: -100200}, OutMsg{ID: 103, ChatID: -100200})
	if j, _ := s.pick(now); j == nil {
		t.Error("a group's second message was held back (its burst is 2)")
	} else {
		s.delivered(j)
	}
	var next time.Time
	if s.ready(s.chats[-100200], now, &next) || next.Sub(now) < 3*time.Second {
		t.Errorf("a group's third message may go in %v, want about 3.3 s (18 a minute)", next.Sub(now))
	}
	s.pausedTill = now.Add(time.Second)
	s.add(now, OutMsg{ID: 101, ChatID: 8})
	if j, next := s.pick(now); j != nil || !next.Equal(s.pausedTill) {
		t.Errorf("pick during a pause = %v, next %v", j, next)
	}
	s.call(laneAnswer, "answerCallbackQuery", nil, now)
	if j, _ := s.pick(now); j == nil || j.lane != laneAnswer {
		t.Error("a callback answer waited for a pause meant for messages")
	}
}

// BenchmarkSchedulerPick measures the scheduler's own work per message (no
// HTTP, no database): choosing among 1,000 chats with three messages each,
// under the real limits' bookkeeping with rates high enough never to wait.
func BenchmarkSchedulerPick(b *testing.B) {
	for _, chats := range []int{10, 1000} {
		b.Run("chats="+itoa(chats), func(b *testing.B) {
			s := newTestScheduler(b, Limits{Global: 1e9, GlobalBurst: 1e9, Private: 1e9, PrivateBurst: 1e9, Group: 1e9, GroupBurst: 1e9})
			now := time.Now()
			id := int64(0)
			fill := func() {
				for c := range chats {
					for range 3 {
						id++
						s.add(now, OutMsg{ID: id, ChatID: int64(c + 1)})
					}
				}
			}
			fill()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				j, _ := s.pick(now)
				if j == nil {
					b.StopTimer()
					fill()
					b.StartTimer()
					j, _ = s.pick(now)
				}
				s.delivered(j)
			}
		})
	}
}
