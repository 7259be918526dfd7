package telegramtest

import (
	"strconv"
	"strings"
)

// chatState is what the server knows about one chat.
type chatState struct {
	chat       Chat
	msgs       map[int]*Message
	order      []int
	nextID     int
	admins     []int64 // first is the creator
	members    map[int64]string
	migratedTo int64
}

func (c *chatState) add(m *Message) {
	if _, dup := c.msgs[m.MessageID]; !dup {
		c.order = append(c.order, m.MessageID)
	}
	c.msgs[m.MessageID] = m
}

func (c *chatState) remove(id int) {
	delete(c.msgs, id)
	for i, v := range c.order {
		if v == id {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
}

// addChatLocked makes chat known, refreshing its title and names.
func (s *Server) addChatLocked(chat Chat) *chatState {
	cs := s.chats[chat.ID]
	if cs == nil {
		cs = &chatState{chat: chat, msgs: map[int]*Message{}, nextID: 1, members: map[int64]string{}}
		s.chats[chat.ID] = cs
	} else if chat.Type != "" {
		cs.chat = chat
	}
	if chat.Type == ChatPrivate {
		if _, known := s.users[chat.ID]; !known {
			s.users[chat.ID] = User{ID: chat.ID, FirstName: chat.FirstName, LastName: chat.LastName, Username: chat.Username}
		}
	}
	return cs
}

// addUserLocked makes u known (the bot can then look its private chat up,
// although it cannot write there until u starts the bot).
func (s *Server) addUserLocked(u User) {
	s.users[u.ID] = u
}

// chatLocked returns the known chat id, creating the private chat of a
// known user on first use. It returns nil for unknown chats.
func (s *Server) chatLocked(id int64) *chatState {
	if cs := s.chats[id]; cs != nil {
		return cs
	}
	if u, known := s.users[id]; known && id > 0 {
		return s.addChatLocked(PrivateChat(u))
	}
	return nil
}

// lookupChatLocked resolves a chat_id parameter like the real server's
// check_chat: "chat_id is empty", "chat not found", "group chat was
// upgraded to a supergroup chat".
func (s *Server) lookupChatLocked(chatID string, write bool) (*chatState, *apiError) {
	chatID = strings.TrimSpace(chatID)
	if chatID == "" {
		return nil, badRequest("chat_id is empty")
	}
	var cs *chatState
	if name, isName := strings.CutPrefix(chatID, "@"); isName {
		for _, c := range s.chats {
			if c.chat.Type != ChatPrivate && strings.EqualFold(c.chat.Username, name) {
				cs = c
				break
			}
		}
	} else {
		id, err := strconv.ParseInt(chatID, 10, 64)
		if err == nil {
			cs = s.chatLocked(id)
		}
	}
	if cs == nil {
		return nil, badRequest("chat not found")
	}
	if write && cs.migratedTo != 0 {
		aerr := badRequest("group chat was upgraded to a supergroup chat")
		aerr.migrateTo = cs.migratedTo
		return nil, aerr
	}
	return cs, nil
}

// canWriteLocked reports the errors Telegram gives when the bot writes to
// a private chat: the user blocked the bot, or never started it.
func (s *Server) canWriteLocked(cs *chatState) *apiError {
	if cs.chat.Type != ChatPrivate {
		return nil
	}
	if s.blocked[cs.chat.ID] {
		return forbidden("bot was blocked by the user")
	}
	if !s.started[cs.chat.ID] {
		return forbidden("bot can't initiate conversation with a user")
	}
	return nil
}

func (s *Server) isAdminLocked(cs *chatState, userID int64) bool {
	for _, id := range cs.admins {
		if id == userID {
			return true
		}
	}
	return false
}

// AddChat makes chat known without an update, as if the bot had been added
// to it earlier.
func (s *Server) AddChat(chat Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addChatLocked(chat)
	s.changedLocked()
}

// AddUser makes u known without an update. The bot can see u's private chat
// but gets 403 "bot can't initiate conversation with a user" until u writes
// to it.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUserLocked(u)
	s.changedLocked()
}

// Block makes userID block the bot: sends to the private chat then fail
// with 403 "Forbidden: bot was blocked by the user". It queues no update;
// add a my_chat_member update with AddUpdate for that.
func (s *Server) Block(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = true
	s.changedLocked()
}

// Unblock reverses Block.
func (s *Server) Unblock(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, userID)
	s.changedLocked()
}

// SetAdmins sets the administrators of chatID, the first being the
// creator; include the bot's id (Bot().ID) to make the bot an administrator,
// which also lifts privacy mode there. Unknown users get placeholder names.
func (s *Server) SetAdmins(chatID int64, userIDs ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chatLocked(chatID)
	if cs == nil {
		cs = s.addChatLocked(Chat{ID: chatID, Type: ChatSupergroup, Title: "chat " + itoa64(chatID)})
	}
	cs.admins = append([]int64(nil), userIDs...)
	for _, id := range userIDs {
		if _, known := s.users[id]; !known && id != s.bot.ID {
			s.users[id] = User{ID: id, FirstName: "User " + itoa64(id)}
		}
	}
	s.changedLocked()
}

// SetMemberStatus sets the getChatMember status ("member", "restricted",
// "left", "kicked") of userID in chatID.
func (s *Server) SetMemberStatus(chatID, userID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chatLocked(chatID)
	if cs == nil {
		s.tb.Errorf("telegramtest: SetMemberStatus: unknown chat %d", chatID)
		return
	}
	cs.members[userID] = status
	s.changedLocked()
}

// MigrateChat upgrades the basic group oldID to the supergroup newID:
// writes to oldID then fail with 400 "group chat was upgraded to a
// supergroup chat" and parameters.migrate_to_chat_id.
func (s *Server) MigrateChat(oldID, newID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.chatLocked(oldID)
	if old == nil {
		s.tb.Errorf("telegramtest: MigrateChat: unknown chat %d", oldID)
		return
	}
	old.migratedTo = newID
	s.addChatLocked(Chat{ID: newID, Type: ChatSupergroup, Title: old.chat.Title})
	s.changedLocked()
}

// Messages returns the current messages of chatID (the bot's and the
// users'), oldest first, after edits and deletions.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[chatID]
	if cs == nil {
		return nil
	}
	out := make([]Message, 0, len(cs.order))
	for _, id := range cs.order {
		out = append(out, *cs.msgs[id])
	}
	return out
}

// Message returns message id of chatID as it currently is.
func (s *Server) Message(chatID int64, id int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.chats[chatID]; cs != nil {
		if m, found := cs.msgs[id]; found {
			return *m, true
		}
	}
	return Message{}, false
}
