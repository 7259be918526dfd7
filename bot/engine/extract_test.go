package engine_test

import (
	"strings"
	"testing"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/engine"
)

func TestExtractsEntitiesAndAmounts(t *testing.T) {
	e := loadEngine(t)
	var sc engine.Scratch
	for _, tc := range []struct {
		text            string
		claimed         bot.SignalID
		entities        []string // kind:text
		amounts         []string
		organisationIDs []string
	}{
		{
			text:     "他说是顺丰客服，让我在借呗借了10w，又下载腾讯会议，用他给的当当账号买了¥3,000的礼品卡，RM 300也转了",
			claimed:  "claims_courier",
			entities: []string{"org:顺丰", "loan:借呗", "app:腾讯会议", "org:当当", "giftcard:礼品卡"},
			amounts:  []string{"10w", "¥3,000", "RM 300"},
		},
		{
			text:     "The man said he was from the bank, told me to install AnyDesk, then borrow 5k on Weilidai and buy Google Play cards worth $500",
			claimed:  "claims_bank",
			entities: []string{"loan:Weilidai", "giftcard:Google Play"},
			amounts:  []string{"5k", "$500"},
		},
	} {
		a := e.Assess(&sc, engine.Input{Text: tc.text, Lang: bot.ZH})
		if a.Claimed != tc.claimed {
			t.Errorf("Assess(%q).Claimed = %q, want %q", tc.text, a.Claimed, tc.claimed)
		}
		var got []string
		for _, en := range a.Entities {
			got = append(got, en.Kind+":"+en.Text)
		}
		for _, want := range tc.entities {
			if !contains(got, want) {
				t.Errorf("Assess(%q).Entities = %v, lacks %s", tc.text, got, want)
			}
		}
		if strings.Join(a.Amounts, "|") != strings.Join(tc.amounts, "|") {
			t.Errorf("Assess(%q).Amounts = %q, want %q", tc.text, a.Amounts, tc.amounts)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if strings.EqualFold(y, x) {
			return true
		}
	}
	return false
}
