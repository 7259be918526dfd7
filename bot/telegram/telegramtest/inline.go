package telegramtest

import (
	"encoding/json"
	"strings"
)

// Inline answers: the checks the real server makes of each result
// (tdlib/telegram-bot-api Client.cpp get_inline_query_result) and of the
// button above the results (process_answer_inline_query_query and TDLib's
// InlineQueriesManager::answer_inline_query).

// checkInlineResult checks one result object after its type and id: its
// message content (an article must have one; a text must not be empty and
// must parse in its parse mode), its reply markup (an inline keyboard with
// valid URL buttons and callback data) and an article's title.
func checkInlineResult(s *Server, obj map[string]any) *apiError {
	typ, _, _ := objString(obj, "type")
	typ = strings.ToLower(typ)
	article := typ == "article"
	wrap := func(msg string) *apiError { return badRequestTD("Can't parse inline query result: " + msg) }
	content, hasContent := obj["input_message_content"]
	if !hasContent || content == nil {
		// The legacy form: message_text on the result itself.
		text, found, err := objString(obj, "message_text")
		switch {
		case err != nil:
			return wrap(err.Error())
		case article && !found:
			return wrap(`Can't find field "message_text"`)
		case article && text == "":
			return wrap("Message text is empty")
		}
		if text != "" {
			if aerr := s.inlineText(text, obj); aerr != nil {
				return aerr
			}
		}
	} else {
		cobj, isObj := content.(map[string]any)
		if !isObj {
			return wrap(`Field "input_message_content" must be of type Object`)
		}
		text, _, err := objString(cobj, "message_text")
		if err != nil {
			return wrap(err.Error())
		}
		if text != "" {
			if aerr := s.inlineText(text, cobj); aerr != nil {
				return aerr
			}
		} else if article && !hasOtherContent(cobj) {
			return wrap("Input message content is not specified")
		}
	}
	if rm, found := obj["reply_markup"]; found && rm != nil {
		if _, isObj := rm.(map[string]any); !isObj {
			return wrap(`Field "reply_markup" must be of type Object`)
		}
		raw, _ := json.Marshal(rm)
		m, aerr := parseReplyMarkup(params{"reply_markup": string(raw)})
		if aerr != nil {
			return wrap(strings.TrimPrefix(aerr.desc, "Bad Request: "))
		}
		// TDLib's get_inline_reply_markup: inline keyboards only.
		if m != nil && len(m.InlineKeyboard) == 0 {
			return badRequestTD("Inline keyboard expected")
		}
		if aerr := checkMarkupTD(m, true); aerr != nil {
			return aerr
		}
		if aerr := checkMarkupMTProto(m); aerr != nil {
			return aerr
		}
	}
	if article {
		if _, err := objRequiredString(obj, "title"); err != nil {
			return wrap(err.Error())
		}
	}
	return nil
}

// hasOtherContent reports whether a message content object is a location,
// venue, contact, invoice or similar rather than text.
func hasOtherContent(obj map[string]any) bool {
	for _, k := range []string{"latitude", "phone_number", "payload", "title"} {
		if _, found := obj[k]; found {
			return true
		}
	}
	return false
}

// inlineText checks a result's message text like a sent message's: it
// must parse in its parse mode and fit in 4096 characters after parsing.
func (s *Server) inlineText(text string, obj map[string]any) *apiError {
	if len(text) > maxRawText {
		return badRequest("text is too long")
	}
	mode, _, _ := objString(obj, "parse_mode")
	plain, _, aerr := formatText(text, mode, func(id int64) (User, bool) {
		u, known := s.users[id]
		return u, known
	})
	if aerr != nil {
		return aerr
	}
	if n := len([]rune(plain)); n > maxText {
		return badRequest("message is too long")
	}
	return nil
}

// resultsButton reads the button above the results: "button" (an
// InlineQueryResultsButton, Bot API 6.7), or the older switch_pm_text and
// switch_pm_parameter that the server still accepts. It returns the
// button's text and start parameter ("" for none).
func resultsButton(p params) (text, start string, aerr *apiError) {
	if raw := p.str("button"); raw != "" {
		v, err := jsonValue(raw)
		if err != nil {
			return "", "", badRequest("Can't parse inline query results button JSON object")
		}
		obj, isObj := v.(map[string]any)
		if !isObj {
			return "", "", badRequest("Can't parse inline query results button: InlineQueryResultsButton must be an Object")
		}
		if text, err = objRequiredString(obj, "text"); err != nil {
			return "", "", badRequest("Can't parse inline query results button: " + err.Error())
		}
		if _, found := obj["start_parameter"]; !found {
			if _, found := obj["web_app"]; found {
				return text, "", nil
			}
			return "", "", badRequest("Can't parse inline query results button: InlineQueryResultsButton must have exactly one optional field")
		}
		if start, err = objRequiredString(obj, "start_parameter"); err != nil {
			return "", "", badRequest("Can't parse inline query results button: " + err.Error())
		}
	} else {
		text = p.str("switch_pm_text")
		if text == "" {
			return "", "", nil
		}
		start = p.str("switch_pm_parameter")
	}
	switch {
	case start == "":
		return "", "", badRequestTD("Can't use empty start_parameter")
	case len(start) > 64:
		return "", "", badRequestTD("Too long start_parameter specified")
	}
	for i := 0; i < len(start); i++ {
		c := start[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return "", "", badRequestTD("Unallowed characters in start_parameter are used")
		}
	}
	return text, start, nil
}
