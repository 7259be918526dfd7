package telegramtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// pendingQuery is a callback or inline query the bot may answer once.
type pendingQuery struct {
	id       string
	created  time.Time
	answered bool
}

// takeQueryLocked marks query id answered, or fails like Telegram when it is
// unknown, already answered, or older than the deadline.
func (s *Server) takeQueryLocked(queries map[string]*pendingQuery, id string) *apiError {
	q := queries[id]
	if q == nil || q.answered || s.now().Sub(q.created) > s.deadline {
		return badRequest(msgQueryTooOld)
	}
	q.answered = true
	return nil
}

// getMe implements getMe.
func (s *Server) getMe(params, []string) (*result, *apiError) {
	return ok(map[string]any{
		"id":                          s.bot.ID,
		"is_bot":                      true,
		"first_name":                  s.bot.FirstName,
		"username":                    s.bot.Username,
		"can_join_groups":             true,
		"can_read_all_group_messages": s.opts.PrivacyModeOff,
		"supports_inline_queries":     false,
	})
}

// answerCallbackQuery implements answerCallbackQuery: the query must exist,
// be unanswered and younger than the callback deadline; text is at most
// 200 characters.
func (s *Server) answerCallbackQuery(p params, _ []string) (*result, *apiError) {
	id := strings.TrimSpace(p.str("callback_query_id"))
	q := s.callbacks[id]
	if q == nil || q.answered || s.now().Sub(q.created) > s.deadline {
		return nil, badRequest(msgQueryTooOld)
	}
	text := p.str("text")
	if utf8.RuneCountInString(text) > maxCallbackAnswer {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	q.answered = true
	s.answers = append(s.answers, CallbackAnswer{
		QueryID:   id,
		Text:      text,
		ShowAlert: p.boolean("show_alert"),
		URL:       p.str("url"),
		CacheTime: p.integer("cache_time", 0, 0, 30*24*60*60),
		Time:      s.now(),
	})
	return ok(true)
}

// answerInlineQuery implements answerInlineQuery: at most 50 results, each
// an object with a type and a unique id of 1-64 bytes.
func (s *Server) answerInlineQuery(p params, _ []string) (*result, *apiError) {
	var results []any
	if raw := p.str("results"); raw != "" {
		v, err := jsonValue(raw)
		if err != nil {
			return nil, badRequest("can't parse JSON encoded inline query results: " + err.Error())
		}
		switch v := v.(type) {
		case nil:
		case []any:
			results = v
		default:
			return nil, badRequestTD("Expected an Array of inline query results")
		}
	}
	if len(results) > maxInlineResults {
		return nil, badRequestTD("Too many inline query results specified")
	}
	ids := map[string]bool{}
	var raws []json.RawMessage
	for _, r := range results {
		obj, isObj := r.(map[string]any)
		if !isObj {
			return nil, badRequestTD("Can't parse inline query result: Inline query result must be an object")
		}
		if _, err := objRequiredString(obj, "type"); err != nil {
			return nil, badRequestTD("Can't parse inline query result: " + err.Error())
		}
		id, err := objRequiredString(obj, "id")
		if err != nil {
			return nil, badRequestTD("Can't parse inline query result: " + err.Error())
		}
		if id == "" || len(id) > maxInlineResultID {
			return nil, badRequest("RESULT_ID_INVALID")
		}
		if ids[id] {
			return nil, badRequest("RESULT_ID_DUPLICATE")
		}
		ids[id] = true
		if aerr := checkInlineResult(s, obj); aerr != nil {
			return nil, aerr
		}
		raw, _ := json.Marshal(obj)
		raws = append(raws, raw)
	}
	buttonText, start, aerr := resultsButton(p)
	if aerr != nil {
		return nil, aerr
	}
	id := strings.TrimSpace(p.str("inline_query_id"))
	if aerr := s.takeQueryLocked(s.inline, id); aerr != nil {
		return nil, aerr
	}
	s.inlineAnswers = append(s.inlineAnswers, InlineAnswer{
		QueryID:        id,
		Results:        raws,
		NextOffset:     p.str("next_offset"),
		CacheTime:      p.integer("cache_time", 300, 0, 24*60*60),
		IsPersonal:     p.boolean("is_personal"),
		ButtonText:     buttonText,
		StartParameter: start,
		Time:           s.now(),
	})
	return ok(true)
}

// commandScope parses the scope and language_code parameters.
func (s *Server) commandScope(p params) (string, *apiError) {
	scope := CommandScope{Type: "default"}
	if raw := p.str("scope"); raw != "" {
		v, err := jsonValue(raw)
		if err != nil {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
		obj, isObj := v.(map[string]any)
		if !isObj {
			return "", badRequestTD("Can't parse BotCommandScope: BotCommandScope must be an Object")
		}
		t, err := objRequiredString(obj, "type")
		if err != nil {
			return "", badRequestTD("Can't parse BotCommandScope: " + err.Error())
		}
		scope.Type = t
		switch t {
		case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		case "chat", "chat_administrators", "chat_member":
			chatID, err := objRequiredString(obj, "chat_id")
			if err != nil {
				return "", badRequestTD("Can't parse BotCommandScope: " + err.Error())
			}
			if chatID == "" {
				return "", badRequestTD("Can't parse BotCommandScope: Empty chat_id specified")
			}
			if t == "chat_member" {
				raw, _, err := objString(obj, "user_id")
				uid, perr := strconv.ParseInt(raw, 10, 64)
				if err != nil || perr != nil || uid <= 0 {
					return "", badRequestTD("Can't parse BotCommandScope: Invalid user_id specified")
				}
				scope.UserID = uid
			}
			cs, aerr := s.lookupChatLocked(chatID, false)
			if aerr != nil {
				return "", aerr
			}
			scope.ChatID = itoa64(cs.chat.ID)
		default:
			return "", badRequestTD("Can't parse BotCommandScope: Unsupported type specified")
		}
	}
	lang := p.str("language_code")
	if lang != "" && !(len(lang) == 2 && 'a' <= lang[0] && lang[0] <= 'z' && 'a' <= lang[1] && lang[1] <= 'z') {
		return "", badRequestTD("Invalid language code specified")
	}
	return scope.key(lang), nil
}

// setMyCommands implements setMyCommands with TDLib's trimming and length
// checks and the Telegram server's BOT_COMMAND_INVALID and
// BOT_COMMANDS_TOO_MUCH.
func (s *Server) setMyCommands(p params, _ []string) (*result, *apiError) {
	var list []any
	if raw := p.str("commands"); raw != "" {
		v, err := jsonValue(raw)
		if err != nil {
			return nil, badRequestTD("Can't parse commands JSON object")
		}
		arr, isArr := v.([]any)
		if !isArr {
			return nil, badRequestTD("Expected an Array of BotCommand")
		}
		list = arr
	}
	var cmds []BotCommand
	for _, c := range list {
		obj, isObj := c.(map[string]any)
		if !isObj {
			return nil, badRequestTD("Can't parse BotCommand: expected an Object")
		}
		cmd, err := objRequiredString(obj, "command")
		if err != nil {
			return nil, badRequestTD("Can't parse BotCommand: " + err.Error())
		}
		desc, err := objRequiredString(obj, "description")
		if err != nil {
			return nil, badRequestTD("Can't parse BotCommand: " + err.Error())
		}
		cmds = append(cmds, BotCommand{Command: cmd, Description: desc})
	}
	key, aerr := s.commandScope(p)
	if aerr != nil {
		return nil, aerr
	}
	for i, c := range cmds {
		c.Command = strings.TrimFunc(c.Command, isTDSpace)
		c.Command = strings.TrimPrefix(c.Command, "/")
		if c.Command == "" {
			return nil, badRequestTD("Command must be non-empty")
		}
		if utf8.RuneCountInString(c.Command) > maxCommandLength {
			return nil, badRequestTD(fmt.Sprintf("Command length must not exceed %d", maxCommandLength))
		}
		c.Description = strings.TrimFunc(c.Description, isTDSpace)
		if c.Description == "" {
			return nil, badRequestTD("Command description must be non-empty")
		}
		if utf8.RuneCountInString(c.Description) > maxCommandDescLen {
			return nil, badRequestTD(fmt.Sprintf("Command description length must not exceed %d", maxCommandDescLen))
		}
		cmds[i] = c
	}
	if len(cmds) > maxCommands {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, c := range cmds {
		for _, r := range c.Command {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_') {
				return nil, badRequest("BOT_COMMAND_INVALID")
			}
		}
	}
	if len(cmds) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = cmds
	}
	return ok(true)
}

func isTDSpace(r rune) bool { return r < 0x80 && isSpace(byte(r)) }

// getMyCommands implements getMyCommands.
func (s *Server) getMyCommands(p params, _ []string) (*result, *apiError) {
	key, aerr := s.commandScope(p)
	if aerr != nil {
		return nil, aerr
	}
	cmds := s.commands[key]
	if cmds == nil {
		cmds = []BotCommand{}
	}
	return ok(cmds)
}

// deleteMyCommands implements deleteMyCommands.
func (s *Server) deleteMyCommands(p params, _ []string) (*result, *apiError) {
	key, aerr := s.commandScope(p)
	if aerr != nil {
		return nil, aerr
	}
	delete(s.commands, key)
	return ok(true)
}

// chatMemberJSON encodes a ChatMember with the given status.
func (s *Server) chatMemberJSON(userID int64, status string) map[string]any {
	u, known := s.users[userID]
	if userID == s.bot.ID {
		u, known = s.bot, true
	}
	if !known {
		u = User{ID: userID, FirstName: "User " + itoa64(userID)}
	}
	m := map[string]any{"user": u, "status": status}
	switch status {
	case "creator":
		m["is_anonymous"] = false
	case "administrator":
		m["can_be_edited"] = false
		m["is_anonymous"] = false
		m["can_manage_chat"] = true
		m["can_delete_messages"] = true
		m["can_restrict_members"] = true
		m["can_promote_members"] = false
		m["can_change_info"] = true
		m["can_invite_users"] = true
		m["can_pin_messages"] = true
		m["can_manage_video_chats"] = true
		m["can_manage_voice_chats"] = true
	}
	return m
}

// getChatAdministrators implements getChatAdministrators (set with
// SetAdmins; the first is the creator).
func (s *Server) getChatAdministrators(p params, _ []string) (*result, *apiError) {
	cs, aerr := s.lookupChatLocked(p.str("chat_id"), false)
	if aerr != nil {
		return nil, aerr
	}
	if cs.chat.Type == ChatPrivate {
		return nil, badRequest("there are no administrators in the private chat")
	}
	out := []map[string]any{}
	for i, id := range cs.admins {
		status := "administrator"
		if i == 0 {
			status = "creator"
		}
		out = append(out, s.chatMemberJSON(id, status))
	}
	return ok(out)
}

// getChatMember implements getChatMember: administrators from SetAdmins,
// statuses from SetMemberStatus, "member" for users who wrote in the chat
// and "left" for other known users.
func (s *Server) getChatMember(p params, _ []string) (*result, *apiError) {
	userID := max(p.int64Lenient("user_id"), 0)
	if userID == 0 {
		return nil, badRequestTD("Invalid user_id specified")
	}
	cs, aerr := s.lookupChatLocked(p.str("chat_id"), false)
	if aerr != nil {
		return nil, aerr
	}
	if _, known := s.users[userID]; !known && userID != s.bot.ID {
		return nil, badRequest("user not found")
	}
	for i, id := range cs.admins {
		if id == userID {
			status := "administrator"
			if i == 0 {
				status = "creator"
			}
			return ok(s.chatMemberJSON(userID, status))
		}
	}
	if st, found := cs.members[userID]; found {
		return ok(s.chatMemberJSON(userID, st))
	}
	if userID == s.bot.ID || cs.chat.Type == ChatPrivate && cs.chat.ID == userID {
		return ok(s.chatMemberJSON(userID, "member"))
	}
	for _, m := range cs.msgs {
		if m.From != nil && m.From.ID == userID {
			return ok(s.chatMemberJSON(userID, "member"))
		}
	}
	return ok(s.chatMemberJSON(userID, "left"))
}

// getChat implements getChat.
func (s *Server) getChat(p params, _ []string) (*result, *apiError) {
	cs, aerr := s.lookupChatLocked(p.str("chat_id"), false)
	if aerr != nil {
		return nil, aerr
	}
	return ok(cs.chat)
}
