package terminal_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/terminal"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/terminal -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test ./bot/terminal -update to accept):\n got: %s\nwant: %s", name, got, want)
	}
}

// user plays the person at the keyboard: it waits for each prompt, reads
// what the bot printed, and types the next line, like someone answering
// questions in whatever order the bot asks them.
type user struct {
	mu      sync.Mutex
	cond    *sync.Cond
	out     bytes.Buffer
	prompts int
	served  int
	pending []byte
	next    func(screen string) (string, bool)
}

func newUser(next func(screen string) (string, bool)) *user {
	u := &user{next: next}
	u.cond = sync.NewCond(&u.mu)
	return u
}

func (u *user) Write(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.out.Write(p)
	u.prompts += bytes.Count(p, []byte("> "))
	u.cond.Broadcast()
	return len(p), nil
}

func (u *user) Read(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.pending) == 0 {
		deadline := time.AfterFunc(10*time.Second, func() { u.mu.Lock(); u.prompts = -1 << 30; u.cond.Broadcast(); u.mu.Unlock() })
		for u.prompts <= u.served && u.prompts >= 0 {
			u.cond.Wait()
		}
		deadline.Stop()
		if u.prompts < 0 {
			return 0, io.EOF
		}
		u.served = u.prompts
		line, ok := u.next(u.out.String())
		if !ok {
			return 0, io.EOF
		}
		u.pending = []byte(line + "\n")
	}
	n := copy(p, u.pending)
	u.pending = u.pending[n:]
	return n, nil
}

var choiceLine = regexp.MustCompile(`(?m)^  (\d+)\) (.+)$`)

// screenChoices returns the choices of the last turn: number by label.
func lastTurn(screen string) string {
	i := strings.LastIndex(strings.TrimRight(screen, "> \n"), "\n> ")
	return screen[i+1:]
}

// answerer types, for the question on screen, the first label of want
// that is offered (by its number), "not sure" otherwise; it stops at a
// result.
func answerer(first []string, want []string, stopAt string) func(string) (string, bool) {
	script := append([]string(nil), first...)
	return func(screen string) (string, bool) {
		turn := lastTurn(screen)
		if len(script) > 0 {
			line := script[0]
			script = script[1:]
			return line, true
		}
		if strings.Contains(turn, stopAt) {
			return "", false
		}
		choices := choiceLine.FindAllStringSubmatch(turn, -1)
		for _, w := range want {
			for _, c := range choices {
				if c[2] == w {
					return c[1], true
				}
			}
		}
		for _, c := range choices {
			if c[2] == "Not sure" || c[2] == "不确定" {
				return c[1], true
			}
		}
		return "", false
	}
}

func chat(t *testing.T, lang bot.Lang, u *user) string {
	t.Helper()
	cat, err := catalogue.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	b := conversation.New(engine.New(cat))
	clock := func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	if err := terminal.Run(context.Background(), b, u, u, terminal.Options{Lang: lang, Now: clock}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.out.String()
}

// A story, then checklist answers, to a critical result.
func TestChatToCritical(t *testing.T) {
	u := newUser(answerer(
		[]string{"刚才有个自称顺丰客服的打电话，说我的包裹丢了要双倍赔偿"},
		[]string{"两样都有", "让我登录他给的账号买卡", "已经借了款", "是，都说对了", "让我加微信、QQ或进群"},
		"🔴"))
	out := chat(t, "", u)
	for _, want := range []string{"⛔", "挂断", "🔴", "110", "96110", "95338", "转发提醒给家人"} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "⛔") > strings.Index(out, "🔴") {
		t.Errorf("the urgent warning must come before the result")
	}
	checkGolden(t, "critical_zh", []byte(out))
}

// A courier who only delivers: every answer "no", to a low result.
func TestChatToLow(t *testing.T) {
	u := newUser(answerer(
		[]string{"Start a check"},
		[]string{"A courier or delivery service", "Something else", "A phone call", "No", "Not yet", "No, it stayed in the official app"},
		"Low risk"))
	out := chat(t, bot.EN, u)
	if !strings.Contains(out, "🟢 Low risk") {
		t.Errorf("transcript does not end low:\n%s", out)
	}
	checkGolden(t, "low_en", []byte(out))
}

// Answer a question, go back, answer it differently.
func TestChatChangesEarlierAnswer(t *testing.T) {
	u := newUser(answerer([]string{"Start a check", "A courier or delivery service", "/back", "Police, a court or an official", "/result"}, nil, "/100)"))
	out := chat(t, bot.EN, u)
	if strings.Count(out, "Who contacted you?") < 2 {
		t.Errorf("the first question was not asked again after back:\n%s", out)
	}
	if !strings.Contains(out, "police") {
		t.Errorf("the changed answer does not show in the result:\n%s", out)
	}
	checkGolden(t, "back_en", []byte(out))
}

func TestChatEndsAtEOF(t *testing.T) {
	u := newUser(func(string) (string, bool) { return "", false })
	out := chat(t, bot.ZH, u)
	if !strings.Contains(out, "你好") {
		t.Errorf("no greeting:\n%s", out)
	}
}
