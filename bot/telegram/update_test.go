package telegram

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot"
)

const me = "scambot_test_bot"

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func decodeUpdate(t *testing.T, s string) *tgbotapi.Update {
	t.Helper()
	var u tgbotapi.Update
	if err := json.Unmarshal([]byte(s), &u); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return &u
}

const (
	ann     = `{"id":7,"is_bot":false,"first_name":"Ann","language_code":"zh-hans"}`
	bob     = `{"id":8,"is_bot":false,"first_name":"Bob","language_code":"en-GB"}`
	privAnn = `{"id":7,"type":"private","first_name":"Ann"}`
	group   = `{"id":-100123,"type":"supergroup","title":"G"}`
	botUser = `{"id":42,"is_bot":true,"first_name":"S","username":"scambot_test_bot"}`
)

func msg(chat, from, text string, extra string) string {
	s := `{"update_id":1,"message":{"message_id":3,"date":1,"chat":` + chat + `,"from":` + from
	if text != "" {
		s += `,"text":` + jsonString(text)
		if text[0] == '/' {
			n := 0
			for n < len(text) && text[n] != ' ' {
				n++
			}
			s += `,"entities":[{"type":"bot_command","offset":0,"length":` + itoa(n) + `}]`
		}
	}
	return s + extra + `}}`
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestClassify(t *testing.T) {
	tests := []struct {
		name   string
		update string
		act    action
		kind   string
		what   string
		event  bot.Event // compared when act is actConverse
	}{
		{"text", msg(privAnn, ann, "有人让我刷流水", ""), actConverse, "message", "text",
			bot.Event{Kind: bot.EventText, Text: "有人让我刷流水", Lang: bot.ZH}},
		{"start payload", msg(privAnn, ann, "/start check", ""), actConverse, "message", "command",
			bot.Event{Kind: bot.EventCommand, Command: "start", Args: "check", Lang: bot.ZH}},
		{"card payload", msg(privAnn, ann, "/start card-fake-police-safe-account", ""), actConverse, "message", "command",
			bot.Event{Kind: bot.EventCommand, Command: "start", Args: "card-fake-police-safe-account", Lang: bot.ZH}},
		{"command to me", msg(privAnn, ann, "/Check@SCAMBOT_test_bot", ""), actConverse, "message", "command",
			bot.Event{Kind: bot.EventCommand, Command: "check", Lang: bot.ZH}},
		{"command to another bot", msg(privAnn, ann, "/check@other_bot", ""), actIgnore, "message", "command_other_bot", bot.Event{}},
		{"command without entity", `{"update_id":1,"message":{"message_id":3,"date":1,"chat":` + privAnn + `,"from":` + ann + `,"text":"/region HK"}}`,
			actConverse, "message", "command", bot.Event{Kind: bot.EventCommand, Command: "region", Args: "HK", Lang: bot.ZH}},
		{"slash text", msg(privAnn, ann, "", `,"text":"/// 不是命令"`), actConverse, "message", "text",
			bot.Event{Kind: bot.EventText, Text: "/// 不是命令", Lang: bot.ZH}},
		{"sticker", msg(privAnn, ann, "", `,"sticker":{"file_id":"x","file_unique_id":"y","width":1,"height":1}`),
			actConverse, "message", "sticker", bot.Event{Kind: bot.EventText, Lang: bot.ZH}},
		{"photo with caption", msg(privAnn, ann, "", `,"photo":[{"file_id":"x","file_unique_id":"y","width":1,"height":1}],"caption":"他发的截图"`),
			actConverse, "message", "caption", bot.Event{Kind: bot.EventText, Text: "他发的截图", Lang: bot.ZH}},
		{"voice", msg(privAnn, ann, "", `,"voice":{"file_id":"x","file_unique_id":"y","duration":3}`),
			actConverse, "message", "voice", bot.Event{Kind: bot.EventText, Lang: bot.ZH}},
		{"group check", msg(group, ann, "/check@scambot_test_bot", ""), actGroupInvite, "message", "command", bot.Event{}},
		{"group start", msg(group, bob, "/start", ""), actGroupInvite, "message", "command", bot.Event{}},
		{"group other command", msg(group, ann, "/forget", ""), actGroupText, "message", "chatter", bot.Event{}},
		{"group other bot", msg(group, ann, "/check@other_bot", ""), actGroupText, "message", "chatter", bot.Event{}},
		{"group chatter", msg(group, ann, "hello all", ""), actGroupText, "message", "chatter", bot.Event{}},
		{"group reply to bot", msg(group, ann, "what?", `,"reply_to_message":{"message_id":2,"date":1,"chat":`+group+`,"from":`+botUser+`,"text":"hi"}`),
			actGroupInvite, "message", "reply", bot.Event{}},
		{"group reply to someone", msg(group, ann, "what?", `,"reply_to_message":{"message_id":2,"date":1,"chat":`+group+`,"from":`+bob+`,"text":"hi"}`),
			actGroupText, "message", "chatter", bot.Event{}},
		{"from a bot", msg(privAnn, botUser, "hi", ""), actIgnore, "message", "anonymous", bot.Event{}},
		{"callback", `{"update_id":1,"callback_query":{"id":"q1","from":` + ann + `,"chat_instance":"1","data":"a:1:who:courier",
			"message":{"message_id":9,"date":1,"chat":` + privAnn + `,"from":` + botUser + `,"text":"q"}}}`,
			actConverse, "callback_query", "button", bot.Event{Kind: bot.EventChoice, Choice: "a:1:who:courier", Lang: bot.ZH}},
		{"callback in group", `{"update_id":1,"callback_query":{"id":"q1","from":` + ann + `,"chat_instance":"1","data":"x",
			"message":{"message_id":9,"date":1,"chat":` + group + `,"text":"q"}}}`, actAnswerOnly, "callback_query", "button", bot.Event{}},
		{"inline callback", `{"update_id":1,"callback_query":{"id":"q1","from":` + ann + `,"chat_instance":"1","inline_message_id":"m","data":"x"}}`,
			actAnswerOnly, "callback_query", "button", bot.Event{}},
		{"edited", `{"update_id":1,"edited_message":{"message_id":3,"date":1,"edit_date":2,"chat":` + privAnn + `,"from":` + ann + `,"text":"x"}}`,
			actIgnore, "edited_message", "edit", bot.Event{}},
		{"channel post", `{"update_id":1,"channel_post":{"message_id":3,"date":1,"chat":{"id":-1005,"type":"channel","title":"C"},"text":"x"}}`,
			actIgnore, "channel_post", "post", bot.Event{}},
		{"inline query", `{"update_id":1,"inline_query":{"id":"iq","from":` + ann + `,"query":"x","offset":""}}`,
			actInline, "inline_query", "inline", bot.Event{}},
		{"added to group", `{"update_id":1,"my_chat_member":{"chat":` + group + `,"from":` + ann + `,"date":1,
			"old_chat_member":{"status":"left","user":` + botUser + `},"new_chat_member":{"status":"administrator","user":` + botUser + `}}}`,
			actGroupJoined, "my_chat_member", "member", bot.Event{}},
		{"removed from group", `{"update_id":1,"my_chat_member":{"chat":` + group + `,"from":` + ann + `,"date":1,
			"old_chat_member":{"status":"member","user":` + botUser + `},"new_chat_member":{"status":"kicked","user":` + botUser + `}}}`,
			actGroupLeft, "my_chat_member", "member", bot.Event{}},
		{"blocked", `{"update_id":1,"my_chat_member":{"chat":` + privAnn + `,"from":` + ann + `,"date":1,
			"old_chat_member":{"status":"member","user":` + botUser + `},"new_chat_member":{"status":"kicked","user":` + botUser + `}}}`,
			actBlocked, "my_chat_member", "member", bot.Event{}},
		{"unblocked", `{"update_id":1,"my_chat_member":{"chat":` + privAnn + `,"from":` + ann + `,"date":1,
			"old_chat_member":{"status":"kicked","user":` + botUser + `},"new_chat_member":{"status":"member","user":` + botUser + `}}}`,
			actUnblocked, "my_chat_member", "member", bot.Event{}},
		{"poll", `{"update_id":1,"poll":{"id":"p","question":"q","options":[],"total_voter_count":0,"is_closed":true,"is_anonymous":true,"type":"regular","allows_multiple_answers":false}}`,
			actIgnore, "poll", "poll", bot.Event{}},
		{"newer type", `{"update_id":1,"message_reaction":{"chat":` + privAnn + `,"message_id":1,"date":1,"old_reaction":[],"new_reaction":[]}}`,
			actIgnore, "unknown", "unknown", bot.Event{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := classify(decodeUpdate(t, tt.update), me, t0)
			if in.act != tt.act || in.kind != tt.kind || in.what != tt.what {
				t.Fatalf("classify = act %d kind %q what %q, want act %d kind %q what %q", in.act, in.kind, in.what, tt.act, tt.kind, tt.what)
			}
			if tt.act != actConverse {
				return
			}
			want := tt.event
			want.Time = t0
			if !reflect.DeepEqual(in.event, want) {
				t.Errorf("event = %+v, want %+v", in.event, want)
			}
		})
	}
}

func TestClassifyCallbackKeepsIDs(t *testing.T) {
	u := decodeUpdate(t, `{"update_id":1,"callback_query":{"id":"q9","from":`+bob+`,"chat_instance":"1","data":"back",
		"message":{"message_id":77,"date":1,"chat":{"id":8,"type":"private"},"text":"q"}}}`)
	in := classify(u, me, t0)
	if in.queryID != "q9" || in.msgID != 77 || in.chatID != 8 || in.userID != 8 || in.lang != bot.EN {
		t.Errorf("classify = %+v", in)
	}
}

func FuzzClassify(f *testing.F) {
	f.Add(msg(privAnn, ann, "/start check", ""))
	f.Add(msg(group, ann, "/check@scambot_test_bot x", ""))
	f.Add(`{"update_id":1,"message":{"message_id":3,"date":1,"chat":` + privAnn + `,"from":` + ann + `,"text":"/a@","entities":[{"type":"bot_command","offset":0,"length":99}]}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var u tgbotapi.Update
		if json.Unmarshal([]byte(s), &u) != nil {
			return
		}
		classify(&u, me, t0) // must not panic
	})
}
