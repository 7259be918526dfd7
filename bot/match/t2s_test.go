package match

import "testing"

// The Traditional-to-Simplified table must leave Simplified text alone and
// be idempotent: every output is its own Simplified form.
func TestToSimplifiedIdempotent(t *testing.T) {
	for i := 0; i+1 < len(t2sPairs); i += 2 {
		to := rune(t2sPairs[i+1])
		if again := ToSimplified(to); again != to {
			t.Errorf("%c -> %c -> %c: not idempotent", rune(t2sPairs[i]), to, again)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"什麼", "什么"}, {"什么", "什么"}, {"戶口", "户口"}, {"帳戶", "账户"}, {"帐户", "账户"}, {"騙徒", "骗徒"},
		{"轉數快", "转数快"}, {"點數", "点数"}, {"網銀", "网银"}, {"裡", "里"}, {"吃", "吃"}, {"温", "温"},
	} {
		got, _ := Normalize(nil, nil, tc.in)
		if string(got) != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
