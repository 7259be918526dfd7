package main

import (
	"encoding/json"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// benchTexts is a mix of what users send: commands that start a check and
// stories of various lengths.
var benchTexts = []string{
	"/check",
	courierText,
	"他让我下载一个会议App，开屏幕共享，说要帮我退款",
	"/hotlines",
	"A man says he is from the bank and my card will be frozen unless I move the money to a safe account",
}

// waitIdle waits until every queued update is confirmed and every reply
// delivered. It looks every 5 ms at things that cost little to read (the
// fake server's queue and the bot's gauges), so that waiting does not slow
// the bot down on a small machine.
func (h *harness) waitIdle(tb testing.TB) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		// The gauges cost a Gather (database queries included): look at
		// them only once the updates are all in.
		if len(h.srv.PendingUpdates()) == 0 && h.metric("scambot_outbox_depth") == 0 &&
			h.metric("scambot_telegram_calls_pending") == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("not idle: %d pending updates", len(h.srv.PendingUpdates()))
		}
		<-tick.C
	}
}

// BenchmarkServeUpdates measures updates handled per second end to end:
// getUpdates over HTTP, one SQLite transaction per update (state, offset,
// outbox), the replies sent over HTTP and removed from the outbox. Flood
// limits are off on both sides. One op is one update.
func BenchmarkServeUpdates(b *testing.B) {
	srv := telegramtest.NewServer(b)
	h := startServe(b, srv, testConfig(b, srv, b.TempDir()), unlimited(fastTuning()))
	const users = 500
	us := make([]telegramtest.User, users)
	for i := range us {
		us[i] = user(int64(100000+i), "B", "zh")
	}
	// Warm up: every user has a conversation.
	for _, u := range us {
		srv.SendText(telegramtest.PrivateChat(u), u, "/start")
	}
	h.waitIdle(b)
	before := len(srv.Sent())
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := range b.N {
		u := us[i%users]
		srv.SendText(telegramtest.PrivateChat(u), u, benchTexts[(i/users)%len(benchTexts)])
	}
	h.waitIdle(b)
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64(len(srv.Sent())-before)/elapsed.Seconds(), "sends/s")
	// CPU time of this process (bot, fake server and all) per update: less
	// sensitive than wall time to other work on the machine.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/update")
}

// cpuTime returns the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkServeBurst100 measures how long 100 updates from 100 new users,
// arriving at once, take until every reply is sent: with flood limits off
// (what the bot can do) and with Telegram's limits (what Telegram allows:
// about 25 messages a second overall). One op is one burst.
func BenchmarkServeBurst100(b *testing.B) {
	for _, limits := range []string{"off", "telegram"} {
		b.Run("limits="+limits, func(b *testing.B) {
			srv := telegramtest.NewServer(b)
			tune := unlimited(fastTuning())
			if limits == "telegram" {
				srv.SetLimits(telegramtest.DefaultLimits)
				tune = fastTuning()
			}
			h := startServe(b, srv, testConfig(b, srv, b.TempDir()), tune)
			b.ResetTimer()
			for i := range b.N {
				for j := range 100 {
					u := user(int64(200000+i*100+j), "C", "zh")
					srv.SendText(telegramtest.PrivateChat(u), u, "/start")
				}
				h.waitIdle(b)
			}
		})
	}
}

// BenchmarkSessionState measures what a conversation mid-checklist costs:
// its stored JSON and its heap when decoded (the bot holds a decoded state
// only while handling an update).
func BenchmarkSessionState(b *testing.B) {
	conv := conversation.New(engine.New(testCatalogue(b)))
	st := conversation.State{V: conversation.Version, Region: "CN"}
	o := conv.Step(st, bot.Event{Kind: bot.EventText, Text: "他让我下载一个会议App，开屏幕共享，说要帮我退款", Time: time.Now()})
	raw, err := json.Marshal(o.State)
	if err != nil {
		b.Fatal(err)
	}
	const n = 10000
	states := make([]conversation.State, n)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	for i := range states {
		if err := json.Unmarshal(raw, &states[i]); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(states)
	perState := float64(m1.HeapAlloc-m0.HeapAlloc)/n + float64(unsafe.Sizeof(states[0]))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var s conversation.State
		if err := json.Unmarshal(raw, &s); err != nil {
			b.Fatal(err)
		}
	}
	// After the loop: ResetTimer clears reported metrics.
	b.ReportMetric(float64(len(raw)), "json-bytes/session")
	b.ReportMetric(perState, "heap-bytes/session")
}

// BenchmarkServeMemoryPerConversation measures what the running bot keeps
// in memory per active conversation: N users each start a check; once
// everything is delivered, the Go heap is measured with the bot running and
// again after it stopped. The difference, less the same difference with no
// conversations, is the bot's own memory for N conversations (the fake
// server in this process keeps its records across the stop, so they cancel
// out). Sessions themselves live in SQLite: the database's growth is
// reported per conversation too.
func BenchmarkServeMemoryPerConversation(b *testing.B) {
	const n = 5000
	srv := telegramtest.NewServer(b)
	dir := b.TempDir()
	cfg := testConfig(b, srv, dir)
	tune := unlimited(fastTuning())
	tune.telegram.FloodPerMinute = 0 // the default: flood control keeps a little per user
	heldBy := func(run func(h *harness)) float64 {
		h := startServe(b, srv, cfg, tune)
		run(h)
		h.waitIdle(b)
		running := heapAlloc()
		h.stop()
		h.reg = nil // its collectors reach the stopped bot
		return running - heapAlloc()
	}
	base := heldBy(func(*harness) {})
	fi0, _ := os.Stat(cfg.DB)
	held := heldBy(func(h *harness) {
		for i := range n {
			u := user(int64(300000+i), "M", "zh")
			srv.SendText(telegramtest.PrivateChat(u), u, "/check")
		}
	})
	fi1, _ := os.Stat(cfg.DB)
	// One measurement whatever b.N: it takes seconds and is not a rate.
	b.ReportMetric((held-base)/n, "heap-bytes/conversation")
	b.ReportMetric(float64(fi1.Size()-fi0.Size())/n, "db-bytes/conversation")
}

// heapAlloc returns the live heap after a full collection.
func heapAlloc() float64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}
