package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// scambotBinary builds cmd/scambot into the test's temporary directory
// (the go command's cache makes a rebuild cheap).
func scambotBinary(t testing.TB) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build the binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "scambot")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build scambot: %v\n%s", err, out)
	}
	return bin
}

// A child is scambot serve running as a separate process.
type child struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
}

func startChild(t *testing.T, srv *telegramtest.Server, bin, db string) *child {
	t.Helper()
	c := &child{stderr: &syncBuffer{}}
	c.cmd = exec.Command(bin, "serve")
	c.cmd.Env = []string{
		"TELEGRAM_BOT_TOKEN=" + srv.Token(),
		"SCAMBOT_TELEGRAM_API_URL=" + srv.URL,
		"SCAMBOT_DB=" + db,
		"SCAMBOT_HTTP_ADDR=127.0.0.1:0",
		"SCAMBOT_LOG_FORMAT=json",
	}
	c.cmd.Stderr = c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start scambot: %v", err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	})
	err := srv.WaitFor(ctxFor(t, 20*time.Second), func(s *telegramtest.Server) bool { return s.Polling() })
	if err != nil {
		t.Fatalf("scambot did not start polling: %v\n%s", err, c.stderr)
	}
	return c
}

// TestServeKill9MidChecklist runs the real binary, answers questions, kills
// it with SIGKILL right after the bot took an answer, starts it again, and
// checks that the next tap continues the same checklist and that nothing
// was processed or sent twice. Then SIGTERM stops it cleanly.
func TestServeKill9MidChecklist(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	srv := telegramtest.NewServer(t)
	db := filepath.Join(t.TempDir(), "scambot.db")
	bin := scambotBinary(t)
	a := startChild(t, srv, bin, db)
	no := user(777001, "No", "zh")
	chat := telegramtest.PrivateChat(no)
	var queries []string

	srv.SendText(chat, no, "/start")
	welcome := waitSentTo(t, srv, a, no.ID, 1)[0]
	queries = append(queries, srv.PressButton(chat, no, welcome.MessageID, buttonWith(t, callbackData(welcome.ReplyMarkup), "check")))
	q := waitSentTo(t, srv, a, no.ID, 2)[1]
	qid := q.MessageID
	// Answer two questions; each edits the question message.
	for i := 2; i <= 3; i++ {
		_, data := currentQuestion(t, srv, no.ID, qid)
		queries = append(queries, srv.PressButton(chat, no, qid, unsure(t, data)))
		waitQuestion(t, srv, a, no.ID, qid, i)
	}
	// The third answer: kill -9 as soon as the bot has taken it (it answers
	// the callback before anything else).
	_, data := currentQuestion(t, srv, no.ID, qid)
	third := srv.PressButton(chat, no, qid, unsure(t, data))
	queries = append(queries, third)
	err := srv.WaitFor(ctxFor(t, 20*time.Second), func(s *telegramtest.Server) bool {
		for _, c := range s.Calls("answerCallbackQuery") {
			if c.Params["callback_query_id"] == third {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("the bot did not take the third answer: %v\n%s", err, a.stderr)
	}
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	a.cmd.Wait()

	b := startChild(t, srv, bin, db)
	waitQuestion(t, srv, b, no.ID, qid, 4) // the third answer was not lost
	_, data = currentQuestion(t, srv, no.ID, qid)
	queries = append(queries, srv.PressButton(chat, no, qid, unsure(t, data)))
	waitQuestion(t, srv, b, no.ID, qid, 5) // the next tap continues, not from the first question

	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- b.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("scambot exited with %v after SIGTERM\n%s", err, b.stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("scambot did not exit within 15 s of SIGTERM\n%s", b.stderr)
	}

	if sent := srv.SentTo(no.ID); len(sent) != 2 {
		t.Errorf("sent %d messages, want the welcome and one question message (edited since):%s", len(sent), texts(sent))
	}
	answered := map[string]int{}
	for _, c := range srv.CallbackAnswers() {
		answered[c.QueryID]++
	}
	for _, id := range queries {
		if answered[id] != 1 {
			t.Errorf("callback %s answered %d times, want 1", id, answered[id])
		}
	}
	// Every edit changed the question (none repeated a processed update),
	// except possibly one re-sent after the kill, which Telegram reports as
	// not modified.
	notModified := 0
	for _, c := range srv.Calls("editMessageText") {
		if !c.OK() {
			if !strings.Contains(c.Description, "not modified") {
				t.Errorf("edit failed: %s", c.Description)
			}
			notModified++
		}
	}
	if notModified > 1 {
		t.Errorf("%d edits repeated", notModified)
	}
	for _, secret := range []string{"777001", "No\"", srv.Token()} {
		if strings.Contains(a.stderr.String()+b.stderr.String(), secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

// unsure picks the "not sure" answer, which keeps the checklist going.
func unsure(t testing.TB, data []string) string {
	t.Helper()
	for _, d := range data {
		if strings.HasPrefix(d, "a:") && strings.HasSuffix(d, ":unsure") {
			return d
		}
	}
	t.Fatalf("no 'not sure' answer among %q", data)
	return ""
}

func waitSentTo(t *testing.T, srv *telegramtest.Server, c *child, chat int64, n int) []telegramtest.SentMessage {
	t.Helper()
	got, err := srv.WaitSentTo(ctxFor(t, 20*time.Second), chat, n)
	if err != nil {
		t.Fatalf("%v\nsent:%s\nscambot stderr:\n%s", err, texts(got), c.stderr)
	}
	return got
}

// waitQuestion waits until message id in chat shows question n.
func waitQuestion(t *testing.T, srv *telegramtest.Server, c *child, chat int64, id, n int) {
	t.Helper()
	want := "（第 " + itoa(n) + " 题）"
	err := srv.WaitFor(ctxFor(t, 20*time.Second), func(s *telegramtest.Server) bool {
		m, ok := s.Message(chat, id)
		return ok && strings.Contains(m.Text, want)
	})
	if err != nil {
		m, _ := srv.Message(chat, id)
		t.Fatalf("question message = %q, want %s: %v\nscambot stderr:\n%s", m.Text, want, err, c.stderr)
	}
}
