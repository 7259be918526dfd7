package telegram

import "github.com/scambot/scambot/bot"

// Texts only Telegram needs (groups, flood control, the command menu). The
// conversation's own texts come from the catalogue. Plain text: nothing here
// is markup.
var (
	textGroupInvite = bot.L10n{
		ZH: "我可以私下帮你判断是不是诈骗。点下面的按钮，在私聊里告诉我发生了什么。请不要在群里发个人信息、验证码或账号。",
		EN: "I can check privately whether this is a scam. Tap the button below and tell me what happened in a private chat. Please do not post personal details, codes or account numbers in the group.",
	}
	textGroupIntro = bot.L10n{
		ZH: "大家好，我是防诈骗助手：电话或网上有人让你转账、借钱、买卡、报验证码时，可以私聊我，我帮你判断是不是骗局。在群里发 /check 会给你私聊入口；我不会在群里问个人信息。",
		EN: "Hello, I help people recognise phone and online scams: if someone asks you to transfer money, borrow, buy gift cards or read out a code, talk to me in private and I will help you check. Send /check here for a private link; I never ask for personal details in a group.",
	}
	textPrivateButton = bot.L10n{ZH: "私聊检查", EN: "Check privately"}
	textSlowDown      = bot.L10n{
		ZH: "消息有点多，我跟不上了。请稍等一分钟，再把最重要的情况用一条消息告诉我。如果对方正在让你转账，请先挂断电话。",
		EN: "That is a lot of messages at once. Please wait a minute, then tell me the most important part in one message. If someone is asking you to send money right now, hang up first.",
	}
)

// menuCommands is the command menu (setMyCommands), in the order shown.
// Names are the core's commands: lower case, [a-z0-9_], at most 32.
var menuCommands = []struct {
	name string
	desc bot.L10n
}{
	{"check", bot.L10n{ZH: "开始检查：是不是诈骗？", EN: "Check whether it is a scam"}},
	{"hotlines", bot.L10n{ZH: "反诈和报警电话", EN: "Anti-fraud and police hotlines"}},
	{"result", bot.L10n{ZH: "直接看判断结果", EN: "Show the result now"}},
	{"back", bot.L10n{ZH: "回到上一个问题", EN: "Go back one question"}},
	{"region", bot.L10n{ZH: "选择所在地区", EN: "Choose your region"}},
	{"lang", bot.L10n{ZH: "切换语言 / Language", EN: "Language / 切换语言"}},
	{"help", bot.L10n{ZH: "怎么用", EN: "How to use this bot"}},
	{"forget", bot.L10n{ZH: "删除关于我的全部记录", EN: "Delete everything kept about me"}},
	{"start", bot.L10n{ZH: "从头开始", EN: "Start over"}},
}
