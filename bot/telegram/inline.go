package telegram

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
)

// Inline mode: "@bot courier" or "@bot 刷流水" in any chat lists the
// catalogue's warning cards that fit the query (all of them, in catalogue
// order, for an empty query), in the querier's language. Picking one sends
// the card, short enough to read in ten seconds, with a button that opens
// a private chat on that card ("/start card-<id>"), where the core shows it
// and offers a check. Inline mode must be switched on with @BotFather
// (/setinline); until then Telegram sends no inline queries.

// Inline answer limits: Telegram accepts at most 50 results, with ids of
// 1-64 bytes; a deep-link payload is 1-64 characters of [A-Za-z0-9_-].
const (
	maxInlineResults  = 50
	maxInlineResultID = 64
	maxStartPayload   = 64
	maxInlineQuery    = 256 // Telegram's own limit on the query text
	maxDescription    = 120 // characters of the line under a result's title
)

// inlineCacheTime is how long Telegram may reuse an answer, in seconds:
// long enough to spare repeated keystrokes, short enough that a reloaded
// catalogue shows within minutes. Answers are personal (by language).
const inlineCacheTime = 120

// answerInline answers an inline query with the cards that fit it, through
// the scheduler's answer lane (before any message, within the answer
// deadline), plus a button above the results that opens a private check.
func (b *Bot) answerInline(in *incoming, now time.Time) {
	if in.queryID == "" {
		return
	}
	query := string(in.event.Text)
	if utf8.RuneCountInString(query) > maxInlineQuery {
		query = query[:prefixRunes(query, maxInlineQuery)]
	}
	lang := inlineLang(in, query)
	conv := b.core.Bot()
	msgs := conv.Engine().Catalogue().Messages
	label := msgs.Get(lang, "btn_check_private")
	cards := conversation.SearchCards(conv.Engine(), query, lang, maxInlineResults)
	results := make([]any, 0, len(cards))
	for _, c := range cards {
		results = append(results, b.inlineResult(c, label))
	}
	b.sched.call(laneAnswer, "answerInlineQuery", tgbotapi.InlineConfig{
		InlineQueryID:     in.queryID,
		Results:           results,
		CacheTime:         inlineCacheTime,
		IsPersonal:        true,
		SwitchPMText:      label,
		SwitchPMParameter: conversation.ChoiceCheck,
	}, now)
}

// inlineLang is the language of the answer: the querier's client language
// if scambot speaks it; for another language English unless the query is
// Chinese; with none, the query's language (Chinese by default).
func inlineLang(in *incoming, query string) bot.Lang {
	if in.lang != "" {
		return in.lang
	}
	if in.langCode != "" {
		return conversation.DetectLang(query, bot.EN)
	}
	return conversation.DetectLang(query, bot.ZH)
}

// inlineResult is one card as an article: its title, the first line of its
// summary under it, the card as the message, and a URL button that opens
// the card in a private chat.
func (b *Bot) inlineResult(c conversation.Card, label string) tgbotapi.InlineQueryResultArticle {
	title := c.Title
	if strings.TrimSpace(title) == "" {
		title = c.Script
	}
	a := tgbotapi.NewInlineQueryResultArticle(inlineID(c.Script), title, shorten(c.Text, MaxText))
	a.Description = cardDescription(c)
	link := b.DeepLink(conversation.ChoiceCheck)
	if ValidStartPayload(c.Payload) {
		link = b.DeepLink(c.Payload)
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL(label, link)))
	a.ReplyMarkup = &kb
	return a
}

// inlineID is a result id for a script: its id when that fits in 64 bytes,
// else a hash of it (ids only need to be unique within one answer).
func inlineID(script string) string {
	if script != "" && len(script) <= maxInlineResultID {
		return script
	}
	h := sha256.Sum256([]byte(script))
	return "s-" + hex.EncodeToString(h[:16])
}

// cardDescription is the line shown under a result's title: the card's
// first line that does not repeat the title, shortened.
func cardDescription(c conversation.Card) string {
	for _, line := range strings.Split(c.Text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || (c.Title != "" && strings.Contains(line, c.Title)) {
			continue
		}
		return shorten(line, maxDescription)
	}
	return ""
}

// ValidStartPayload reports whether p can follow "?start=" in a deep link:
// 1-64 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule).
func ValidStartPayload(p string) bool {
	if p == "" || len(p) > maxStartPayload {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(isCommandByte(c) || c == '-') {
			return false
		}
	}
	return true
}
