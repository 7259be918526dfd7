package catalogue

import (
	"fmt"

	"github.com/scambot/scambot/bot"
)

// ValidScriptID reports whether id can name a script file.
func ValidScriptID(id string) bool { return scriptIDPattern.MatchString(id) }

// Template returns a commented script file for a new scam script. It loads
// (so `scripts lint` passes once the placeholders are replaced by real text)
// and says what each field is for.
func Template(id string, c bot.Category) string {
	return fmt.Sprintf(`# %[1]s: a new scam script. See scripts/README.md ("Writing a scam script").
# Replace every text below with what real victims report, cite your sources
# in this comment, then run:
#   scambot scripts lint && scambot scripts test
id: %[1]s
category: %[2]s
# Where this variant is seen (region codes of content/hotlines.yaml); remove for everywhere.
regions: [CN]
title:
  zh: 用一句话说清这个骗局
  en: The scam in one sentence
summary:
  zh: 三四句话：对方自称是谁、怎么取得信任、让你做什么、钱怎么被骗走。
  en: "Three or four sentences: who they claim to be, how they win trust, what they ask, how the money goes."
# The pretext: who the caller claims to be and the hook (signals of content/signals.yaml).
anchors: [claims_shop_service]
# Every signal this scam shows, weight 0.05-1 (see scripts/README.md for how to choose).
signals:
  - {id: claims_shop_service, weight: 0.15}
  - {id: off_platform, weight: 0.45}
  - {id: asks_transfer, weight: 0.5}
  - {id: money_sent, weight: 0.35}
# Extra phrases in this scam's own words, for any signal.
phrases:
  - signal: claims_shop_service
    zh: [示例客服]
    en: [example customer service]
# The caller's story in order. Each stage: what they say, what they ask next,
# what to do at this point, and the signals that show the user reached it.
stages:
  - id: hook
    title: {zh: 第一步：对方怎么联系你, en: "Step one: how they reach you"}
    says: {zh: 对方的原话大意。, en: What they say.}
    asks: {zh: 接下来让你做什么, en: what they ask next}
    advice: {zh: 这时该怎么做。, en: What to do at this point.}
    signals: [claims_shop_service]
  - id: ask
    title: {zh: 第二步：让你转钱, en: "Step two: they ask for money"}
    says: {zh: 对方的原话大意。, en: What they say.}
    asks: {zh: 再要更多, en: ask for more}
    advice: {zh: 不要转账，挂断，拨打反诈电话。, en: "Do not pay. Hang up and call the anti-fraud line."}
    signals: [off_platform, asks_transfer, money_sent]
# Organisations scammers pose as, and hotlines that especially apply (ids of content/hotlines.yaml).
organisations: []
hotlines: [cn-antifraud-96110]
# At least five narratives per language, as users would write them.
# level: the minimum expected (default high).
samples:
  - lang: zh
    text: 示例客服加了我微信，让我转账到他给的账户
  - lang: en
    text: The example customer service added me on WeChat and asked me to transfer money to an account he gave me
# Genuine situations that share words with the scam. level: the maximum (default low).
negatives:
  - lang: zh
    text: 我在官方App里联系了客服，退款原路退回了
  - lang: en
    text: I contacted customer service inside the official app and the refund went back to my card
`, id, c)
}
