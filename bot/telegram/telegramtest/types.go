package telegramtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// A User is a Telegram user or bot as the Bot API encodes it. Only ID and
// FirstName are required; the zero value of the other fields means "absent".
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Chat types, as in Chat.Type.
const (
	ChatPrivate    = "private"
	ChatGroup      = "group"
	ChatSupergroup = "supergroup"
	ChatChannel    = "channel"
)

// A Chat is a Telegram chat as the Bot API encodes it. Private chats have the
// user's id and names; groups have a negative id (supergroups and channels
// -100…) and a Title.
type Chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

// PrivateChat returns the private chat between the bot and u.
func PrivateChat(u User) Chat {
	return Chat{ID: u.ID, Type: ChatPrivate, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
}

// GroupChat returns a basic group with the given (negative) id and title.
func GroupChat(id int64, title string) Chat {
	return Chat{ID: id, Type: ChatGroup, Title: title}
}

// SupergroupChat returns a supergroup with the given id (by convention
// -100…) and title.
func SupergroupChat(id int64, title string) Chat {
	return Chat{ID: id, Type: ChatSupergroup, Title: title}
}

func (c Chat) isGroup() bool { return c.Type == ChatGroup || c.Type == ChatSupergroup }

// A MessageEntity is one formatting entity of a text. Offset and Length count
// UTF-16 code units, as in the Bot API.
type MessageEntity struct {
	Type          string `json:"type"`
	Offset        int    `json:"offset"`
	Length        int    `json:"length"`
	URL           string `json:"url,omitempty"`
	User          *User  `json:"user,omitempty"`
	Language      string `json:"language,omitempty"`
	CustomEmojiID string `json:"custom_emoji_id,omitempty"`
}

// An InlineKeyboardButton is one button of an inline keyboard. Exactly one of
// the optional fields is set in a valid button.
type InlineKeyboardButton struct {
	Text                         string          `json:"text"`
	URL                          string          `json:"url,omitempty"`
	CallbackData                 string          `json:"callback_data,omitempty"`
	SwitchInlineQuery            *string         `json:"switch_inline_query,omitempty"`
	SwitchInlineQueryCurrentChat *string         `json:"switch_inline_query_current_chat,omitempty"`
	LoginURL                     json.RawMessage `json:"login_url,omitempty"`
	WebApp                       json.RawMessage `json:"web_app,omitempty"`
	CallbackGame                 json.RawMessage `json:"callback_game,omitempty"`
	Pay                          bool            `json:"pay,omitempty"`
}

// A KeyboardButton is one button of a reply keyboard. The Bot API accepts a
// plain string for a text-only button; it decodes into Text.
type KeyboardButton struct {
	Text            string `json:"text"`
	RequestContact  bool   `json:"request_contact,omitempty"`
	RequestLocation bool   `json:"request_location,omitempty"`
}

// UnmarshalJSON accepts both `"text"` and `{"text":"text",…}`.
func (b *KeyboardButton) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*b = KeyboardButton{Text: s}
		return nil
	}
	type plain KeyboardButton
	return json.Unmarshal(data, (*plain)(b))
}

// A ReplyMarkup is a decoded reply_markup parameter: an inline keyboard, a
// reply keyboard, a keyboard removal or a force-reply request.
type ReplyMarkup struct {
	InlineKeyboard        [][]InlineKeyboardButton `json:"inline_keyboard,omitempty"`
	Keyboard              [][]KeyboardButton       `json:"keyboard,omitempty"`
	ResizeKeyboard        bool                     `json:"resize_keyboard,omitempty"`
	OneTimeKeyboard       bool                     `json:"one_time_keyboard,omitempty"`
	IsPersistent          bool                     `json:"is_persistent,omitempty"`
	InputFieldPlaceholder string                   `json:"input_field_placeholder,omitempty"`
	Selective             bool                     `json:"selective,omitempty"`
	RemoveKeyboard        bool                     `json:"remove_keyboard,omitempty"`
	ForceReply            bool                     `json:"force_reply,omitempty"`
}

// CallbackData returns the callback_data of every inline button, row by row.
func (m *ReplyMarkup) CallbackData() []string {
	if m == nil {
		return nil
	}
	var out []string
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != "" {
				out = append(out, b.CallbackData)
			}
		}
	}
	return out
}

// A Message is the server's current view of one message in a chat, encoded as
// the Bot API Message object. Date and EditDate are Unix times in seconds.
type Message struct {
	MessageID      int             `json:"message_id"`
	From           *User           `json:"from,omitempty"`
	Chat           Chat            `json:"chat"`
	Date           int64           `json:"date"`
	EditDate       int64           `json:"edit_date,omitempty"`
	ReplyToMessage *Message        `json:"reply_to_message,omitempty"`
	Text           string          `json:"text,omitempty"`
	Entities       []MessageEntity `json:"entities,omitempty"`
	// ReplyMarkup is what Telegram echoes: an inline keyboard or nil.
	ReplyMarkup *ReplyMarkup `json:"reply_markup,omitempty"`

	// markup is the full markup as the bot sent it (reply keyboards
	// included), which Telegram does not echo.
	markup *ReplyMarkup
}

// Markup returns the reply markup the message currently carries, or nil.
// Unlike the Message JSON it includes reply keyboards.
func (m Message) Markup() *ReplyMarkup { return m.markup }

// A SentMessage is one sendMessage request the server accepted.
type SentMessage struct {
	ChatID           int64
	MessageID        int
	Text             string // the text the user sees, after entity parsing
	RawText          string // the text parameter as sent
	ParseMode        string
	Entities         []MessageEntity
	ReplyMarkup      *ReplyMarkup // nil when none was sent
	ReplyToMessageID int
	Time             time.Time
}

// A Call is one HTTP request the server answered (or dropped).
type Call struct {
	// Method is the method name as spelled in the request path (Telegram
	// method names are case-insensitive).
	Method string
	// Params holds every parameter as a string, as the real server sees
	// them: form fields verbatim, JSON-encoded objects (reply_markup,
	// entities, allowed_updates, commands) as their JSON text. For
	// application/json bodies, non-string values are re-encoded as JSON.
	Params map[string]string
	// Files lists the names of multipart file fields.
	Files []string
	// Status is the HTTP status answered; 0 for a dropped connection.
	Status int
	// Description is the envelope's description, if any (for an injected
	// non-JSON answer, the raw body).
	Description string
	// Result is the envelope's result on success.
	Result json.RawMessage
	// Time is when the answer was written (server clock).
	Time time.Time
	// Injected reports an answer forced by FailNext/DropNext.
	Injected bool
	// FromWebhookReply reports a method the bot returned in a webhook
	// response body rather than requested over HTTP.
	FromWebhookReply bool
}

// OK reports whether the call was answered with ok=true.
func (c Call) OK() bool { return c.Status == http.StatusOK }

// Param decodes the JSON parameter name into v. It reports false when the
// parameter is absent or not valid JSON.
func (c Call) Param(name string, v any) bool {
	s, ok := c.Params[name]
	if !ok {
		return false
	}
	return json.Unmarshal([]byte(s), v) == nil
}

// A CallbackAnswer is one accepted answerCallbackQuery.
type CallbackAnswer struct {
	QueryID   string
	Text      string
	ShowAlert bool
	URL       string
	CacheTime int
	Time      time.Time
}

// An InlineAnswer is one accepted answerInlineQuery.
type InlineAnswer struct {
	QueryID    string
	Results    []json.RawMessage
	NextOffset string
	CacheTime  int
	IsPersonal bool
	// ButtonText and StartParameter are the button above the results
	// (button.start_parameter, or switch_pm_text and switch_pm_parameter);
	// empty for none.
	ButtonText     string
	StartParameter string
	Time           time.Time
}

// A BotCommand is one entry of setMyCommands.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// A CommandScope names the scope of a command list, as in setMyCommands.
// The zero value is the default scope.
type CommandScope struct {
	Type   string `json:"type"`
	ChatID string `json:"chat_id,omitempty"`
	UserID int64  `json:"user_id,omitempty"`
}

func (s CommandScope) key(lang string) string {
	t := s.Type
	if t == "" {
		t = "default"
	}
	return t + "|" + s.ChatID + "|" + itoa64(s.UserID) + "|" + lang
}

// Limits are the flood limits the server enforces on sendMessage. A zero
// field disables that limit; the zero Limits disables them all.
//
// Telegram does not publish exact limits. The FAQ says about 1 message per
// second per chat with short bursts allowed, 20 messages per minute per group
// and about 30 messages per second overall; DefaultLimits uses those figures.
type Limits struct {
	// PerChatPerSecond is the steady rate per chat (a token bucket).
	PerChatPerSecond float64
	// PerChatBurst is the bucket size; 0 means 1 when PerChatPerSecond > 0.
	PerChatBurst int
	// PerGroupPerMinute caps messages to one group or supergroup in any
	// rolling minute.
	PerGroupPerMinute int
	// GlobalPerSecond caps messages to all chats in any rolling second.
	GlobalPerSecond int
	// SetWebhookInterval is the minimum time between two setWebhook calls
	// that set a URL (the real server uses 1 s and answers 429 with
	// retry_after 1).
	SetWebhookInterval time.Duration
}

// NoLimits disables every flood limit. It is the default.
var NoLimits = Limits{}

// DefaultLimits are the limits from the Telegram FAQ, with a burst of 3.
var DefaultLimits = Limits{
	PerChatPerSecond:   1,
	PerChatBurst:       3,
	PerGroupPerMinute:  20,
	GlobalPerSecond:    30,
	SetWebhookInterval: time.Second,
}

func (l Limits) on() bool {
	return l.PerChatPerSecond > 0 || l.PerGroupPerMinute > 0 || l.GlobalPerSecond > 0
}

func normalizeMethod(m string) string { return strings.ToLower(m) }
