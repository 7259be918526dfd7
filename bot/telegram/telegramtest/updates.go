package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// updateTypes are the Update fields the server knows (Bot API 10.x).
var updateTypes = map[string]bool{
	"message": true, "edited_message": true, "channel_post": true, "edited_channel_post": true,
	"business_connection": true, "business_message": true, "edited_business_message": true,
	"deleted_business_messages": true, "guest_message": true, "message_reaction": true,
	"message_reaction_count": true, "inline_query": true, "chosen_inline_result": true,
	"callback_query": true, "shipping_query": true, "pre_checkout_query": true,
	"purchased_paid_media": true, "poll": true, "poll_answer": true, "my_chat_member": true,
	"chat_member": true, "chat_join_request": true, "chat_boost": true, "removed_chat_boost": true,
	"managed_bot": true,
}

// notByDefault are delivered only when named in allowed_updates.
var notByDefault = map[string]bool{"chat_member": true, "message_reaction": true, "message_reaction_count": true}

// queued is one unconfirmed update.
type queued struct {
	id        int
	typ       string
	raw       json.RawMessage
	dup       bool // re-delivered by DuplicateUpdate regardless of offset
	delivered bool
}

// poller is the long poll currently held.
type poller struct {
	abort chan string // receives the 409 message that ends it
}

// getUpdates implements getUpdates with the real server's offset, limit,
// timeout and allowed_updates semantics.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, call *Call) {
	p := params(call.Params)
	s.mu.Lock()
	if s.webhook.url != "" {
		s.mu.Unlock()
		s.finish(w, call, nil, conflict(msgConflictWebhook))
		return
	}
	offset := p.integer("offset", 0, math.MinInt32, math.MaxInt32)
	limit := p.integer("limit", 100, 1, 100)
	timeout := p.integer("timeout", 0, 0, 50)
	s.setAllowedLocked(p.str("allowed_updates"))
	s.confirmLocked(offset)
	if got := s.collectLocked(offset, limit); len(got) > 0 || timeout == 0 {
		s.mu.Unlock()
		s.finish(w, call, &result{value: got}, nil)
		return
	}
	// Hold the request; a long poll already held ends with 409.
	s.abortPollLocked(msgConflictGetUpdates)
	me := &poller{abort: make(chan string, 1)}
	s.poll = me
	s.changedLocked()
	s.mu.Unlock()

	timer := time.NewTimer(time.Duration(timeout) * time.Second)
	defer timer.Stop()
	release := func() {
		s.mu.Lock()
		if s.poll == me {
			s.poll = nil
		}
		s.mu.Unlock()
	}
	for {
		s.mu.Lock()
		ch := s.changed
		if s.poll == me { // not yet ended by a newer poll or setWebhook
			if got := s.collectLocked(offset, limit); len(got) > 0 {
				s.poll = nil
				s.mu.Unlock()
				s.finish(w, call, &result{value: got}, nil)
				return
			}
		}
		s.mu.Unlock()
		select {
		case <-ch:
		case msg := <-me.abort:
			s.finish(w, call, nil, conflict(msg))
			return
		case <-timer.C:
			release()
			s.finish(w, call, &result{value: []json.RawMessage{}}, nil)
			return
		case <-r.Context().Done():
			release()
			call.Description = "request abandoned by the client"
			s.record(call, false)
			return
		case <-s.done:
			release()
			s.finish(w, call, &result{value: []json.RawMessage{}}, nil)
			return
		}
	}
}

// Polling reports whether a getUpdates long poll is being held, i.e. the bot
// is waiting for updates. Use it with WaitFor to know that an update added
// now is delivered by the long poll.
func (s *Server) Polling() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.poll != nil
}

// abortPollLocked ends the held long poll with a 409.
func (s *Server) abortPollLocked(msg string) {
	if s.poll != nil {
		s.poll.abort <- msg
		s.poll = nil
	}
}

// setAllowedLocked applies an allowed_updates parameter. Like the real
// server, an absent value, a value that is not a JSON array (e.g. null) or an
// array with a non-string keeps the previous setting; an array naming no
// known type restores the default.
func (s *Server) setAllowedLocked(raw string) {
	if raw == "" {
		return
	}
	v, err := jsonValue(raw)
	if err != nil {
		return
	}
	arr, isArr := v.([]any)
	if !isArr {
		return
	}
	set := map[string]bool{}
	var names []string
	for _, e := range arr {
		name, isStr := e.(string)
		if !isStr {
			return
		}
		name = strings.ToLower(name)
		if updateTypes[name] && !set[name] {
			set[name] = true
			names = append(names, name)
		}
	}
	if len(set) == 0 {
		s.allowed, s.allowedRaw = nil, nil
		return
	}
	s.allowed, s.allowedRaw = set, names
}

func (s *Server) allowedLocked(typ string) bool {
	if s.allowed == nil {
		return !notByDefault[typ]
	}
	return s.allowed[typ]
}

// confirmLocked forgets updates as getUpdates(offset) does: a positive
// offset confirms every id below it (unless it is more than 10 beyond the
// newest id, which the server ignores); a negative one keeps only the last
// -offset updates.
func (s *Server) confirmLocked(offset int) {
	keep := s.queue[:0]
	switch {
	case offset > 0 && offset <= s.lastUpdateID+10:
		for _, q := range s.queue {
			if q.dup && !q.delivered || !q.dup && q.id >= offset {
				keep = append(keep, q)
			}
		}
	case offset < 0:
		n := -offset
		regular := 0
		for _, q := range s.queue {
			if !q.dup {
				regular++
			}
		}
		for _, q := range s.queue {
			if q.dup {
				if !q.delivered {
					keep = append(keep, q)
				}
				continue
			}
			if regular <= n {
				keep = append(keep, q)
			}
			regular--
		}
	default:
		for _, q := range s.queue {
			if !q.dup || !q.delivered {
				keep = append(keep, q)
			}
		}
	}
	clear(s.queue[len(keep):])
	s.queue = keep
}

// collectLocked returns up to limit updates for offset and marks
// duplicates as delivered.
func (s *Server) collectLocked(offset, limit int) []json.RawMessage {
	out := []json.RawMessage{}
	future := offset > s.lastUpdateID+10
	for _, q := range s.queue {
		if len(out) == limit {
			break
		}
		if q.dup || offset <= 0 || future || q.id >= offset {
			out = append(out, q.raw)
			q.delivered = true
		}
	}
	return out
}

// PendingUpdates returns the ids of updates not yet confirmed, in delivery
// order.
func (s *Server) PendingUpdates() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, len(s.queue))
	for i, q := range s.queue {
		ids[i] = q.id
	}
	return ids
}

// AddUpdate queues an arbitrary update and returns its update_id. u may be
// a json.RawMessage, []byte or string of JSON, or any value that marshals to
// an Update object (a tgbotapi.Update, a map…); top-level null fields are
// ignored and exactly one update field must remain. update_id is assigned
// when absent or 0. Chats, users, callback and inline query ids inside are
// registered, so the bot can answer them.
//
// Like the real server, an update whose type allowed_updates excludes is
// dropped and AddUpdate returns 0. Invalid input fails the test.
func (s *Server) AddUpdate(u any) int {
	s.tb.Helper()
	var raw []byte
	switch v := u.(type) {
	case json.RawMessage:
		raw = v
	case []byte:
		raw = v
	case string:
		raw = []byte(v)
	default:
		var err error
		if raw, err = json.Marshal(u); err != nil {
			s.tb.Errorf("telegramtest: AddUpdate: %v", err)
			return 0
		}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		s.tb.Errorf("telegramtest: AddUpdate: not a JSON object: %v", err)
		return 0
	}
	id := 0
	typ := ""
	for k, v := range obj {
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			delete(obj, k)
			continue
		}
		if k == "update_id" {
			if err := json.Unmarshal(v, &id); err != nil {
				s.tb.Errorf("telegramtest: AddUpdate: update_id: %v", err)
				return 0
			}
			continue
		}
		if typ != "" {
			s.tb.Errorf("telegramtest: AddUpdate: more than one update field (%s, %s)", typ, k)
			return 0
		}
		typ = k
	}
	if !updateTypes[typ] {
		s.tb.Errorf("telegramtest: AddUpdate: unknown or missing update type %q", typ)
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enqueueLocked(typ, obj[typ], id)
}

// enqueueLocked registers what payload mentions and queues it as an update
// of type typ. id 0 means "assign the next id".
func (s *Server) enqueueLocked(typ string, payload json.RawMessage, id int) int {
	s.registerUpdateLocked(typ, payload)
	if !s.allowedLocked(typ) {
		s.changedLocked()
		return 0
	}
	if id == 0 {
		id = s.nextUpdateID
	}
	s.nextUpdateID = max(s.nextUpdateID, id+1)
	s.lastUpdateID = max(s.lastUpdateID, id)
	raw, err := json.Marshal(map[string]any{"update_id": id, typ: payload})
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshal update: %v", err))
	}
	s.history[id] = raw
	q := &queued{id: id, typ: typ, raw: raw}
	i := sort.Search(len(s.queue), func(i int) bool { return !s.queue[i].dup && s.queue[i].id > id })
	s.queue = append(s.queue, nil)
	copy(s.queue[i+1:], s.queue[i:])
	s.queue[i] = q
	s.changedLocked()
	return id
}

// DuplicateUpdate delivers update id again, although it was already
// confirmed, to test that the bot handles an update only once. The next
// getUpdates returns it first whatever the offset; a webhook gets it with
// DeliverWebhook(id). Unknown ids fail the test.
func (s *Server) DuplicateUpdate(id int) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, found := s.history[id]
	if !found {
		s.tb.Errorf("telegramtest: DuplicateUpdate(%d): no such update", id)
		return
	}
	var typ string
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err == nil {
		for k := range obj {
			if k != "update_id" {
				typ = k
			}
		}
	}
	s.queue = append([]*queued{{id: id, typ: typ, raw: raw, dup: true}}, s.queue...)
	s.changedLocked()
}

// registerUpdateLocked makes the chats, users and queries in an update known.
func (s *Server) registerUpdateLocked(typ string, payload json.RawMessage) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return
	}
	s.walkLocked("", v)
	obj, _ := v.(map[string]any)
	switch typ {
	case "message", "channel_post", "business_message", "edited_message", "edited_channel_post":
		var m Message
		if json.Unmarshal(payload, &m) != nil || m.MessageID == 0 {
			return
		}
		cs := s.chatLocked(m.Chat.ID)
		if cs == nil {
			return
		}
		cs.nextID = max(cs.nextID, m.MessageID+1)
		if old, found := cs.msgs[m.MessageID]; found && strings.HasPrefix(typ, "edited_") {
			old.Text, old.Entities, old.EditDate = m.Text, m.Entities, m.EditDate
		} else if !found {
			cs.add(&m)
		}
		if m.Chat.Type == ChatPrivate && m.From != nil {
			s.started[m.From.ID] = true
		}
	case "callback_query":
		if id, _, _ := objString(obj, "id"); id != "" {
			s.callbacks[id] = &pendingQuery{id: id, created: s.now()}
		}
	case "inline_query":
		if id, _, _ := objString(obj, "id"); id != "" {
			s.inline[id] = &pendingQuery{id: id, created: s.now()}
		}
	case "my_chat_member":
		var u struct {
			Chat          Chat `json:"chat"`
			NewChatMember struct {
				Status string `json:"status"`
			} `json:"new_chat_member"`
		}
		if json.Unmarshal(payload, &u) == nil && u.Chat.Type == ChatPrivate {
			switch u.NewChatMember.Status {
			case "kicked":
				s.blocked[u.Chat.ID] = true
			case "member":
				delete(s.blocked, u.Chat.ID)
				s.started[u.Chat.ID] = true
			}
		}
	}
}

// walkLocked registers every chat and user object found in v.
func (s *Server) walkLocked(key string, v any) {
	switch v := v.(type) {
	case map[string]any:
		switch key {
		case "chat", "sender_chat":
			var c Chat
			if decodeInto(v, &c) && c.ID != 0 && c.Type != "" {
				s.addChatLocked(c)
			}
		case "from", "user", "new_chat_members", "left_chat_member", "via_bot":
			var u User
			if decodeInto(v, &u) && u.ID != 0 && u.FirstName != "" {
				s.addUserLocked(u)
			}
		}
		for k, child := range v {
			s.walkLocked(k, child)
		}
	case []any:
		for _, child := range v {
			s.walkLocked(key, child)
		}
	}
}

func decodeInto(v any, dst any) bool {
	raw, err := json.Marshal(v)
	if err != nil {
		return false
	}
	return json.Unmarshal(raw, dst) == nil
}

// commandRE matches a bot command at the start of a text, as Telegram
// clients mark it: /name with an optional @username.
var commandRE = regexp.MustCompile(`^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?`)

// SendText queues a message update: from writes text in chat. A text that
// starts with a command ("/start x", "/check@bot") gets a bot_command entity
// at offset 0, like the real server. It returns the update_id, or 0 when the
// bot would not receive the message: allowed_updates excludes messages, or
// privacy mode hides it (a group where the bot is not an administrator and
// the text is neither a command for this bot nor a reply to it; see
// Options.PrivacyModeOff). The message is stored in the chat either way.
func (s *Server) SendText(chat Chat, from User, text string) int {
	s.tb.Helper()
	return s.sendUserMessage(chat, from, 0, text)
}

// SendReply is SendText for a reply to message replyTo in chat. A reply to
// one of the bot's messages passes privacy mode.
func (s *Server) SendReply(chat Chat, from User, replyTo int, text string) int {
	s.tb.Helper()
	return s.sendUserMessage(chat, from, replyTo, text)
}

// LastMessageID returns the id of the newest message in chat (sent by the
// bot or a user), or 0.
func (s *Server) LastMessageID(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.chats[chatID]; cs != nil && len(cs.order) > 0 {
		return cs.order[len(cs.order)-1]
	}
	return 0
}

func (s *Server) sendUserMessage(chat Chat, from User, replyTo int, text string) int {
	s.tb.Helper()
	if chat.Type == ChatPrivate && chat.ID != from.ID {
		s.tb.Errorf("telegramtest: private chat %d with message from user %d", chat.ID, from.ID)
		return 0
	}
	if from.ID <= 0 || from.FirstName == "" {
		s.tb.Errorf("telegramtest: sender needs an ID and a FirstName: %+v", from)
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUserLocked(from)
	s.addChatLocked(chat)
	cs := s.chats[chat.ID]
	if cs.migratedTo != 0 {
		s.tb.Errorf("telegramtest: chat %d was migrated to %d", chat.ID, cs.migratedTo)
		return 0
	}
	u := from
	m := &Message{
		MessageID: cs.nextID,
		From:      &u,
		Chat:      cs.chat,
		Date:      s.now().Unix(),
		Text:      text,
	}
	cs.nextID++
	if loc := commandRE.FindStringIndex(text); loc != nil {
		m.Entities = []MessageEntity{{Type: "bot_command", Offset: 0, Length: utf16Len(text[:loc[1]])}}
	}
	toBot := false
	if replyTo != 0 {
		orig, found := cs.msgs[replyTo]
		if !found {
			s.tb.Errorf("telegramtest: reply to unknown message %d in chat %d", replyTo, chat.ID)
			return 0
		}
		c := *orig
		c.ReplyToMessage = nil
		m.ReplyToMessage = &c
		toBot = orig.From != nil && orig.From.ID == s.bot.ID
	}
	cs.add(m)
	if chat.Type == ChatPrivate {
		s.started[from.ID] = true
	}
	if chat.isGroup() && !s.opts.PrivacyModeOff && !s.isAdminLocked(cs, s.bot.ID) &&
		!toBot && !s.commandForBot(m) {
		s.changedLocked()
		return 0
	}
	payload, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshal message: %v", err))
	}
	return s.enqueueLocked("message", payload, 0)
}

// commandForBot reports whether m starts with a command privacy mode lets
// through: one without @username or with this bot's (case-insensitive).
func (s *Server) commandForBot(m *Message) bool {
	if len(m.Entities) == 0 || m.Entities[0].Type != "bot_command" {
		return false
	}
	cmd := m.Text[:commandRE.FindStringIndex(m.Text)[1]]
	_, at, found := strings.Cut(cmd, "@")
	return !found || strings.EqualFold(at, s.bot.Username)
}

// PressButton queues a callback_query update: from presses the inline
// button with callback data data on the bot's message messageID in chat. The
// message must exist, be the bot's, and currently carry such a button;
// otherwise the test fails and "" is returned. It returns the query id,
// which the bot must answer within the callback deadline.
func (s *Server) PressButton(chat Chat, from User, messageID int, data string) string {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[chat.ID]
	if cs == nil {
		s.tb.Errorf("telegramtest: PressButton: unknown chat %d", chat.ID)
		return ""
	}
	m, found := cs.msgs[messageID]
	if !found || m.From == nil || m.From.ID != s.bot.ID {
		s.tb.Errorf("telegramtest: PressButton: no message %d from the bot in chat %d", messageID, chat.ID)
		return ""
	}
	hasButton := false
	for _, d := range m.markup.CallbackData() {
		hasButton = hasButton || d == data
	}
	if !hasButton {
		s.tb.Errorf("telegramtest: PressButton: message %d in chat %d has no button with data %q (has %q)",
			messageID, chat.ID, data, m.markup.CallbackData())
		return ""
	}
	s.addUserLocked(from)
	s.queryCounter++
	id := strconv.FormatInt(s.queryCounter, 10)
	payload, err := json.Marshal(map[string]any{
		"id":            id,
		"from":          from,
		"message":       m,
		"chat_instance": strconv.FormatInt(chat.ID*7919+1, 10),
		"data":          data,
	})
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshal callback query: %v", err))
	}
	s.enqueueLocked("callback_query", payload, 0)
	return id
}

// SendInlineQuery queues an inline_query update from from with the given
// query text and returns the query id.
func (s *Server) SendInlineQuery(from User, query string) string {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUserLocked(from)
	s.queryCounter++
	id := strconv.FormatInt(s.queryCounter, 10)
	payload, err := json.Marshal(map[string]any{"id": id, "from": from, "query": query, "offset": ""})
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshal inline query: %v", err))
	}
	s.enqueueLocked("inline_query", payload, 0)
	return id
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
