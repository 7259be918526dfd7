package llm

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

var digitRun7 = regexp.MustCompile(`\p{Nd}{7,}`)

func TestMaskExamples(t *testing.T) {
	tests := []struct{ in, want string }{
		{"电话138 1234 5678，", "电话[number]，"},
		{"call +86-138-1234-5678 now", "call [number] now"},
		{"卡号6222 0212 3456 7890 123。", "卡号[number]。"},
		{"身份证11010519491231002X。", "身份证[number]。"},
		{"身份证 11010519491231002x", "身份证 [number]"},
		{"HK 9123 4567", "HK [number]"},
		{"+65 9123 4567.", "[number]."},
		{"(852) 9123-4567", "[number]"},
		{"HKID A123456(7) please", "HKID [number] please"},
		{"NRIC S1234567D.", "NRIC [number]."},
		{"QQ号：123456789", "QQ号：[number]"},
		{"１３８１２３４５６７８", "[number]"},
		{"打开 https://sf-express.com.claim-cn.top/pay?id=123456789 领取", "打开 [link] 领取"},
		{"点击www.jd-refund.cn/a1b2", "点击[link]"},
		{"网址 t.cn/A6bcdE 登录", "网址 [link] 登录"},
		{"Mail me at john.doe+1@example.co.uk.", "Mail me at [email]."},
		{"邮箱13812345678@qq.com", "邮箱[email]"},
		{"账户 6217-0000-1111-2222-333，户名张三", "账户 [number]，户名张三"},
		// What stays: amounts, short codes, dates, words with dots.
		{"转了5000元，又借了10w，一共1.5万", "转了5000元，又借了10w，一共1.5万"},
		{"赔偿 3,000,000 元或 ¥12,500.50", "赔偿 3,000,000 元或 ¥12,500.50"},
		{"验证码 482913，尾号 1234", "验证码 482913，尾号 1234"},
		{"on 2024-05-01 and 2024/5/1", "on 2024-05-01 and 2024/5/1"},
		{"e.g. Node.js, Mr.Smith", "e.g. Node.js, Mr.Smith"},
		{"5000\n3000\n2000", "5000\n3000\n2000"},
	}
	for _, tt := range tests {
		if got := mask(tt.in).text; got != tt.want {
			t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A numberFormat writes the digits of a number the way people do.
type numberFormat struct {
	name   string
	digits int // how many random digits
	write  func(d string) string
}

var numberFormats = []numberFormat{
	{"cn mobile", 11, func(d string) string { return d }},
	{"cn mobile 3-4-4", 11, func(d string) string { return d[:3] + " " + d[3:7] + " " + d[7:] }},
	{"cn mobile dashes", 11, func(d string) string { return d[:3] + "-" + d[3:7] + "-" + d[7:] }},
	{"cn mobile +86", 11, func(d string) string { return "+86 " + d[:3] + " " + d[3:7] + " " + d[7:] }},
	{"cn mobile +86-", 11, func(d string) string { return "+86-" + d[:3] + "-" + d[3:7] + "-" + d[7:] }},
	{"cn mobile (+86)", 11, func(d string) string { return "(+86)" + d }},
	{"cn mobile 0086", 11, func(d string) string { return "0086 " + d }},
	{"cn landline", 11, func(d string) string { return d[:3] + "-" + d[3:] }},
	{"cn landline parens", 11, func(d string) string { return "(" + d[:3] + ") " + d[3:7] + " " + d[7:] }},
	{"card 16", 16, func(d string) string { return group(d, 4, " ") }},
	{"card 19", 19, func(d string) string { return group(d, 4, " ") }},
	{"card 19 dashes", 19, func(d string) string { return group(d, 4, "-") }},
	{"card bare", 16, func(d string) string { return d }},
	{"account 12", 12, func(d string) string { return d }},
	{"cn id", 17, func(d string) string { return d + "X" }},
	{"cn id digit", 18, func(d string) string { return d }},
	{"cn id spaced", 17, func(d string) string { return d[:6] + " " + d[6:14] + " " + d[14:] + "x" }},
	{"hk mobile", 8, func(d string) string { return d[:4] + " " + d[4:] }},
	{"hk +852", 8, func(d string) string { return "+852 " + d[:4] + " " + d[4:] }},
	{"hk (852)", 8, func(d string) string { return "(852) " + d[:4] + "-" + d[4:] }},
	{"hk id", 7, func(d string) string { return "A" + d[:6] + "(" + d[6:] + ")" }},
	{"sg +65", 8, func(d string) string { return "+65 " + d[:4] + " " + d[4:] }},
	{"sg nric", 7, func(d string) string { return "S" + d + "D" }},
	{"tw mobile", 10, func(d string) string { return d[:4] + "-" + d[4:7] + "-" + d[7:] }},
	{"tw +886", 9, func(d string) string { return "+886 " + d[:3] + " " + d[3:6] + " " + d[6:] }},
	{"tw id", 9, func(d string) string { return "A" + d }},
	{"passport", 8, func(d string) string { return "E" + d }},
	{"dots", 11, func(d string) string { return d[:3] + "." + d[3:7] + "." + d[7:] }},
	{"full width", 11, func(d string) string { return toFullWidth(d) }},
	{"full width spaced", 11, func(d string) string { return toFullWidth(d[:3]) + "　" + toFullWidth(d[3:]) }},
	{"qq", 9, func(d string) string { return d }},
}

func group(d string, n int, sep string) string {
	var parts []string
	for len(d) > n {
		parts = append(parts, d[:n])
		d = d[n:]
	}
	return strings.Join(append(parts, d), sep)
}

func toFullWidth(d string) string {
	return strings.Map(func(r rune) rune { return r - '0' + '０' }, d)
}

// contexts put a number in a sentence; none has digits of its own.
var contexts = []string{
	"%s", "电话%s", "他的电话是%s，让我回拨", "号码：%s。", "卡号 %s 的户名是张三",
	"call %s now", "my card %s.", "ID no. %s, expires", "（%s）", "尾号%s的账户", "%s转账",
	"Please transfer to %s!", "「%s」", "转到%s里",
}

// Every number, in every format and sentence, is masked whole: the result
// has no run of 7 digits, none of its last 7 digits in order, and the
// sentence around it unchanged.
func TestMaskNumbersProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, nf := range numberFormats {
		for i := range 60 {
			var d strings.Builder
			d.WriteByte(byte('1' + rng.IntN(9))) // a leading zero is as good, but keeps names simple
			for range nf.digits - 1 {
				d.WriteByte(byte('0' + rng.IntN(10)))
			}
			num := nf.write(d.String())
			ctx := contexts[i%len(contexts)]
			in := fmt.Sprintf(ctx, num)
			m := mask(in)
			if run := digitRun7.FindString(m.text); run != "" {
				t.Errorf("%s: mask(%q) = %q keeps the run %q", nf.name, in, m.text, run)
			}
			digits := digitsIn(m.text)
			if tail := d.String()[len(d.String())-7:]; strings.Contains(digits, tail) || strings.Contains(digits, toFullWidth(tail)) {
				t.Errorf("%s: mask(%q) = %q keeps the digits %s", nf.name, in, m.text, tail)
			}
			prefix, suffix, _ := strings.Cut(ctx, "%s")
			if !strings.Contains(m.text, maskNumber) || !strings.HasPrefix(m.text, strings.TrimRight(prefix, "(（+")) ||
				!strings.HasSuffix(m.text, strings.TrimLeft(suffix, ")）")) {
				t.Errorf("%s: mask(%q) = %q, want the sentence kept around %s", nf.name, in, m.text, maskNumber)
			}
			checkSpans(t, in, m)
		}
	}
}

// Amounts, short codes and dates stay readable.
func TestMaskKeepsAmountsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	amounts := []func() string{
		func() string { return fmt.Sprint(rng.IntN(1_000_000)) },                    // up to 6 digits
		func() string { return fmt.Sprintf("%dw", rng.IntN(1000)) },                 // 10w
		func() string { return fmt.Sprintf("%d.%d万", rng.IntN(100), rng.IntN(10)) }, // 1.5万
		func() string { return commas(rng.IntN(1_000_000_000)) },                    // 3,000,000
		func() string { return commas(rng.IntN(10_000_000)) + fmt.Sprintf(".%02d", rng.IntN(100)) },
		func() string { return fmt.Sprintf("%06d", rng.IntN(1_000_000)) }, // a 6-digit code
		func() string { return fmt.Sprintf("20%02d-%02d-%02d", rng.IntN(30), 1+rng.IntN(12), 1+rng.IntN(28)) },
	}
	for i := range 500 {
		a := amounts[i%len(amounts)]()
		for _, ctx := range []string{"转了%s元", "he wants %s dollars", "一共%s，", "¥%s"} {
			in := fmt.Sprintf(ctx, a)
			if got := mask(in).text; got != in {
				t.Errorf("mask(%q) = %q, want it unchanged", in, got)
			}
		}
	}
}

func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func digitsIn(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// checkSpans checks that the spans map the masked text back to the
// original: the text between them is the same, and each replaced part is
// a placeholder.
func checkSpans(t *testing.T, orig string, m masked) {
	t.Helper()
	at, mat := 0, 0
	for _, sp := range m.spans {
		if sp.start < at || sp.end <= sp.start || sp.mstart < mat {
			t.Fatalf("mask(%q): spans out of order: %+v", orig, m.spans)
		}
		if orig[at:sp.start] != m.text[mat:sp.mstart] {
			t.Fatalf("mask(%q): %q before a span became %q", orig, orig[at:sp.start], m.text[mat:sp.mstart])
		}
		switch m.text[sp.mstart:sp.mend] {
		case maskNumber, maskLink, maskEmail:
		default:
			t.Fatalf("mask(%q): span holds %q", orig, m.text[sp.mstart:sp.mend])
		}
		if s, e, ok := m.origRange(sp.mstart, sp.mend); !ok || s != sp.start || e != sp.end {
			t.Fatalf("mask(%q): origRange of a placeholder = %d, %d, %v; want %d, %d", orig, s, e, ok, sp.start, sp.end)
		}
		at, mat = sp.end, sp.mend
	}
	if orig[at:] != m.text[mat:] {
		t.Fatalf("mask(%q): tail %q became %q", orig, orig[at:], m.text[mat:])
	}
}

func TestLocate(t *testing.T) {
	text := "他說：請下載 ZOOM 會議，  共享屏幕給我看。卡号 6222 0212 3456 7890，验证码 482913"
	m := mask(text)
	tests := []struct {
		quote, want string
		ok          bool
	}{
		{"共享屏幕給我看", "共享屏幕給我看", true},
		{"共享屏幕给我看", "共享屏幕給我看", true},
		{"“共享屏幕給我看”", "共享屏幕給我看", true},
		{"卡号 [number]", "卡号 6222 0212 3456 7890", true},
		{"[number]，验证码", "6222 0212 3456 7890，验证码", true},
		{"验证码 482913", "验证码 482913", true},
		{"number]，验证码", "", false}, // half a placeholder
		{"共享", "共享", true},
		{"屏", "", false},
		{"   ", "", false},
		{"share the screen", "", false},
		{"共享屏幕給我看。卡号 6222", "共享屏幕給我看。卡号 6222", true},
	}
	for _, tt := range tests {
		got, ok := locate(text, m, tt.quote)
		if got != tt.want || ok != tt.ok {
			t.Errorf("locate(%q) = %q, %v; want %q, %v", tt.quote, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTruncate(t *testing.T) {
	s := strings.Repeat("甲", 50) + strings.Repeat("乙", 50)
	got := truncate(s, 40)
	if n := len([]rune(got)); n > 40 {
		t.Errorf("truncate to 40 gave %d characters", n)
	}
	if !strings.HasPrefix(got, "甲") || !strings.HasSuffix(got, "乙") {
		t.Errorf("truncate = %q, want the beginning and the end", got)
	}
	if got := truncate("short", 40); got != "short" {
		t.Errorf("truncate(short) = %q", got)
	}
	if got := truncate("abcdef", 2); got != "ab" {
		t.Errorf("truncate(abcdef, 2) = %q", got)
	}
}
