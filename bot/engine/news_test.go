package engine_test

import (
	"testing"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/engine"
)

// TestNewsStoryAtEveryStage tells the CCTV case (courier or shop customer
// service offers compensation, knows the order, "your Sesame credit is too
// low", borrow on Jiebei/Weilidai to make running water, buy Dangdang gift
// cards on his account, cards drained) at each stage a user may be at, in
// both languages, as a new user would: each is high or critical with the
// right category; and the same step told without a pretext takes the
// step's category.
func TestNewsStoryAtEveryStage(t *testing.T) {
	e := loadEngine(t)
	var sc engine.Scratch
	courier, shop := bot.FakeCourierCompensation, bot.FakeEcommerceRefund
	for _, tc := range []struct {
		text string
		min  bot.Level
		cat  bot.Category
	}{
		// Courier, stage by stage.
		{"刚才圆通快递理赔客服打电话，说我淘宝买的乳液运输途中摔坏了，按规定双倍赔偿，我的名字地址单号他都说对了", bot.High, courier},
		{"快递客服说要赔我双倍，但是我的支付宝芝麻信用分太低，赔款打不进来，要配合他们走流水把信用分提上来", bot.High, courier},
		{"快递理赔的人让我打开借呗和微粒贷把额度借出来走流水，说这不是贷款，走完马上退回", bot.High, courier},
		{"快递赔偿那个客服让我下载当当app，用他给的账号密码登录，把借的钱都买成当当礼品卡", bot.High, courier},
		{"快递客服说赔偿，我在借呗借了5万买了当当礼品卡，用的是他给的账号，现在卡里余额是0，人也联系不上了", bot.Critical, courier},
		{"A man from the courier's claims team called: my lotion from Taobao broke in transit and they'll pay double. He knew my name, address and tracking number.", bot.High, courier},
		{"The courier customer service says the compensation can't reach me because my Alipay Sesame credit score is too low, so I have to make running water to raise it", bot.High, courier},
		{"The courier claims guy told me to borrow on Jiebei and Weilidai and move the money for running water, he says it's not a loan", bot.High, courier},
		{"The courier compensation agent had me log in to Dangdang with an account he gave me and buy gift cards with the money I borrowed", bot.High, courier},
		{"Courier compensation call: I borrowed 50k on Jiebei, bought Dangdang gift cards on his account, and now the balance is zero and he's gone", bot.Critical, courier},
		// Shop or platform customer service: the Ms Yu variant.
		{"淘宝客服打电话说我买的衣服印染不合格要召回，赔我160块，然后说我信用分太低要刷流水", bot.High, shop},
		{"Taobao customer service said the clothes I bought are recalled for a dye problem and they'd pay me, then told me to borrow on Weilidai to raise my credit", bot.High, shop},
		// The step alone, with no pretext: its own category.
		{"他说我芝麻信用分太低钱到不了账，让我在借呗借钱刷流水", bot.High, bot.CreditScoreRunningWater},
		{"He says I must borrow on Jiebei to raise my credit score before the money can come in", bot.High, bot.CreditScoreRunningWater},
		{"对方让我用他给的当当账号买礼品卡，再把卡密发给他", bot.High, bot.GiftCardPayment},
	} {
		a := e.Assess(&sc, engine.Input{Text: tc.text})
		if a.Level < tc.min || a.Category != tc.cat {
			t.Errorf("Assess(%q) = %v %d %v, want at least %v with %v", tc.text, a.Level, a.Score, a.Category, tc.min, tc.cat)
		}
	}
	// Hard negatives a new user would also try: all low.
	for _, text := range []string{
		"快递员打电话说下午送货，问我家里有没有人",
		"取件码已发到手机，包裹在菜鸟驿站",
		"我在淘宝订单里申请了退款，钱已经原路退回支付宝",
		"怎么提高芝麻信用分？按时还花呗有用吗",
		"给闺蜜买了一张京东E卡当生日礼物",
		"The courier texted my pickup code for the parcel locker",
		"I asked for a refund in the Shopee app and it went back to my card",
		"Bought a Steam gift card for my nephew's birthday",
		"Work video call on Zoom with my team, I shared my slides",
		"My bank's app showed a fraud alert and told me to call the number on the back of my card, so I did",
	} {
		if a := e.Assess(&sc, engine.Input{Text: text}); a.Level != bot.Low {
			t.Errorf("Assess(%q) = %v %d %v (signals %v), want low", text, a.Level, a.Score, a.Category, a.Signals)
		}
	}
}
