package main

import (
	"net"
	"strings"
	"testing"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// TestServeGroupMovesToPrivate: /check in a group gets one short reply with
// a deep link to a private chat, quoting nobody; ordinary chatter is
// ignored; /start check in private starts the checklist.
func TestServeGroupMovesToPrivate(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), fastTuning())
	grp := telegramtest.SupergroupChat(-1002233445566, "Neighbourhood")
	jo := user(6161, "Jo", "zh-hans")
	secret := "我的银行卡号是6222020200112233445，他让我转账"
	srv.SendText(grp, jo, "/check@"+telegramtest.DefaultBotUsername+" "+secret)
	srv.SendText(grp, jo, "普通聊天："+secret)          // hidden by privacy mode
	srv.SendText(grp, jo, "/check@some_other_bot") // for another bot
	reply := h.waitSent(grp.ID, 1)[0]
	kb := reply.ReplyMarkup
	if kb == nil || len(kb.InlineKeyboard) != 1 || len(kb.InlineKeyboard[0]) != 1 {
		t.Fatalf("group reply markup = %+v, want one URL button", kb)
	}
	if got, want := kb.InlineKeyboard[0][0].URL, "https://t.me/"+telegramtest.DefaultBotUsername+"?start=check"; got != want {
		t.Errorf("button URL = %q, want %q", got, want)
	}
	for _, part := range []string{"6222", "转账", "Jo"} {
		if strings.Contains(reply.Text, part) {
			t.Errorf("group reply quotes %q: %q", part, reply.Text)
		}
	}
	if reply.ReplyToMessageID != 0 {
		t.Errorf("group reply answers message %d; it should not point at anyone's message", reply.ReplyToMessageID)
	}
	// A reply to the bot's message is answered the same way, once.
	srv.SendReply(grp, jo, reply.MessageID, "怎么用？"+secret)
	h.waitSent(grp.ID, 2)
	// Being added to a group: one short introduction.
	other := telegramtest.GroupChat(-4455, "Family")
	srv.AddUpdate(map[string]any{"my_chat_member": map[string]any{
		"chat": other, "from": jo, "date": 1,
		"old_chat_member": map[string]any{"status": "left", "user": srv.Bot()},
		"new_chat_member": map[string]any{"status": "member", "user": srv.Bot()},
	}})
	intro := h.waitSent(other.ID, 1)[0]
	if !strings.Contains(intro.Text, "/check") {
		t.Errorf("introduction = %q, want it to mention /check", intro.Text)
	}

	// The deep link opens the private chat with /start check.
	private := telegramtest.PrivateChat(jo)
	srv.SendText(private, jo, "/start check")
	q := h.waitSent(jo.ID, 1)[0]
	if !strings.Contains(q.Text, "（第 1 题）") || len(callbackData(q.ReplyMarkup)) < 3 {
		t.Errorf("after /start check: %q, want the first question with its answers", q.Text)
	}
	h.settle()
	if n := len(srv.SentTo(grp.ID)); n != 2 {
		t.Errorf("sent %d messages to the group, want 2:%s", n, texts(srv.SentTo(grp.ID)))
	}
	for _, m := range srv.SentTo(grp.ID) {
		if len(callbackData(m.ReplyMarkup)) > 0 {
			t.Errorf("a callback button in a group: %+v", m.ReplyMarkup)
		}
	}
	h.checkLogs("6222", "转账", "6161")
}

// TestServeBlockedUser: a user who blocks the bot gets nothing more; their
// queued replies are dropped and logged, and a 403 on a send drops the rest
// of that chat's queue.
func TestServeBlockedUser(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), unlimited(fastTuning()))
	ki := user(2323, "Ki", "en")
	chat := telegramtest.PrivateChat(ki)
	srv.SendText(chat, ki, "/start")
	h.waitSent(ki.ID, 1)
	h.settle()
	// The user blocks the bot while it is answering a long story.
	srv.Block(ki.ID)
	srv.SendText(chat, ki, "A courier called, my credit score is too low, I must borrow on a loan app")
	h.settle()
	srv.AddUpdate(map[string]any{"my_chat_member": map[string]any{
		"chat": chat, "from": ki, "date": 2,
		"old_chat_member": map[string]any{"status": "member", "user": srv.Bot()},
		"new_chat_member": map[string]any{"status": "kicked", "user": srv.Bot(), "until_date": 0},
	}})
	h.settle()
	if n := len(srv.SentTo(ki.ID)); n != 1 {
		t.Errorf("sent %d messages, want only the one before the block", n)
	}
	if n := h.metric("scambot_telegram_send_failures_total", "reason", "blocked"); n != 1 {
		t.Errorf("send failures{blocked} = %v, want 1", n)
	}
	if !strings.Contains(h.logs.String(), "user blocked the bot") || !strings.Contains(h.logs.String(), "chat unreachable") {
		t.Errorf("logs do not say the user blocked the bot:\n%s", h.logs)
	}
	h.checkLogs("credit score", "2323")
}

// freePort returns a TCP address that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestServeWebhook: setWebhook carries the secret token; a delivery with a
// wrong or missing secret is refused and not processed; the right one is
// answered 200 after the update is committed.
func TestServeWebhook(t *testing.T) {
	srv := telegramtest.NewServer(t)
	cfg := testConfig(t, srv, t.TempDir())
	cfg.HTTPAddr = freePort(t)
	cfg.WebhookURL = "http://" + cfg.HTTPAddr + "/telegram/hook"
	cfg.WebhookSecret = "s3cret_-token"
	h := startServe(t, srv, cfg, unlimited(fastTuning()))
	if got := srv.Webhook(); got.URL != cfg.WebhookURL || got.SecretToken != cfg.WebhookSecret {
		t.Fatalf("webhook = %+v", got)
	}
	li := user(4545, "Li", "zh")
	id := srv.SendText(telegramtest.PrivateChat(li), li, courierText)
	ctx := ctxFor(t, 10*e2eSecond)
	for _, bad := range []string{"", "wrong", cfg.WebhookSecret + "x"} {
		code, err := srv.DeliverWebhookWithSecret(ctx, id, bad)
		if err != nil || (code != 401 && code != 403) {
			t.Errorf("delivery with secret %q: %d %v, want 401 or 403", bad, code, err)
		}
	}
	if n := h.metric("scambot_telegram_updates_total", "type", "message"); n != 0 {
		t.Fatalf("a forged delivery was processed (%v updates)", n)
	}
	code, err := srv.DeliverWebhook(ctx, id)
	if err != nil || code != 200 {
		t.Fatalf("genuine delivery: %d %v", code, err)
	}
	// 200 came after the commit: the replies are already queued.
	sent := h.waitSent(li.ID, 3)
	if !strings.HasPrefix(sent[0].Text, "⛔") {
		t.Errorf("first reply = %q, want the urgent warning", sent[0].Text)
	}
	// Telegram delivering the same update again changes nothing.
	if code, err := srv.DeliverWebhook(ctx, id); err != nil || code != 200 {
		t.Errorf("second delivery: %d %v", code, err)
	}
	if n := len(srv.Calls("getUpdates")); n != 0 {
		t.Errorf("getUpdates called %d times in webhook mode", n)
	}
	h.stop()
	if n := len(srv.SentTo(li.ID)); n != 3 {
		t.Errorf("sent %d messages, want 3:%s", n, texts(srv.SentTo(li.ID)))
	}
}
