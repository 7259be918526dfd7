package llm

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"", "138 1234 5678", "+86-138-1234-5678", "6222 0212 3456 7890 123", "11010519491231002X",
		"HK 9123 4567", "+65 9123 4567", "(852) 9123-4567", "A123456(7)", "１３８１２３４５６７８",
		"转了5000元，借了10w", "3,000,000", "2024-05-01 10:30", "http://a.cn/1234567 x", "a@b.co 1234567",
		"x.cn１２３４５６７", "12 34 56 78", "1.2.3.4.5.6.7", "www.", "@.", "\xff1234567\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := mask(s)
		if run := digitRun7.FindString(m.text); run != "" {
			t.Fatalf("mask(%q) = %q keeps the run %q", s, m.text, run)
		}
		if utf8.ValidString(s) && !utf8.ValidString(m.text) {
			t.Fatalf("mask(%q) = %q is not valid UTF-8", s, m.text)
		}
		checkSpans(t, s, m)
		// Masking is stable: placeholders hold no digits to mask again.
		if again := mask(m.text).text; again != m.text {
			t.Fatalf("mask(mask(%q)) = %q, want %q", s, again, m.text)
		}
	})
}

func FuzzParseReply(f *testing.F) {
	for _, s := range []string{
		`{"signals": [{"id": "urgency", "evidence": "快"}]}`, `{"signals": []}`, `[{"id": "a"}]`,
		"```json\n{\"signals\": null}\n```", `{"signals": [1, "a", {"id": 2}]}`, `{`, `}{`, `x {"signals": [] } y`,
	} {
		f.Add(s, "他让我快点转账 138 1234 5678")
	}
	f.Fuzz(func(t *testing.T, content, text string) {
		props, err := parseReply(content)
		if err != nil && props != nil {
			t.Fatalf("parseReply(%q) = %v with error %v", content, props, err)
		}
		if len(props) > maxProposals {
			t.Fatalf("parseReply(%q) kept %d items", content, len(props))
		}
		m := mask(text)
		for _, p := range props {
			if ev, ok := locate(text, m, p.Evidence); ok && !strings.Contains(text, ev) {
				t.Fatalf("locate(%q, %q) = %q, not a substring", text, p.Evidence, ev)
			}
		}
	})
}

func FuzzLocate(f *testing.F) {
	f.Add("他說：請下載 ZOOM 會議，  共享屏幕", "请下载 zoom")
	f.Add("卡号 6222 0212 3456 7890，验证码", "卡号 [number]")
	f.Add("ａｂｃｄ\u3000ｅ", "abcd e")
	f.Fuzz(func(t *testing.T, text, quote string) {
		ev, ok := locate(text, mask(text), quote)
		if ok && (ev == "" || !strings.Contains(text, ev)) {
			t.Fatalf("locate(%q, %q) = %q, not a substring", text, quote, ev)
		}
		if !ok && ev != "" {
			t.Fatalf("locate(%q, %q) = %q, false", text, quote, ev)
		}
	})
}
