package telegram

import (
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
)

// Texts only Telegram needs (groups, flood control, the command menu) live
// in content/messages with the conversation's own, under these keys, so a
// missing translation is a catalogue error and moderators can edit them.
// Plain text: nothing there is markup.
const (
	msgGroupInvite   = "tg_group_invite"
	msgGroupIntro    = "tg_group_intro"
	msgPrivateButton = "tg_private_button"
	msgSlowDown      = "tg_slow_down"
)

// A menuCommand is one entry of a command menu (setMyCommands): a command
// name (lower case, [a-z0-9_], at most 32) and the message key of its
// description.
type menuCommand struct{ name, key string }

// menuCommands is everyone's command menu, in the order shown. The names
// are the core's commands.
var menuCommands = []menuCommand{
	{"check", "cmd_check"},
	{"hotlines", "cmd_hotlines"},
	{"result", "cmd_result"},
	{"back", "cmd_back"},
	{"region", "cmd_region"},
	{"lang", "cmd_lang"},
	{"help", "cmd_help"},
	{"forget", "cmd_forget"},
	{"start", "cmd_start"},
}

// modMenuCommands follow menuCommands in a moderator's private chat; "mod"
// only in the owner's.
var modMenuCommands = []menuCommand{
	{"reports", "cmd_reports"},
	{"reload", "cmd_reload"},
	{"stats", "cmd_stats"},
	{"history", "cmd_history"},
	{"mod", "cmd_mod"},
}

// menu returns everyone's command menu in lang.
func menu(cat *catalogue.Catalogue, lang bot.Lang) []tgbotapi.BotCommand {
	cmds := make([]tgbotapi.BotCommand, len(menuCommands))
	for i, c := range menuCommands {
		cmds[i] = tgbotapi.BotCommand{Command: c.name, Description: cat.Messages.Get(lang, c.key)}
	}
	return cmds
}
