package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// inlineArticle is an InlineQueryResultArticle as the fake server got it.
type inlineArticle struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Content     struct {
		Text string `json:"message_text"`
	} `json:"input_message_content"`
	Markup struct {
		KB [][]struct {
			Text string `json:"text"`
			URL  string `json:"url"`
		} `json:"inline_keyboard"`
	} `json:"reply_markup"`
}

// inlineQuery sends an inline query from from and returns the answer's
// results, after checking what every answer must hold: at most 50 results
// with unique ids, personal, cached briefly, a button above them to a
// private check, and on each result a URL button opening that card in a
// private chat.
func inlineQuery(t *testing.T, h *harness, from telegramtest.User, query string) []inlineArticle {
	t.Helper()
	qid := h.srv.SendInlineQuery(from, query)
	var ans telegramtest.InlineAnswer
	err := h.srv.WaitFor(ctxFor(t, 10*e2eSecond), func(s *telegramtest.Server) bool {
		for _, a := range s.InlineAnswers() {
			if a.QueryID == qid {
				ans = a
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("inline query %q not answered: %v\nlogs:\n%s", query, err, h.logs)
	}
	if n := len(ans.Results); n > 50 {
		t.Errorf("%q: %d results, Telegram allows 50", query, n)
	}
	if !ans.IsPersonal || ans.CacheTime <= 0 || ans.CacheTime > 300 {
		t.Errorf("%q: is_personal %v, cache_time %d; want personal and a modest cache time", query, ans.IsPersonal, ans.CacheTime)
	}
	if ans.StartParameter != "check" || ans.ButtonText == "" {
		t.Errorf("%q: button above results %q -> %q, want a private check", query, ans.ButtonText, ans.StartParameter)
	}
	ids := map[string]bool{}
	var out []inlineArticle
	for _, raw := range ans.Results {
		var a inlineArticle
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatalf("result %s: %v", raw, err)
		}
		if a.Type != "article" || a.ID == "" || ids[a.ID] {
			t.Errorf("%q: result type %q id %q (empty or repeated)", query, a.Type, a.ID)
		}
		ids[a.ID] = true
		if len(a.Markup.KB) != 1 || len(a.Markup.KB[0]) != 1 {
			t.Errorf("%q: result %s keyboard %+v, want one button", query, a.ID, a.Markup.KB)
		} else if want := "https://t.me/" + telegramtest.DefaultBotUsername + "?start=" + conversation.CardPayload(a.ID); a.Markup.KB[0][0].URL != want {
			t.Errorf("%q: result %s button %q, want %q", query, a.ID, a.Markup.KB[0][0].URL, want)
		}
		out = append(out, a)
	}
	return out
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// TestServeInline: "@bot 刷流水" lists the running-water card first or
// near-first, in Chinese; an English query from an English client gets
// English cards; an empty query lists the catalogue in order; and the
// cards' deep links open the card in a private chat, then a check.
func TestServeInline(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), unlimited(fastTuning()))
	cat := testCatalogue(t)
	hua := user(8101, "Hua", "zh-hans")
	pat := user(8102, "Pat", "en-US")

	water := inlineQuery(t, h, hua, "刷流水")
	at := -1
	for i, a := range water {
		if a.ID == "credit-score-running-water" {
			at = i
		}
	}
	if at < 0 || at > 1 {
		t.Errorf("刷流水: the running-water card is at %d, want first or second:%v", at, titles(water))
	}
	for _, a := range water {
		if !hasHan(a.Title) || !hasHan(a.Content.Text) {
			t.Errorf("刷流水 from a Chinese client: %q is not in Chinese", a.Title)
		}
	}

	courier := inlineQuery(t, h, pat, "courier")
	if len(courier) == 0 || !strings.Contains(courier[0].ID, "courier") {
		t.Fatalf("courier: results%v, want a courier card first", titles(courier))
	}
	for _, a := range courier {
		if hasHan(a.Title) || hasHan(a.Content.Text) || hasHan(a.Description) {
			t.Errorf("courier from an English client: %q / %q is not in English", a.Title, a.Description)
		}
	}

	all := inlineQuery(t, h, pat, "")
	if want := min(50, len(cat.Scripts)); len(all) != want {
		t.Fatalf("empty query: %d results, want %d", len(all), want)
	}
	for i, a := range all {
		if a.ID != cat.Scripts[i].ID {
			t.Errorf("empty query: result %d is %s, want catalogue order (%s)", i, a.ID, cat.Scripts[i].ID)
			break
		}
	}

	// The deep links of three cards, followed in a private chat.
	chat := telegramtest.PrivateChat(hua)
	for i, a := range []inlineArticle{water[at], courier[0], all[len(all)-1]} {
		u, err := url.Parse(a.Markup.KB[0][0].URL)
		if err != nil {
			t.Fatal(err)
		}
		srv.SendText(chat, hua, "/start "+u.Query().Get("start"))
		card := h.waitSent(hua.ID, 2*i+1)[2*i]
		title := cat.Script(a.ID).Title.Get("zh")
		if !strings.Contains(card.Text, title) {
			t.Errorf("/start %s = %q, want the card %q", u.Query().Get("start"), card.Text, title)
		}
		srv.PressButton(chat, hua, card.MessageID, buttonWith(t, callbackData(card.ReplyMarkup), "check"))
		q := h.waitSent(hua.ID, 2*i+2)[2*i+1]
		if !strings.Contains(q.Text, "（第 1 题）") {
			t.Errorf("after the card's check button: %q, want the first question", q.Text)
		}
	}
	h.settle()
	h.checkLogs("刷流水", "8101", "8102")
}

func titles(as []inlineArticle) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString("\n  " + a.ID + ": " + a.Title)
	}
	return b.String()
}
