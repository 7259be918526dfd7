package llm_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/llm"
	"github.com/scambot/scambot/bot/llm/llmtest"
)

// BenchmarkReadCached measures what a Read costs besides the model: masking,
// hashing, the cache and checking the evidence.
func BenchmarkReadCached(b *testing.B) {
	cat := testCatalogue(b)
	srv := llmtest.NewServer(b)
	srv.Default(llmtest.Signals(
		llmtest.Signal{ID: "urgency", Evidence: "半小时内必须办完"},
		llmtest.Signal{ID: "asks_card_details", Evidence: "银行卡号[number]"},
		llmtest.Signal{ID: "claims_courier", Evidence: "自称是理赔专员"}))
	r := llm.New(cat, llm.Options{BaseURL: srv.BaseURL(), APIKey: srv.APIKey(), Model: "m", HTTPClient: srv.Client()})
	for _, n := range []int{1, 10, 100} {
		text := strings.Repeat(courierStory, n)
		b.Run(fmt.Sprintf("stories=%d", n), func(b *testing.B) {
			if _, err := r.Read(context.Background(), text, bot.ZH); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := r.Read(context.Background(), text, bot.ZH); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
