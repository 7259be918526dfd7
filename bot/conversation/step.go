package conversation

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/redact"
)

// MaxText is how many characters of one message are read; the rest is
// ignored (and the user told so).
const MaxText = 4000

// maxEvidence is how many characters of evidence are kept per signal.
const maxEvidence = 60

// minGain is the information gain (bits) below which no question is worth
// asking and the result is shown.
const minGain = 0.05

// Choice ids. Answer choices are "a:<seq>:<question>:<answer>".
const (
	ChoiceStory    = "story"
	ChoiceCheck    = "check"
	ChoiceBack     = "back"
	ChoiceResult   = "result"
	ChoiceRestart  = "restart"
	ChoiceHotlines = "hotlines"
	ChoiceFix      = "fix"
	ChoiceContinue = "continue"
	ChoiceReport   = "report"
	ChoiceSkip     = "skip"
	ChoiceCancel   = "cancel"
	prefixAnswer   = "a:"
	prefixFix      = "fix:"
	prefixLang     = "lang:"
	prefixRegion   = "region:"
	prefixShare    = "share:"
	prefixCard     = "card-" // /start payload for a script's card
)

// Commands the core understands (without "/").
var Commands = []string{"start", "check", "hotlines", "lang", "region", "help", "forget", "back", "result", "restart"}

// A Bot runs conversations against one engine. It is immutable and safe for
// concurrent use.
type Bot struct {
	eng *engine.Engine
	cat *catalogue.Catalogue
}

// New returns a Bot for an engine.
func New(eng *engine.Engine) *Bot { return &Bot{eng: eng, cat: eng.Catalogue()} }

// Engine returns the engine the bot uses.
func (b *Bot) Engine() *engine.Engine { return b.eng }

// Outcome is what one Step produced.
type Outcome struct {
	State   State
	Replies []bot.Reply
	// Forget: the user asked to delete everything kept about them; the
	// adapter must delete its records (State is already empty).
	Forget bool
	// Result is the assessment behind a result shown in Replies, if any.
	Result *bot.Assessment
	// Report is a field report the user consented to send, masked; the
	// adapter stores it (or refuses it politely over the rate limit).
	Report *Report
}

// A Report is a scam a user chose to report to help others. Text is masked
// (bot/redact); Evidence holds only what the user marked as the scammer's
// own numbers or links.
type Report struct {
	Lang     bot.Lang
	Region   string
	Level    bot.Level
	Category bot.Category
	Script   string
	Signals  []bot.SignalID
	Text     string
	Evidence string
}

// step carries one Step's working values.
type step struct {
	b   *Bot
	st  State
	out Outcome
	sc  engine.Scratch
}

func (s *step) lang() bot.Lang {
	if s.st.Lang == "" {
		return bot.ZH
	}
	return s.st.Lang
}

func (s *step) msg(key string, args ...string) string {
	return s.b.cat.Messages.Get(s.lang(), key, args...)
}

func (s *step) say(kind bot.ReplyKind, text string, choices ...bot.Choice) {
	s.out.Replies = append(s.out.Replies, bot.Reply{Kind: kind, Text: text, Choices: choices})
}

// Step advances a conversation by one event. It is a pure function of the
// bot's catalogue, the state and the event.
func (b *Bot) Step(st State, ev bot.Event) Outcome {
	if st.V != Version {
		st = State{V: Version, Lang: st.Lang, LangSet: st.LangSet, Region: st.Region}
	}
	st = b.clean(st)
	// Quotes go back to the user and Telegram refuses invalid UTF-8.
	ev.Text = bot.Text(strings.ToValidUTF8(string(ev.Text), "\uFFFD"))
	ev.Args = strings.ToValidUTF8(ev.Args, "\uFFFD")
	if st.Lang == "" && ev.Lang != "" {
		st.Lang = ev.Lang
	}
	if st.Started.IsZero() {
		st.Started = ev.Time
	}
	s := &step{b: b, st: st}
	switch ev.Kind {
	case bot.EventCommand:
		s.command(strings.ToLower(ev.Command), strings.TrimSpace(ev.Args))
	case bot.EventChoice:
		s.choice(ev.Choice)
	default:
		s.text(string(ev.Text), ev.Extra)
	}
	if !s.out.Forget {
		s.st.Updated = ev.Time
	}
	s.out.State = s.st
	return s.out
}

func (s *step) command(cmd, args string) {
	switch cmd {
	case "start":
		s.start(args)
	case "check":
		s.startCheck()
	case "hotlines":
		s.hotlines()
	case "lang":
		if l, ok := bot.ParseLang(args); ok {
			s.setLang(l)
			return
		}
		s.say(bot.ReplyMessage, s.msg("choose_lang"),
			bot.Choice{ID: prefixLang + "zh", Label: "中文"}, bot.Choice{ID: prefixLang + "en", Label: "English"})
	case "region":
		if args != "" && s.b.cat.Region(strings.ToUpper(args)) != nil {
			s.setRegion(strings.ToUpper(args))
			return
		}
		s.chooseRegion()
	case "help":
		s.say(bot.ReplyMessage, s.msg("help"), s.menu()...)
	case "forget":
		lang := s.lang()
		s.st = State{V: Version}
		s.out.Forget = true
		s.out.Replies = append(s.out.Replies, bot.Reply{Kind: bot.ReplyMessage, Text: s.b.cat.Messages.Get(lang, "forgotten")})
	case "back":
		s.back()
	case "result":
		s.showResult()
	case "restart":
		s.st = s.st.Fresh()
		s.say(bot.ReplyMessage, s.msg("welcome"), s.menu()...)
	default:
		s.say(bot.ReplyMessage, s.msg("unknown_command"))
	}
}

func (s *step) menu() []bot.Choice {
	return []bot.Choice{
		{ID: ChoiceStory, Label: s.msg("btn_story"), Row: 0},
		{ID: ChoiceCheck, Label: s.msg("btn_check"), Row: 1},
		{ID: ChoiceHotlines, Label: s.msg("btn_hotlines"), Row: 1},
	}
}

func (s *step) start(payload string) {
	s.st = s.st.Fresh()
	switch {
	case payload == ChoiceCheck:
		s.startCheck()
	case strings.HasPrefix(payload, prefixCard):
		if sc := s.b.cat.Script(strings.TrimPrefix(payload, prefixCard)); sc != nil {
			s.say(bot.ReplyMessage, CardText(s.b.cat, sc, s.lang()),
				bot.Choice{ID: ChoiceStory, Label: s.msg("btn_story")}, bot.Choice{ID: ChoiceCheck, Label: s.msg("btn_check")})
			return
		}
		s.say(bot.ReplyMessage, s.msg("welcome"), s.menu()...)
	default:
		s.say(bot.ReplyMessage, s.msg("welcome"), s.menu()...)
	}
}

func (s *step) setLang(l bot.Lang) {
	s.st.Lang, s.st.LangSet = l, true
	s.say(bot.ReplyMessage, s.msg("lang_set"))
	s.resume()
}

func (s *step) chooseRegion() {
	var cs []bot.Choice
	for i, r := range s.b.cat.Regions {
		cs = append(cs, bot.Choice{ID: prefixRegion + r.Code, Label: r.Name.Get(s.lang()), Row: i / 3})
	}
	s.say(bot.ReplyMessage, s.msg("choose_region"), cs...)
}

func (s *step) setRegion(code string) {
	s.st.Region = code
	s.say(bot.ReplyMessage, s.msg("region_set", "region", s.b.cat.Region(code).Name.Get(s.lang())))
	s.resume()
}

// resume re-shows the current question, if one is waiting.
func (s *step) resume() {
	if s.st.Phase != PhaseChecklist {
		return
	}
	if q := s.b.cat.Question(s.st.Current); q != nil {
		s.ask(q)
		return
	}
	// The question waiting was removed by a catalogue reload: go on with
	// the next one.
	s.askNext()
}

func (s *step) hotlines() {
	s.say(bot.ReplyMessage, HotlinesText(s.b.cat, s.st.Region, s.lang()))
}

func (s *step) startCheck() {
	s.st.Phase = PhaseChecklist
	s.askNext()
}

func (s *step) choice(id string) {
	switch {
	case id == ChoiceStory:
		s.say(bot.ReplyMessage, s.msg("ask_story"))
	case id == ChoiceCheck:
		s.startCheck()
	case id == ChoiceBack:
		s.back()
	case id == ChoiceResult:
		s.showResult()
	case id == ChoiceRestart:
		s.command("restart", "")
	case id == ChoiceHotlines:
		s.hotlines()
	case id == ChoiceContinue:
		s.st.Phase = PhaseChecklist
		s.askNext()
	case id == ChoiceFix:
		s.fixMenu()
	case id == ChoiceReport:
		s.startReport()
	case id == ChoiceSkip && s.st.Phase == PhaseReportEvidence:
		s.finishReport("")
	case id == ChoiceCancel && (s.st.Phase == PhaseReportText || s.st.Phase == PhaseReportEvidence):
		s.st.Phase, s.st.ReportText = PhaseResult, ""
		s.say(bot.ReplyMessage, s.msg("report_cancelled"))
	case strings.HasPrefix(id, prefixFix):
		if q := s.b.cat.Question(strings.TrimPrefix(id, prefixFix)); q != nil {
			s.st.Phase = PhaseChecklist
			s.ask(q)
			return
		}
		s.stale()
	case strings.HasPrefix(id, prefixLang):
		if l, ok := bot.ParseLang(strings.TrimPrefix(id, prefixLang)); ok {
			s.setLang(l)
			return
		}
		s.stale()
	case strings.HasPrefix(id, prefixRegion):
		if code := strings.TrimPrefix(id, prefixRegion); s.b.cat.Region(code) != nil {
			s.setRegion(code)
			return
		}
		s.stale()
	case strings.HasPrefix(id, prefixShare):
		if sc := s.b.cat.Script(strings.TrimPrefix(id, prefixShare)); sc != nil {
			s.say(bot.ReplyMessage, CardText(s.b.cat, sc, s.lang()))
			return
		}
		s.stale()
	case strings.HasPrefix(id, prefixAnswer):
		s.answer(id)
	default:
		s.stale()
	}
}

// answer records "a:<seq>:<question>:<answer>" if it answers the question
// being asked now.
func (s *step) answer(id string) {
	parts := strings.Split(strings.TrimPrefix(id, prefixAnswer), ":")
	if len(parts) != 3 {
		s.stale()
		return
	}
	seq, err := strconv.Atoi(parts[0])
	q := s.b.cat.Question(parts[1])
	if err != nil || q == nil || seq != s.st.Seq || q.ID != s.st.Current || q.Answer(parts[2]) == nil {
		s.stale()
		return
	}
	if s.st.Answers == nil {
		s.st.Answers = map[string]string{}
	}
	s.st.Answers[q.ID] = parts[2]
	s.st.Asked = append(s.st.Asked, q.ID)
	s.st.Current = ""
	s.askNext()
}

func (s *step) stale() {
	s.say(bot.ReplyMessage, s.msg("stale_choice"))
	if s.st.Phase != PhaseChecklist {
		s.say(bot.ReplyMessage, s.msg("welcome"), s.menu()...)
		return
	}
	s.resume()
}

func (s *step) back() {
	if len(s.st.Asked) == 0 {
		s.say(bot.ReplyMessage, s.msg("nothing_to_undo"))
		s.resume()
		return
	}
	last := s.st.Asked[len(s.st.Asked)-1]
	s.st.Asked = s.st.Asked[:len(s.st.Asked)-1]
	delete(s.st.Answers, last)
	s.st.Phase = PhaseChecklist
	s.ask(s.b.cat.Question(last))
}

// text reads a narrative: it reports what it understood, warns at once if a
// scam is in progress, and goes on with the checklist or the result.
func (s *step) text(t string, extra []bot.SignalHit) {
	t = strings.TrimSpace(t)
	if t == "" {
		s.say(bot.ReplyMessage, s.msg("empty_text"))
		s.resume()
		return
	}
	switch s.st.Phase {
	case PhaseReportText:
		s.st.ReportText = redact.Mask(truncateRunes(t, MaxText), redact.Options{})
		s.st.Phase = PhaseReportEvidence
		s.say(bot.ReplyMessage, s.msg("report_evidence"),
			bot.Choice{ID: ChoiceSkip, Label: s.msg("btn_skip")}, bot.Choice{ID: ChoiceCancel, Label: s.msg("btn_cancel")})
		return
	case PhaseReportEvidence:
		s.finishReport(truncateRunes(t, 500))
		return
	}
	if !s.st.LangSet {
		s.st.Lang = DetectLang(t, s.st.Lang)
	}
	truncated := false
	if utf8.RuneCountInString(t) > MaxText {
		t = truncateRunes(t, MaxText)
		truncated = true
	}
	a := s.b.eng.Assess(&s.sc, engine.Input{Answers: s.st.Answers, Text: t, Known: s.st.Signals, Extra: extra,
		Lang: s.lang(), Region: s.st.Region, Org: s.st.Org})
	var fresh []bot.SignalHit
	for _, h := range a.Signals {
		if (h.Source == bot.FromText || h.Source == bot.FromModel) && !hasSignal(s.st.Signals, h.ID) {
			h.Evidence = truncateRunes(h.Evidence, maxEvidence)
			fresh = append(fresh, h)
		}
	}
	s.st.Signals = append(s.st.Signals, fresh...)
	if a.Organisation != "" {
		s.st.Org = a.Organisation
	}
	if a.Level >= bot.High && !s.st.Warned {
		s.urgent(a)
	}
	if truncated {
		s.say(bot.ReplyMessage, s.msg("text_too_long", "n", strconv.Itoa(MaxText)))
	}
	s.understood(fresh, a)
	if a.Level == bot.Critical {
		s.result(a)
		return
	}
	s.st.Phase = PhaseChecklist
	s.askNext()
}

func (s *step) urgent(a *bot.Assessment) {
	s.st.Warned = true
	text := s.msg("urgent_stop")
	if a.Loss {
		police := "110"
		for _, h := range a.Hotlines {
			if h.Number != "" {
				police = h.Number
				break
			}
		}
		text = s.msg("urgent_loss", "number", police)
	}
	s.out.Replies = append(s.out.Replies, bot.Reply{Kind: bot.ReplyUrgent, Text: text, Level: a.Level})
}

// understood repeats back, in plain words, the signals read from the text,
// and the apps, companies and amounts it names.
func (s *step) understood(fresh []bot.SignalHit, a *bot.Assessment) {
	if len(fresh) == 0 {
		if len(s.st.Signals) == 0 {
			s.say(bot.ReplyMessage, s.msg("understood_none"))
		}
		return
	}
	var b strings.Builder
	b.WriteString(s.msg("understood_intro"))
	for _, h := range fresh {
		sg := s.b.cat.Signals[s.b.cat.Signal(h.ID)]
		b.WriteString("\n• ")
		b.WriteString(sg.Label.Get(s.lang()))
		if h.Evidence != "" {
			b.WriteString(quote(s.lang(), h.Evidence))
		}
	}
	sep := "、"
	if s.lang() == bot.EN {
		sep = ", "
	}
	if len(a.Entities) > 0 {
		var names []string
		for _, en := range a.Entities {
			if !slices.Contains(names, en.Text) {
				names = append(names, en.Text)
			}
		}
		b.WriteString("\n")
		b.WriteString(s.msg("understood_named", "list", strings.Join(names, sep)))
	}
	if len(a.Amounts) > 0 {
		b.WriteString("\n")
		b.WriteString(s.msg("understood_amounts", "list", strings.Join(a.Amounts, sep)))
	}
	s.say(bot.ReplyMessage, b.String(), bot.Choice{ID: ChoiceFix, Label: s.msg("btn_correct")})
}

func quote(lang bot.Lang, e string) string {
	if lang == bot.EN {
		return ` ("` + e + `")`
	}
	return "（“" + e + "”）"
}

// fixMenu lists the questions the text answered, to correct one.
func (s *step) fixMenu() {
	var cs []bot.Choice
	for _, q := range s.b.cat.Questions {
		if _, ok := s.inferred(q); ok {
			cs = append(cs, bot.Choice{ID: prefixFix + q.ID, Label: shorten(q.Text.Get(s.lang()), 60), Row: len(cs)})
		}
	}
	if len(cs) == 0 {
		s.resume()
		return
	}
	cs = append(cs, bot.Choice{ID: ChoiceContinue, Label: s.msg("btn_continue"), Row: len(cs)})
	s.say(bot.ReplyMessage, s.msg("correct_intro"), cs...)
}

func (s *step) assess(text string) *bot.Assessment {
	return s.b.eng.Assess(&s.sc, engine.Input{Answers: s.st.Answers, Text: text, Known: s.st.Signals, Lang: s.lang(), Region: s.st.Region, Org: s.st.Org})
}

// inferred returns the answer the user's text gives to a question they have
// not answered themselves.
func (s *step) inferred(q *catalogue.Question) (*catalogue.Answer, bool) {
	if _, ok := s.st.Answers[q.ID]; ok || len(s.st.Signals) == 0 {
		return nil, false
	}
	var best *catalogue.Answer
	bestHits := 0
	for _, a := range q.Answers {
		hits := 0
		for _, i := range a.Signals {
			if hasSignal(s.st.Signals, s.b.cat.Signals[i].ID) {
				hits++
			}
		}
		if hits > bestHits || hits == bestHits && hits > 0 && len(a.Signals) < len(best.Signals) {
			best, bestHits = a, hits
		}
	}
	return best, best != nil
}

// askNext asks the most informative question left, or shows the result.
func (s *step) askNext() {
	a := s.assess("")
	if a.Level == bot.Critical {
		if !s.st.Warned {
			s.urgent(a)
		}
		s.result(a)
		return
	}
	q := s.nextQuestion(a)
	if q == nil {
		s.say(bot.ReplyMessage, s.msg("checklist_done"))
		s.result(a)
		return
	}
	s.st.Phase = PhaseChecklist
	s.ask(q)
}

func (s *step) ask(q *catalogue.Question) {
	s.st.Seq++
	s.st.Current = q.ID
	lang := s.lang()
	var cs []bot.Choice
	for i, a := range q.Answers {
		cs = append(cs, bot.Choice{ID: prefixAnswer + strconv.Itoa(s.st.Seq) + ":" + q.ID + ":" + a.ID, Label: a.Label.Get(lang), Row: i})
	}
	row := len(q.Answers)
	if len(s.st.Asked) > 0 {
		cs = append(cs, bot.Choice{ID: ChoiceBack, Label: s.msg("btn_back"), Row: row})
	}
	cs = append(cs, bot.Choice{ID: ChoiceResult, Label: s.msg("btn_result"), Row: row})
	text := s.msg("question_progress", "n", strconv.Itoa(len(s.st.Asked)+1)) + " " + q.Text.Get(lang)
	s.out.Replies = append(s.out.Replies, bot.Reply{Kind: bot.ReplyQuestion, Text: text, Choices: cs})
}

// nextQuestion picks the unanswered question whose answer best separates
// the scripts still in play (expected information gain over the scripts,
// weighted by how well each fits so far). With nothing known yet it asks
// the question marked first. When the risk is already high it asks whether
// money has moved, because that changes what to do now.
func (s *step) nextQuestion(a *bot.Assessment) *catalogue.Question {
	cat := s.b.cat
	var open []*catalogue.Question
	for _, q := range cat.Questions {
		if _, answered := s.st.Answers[q.ID]; answered {
			continue
		}
		if _, ok := s.inferred(q); ok {
			continue
		}
		open = append(open, q)
	}
	if len(open) == 0 {
		return nil
	}
	if len(s.st.Answers) == 0 && len(s.st.Signals) == 0 {
		for _, q := range open {
			if q.First {
				return q
			}
		}
	}
	if a.Level >= bot.High {
		for _, q := range open {
			if q.ID == "already" {
				return q
			}
		}
	}
	fits := s.sc.Fits()
	prior := make([]float64, len(cat.Scripts))
	total := 0.0
	for i := range prior {
		prior[i] = fits[i] + 0.02
		total += prior[i]
	}
	for i := range prior {
		prior[i] /= total
	}
	h0 := entropy(prior)
	next := s.nextStages(a)
	var best *catalogue.Question
	bestGain := minGain
	for _, q := range open {
		// Separate the scripts in play, and probe what the likely ones
		// would do next: a question whose answer carries a heavy weight in
		// the scripts that fit is worth asking even when it separates none.
		g := h0 - expectedEntropy(cat, q, prior) + relevance(cat, q, prior)
		if q.Urgent && a.Level >= bot.Medium {
			g += 0.1
		}
		// Follow the top script's story: ask first about the steps that
		// come next in it.
		for k, st := range next {
			if asksAbout(q, st) {
				g += 0.5 / float64(k+1)
			}
		}
		if g > bestGain+1e-9 {
			best, bestGain = q, g
		}
	}
	return best
}

// expectedEntropy is the entropy over scripts left after answering q,
// averaged over its answers. P(answer | script) comes from the weights the
// script gives the answer's signals; answers without signals ("no") share
// what is left.
func expectedEntropy(cat *catalogue.Catalogue, q *catalogue.Question, prior []float64) float64 {
	nA := len(q.Answers)
	joint := make([][]float64, nA) // joint[a][s] = P(s) P(a|s)
	for ai := range joint {
		joint[ai] = make([]float64, len(prior))
	}
	for si, sc := range cat.Scripts {
		like := make([]float64, nA)
		maxL, empty := 0.0, 0
		for ai, ans := range q.Answers {
			if ans.ID == catalogue.Unsure {
				continue
			}
			if len(ans.Signals) == 0 {
				empty++
				continue
			}
			l := 0.02
			for _, i := range ans.Signals {
				l = math.Max(l, sc.Weight[i])
			}
			like[ai] = l
			maxL = math.Max(maxL, l)
		}
		for ai, ans := range q.Answers {
			if ans.ID != catalogue.Unsure && len(ans.Signals) == 0 {
				like[ai] = math.Max(0.1, 1-maxL) / float64(empty)
			}
		}
		sum := 0.0
		for _, l := range like {
			sum += l
		}
		for ai := range like {
			if sum > 0 {
				joint[ai][si] = prior[si] * like[ai] / sum
			}
		}
	}
	h := 0.0
	for ai := range joint {
		pa := 0.0
		for _, p := range joint[ai] {
			pa += p
		}
		if pa == 0 {
			continue
		}
		post := make([]float64, len(prior))
		for si, p := range joint[ai] {
			post[si] = p / pa
		}
		h += pa * entropy(post)
	}
	return h
}

// nextStages returns the three stages of the top script after the one the
// user has reached (or its first three when none is reached yet).
func (s *step) nextStages(a *bot.Assessment) []*catalogue.Stage {
	if len(a.Scripts) == 0 || a.Scripts[0].Score < 20 {
		return nil
	}
	sc := s.b.cat.Script(a.Scripts[0].ID)
	from := 0
	if a.Stage != nil && a.Stage.Script == sc.ID {
		from = a.Stage.Index + 1
	}
	var out []*catalogue.Stage
	for i := from; i < len(sc.Stages) && len(out) < 3; i++ {
		out = append(out, sc.Stages[i])
	}
	return out
}

// asksAbout reports whether an answer of q means a signal of the stage.
func asksAbout(q *catalogue.Question, st *catalogue.Stage) bool {
	for _, ans := range q.Answers {
		for _, i := range ans.Signals {
			for _, j := range st.SignalIdx {
				if i == j {
					return true
				}
			}
		}
	}
	return false
}

// relevance is the expected heaviest weight an answer of q carries in the
// scripts, weighted by how well each fits.
func relevance(cat *catalogue.Catalogue, q *catalogue.Question, prior []float64) float64 {
	r := 0.0
	for si, sc := range cat.Scripts {
		w := 0.0
		for _, ans := range q.Answers {
			for _, i := range ans.Signals {
				w = math.Max(w, sc.Weight[i])
			}
		}
		r += prior[si] * w
	}
	return r
}

func entropy(p []float64) float64 {
	h := 0.0
	for _, x := range p {
		if x > 0 {
			h -= x * math.Log2(x)
		}
	}
	return h
}

func (s *step) showResult() {
	s.result(s.assess(""))
}

// result shows an assessment as one message, with a button to warn family.
func (s *step) result(a *bot.Assessment) {
	s.st.Phase = PhaseResult
	s.st.Current = ""
	s.st.Level = a.Level
	kept := engine.Clone(a)
	s.out.Result = &kept
	var cs []bot.Choice
	share := ""
	if len(a.Scripts) > 0 && a.Level >= bot.Medium {
		share = a.Scripts[0].ID
		cs = append(cs, bot.Choice{ID: prefixShare + share, Label: s.msg("btn_share"), Row: 0})
	}
	s.st.Script, s.st.Category = share, a.Category
	if a.Level >= bot.Medium && a.Category != bot.CategoryNone {
		cs = append(cs, bot.Choice{ID: ChoiceReport, Label: s.msg("btn_report"), Row: 0})
	}
	if s.hasOpenQuestions() && a.Level < bot.Critical {
		cs = append(cs, bot.Choice{ID: ChoiceContinue, Label: s.msg("btn_continue"), Row: 1})
	}
	cs = append(cs, bot.Choice{ID: ChoiceRestart, Label: s.msg("btn_restart"), Row: 1})
	s.out.Replies = append(s.out.Replies, bot.Reply{Kind: bot.ReplyResult, Text: ResultText(s.b.cat, a), Choices: cs, Level: a.Level, Share: share})
}

func (s *step) hasOpenQuestions() bool {
	for _, q := range s.b.cat.Questions {
		if _, ok := s.st.Answers[q.ID]; ok {
			continue
		}
		if _, ok := s.inferred(q); !ok {
			return true
		}
	}
	return false
}

func hasSignal(hs []bot.SignalHit, id bot.SignalID) bool {
	for _, h := range hs {
		if h.ID == id {
			return true
		}
	}
	return false
}

// DetectLang guesses the language of a text: Chinese when it has Chinese
// characters in any real number, English when it has Latin letters, else
// the fallback.
func DetectLang(t string, fallback bot.Lang) bot.Lang {
	han, latin := 0, 0
	for _, r := range t {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r < 0x80 && unicode.IsLetter(r):
			latin++
		}
	}
	switch {
	case han >= 2 && han*4 >= latin:
		return bot.ZH
	case latin >= 2:
		return bot.EN
	case han > 0:
		return bot.ZH
	}
	if fallback == "" {
		return bot.ZH
	}
	return fallback
}

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return truncateRunes(s, n-1) + "…"
}

// startReport asks for consent-backed details of a report: what is kept,
// and the story to keep.
func (s *step) startReport() {
	if s.st.Phase != PhaseResult || s.st.Category == "" || s.st.Category == bot.CategoryNone {
		s.stale()
		return
	}
	s.st.Phase = PhaseReportText
	s.say(bot.ReplyMessage, s.msg("report_consent"), bot.Choice{ID: ChoiceCancel, Label: s.msg("btn_cancel")})
}

// finishReport hands the masked report to the adapter.
func (s *step) finishReport(evidence string) {
	if s.st.ReportText == "" {
		s.stale()
		return
	}
	r := &Report{Lang: s.lang(), Region: s.st.Region, Level: s.st.Level, Category: s.st.Category,
		Script: s.st.Script, Text: s.st.ReportText, Evidence: strings.TrimSpace(evidence)}
	for _, h := range s.st.Signals {
		r.Signals = append(r.Signals, h.ID)
	}
	s.out.Report = r
	s.st.Phase, s.st.ReportText = PhaseResult, ""
	s.say(bot.ReplyMessage, s.msg("report_thanks"))
}
