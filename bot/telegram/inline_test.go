package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// TestInlineCardsEveryScript: every script of the shipped catalogue makes
// an inline result Telegram accepts (id of 1-64 bytes, unique; a short
// text; a deep link with a valid start payload), and its deep link, as
// "/start card-<id>", opens that card in a private chat and offers a check.
func TestInlineCardsEveryScript(t *testing.T) {
	srv := telegramtest.NewServer(t)
	b := newWatchBot(t, srv, nil)
	core := testCore(t)
	cat := core.Engine().Catalogue()
	for _, lang := range []bot.Lang{bot.ZH, bot.EN} {
		cards := conversation.SearchCards(core.Engine(), "", lang, len(cat.Scripts)+1)
		if len(cards) != len(cat.Scripts) {
			t.Fatalf("%s: %d cards for %d scripts", lang, len(cards), len(cat.Scripts))
		}
		ids := map[string]bool{}
		for i, c := range cards {
			if c.Script != cat.Scripts[i].ID {
				t.Errorf("%s: card %d is %s, want catalogue order (%s)", lang, i, c.Script, cat.Scripts[i].ID)
			}
			r := b.inlineResult(c, "Check privately")
			if r.ID == "" || len(r.ID) > maxInlineResultID || ids[r.ID] {
				t.Errorf("%s: result id %q empty, too long or repeated", c.Script, r.ID)
			}
			ids[r.ID] = true
			if !ValidStartPayload(c.Payload) {
				t.Errorf("%s: payload %q is not a valid deep-link parameter", c.Script, c.Payload)
			}
			raw, _ := json.Marshal(r)
			var got struct {
				Title   string `json:"title"`
				Desc    string `json:"description"`
				Content struct {
					Text string `json:"message_text"`
				} `json:"input_message_content"`
				Markup struct {
					KB [][]struct {
						Text string `json:"text"`
						URL  string `json:"url"`
					} `json:"inline_keyboard"`
				} `json:"reply_markup"`
			}
			json.Unmarshal(raw, &got)
			if got.Title == "" || got.Desc == "" {
				t.Errorf("%s: title %q, description %q", c.Script, got.Title, got.Desc)
			}
			// Readable in ten seconds: a few short lines.
			if n := utf8.RuneCountInString(got.Content.Text); n == 0 || n > 400 || strings.Count(got.Content.Text, "\n") > 5 {
				t.Errorf("%s (%s): card of %d characters, %d lines:\n%s", c.Script, lang, n, strings.Count(got.Content.Text, "\n")+1, got.Content.Text)
			}
			want := "https://t.me/" + telegramtest.DefaultBotUsername + "?start=" + conversation.CardPayload(c.Script)
			if len(got.Markup.KB) != 1 || len(got.Markup.KB[0]) != 1 || got.Markup.KB[0][0].URL != want {
				t.Errorf("%s: keyboard %+v, want one button to %s", c.Script, got.Markup.KB, want)
			}
			if lang != bot.ZH {
				continue
			}
			// The deep link in a private chat: the card, then a check.
			o := core.Step(conversation.State{}, bot.Event{Kind: bot.EventCommand, Command: "start", Args: c.Payload, Lang: lang})
			if len(o.Replies) != 1 || !strings.Contains(o.Replies[0].Text, c.Title) {
				t.Errorf("/start %s = %+v, want the card", c.Payload, o.Replies)
				continue
			}
			var check bool
			for _, ch := range o.Replies[0].Choices {
				check = check || ch.ID == conversation.ChoiceCheck
			}
			if !check {
				t.Errorf("/start %s offers no check: %+v", c.Payload, o.Replies[0].Choices)
			}
		}
	}
}

func TestInlineLang(t *testing.T) {
	for _, tt := range []struct {
		code, query string
		want        bot.Lang
	}{
		{"zh-hans", "courier", bot.ZH},
		{"en", "刷流水", bot.EN},
		{"de", "courier", bot.EN},
		{"de", "刷流水", bot.ZH},
		{"", "", bot.ZH},
		{"", "gift card", bot.EN},
	} {
		in := &incoming{langCode: tt.code}
		in.lang, _ = bot.ParseLang(tt.code)
		if got := inlineLang(in, tt.query); got != tt.want {
			t.Errorf("inlineLang(%q, %q) = %s, want %s", tt.code, tt.query, got, tt.want)
		}
	}
}

func TestValidStartPayload(t *testing.T) {
	for p, want := range map[string]bool{
		"check": true, "card-courier-compensation-credit-loop": true, "a_B-9": true,
		"": false, "card fake": false, "card.x": false, "卡": false, strings.Repeat("a", 64): true, strings.Repeat("a", 65): false,
	} {
		if got := ValidStartPayload(p); got != want {
			t.Errorf("ValidStartPayload(%q) = %v, want %v", p, got, want)
		}
	}
	if id := inlineID(strings.Repeat("x", 80)); len(id) > maxInlineResultID || id == inlineID(strings.Repeat("x", 81)) {
		t.Errorf("inlineID of long ids = %q: want short and distinct", id)
	}
}

// BenchmarkInlineResults is the work of one inline answer before it is
// sent: searching the cards and building up to 50 results.
func BenchmarkInlineResults(b *testing.B) {
	srv := telegramtest.NewServer(b)
	c, err := Dial(context.Background(), srv.Token(), srv.URL, srv.Client())
	if err != nil {
		b.Fatal(err)
	}
	bt, err := New(c, nil, Fixed(testCore(b)), Options{})
	if err != nil {
		b.Fatal(err)
	}
	eng := bt.core.Bot().Engine()
	for _, q := range []string{"", "刷流水", "courier", "he asked me to buy gift cards and read the codes"} {
		b.Run(fmt.Sprintf("query=%q", q), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, card := range conversation.SearchCards(eng, q, bot.EN, maxInlineResults) {
					bt.inlineResult(card, "Check privately")
				}
			}
		})
	}
}
