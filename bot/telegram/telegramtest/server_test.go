package telegramtest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

func TestGetMe(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	if !bot.Self.IsBot || bot.Self.UserName != telegramtest.DefaultBotUsername || bot.Self.ID != 42 {
		t.Errorf("Self = %+v, want bot 42 %s", bot.Self, telegramtest.DefaultBotUsername)
	}
	if bot.Self.CanReadAllGroupMessages {
		t.Errorf("CanReadAllGroupMessages = true, want false (privacy mode on)")
	}
	if calls := srv.Calls("getMe"); len(calls) != 1 || !calls[0].OK() {
		t.Errorf("getMe calls = %+v, want one successful call (the constructor's)", calls)
	}

	srv2 := telegramtest.NewServerWithOptions(t, telegramtest.Options{
		Token: "777:other", BotUsername: "other_bot", PrivacyModeOff: true,
	})
	bot2 := newBot(t, srv2)
	if bot2.Self.ID != 777 || bot2.Self.UserName != "other_bot" || !bot2.Self.CanReadAllGroupMessages {
		t.Errorf("Self = %+v, want 777 other_bot reading all group messages", bot2.Self)
	}
}

func TestToken(t *testing.T) {
	srv := telegramtest.NewServer(t)
	tests := []struct {
		token string
		desc  string
	}{
		{"42:wrong", "Unauthorized"},
		{"43:test", "Unauthorized"},
		{"no-colon", "Unauthorized: invalid token specified"},
		{"0:test", "Unauthorized: invalid token specified"},
		{"abc:test", "Unauthorized: invalid token specified"},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			_, err := tgbotapi.NewBotAPIWithClient(tt.token, srv.URL+"/bot%s/%s", srv.Client())
			wantAPIError(t, err, http.StatusUnauthorized, tt.desc)
		})
	}
}

func TestUnknownMethod(t *testing.T) {
	srv := telegramtest.NewServerWithOptions(t, telegramtest.Options{AllowUnknownMethods: true})
	bot := newBot(t, srv)
	_, err := bot.Request(tgbotapi.NewDice(ann.ID))
	wantAPIError(t, err, http.StatusNotFound, "Not Found: method not found")
	unknown := srv.UnknownCalls()
	if len(unknown) != 1 || unknown[0].Method != "sendDice" || unknown[0].Status != http.StatusNotFound {
		t.Errorf("UnknownCalls = %+v, want one sendDice answered 404", unknown)
	}
	// Method names are case-insensitive on the real server.
	if _, err := bot.MakeRequest("GETME", nil); err != nil {
		t.Errorf("GETME: %v", err)
	}
}

func TestUnknownMethodFailsTestAtCleanup(t *testing.T) {
	rec := &recordingTB{TB: t}
	srv := telegramtest.NewServer(rec)
	bot := newBot(t, srv)
	if _, err := bot.MakeRequest("sendPaidMedia", nil); err == nil {
		t.Fatal("sendPaidMedia succeeded, want 404")
	}
	rec.runCleanups()
	errs := rec.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0], "sendPaidMedia") {
		t.Errorf("errors at cleanup = %q, want one naming sendPaidMedia", errs)
	}
}

func TestRequestEncodings(t *testing.T) {
	srv, _ := started(t, telegramtest.Options{})

	// application/json with a nested object and a number chat_id.
	resp := postRaw(t, srv, "sendMessage", "application/json",
		`{"chat_id":1001,"text":"<b>hi</b>","parse_mode":"HTML","reply_markup":{"inline_keyboard":[[{"text":"ok","callback_data":"ok"}]]}}`)
	var env struct {
		OK     bool `json:"ok"`
		Result struct {
			Text     string `json:"text"`
			Entities []struct {
				Type string `json:"type"`
			} `json:"entities"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	if !env.OK || env.Result.Text != "hi" || len(env.Result.Entities) != 1 || env.Result.Entities[0].Type != "bold" {
		t.Errorf("JSON sendMessage = %+v, want ok text hi with a bold entity", env)
	}
	sent := srv.SentTo(ann.ID)
	if len(sent) != 1 || sent[0].ReplyMarkup == nil || sent[0].ReplyMarkup.CallbackData()[0] != "ok" {
		t.Errorf("SentTo = %+v, want the message with its keyboard decoded", sent)
	}

	// A query string on GET, like curl users do.
	r, err := srv.Client().Get(srv.URL + "/bot" + srv.Token() + "/sendMessage?chat_id=1001&text=from+get")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Errorf("GET sendMessage status = %d, want 200", r.StatusCode)
	}

	// The method in a parameter instead of the path.
	resp = postRaw(t, srv, "", "application/x-www-form-urlencoded", "method=sendMessage&chat_id=1001&text=x")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("method parameter: status = %d, want 200", resp.StatusCode)
	}

	// A malformed JSON body.
	resp = postRaw(t, srv, "sendMessage", "application/json", `{"chat_id":`)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"ok":false`) {
		t.Errorf("malformed JSON: %d %s, want a 400 envelope", resp.StatusCode, body)
	}

	// Not UTF-8.
	resp = postRaw(t, srv, "sendMessage", "application/x-www-form-urlencoded", "chat_id=1001&text=%ff")
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "strings must be encoded in UTF-8") {
		t.Errorf("invalid UTF-8: %d %s", resp.StatusCode, body)
	}

	// A path without /bot.
	r, err = srv.Client().Get(srv.URL + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusNotFound || string(body) != `{"ok":false,"error_code":404,"description":"Not Found"}` {
		t.Errorf("/favicon.ico = %d %s", r.StatusCode, body)
	}
}

func TestEnvelopeShape(t *testing.T) {
	srv := telegramtest.NewServer(t)
	resp := postRaw(t, srv, "sendMessage", "application/x-www-form-urlencoded", "chat_id=5&text=x")
	body, _ := io.ReadAll(resp.Body)
	want := `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`
	if resp.StatusCode != http.StatusBadRequest || string(body) != want {
		t.Errorf("got %d %s, want 400 %s", resp.StatusCode, body, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	resp = postRaw(t, srv, "getMe", "application/x-www-form-urlencoded", "")
	body, _ = io.ReadAll(resp.Body)
	if !strings.HasPrefix(string(body), `{"ok":true,"result":{`) {
		t.Errorf("getMe body = %s, want {\"ok\":true,\"result\":{…}}", body)
	}
}

func TestCallsRecordParams(t *testing.T) {
	srv, bot := started(t, telegramtest.Options{})
	msg := tgbotapi.NewMessage(ann.ID, "hi")
	msg.ReplyMarkup = keyboard("a")
	mustSend(t, bot, msg)
	calls := srv.Calls("sendmessage")
	if len(calls) != 1 {
		t.Fatalf("calls = %d, want 1", len(calls))
	}
	c := calls[0]
	// v5.5.1 sends a nil Entities slice as JSON null.
	if c.Params["entities"] != "null" || c.Params["chat_id"] != "1001" || c.Params["text"] != "hi" {
		t.Errorf("params = %q", c.Params)
	}
	var rm telegramtest.ReplyMarkup
	if !c.Param("reply_markup", &rm) || rm.CallbackData()[0] != "a" {
		t.Errorf("reply_markup param = %+v", rm)
	}
	if len(srv.Calls("")) < 3 {
		t.Errorf("Calls(\"\") = %d calls, want getMe, getUpdates and sendMessage", len(srv.Calls("")))
	}
}

func TestMultipartUpload(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	wh, err := tgbotapi.NewWebhookWithCert("https://bot.example.com/hook",
		tgbotapi.FileBytes{Name: "cert.pem", Bytes: []byte("-----BEGIN CERTIFICATE-----")})
	if err != nil {
		t.Fatal(err)
	}
	resp := mustRequest(t, bot, wh)
	if resp.Description != "Webhook was set" {
		t.Errorf("description = %q, want %q", resp.Description, "Webhook was set")
	}
	info, err := bot.GetWebhookInfo()
	if err != nil {
		t.Fatal(err)
	}
	if info.URL != "https://bot.example.com/hook" || !info.HasCustomCertificate || info.MaxConnections != 40 {
		t.Errorf("webhook info = %+v, want the URL, a certificate and 40 connections", info)
	}
	calls := srv.Calls("setWebhook")
	if len(calls) != 1 || len(calls[0].Files) != 1 || calls[0].Files[0] != "certificate" {
		t.Errorf("setWebhook calls = %+v, want one multipart call with a certificate file", calls)
	}
}

func TestServerCloseIsIdempotent(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	srv.Close()
	srv.Close()
	if _, err := bot.GetMe(); err == nil {
		t.Error("GetMe after Close succeeded, want a transport error")
	} else if errors.As(err, new(*tgbotapi.Error)) {
		t.Errorf("GetMe after Close = %v, want a transport error", err)
	}
}
