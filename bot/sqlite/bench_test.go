package sqlite

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// benchState is a conversation state of about 1 KB.
var benchState = []byte(`{"v":1,"lang":"zh-Hans","phase":"checklist","current":"q_transfer",` +
	`"answers":{"q_contact":"phone","q_claim":"police","q_money":"safe_account"},` +
	`"signals":[{"id":"official_impersonation","evidence":"` + strings.Repeat("x", 800) + `"}],"seq":4}`)

var benchPayload = []byte(`{"method":"sendMessage","params":{"chat_id":12345,"text":"` + strings.Repeat("y", 300) + `"}}`)

// BenchmarkCommit commits one update as the Telegram adapter does: a session
// upsert with a 1 KB state, one outbox row and the offset, in WAL mode.
func BenchmarkCommit(b *testing.B) {
	for _, durable := range []bool{false, true} {
		name := "sync=normal"
		if durable {
			name = "sync=full"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db := open(b, dbPath(b), Options{Durable: durable})
			b.ReportAllocs()
			b.SetBytes(int64(len(benchState) + len(benchPayload)))
			b.ResetTimer()
			for i := range b.N {
				chat := int64(i%1000 + 1)
				err := db.Commit(ctx, Commit{
					UpdateID: int64(i + 1), ChatID: chat, UserID: chat, State: benchState,
					Out: []OutMsg{{ChatID: chat, Payload: benchPayload}},
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
		})
	}
}

// BenchmarkCommitParallel commits from several goroutines at once, as
// concurrent chats would; the commits queue for the one write connection.
func BenchmarkCommitParallel(b *testing.B) {
	ctx := context.Background()
	db := open(b, dbPath(b), Options{})
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := next.Add(1)
			chat := id%1000 + 1
			err := db.Commit(ctx, Commit{
				UpdateID: id, ChatID: chat, UserID: chat, State: benchState,
				Out: []OutMsg{{ChatID: chat, Payload: benchPayload}},
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// BenchmarkSession reads a 1 KB session from the read pool.
func BenchmarkSession(b *testing.B) {
	ctx := context.Background()
	db := open(b, dbPath(b), Options{})
	for i := range 1000 {
		if err := db.Commit(ctx, Commit{UpdateID: int64(i + 1), ChatID: int64(i + 1), State: benchState}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.Session(ctx, int64(i%1000+1)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPending lists the sendable messages of an outbox holding n.
func BenchmarkPending(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("queued=%d", n), func(b *testing.B) {
			ctx := context.Background()
			db := open(b, dbPath(b), Options{})
			msgs := make([]OutMsg, n)
			for i := range msgs {
				msgs[i] = OutMsg{ChatID: int64(i%100 + 1), Priority: i % 2, Payload: benchPayload}
			}
			if err := db.Enqueue(ctx, msgs...); err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := db.Pending(ctx, 30, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
