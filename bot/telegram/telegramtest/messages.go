package telegramtest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"unicode/utf8"
)

// Size limits of the real server.
const (
	maxRawText          = 1 << 15 // bytes, before entity parsing
	maxText             = 4096    // code points, after entity parsing
	maxCallbackData     = 64      // bytes
	maxButtonsPerRow    = 8       // community figure, see doc.go
	maxButtonsTotal     = 100     // community figure, see doc.go
	maxCallbackAnswer   = 200     // characters
	maxInlineResults    = 50
	maxInlineResultID   = 64 // bytes
	maxCommands         = 100
	maxCommandLength    = 32
	maxCommandDescLen   = 256
	maxSecretTokenBytes = 256
)

// inputText validates the text and parse_mode parameters like the real
// server's get_input_message_text.
func (s *Server) inputText(p params) (string, []MessageEntity, *apiError) {
	text := p.str("text")
	if text == "" {
		return "", nil, badRequest("message text is empty")
	}
	if len(text) > maxRawText {
		return "", nil, badRequest("text is too long")
	}
	plain, entities, aerr := formatText(text, p.str("parse_mode"), func(id int64) (User, bool) {
		u, known := s.users[id]
		return u, known
	})
	if aerr != nil {
		return "", nil, aerr
	}
	if p.str("parse_mode") == "" {
		// Explicit entities are used only without a parse mode; null or
		// malformed values are ignored, as the real server does.
		var given []MessageEntity
		if found, err := p.json("entities", &given); found && err == nil {
			entities = given
		}
	}
	return plain, entities, nil
}

// parseReplyMarkup decodes reply_markup like the real server's
// get_reply_markup. It returns nil when there is none.
func parseReplyMarkup(p params) (*ReplyMarkup, *apiError) {
	raw := p.str("reply_markup")
	if raw == "" {
		return nil, nil
	}
	v, err := jsonValue(raw)
	if err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		return nil, badRequestTD("Object expected as reply markup")
	}
	m := &ReplyMarkup{}
	if kb, found := obj["keyboard"]; found {
		rows, isArr := kb.([]any)
		if !isArr {
			return nil, badRequestTD(`Field "keyboard" must be of type Array`)
		}
		for _, row := range rows {
			buttons, isArr := row.([]any)
			if !isArr {
				return nil, badRequestTD(`Field "keyboard" must be an Array of Arrays`)
			}
			var out []KeyboardButton
			for _, b := range buttons {
				kb, err := keyboardButton(b)
				if err != nil {
					return nil, badRequestTD("Can't parse keyboard button: " + err.Error())
				}
				if kb.Text != "" { // TDLib skips buttons without text
					out = append(out, kb)
				}
			}
			if len(out) > 0 {
				m.Keyboard = append(m.Keyboard, out)
			}
		}
	}
	if ikb, found := obj["inline_keyboard"]; found {
		rows, isArr := ikb.([]any)
		if !isArr {
			return nil, badRequestTD(`Field "inline_keyboard" must be of type Array`)
		}
		for _, row := range rows {
			buttons, isArr := row.([]any)
			if !isArr {
				return nil, badRequestTD(`Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`)
			}
			var out []InlineKeyboardButton
			for _, b := range buttons {
				ib, err := inlineButton(b)
				if err != nil {
					return nil, badRequestTD("Can't parse inline keyboard button: " + err.Error())
				}
				if ib.Text != "" { // TDLib skips buttons without text
					out = append(out, ib)
				}
			}
			if len(out) > 0 {
				m.InlineKeyboard = append(m.InlineKeyboard, out)
			}
		}
	}
	bools := []struct {
		name string
		dst  *bool
	}{
		{"hide_keyboard", &m.RemoveKeyboard}, {"remove_keyboard", &m.RemoveKeyboard},
		{"selective", &m.Selective}, {"personal_keyboard", &m.Selective},
		{"force_reply", &m.ForceReply}, {"force_reply_keyboard", &m.ForceReply},
		{"resize_keyboard", &m.ResizeKeyboard}, {"one_time_keyboard", &m.OneTimeKeyboard},
		{"is_persistent", &m.IsPersistent},
	}
	for _, b := range bools {
		v, err := objBool(obj, b.name)
		if err != nil {
			return nil, badRequestTD(err.Error())
		}
		*b.dst = *b.dst || v
	}
	if ph, _, err := objString(obj, "input_field_placeholder"); err != nil {
		return nil, badRequestTD(err.Error())
	} else {
		m.InputFieldPlaceholder = ph
	}
	switch {
	case len(m.Keyboard) > 0:
		m.InlineKeyboard, m.RemoveKeyboard, m.ForceReply = nil, false, false
	case len(m.InlineKeyboard) > 0:
		return &ReplyMarkup{InlineKeyboard: m.InlineKeyboard}, nil
	case m.RemoveKeyboard:
		return &ReplyMarkup{RemoveKeyboard: true, Selective: m.Selective}, nil
	case m.ForceReply:
		return &ReplyMarkup{ForceReply: true, Selective: m.Selective, InputFieldPlaceholder: m.InputFieldPlaceholder}, nil
	default:
		return nil, nil
	}
	return m, nil
}

func keyboardButton(v any) (KeyboardButton, error) {
	switch b := v.(type) {
	case string:
		return KeyboardButton{Text: b}, nil
	case map[string]any:
		text, err := objRequiredString(b, "text")
		if err != nil {
			return KeyboardButton{}, err
		}
		contact, err := objBool(b, "request_contact")
		if err != nil {
			return KeyboardButton{}, err
		}
		location, err := objBool(b, "request_location")
		if err != nil {
			return KeyboardButton{}, err
		}
		return KeyboardButton{Text: text, RequestContact: contact, RequestLocation: location}, nil
	}
	return KeyboardButton{}, fmt.Errorf("KeyboardButton must be a String or an Object")
}

// inlineButton decodes one inline button and finds its type in the real
// server's order: a non-empty url, a non-empty callback_data, then the
// other kinds; none is "Text buttons are unallowed in the inline keyboard".
func inlineButton(v any) (InlineKeyboardButton, error) {
	obj, isObj := v.(map[string]any)
	if !isObj {
		return InlineKeyboardButton{}, fmt.Errorf("InlineKeyboardButton must be an Object")
	}
	text, err := objRequiredString(obj, "text")
	if err != nil {
		return InlineKeyboardButton{}, err
	}
	b := InlineKeyboardButton{Text: text}
	if u, _, err := objString(obj, "url"); err != nil {
		return b, err
	} else if u != "" {
		b.URL = u
		return b, nil
	}
	if d, _, err := objString(obj, "callback_data"); err != nil {
		return b, err
	} else if d != "" {
		b.CallbackData = d
		return b, nil
	}
	rawOf := func(name string) json.RawMessage {
		raw, _ := json.Marshal(obj[name])
		return raw
	}
	if _, found := obj["callback_game"]; found {
		b.CallbackGame = rawOf("callback_game")
		return b, nil
	}
	if _, found := obj["pay"]; found {
		b.Pay = true
		return b, nil
	}
	if _, found := obj["switch_inline_query"]; found {
		q, err := objRequiredString(obj, "switch_inline_query")
		if err != nil {
			return b, err
		}
		b.SwitchInlineQuery = &q
		return b, nil
	}
	if _, found := obj["switch_inline_query_current_chat"]; found {
		q, err := objRequiredString(obj, "switch_inline_query_current_chat")
		if err != nil {
			return b, err
		}
		b.SwitchInlineQueryCurrentChat = &q
		return b, nil
	}
	for _, name := range []string{"login_url", "web_app"} {
		if sub, found := obj[name]; found {
			subObj, isObj := sub.(map[string]any)
			if !isObj {
				return b, fmt.Errorf("Field \"%s\" must be of type Object", name)
			}
			if _, err := objRequiredString(subObj, "url"); err != nil {
				return b, err
			}
			if name == "login_url" {
				b.LoginURL = rawOf(name)
			} else {
				b.WebApp = rawOf(name)
			}
			return b, nil
		}
	}
	return b, fmt.Errorf("Text buttons are unallowed in the inline keyboard")
}

// checkMarkupTD applies TDLib's checks when a message is sent or edited:
// inline-only for edits, and valid URLs in URL buttons.
func checkMarkupTD(m *ReplyMarkup, inlineOnly bool) *apiError {
	if m == nil {
		return nil
	}
	if inlineOnly && len(m.InlineKeyboard) == 0 {
		return badRequestTD("Inline keyboard expected")
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.URL == "" || linkUserID(b.URL) != 0 {
				continue
			}
			if _, err := checkLink(b.URL); err != nil {
				return badRequestTD(fmt.Sprintf("Inline keyboard button URL '%s' is invalid: %v", b.URL, err))
			}
		}
	}
	return nil
}

// checkMarkupMTProto applies the Telegram server's checks: callback data
// of 1-64 bytes (BUTTON_DATA_INVALID) and the keyboard size
// (REPLY_MARKUP_TOO_LONG; the 8-per-row and 100-total figures are
// community-measured, Telegram does not document them).
func checkMarkupMTProto(m *ReplyMarkup) *apiError {
	if m == nil {
		return nil
	}
	total := 0
	for _, row := range m.InlineKeyboard {
		if len(row) > maxButtonsPerRow {
			return badRequest("reply markup is too long")
		}
		total += len(row)
		for _, b := range row {
			if b.CallbackData != "" && len(b.CallbackData) > maxCallbackData {
				return badRequest("BUTTON_DATA_INVALID")
			}
		}
	}
	if total > maxButtonsTotal {
		return badRequest("reply markup is too long")
	}
	return nil
}

// echoMarkup is what Message.reply_markup shows: inline keyboards only.
func echoMarkup(m *ReplyMarkup) *ReplyMarkup {
	if m == nil || len(m.InlineKeyboard) == 0 {
		return nil
	}
	return &ReplyMarkup{InlineKeyboard: m.InlineKeyboard}
}

// sendMessage implements sendMessage, checking in the real server's order:
// text, parse mode and entities, reply markup JSON, chat, reply target,
// the private-chat rules, length after parsing, button URLs, blocking,
// callback data and keyboard size, and finally flood limits.
func (s *Server) sendMessage(p params, _ []string) (*result, *apiError) {
	text, entities, aerr := s.inputText(p)
	if aerr != nil {
		return nil, aerr
	}
	markup, aerr := parseReplyMarkup(p)
	if aerr != nil {
		return nil, aerr
	}
	cs, aerr := s.lookupChatLocked(p.str("chat_id"), true)
	if aerr != nil {
		return nil, aerr
	}
	replyTo := int(p.int64Lenient("reply_to_message_id"))
	allowWithout := p.boolean("allow_sending_without_reply")
	var rp struct {
		MessageID                int  `json:"message_id"`
		AllowSendingWithoutReply bool `json:"allow_sending_without_reply"`
	}
	if found, err := p.json("reply_parameters", &rp); found {
		if err != nil {
			return nil, badRequest("can't parse reply parameters JSON object")
		}
		replyTo, allowWithout = rp.MessageID, rp.AllowSendingWithoutReply
	}
	var replyMsg *Message
	if replyTo != 0 {
		if orig, found := cs.msgs[replyTo]; found {
			c := *orig
			c.ReplyToMessage = nil
			replyMsg = &c
		} else if !allowWithout {
			return nil, badRequest("message to be replied not found")
		}
	}
	if cs.chat.Type == ChatPrivate && !s.started[cs.chat.ID] && !s.blocked[cs.chat.ID] {
		return nil, forbidden("bot can't initiate conversation with a user")
	}
	if utf8.RuneCountInString(text) > maxText {
		return nil, badRequest("message is too long")
	}
	if aerr := checkMarkupTD(markup, false); aerr != nil {
		return nil, aerr
	}
	if aerr := s.canWriteLocked(cs); aerr != nil {
		return nil, aerr
	}
	if aerr := checkMarkupMTProto(markup); aerr != nil {
		return nil, aerr
	}
	now := s.now()
	if wait := s.limiter.admit(s.limits, cs.chat, now); wait > 0 {
		return nil, tooManyRequests(wait)
	}
	bot := s.bot
	m := &Message{
		MessageID:      cs.nextID,
		From:           &bot,
		Chat:           cs.chat,
		Date:           now.Unix(),
		ReplyToMessage: replyMsg,
		Text:           text,
		Entities:       entities,
		ReplyMarkup:    echoMarkup(markup),
		markup:         markup,
	}
	cs.nextID++
	cs.add(m)
	s.sent = append(s.sent, SentMessage{
		ChatID:           cs.chat.ID,
		MessageID:        m.MessageID,
		Text:             text,
		RawText:          p.str("text"),
		ParseMode:        p.str("parse_mode"),
		Entities:         entities,
		ReplyMarkup:      markup,
		ReplyToMessageID: replyTo,
		Time:             now,
	})
	return ok(*m)
}

// messageToEdit resolves chat_id and message_id for the edit methods.
func (s *Server) messageToEdit(p params, what string) (*chatState, *Message, *apiError) {
	if p.str("chat_id") == "" && p.int64Lenient("message_id") == 0 {
		if p.str("inline_message_id") == "" {
			return nil, nil, badRequestTD("Message identifier is not specified")
		}
		// The fake never creates inline messages, so every id is invalid.
		return nil, nil, badRequest("MESSAGE_ID_INVALID")
	}
	cs, aerr := s.lookupChatLocked(p.str("chat_id"), false)
	if aerr != nil {
		return nil, nil, aerr
	}
	id := int(p.int64Lenient("message_id"))
	m, found := cs.msgs[id]
	if id <= 0 || !found {
		return nil, nil, badRequest(what + " not found")
	}
	return cs, m, nil
}

// editMessageText implements editMessageText. Like Telegram, an edit
// without reply_markup removes the message's inline keyboard.
func (s *Server) editMessageText(p params, _ []string) (*result, *apiError) {
	text, entities, aerr := s.inputText(p)
	if aerr != nil {
		return nil, aerr
	}
	markup, aerr := parseReplyMarkup(p)
	if aerr != nil {
		return nil, aerr
	}
	_, m, aerr := s.messageToEdit(p, "message to edit")
	if aerr != nil {
		return nil, aerr
	}
	if m.From == nil || m.From.ID != s.bot.ID {
		return nil, badRequest("message can't be edited")
	}
	if aerr := checkMarkupTD(markup, true); aerr != nil {
		return nil, aerr
	}
	if utf8.RuneCountInString(text) > maxText {
		return nil, badRequest("message is too long")
	}
	if aerr := checkMarkupMTProto(markup); aerr != nil {
		return nil, aerr
	}
	if m.Text == text && reflect.DeepEqual(normEntities(m.Entities), normEntities(entities)) &&
		sameMarkup(m.markup, markup) {
		return nil, badRequest(msgNotModified)
	}
	m.Text, m.Entities = text, entities
	m.markup, m.ReplyMarkup = markup, echoMarkup(markup)
	m.EditDate = s.now().Unix()
	return ok(*m)
}

// editMessageReplyMarkup implements editMessageReplyMarkup; no
// reply_markup removes the inline keyboard.
func (s *Server) editMessageReplyMarkup(p params, _ []string) (*result, *apiError) {
	markup, aerr := parseReplyMarkup(p)
	if aerr != nil {
		return nil, aerr
	}
	_, m, aerr := s.messageToEdit(p, "message to edit")
	if aerr != nil {
		return nil, aerr
	}
	if m.From == nil || m.From.ID != s.bot.ID {
		return nil, badRequest("message can't be edited")
	}
	if aerr := checkMarkupTD(markup, true); aerr != nil {
		return nil, aerr
	}
	if aerr := checkMarkupMTProto(markup); aerr != nil {
		return nil, aerr
	}
	if sameMarkup(m.markup, markup) {
		return nil, badRequest(msgNotModified)
	}
	m.markup, m.ReplyMarkup = markup, echoMarkup(markup)
	m.EditDate = s.now().Unix()
	return ok(*m)
}

func normEntities(es []MessageEntity) []MessageEntity {
	if len(es) == 0 {
		return nil
	}
	return es
}

func sameMarkup(a, b *ReplyMarkup) bool {
	return reflect.DeepEqual(echoMarkup(a), echoMarkup(b))
}

// deleteMessage implements deleteMessage. The bot can delete its own
// messages and, in private chats or as a group administrator, other users'.
func (s *Server) deleteMessage(p params, _ []string) (*result, *apiError) {
	if p.str("chat_id") == "" {
		return nil, badRequestTD("Chat identifier is not specified")
	}
	id := int(p.int64Lenient("message_id"))
	if id == 0 {
		return nil, badRequestTD("Message identifier is not specified")
	}
	cs, aerr := s.lookupChatLocked(p.str("chat_id"), true)
	if aerr != nil {
		return nil, aerr
	}
	m, found := cs.msgs[id]
	if !found {
		return nil, badRequest("message to delete not found")
	}
	own := m.From != nil && m.From.ID == s.bot.ID
	if !own && cs.chat.Type != ChatPrivate && !s.isAdminLocked(cs, s.bot.ID) {
		return nil, badRequest("message can't be deleted")
	}
	cs.remove(id)
	return ok(true)
}

// sendChatAction implements sendChatAction.
func (s *Server) sendChatAction(p params, _ []string) (*result, *apiError) {
	switch p.str("action") {
	case "cancel", "typing", "record_video", "upload_video", "record_audio", "record_voice",
		"upload_audio", "upload_voice", "upload_photo", "upload_document", "choose_sticker",
		"pick_up_location", "find_location", "record_video_note", "upload_video_note":
	default:
		return nil, badRequestTD("Wrong parameter action in request")
	}
	cs, aerr := s.lookupChatLocked(p.str("chat_id"), true)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.canWriteLocked(cs); aerr != nil {
		return nil, aerr
	}
	return ok(true)
}
