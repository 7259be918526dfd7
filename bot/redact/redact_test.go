package redact_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"unicode"

	"github.com/scambot/scambot/bot/redact"
)

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsDigit(r) {
			if r >= '０' && r <= '９' {
				r = '0' + (r - '０')
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// leaks reports whether any seven consecutive digits of the original number
// survive, in order, in the masked text's digits.
func leaks(number, masked string) bool {
	d, m := digitsOf(number), digitsOf(masked)
	for i := 0; i+7 <= len(d); i++ {
		if strings.Contains(m, d[i:i+7]) {
			return true
		}
	}
	return false
}

func randDigits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.Intn(10))
	}
	return string(b)
}

func group(s string, sizes []int, sep string) string {
	var parts []string
	for _, n := range sizes {
		if n > len(s) {
			n = len(s)
		}
		parts = append(parts, s[:n])
		s = s[n:]
	}
	if s != "" {
		parts = append(parts, s)
	}
	return strings.Join(parts, sep)
}

// generators produce one identifying number in some real-world format.
var generators = []func(r *rand.Rand) string{
	func(r *rand.Rand) string { return "13" + randDigits(r, 9) },                                    // CN mobile
	func(r *rand.Rand) string { return group("1"+randDigits(r, 10), []int{3, 4, 4}, " ") },          // 138 1234 5678
	func(r *rand.Rand) string { return "+86 " + group("1"+randDigits(r, 10), []int{3, 4, 4}, "-") }, // +86 138-1234-5678
	func(r *rand.Rand) string { return "0086" + "1" + randDigits(r, 10) },
	func(r *rand.Rand) string { return "(852) " + group(randDigits(r, 8), []int{4, 4}, " ") },      // HK
	func(r *rand.Rand) string { return "+65 " + group("9"+randDigits(r, 7), []int{4, 4}, " ") },    // SG
	func(r *rand.Rand) string { return group("09"+randDigits(r, 8), []int{4, 3, 3}, "-") },         // TW mobile
	func(r *rand.Rand) string { return "+60 " + group("1"+randDigits(r, 8), []int{2, 3, 4}, "-") }, // MY
	func(r *rand.Rand) string { return group("62"+randDigits(r, 14), []int{4, 4, 4, 4}, " ") },     // card
	func(r *rand.Rand) string { return group("4"+randDigits(r, 15), []int{4, 4, 4, 4}, "-") },      // card with dashes
	func(r *rand.Rand) string { return "62" + randDigits(r, 17) },                                  // 19-digit card
	func(r *rand.Rand) string { return randDigits(r, 12) },                                         // account
	func(r *rand.Rand) string { return group(randDigits(r, 20), []int{4, 4, 4, 4, 4}, " ") },       // account groups
	func(r *rand.Rand) string { return "1101" + randDigits(r, 13) + "X" },                          // CN ID with X
	func(r *rand.Rand) string { return "4401" + randDigits(r, 14) },                                // CN ID
	func(r *rand.Rand) string { return "A" + randDigits(r, 6) + "(" + randDigits(r, 1) + ")" },     // HK ID
	func(r *rand.Rand) string { return "F" + randDigits(r, 9) },                                    // TW ID
	func(r *rand.Rand) string { return "S" + randDigits(r, 7) + "D" },                              // NRIC
	func(r *rand.Rand) string { return "E" + randDigits(r, 8) },                                    // passport
	func(r *rand.Rand) string { return "0571-" + randDigits(r, 8) },                                // landline
	func(r *rand.Rand) string {
		return "１３８" + strings.Map(func(c rune) rune { return c - '0' + '０' }, randDigits(r, 8))
	}, // full-width
	func(r *rand.Rand) string { return group("1"+randDigits(r, 10), []int{3, 4, 4}, ".") },
	func(r *rand.Rand) string { return group(randDigits(r, 11), []int{3, 3, 5}, "/") },
}

var templates = []string{
	"他的电话是%s，说是快递客服",
	"让我转到这个卡号%s",
	"对方报了我的身份证号%s，还知道我的地址",
	"my card number is %s and he asked for it",
	"he called from %s and said he was from the bank",
	"account no. %s, name Chan Tai Man",
	"收款账户：%s（个人账户）",
	"我的手機係%s，佢話係警察",
	"please transfer to %s today",
	"號碼%s打來說包裹丟了",
	"ID: %s.",
	"%s",
}

// TestMaskLeavesNoNumber: property test over generated numbers in many
// formats, in both languages: no seven digits of an identifying number
// survive masking.
func TestMaskLeavesNoNumber(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	n := 0
	for round := 0; round < 40; round++ {
		for gi, gen := range generators {
			for _, tpl := range templates {
				num := gen(r)
				text := fmt.Sprintf(tpl, num)
				got := redact.Mask(text, redact.Options{})
				n++
				if leaks(num, got) {
					t.Fatalf("generator %d: Mask(%q) = %q: the number %q leaks", gi, text, got, num)
				}
				if redact.DigitRun(got) >= 7 {
					t.Fatalf("Mask(%q) = %q keeps a run of 7+ digits", text, got)
				}
			}
		}
	}
	t.Logf("%d masked texts checked", n)
}

func TestMaskKeepsAmountsAndOrdinaryText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"他让我转5000块，然后再借10w", "他让我转5000块，然后再借10w"},
		{"I paid ¥12,500.50 and then $3,000,000", "I paid ¥12,500.50 and then $3,000,000"},
		{"验证码是123456", "验证码是123456"},
		{"on 2026-11-26 at 10:30", "on 2026-11-26 at 10:30"},
		{"借了1234567元", "借了1234567元"},
		{"他的微信是 abc@qq.com", "他的微信是 " + redact.Email},
		{"点这个链接 http://sf-claims.top/pay?id=99 填资料", "点这个链接 " + redact.Link + " 填资料"},
		{"go to www.citi-secure.xyz now", "go to " + redact.Link + " now"},
		{"我叫王小明，住在中山路88号3栋501室", "我叫" + redact.Name + "，住在" + redact.Address},
		{"my name is Jane Tan and I live at 12 Orchard Road #05-01", "my name is " + redact.Name + " and I live at " + redact.Address},
		{"王先生说他是快递客服", redact.Name + "说他是快递客服"},
		{"Mr Tan from the bank called", redact.Name + " from the bank called"},
		{"快递客服打电话说包裹丢了", "快递客服打电话说包裹丢了"},
	} {
		if got := redact.Mask(tc.in, redact.Options{}); got != tc.want {
			t.Errorf("Mask(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskKeepsMarkedEvidence(t *testing.T) {
	text := "骗子的账户是6222021234567890123，我的卡是6217001234567890"
	got := redact.Mask(text, redact.Options{Keep: []string{"6222021234567890123"}})
	if !strings.Contains(got, "6222021234567890123") {
		t.Errorf("the scammer's account, marked as evidence, was masked: %q", got)
	}
	if strings.Contains(got, "6217001234567890") {
		t.Errorf("the user's own card survived: %q", got)
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"138 1234 5678", "身份证11010519491231002X", "+852 9123 4567", "S1234567D", "1,234,567", "abc@x.cn", "http://a.top/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := redact.Mask(s, redact.Options{})
		if redact.DigitRun(got) >= 7 && !strings.ContainsAny(s, ",$¥￥£€元块万萬") {
			t.Fatalf("Mask(%q) = %q keeps a run of 7+ digits", s, got)
		}
	})
}
