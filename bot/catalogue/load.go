package catalogue

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/match"
)

// Dir is a directory of catalogue files: an fs.FS and the path to show in
// error messages ("content", "/srv/scambot/scripts").
type Dir struct {
	FS   fs.FS
	Path string
}

// The files of the content directory.
const (
	SignalsFile   = "signals.yaml"
	TermsFile     = "terms.yaml"
	ChecklistFile = "checklist.yaml"
	HotlinesFile  = "hotlines.yaml"
	MessagesDir   = "messages"
)

// Reserved term ids that drive the reader (see content/terms.yaml).
const (
	TermNegation    = "negation"
	TermNotNegation = "not_negation"
	TermHearsay     = "hearsay"
	// TermAmount also matches every run of digits in the text.
	TermAmount = "amount"
)

// Limits that keep the automaton small and matching fast.
const (
	maxExpansions = 400 // phrases one templated phrase may expand to
	maxWithin     = 60  // units a near rule may span
)

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
var scriptIDPattern = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)

// Load reads, validates and compiles a catalogue from a content directory
// (signals, terms, checklist, hotlines, messages) and a scripts directory
// (one YAML file per scam script). On any problem it returns Errors listing
// every one as path:line: message, and no catalogue.
func Load(content, scripts Dir) (*Catalogue, error) {
	l := &loader{c: &Catalogue{}, content: content, scripts: scripts}
	l.readAll()
	l.index()
	if len(l.errs) > 0 {
		sort.SliceStable(l.errs, func(i, j int) bool {
			if l.errs[i].Path != l.errs[j].Path {
				return l.errs[i].Path < l.errs[j].Path
			}
			return l.errs[i].Line < l.errs[j].Line
		})
		return nil, l.errs
	}
	return l.c, nil
}

type loader struct {
	c        *Catalogue
	content  Dir
	scripts  Dir
	errs     Errors
	hash     []string // "path\x00content" per file
	hashMu   sync.Mutex
	files    map[string]string
	sigPath  string
	termPath string
	qPath    string
	hotPath  string
	// contentErrs counts the problems in content/: when the vocabulary
	// itself is broken, checking scripts against it would only add noise.
	contentErrs int
}

func (l *loader) errorf(path string, line int, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	l.errs = append(l.errs, &Error{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return strings.TrimSuffix(dir, "/") + "/" + name
}

func (l *loader) read(d Dir, name string) ([]byte, string, bool) {
	p := join(d.Path, name)
	data, err := fs.ReadFile(d.FS, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			l.errorf(p, 1, "file is missing")
		} else {
			l.errorf(p, 1, "read: %v", err)
		}
		return nil, p, false
	}
	l.hash = append(l.hash, name+"\x00"+string(data))
	return data, p, true
}

func (l *loader) readAll() {
	c := l.c
	var sf signalFile
	if data, p, ok := l.read(l.content, SignalsFile); ok {
		l.sigPath = p
		decodeFile(p, data, &sf, &l.errs)
		c.Signals = sf.Signals
	}
	var tf termFile
	if data, p, ok := l.read(l.content, TermsFile); ok {
		l.termPath = p
		decodeFile(p, data, &tf, &l.errs)
		c.Terms = tf.Terms
	}
	var qf checklistFile
	if data, p, ok := l.read(l.content, ChecklistFile); ok {
		l.qPath = p
		decodeFile(p, data, &qf, &l.errs)
		c.Questions = qf.Questions
	}
	var hf hotlineFile
	if data, p, ok := l.read(l.content, HotlinesFile); ok {
		l.hotPath = p
		decodeFile(p, data, &hf, &l.errs)
		c.Regions, c.Organisations = hf.Regions, hf.Organisations
	}
	c.Messages = Messages{}
	for _, lang := range bot.Langs {
		name := path.Join(MessagesDir, string(lang)+".yaml")
		if data, p, ok := l.read(l.content, name); ok {
			m := map[string]string{}
			decodeFile(p, data, &m, &l.errs)
			c.Messages[lang] = m
			l.checkMessages(p, lang, m)
		}
	}
	l.contentErrs = len(l.errs)
	names, err := fs.Glob(l.scripts.FS, "*.yaml")
	if err != nil {
		l.errorf(l.scripts.Path, 1, "list scripts: %v", err)
	}
	sort.Strings(names)
	if len(names) == 0 {
		l.errorf(join(l.scripts.Path, "*.yaml"), 1, "no scam scripts found")
	}
	// Scripts are independent files: parse them in parallel (YAML parsing
	// is most of the load time), then keep file order.
	type parsed struct {
		s    Script
		ok   bool
		errs Errors
		path string
	}
	results := make([]parsed, len(names))
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < max(1, min(runtime.GOMAXPROCS(0), len(names))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				r := &results[i]
				r.path = join(l.scripts.Path, names[i])
				data, err := fs.ReadFile(l.scripts.FS, names[i])
				if err != nil {
					r.errs = append(r.errs, &Error{Path: r.path, Line: 1, Msg: "read: " + err.Error()})
					continue
				}
				r.ok = decodeFile(r.path, data, &r.s, &r.errs)
				r.s.Path = r.path
				l.hashMu.Lock()
				l.hash = append(l.hash, names[i]+"\x00"+string(data))
				l.hashMu.Unlock()
			}
		}()
	}
	for i := range names {
		work <- i
	}
	close(work)
	wg.Wait()
	for i, r := range results {
		l.errs = append(l.errs, r.errs...)
		if !r.ok {
			continue // nothing to check against a file that does not parse
		}
		s := r.s
		if want := strings.TrimSuffix(names[i], ".yaml"); s.ID != "" && s.ID != want {
			l.errorf(r.path, s.Line, "script id %q must match its file name %q", s.ID, want)
		}
		c.Scripts = append(c.Scripts, &s)
	}
	sort.Strings(l.hash)
	h := sha256.New()
	for _, f := range l.hash {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	c.Hash = hex.EncodeToString(h.Sum(nil))
}

func (l *loader) checkMessages(p string, lang bot.Lang, m map[string]string) {
	for _, k := range MessageKeys {
		if strings.TrimSpace(m[k]) == "" {
			l.errorf(p, 1, "message %q is missing or empty", k)
		}
	}
	known := map[string]bool{}
	for _, k := range MessageKeys {
		known[k] = true
	}
	var extra []string
	for k := range m {
		if !known[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		l.errorf(p, 1, "message %q is not used by the code (a typo?)", k)
	}
}

// index validates cross-references and compiles the lexicon.
func (l *loader) index() {
	c := l.c
	c.signalByID = map[bot.SignalID]int{}
	c.question = map[string]int{}
	c.script = map[string]int{}
	c.region = map[string]int{}
	c.org = map[string]int{}
	c.number = map[string]*Number{}

	// Terms.
	termIdx := map[string]int{}
	for i, t := range c.Terms {
		if !idPattern.MatchString(t.ID) {
			l.errorf(l.termPath, t.Line, "term id %q: use lower case letters, digits and _", t.ID)
		}
		if _, dup := termIdx[t.ID]; dup {
			l.errorf(l.termPath, t.Line, "duplicate term id %q", t.ID)
		} else {
			termIdx[t.ID] = i
		}
		if len(t.ZH)+len(t.EN) == 0 {
			l.errorf(l.termPath, t.Line, "term %q has no words", t.ID)
		}
		for _, w := range append(append([]string(nil), t.ZH...), t.EN...) {
			if strings.ContainsAny(w, "{}") {
				l.errorf(l.termPath, t.Line, "term %q: word %q may not use {terms}", t.ID, w)
			} else if _, err := match.NormalizePhrase(w); err != nil {
				l.errorf(l.termPath, t.Line, "term %q: %v", t.ID, err)
			}
		}
	}
	for _, id := range []string{TermNegation, TermNotNegation, TermHearsay} {
		if _, ok := termIdx[id]; !ok {
			l.errorf(l.termPath, 1, "reserved term %q is missing", id)
		}
	}

	// Questions.
	for i, q := range c.Questions {
		q.Index = i
		if !idPattern.MatchString(q.ID) {
			l.errorf(l.qPath, q.Line, "question id %q: use lower case letters, digits and _", q.ID)
		}
		if _, dup := c.question[q.ID]; dup {
			l.errorf(l.qPath, q.Line, "duplicate question id %q", q.ID)
			continue
		}
		c.question[q.ID] = i
		l.checkL10n(l.qPath, q.Line, "question "+q.ID+" text", q.Text)
		if len(q.Answers) < 2 {
			l.errorf(l.qPath, q.Line, "question %q needs at least two answers", q.ID)
		}
		seen := map[string]bool{}
		for _, a := range q.Answers {
			switch {
			case a.ID == Unsure:
				l.errorf(l.qPath, a.Line, "question %q: do not list %q, every question gets it", q.ID, Unsure)
			case !idPattern.MatchString(a.ID):
				l.errorf(l.qPath, a.Line, "answer id %q: use lower case letters, digits and _", a.ID)
			case seen[a.ID]:
				l.errorf(l.qPath, a.Line, "question %q: duplicate answer id %q", q.ID, a.ID)
			}
			seen[a.ID] = true
			l.checkL10n(l.qPath, a.Line, "answer "+q.ID+"="+a.ID, a.Label)
		}
		q.Answers = append(q.Answers, &Answer{ID: Unsure, Line: q.Line, Label: bot.L10n{
			ZH: c.Messages.Get(bot.ZH, "answer_unsure"), EN: c.Messages.Get(bot.EN, "answer_unsure")}})
	}

	// Signals.
	for i, s := range c.Signals {
		s.Index = i
		if !idPattern.MatchString(string(s.ID)) {
			l.errorf(l.sigPath, s.Line, "signal id %q: use lower case letters, digits and _", s.ID)
		}
		if _, dup := c.signalByID[s.ID]; dup {
			l.errorf(l.sigPath, s.Line, "duplicate signal id %q", s.ID)
			continue
		}
		c.signalByID[s.ID] = i
		switch s.Kind {
		case Pretext, Tactic, Loss:
			if s.Risk < 0 || s.Risk > 1 {
				l.errorf(l.sigPath, s.Line, "signal %q: risk %v must be between 0 and 1", s.ID, s.Risk)
			}
		case Benign:
			if s.Risk > 0 || s.Risk <= -1 {
				l.errorf(l.sigPath, s.Line, "signal %q: a benign signal's risk %v must be between -1 and 0", s.ID, s.Risk)
			}
			if s.Strong {
				l.errorf(l.sigPath, s.Line, "signal %q: a benign signal cannot be strong", s.ID)
			}
		default:
			l.errorf(l.sigPath, s.Line, "signal %q: unknown kind %q (want pretext, tactic, loss or benign)", s.ID, s.Kind)
		}
		l.checkL10n(l.sigPath, s.Line, "signal "+string(s.ID)+" label", s.Label)
		l.checkL10n(l.sigPath, s.Line, "signal "+string(s.ID)+" explain", s.Explain)
		for _, ref := range s.Checklist {
			qid, aid, ok := strings.Cut(ref, "=")
			q := c.Question(qid)
			var a *Answer
			if q != nil {
				a = q.Answer(aid)
			}
			if !ok || a == nil || aid == Unsure {
				l.errorf(l.sigPath, s.Line, "signal %q: checklist answer %q does not exist (write question=answer from %s)", s.ID, ref, ChecklistFile)
				continue
			}
			a.Signals = append(a.Signals, i)
			q.Governs = appendUnique(q.Governs, i)
		}
	}

	for _, s := range c.Signals {
		if (len(s.Neutralizes) > 0 || s.Ends || s.Settles) && s.Kind != Benign {
			l.errorf(l.sigPath, s.Line, "signal %q: only a benign signal may neutralize others, end or settle the contact", s.ID)
		}
		for _, id := range s.Neutralizes {
			j := c.Signal(id)
			if j < 0 {
				l.errorf(l.sigPath, s.Line, "signal %q neutralizes unknown signal %q", s.ID, id)
				continue
			}
			s.NeutralIdx = append(s.NeutralIdx, j)
		}
	}

	// Hotlines.
	for i, r := range c.Regions {
		if _, dup := c.region[r.Code]; dup {
			l.errorf(l.hotPath, r.Line, "duplicate region %q", r.Code)
			continue
		}
		c.region[r.Code] = i
		for _, n := range r.Numbers {
			n.Region = r.Code
			if _, dup := c.number[n.ID]; dup {
				l.errorf(l.hotPath, n.Line, "duplicate number id %q", n.ID)
			}
			c.number[n.ID] = n
			if n.Number != "" && !validPhone(n.Number) {
				l.errorf(l.hotPath, n.Line, "number %q: %q is not a phone number", n.ID, n.Number)
			}
			if len(n.Sources) == 0 {
				l.errorf(l.hotPath, n.Line, "number %q has no source: every number needs one", n.ID)
			}
			l.checkL10n(l.hotPath, n.Line, "number "+n.ID+" name", n.Name)
		}
	}
	for i, o := range c.Organisations {
		if _, dup := c.org[o.ID]; dup {
			l.errorf(l.hotPath, o.Line, "duplicate organisation %q", o.ID)
			continue
		}
		c.org[o.ID] = i
		if len(o.Numbers) > 0 && len(o.Sources) == 0 {
			l.errorf(l.hotPath, o.Line, "organisation %q lists numbers without a source", o.ID)
		}
		for _, n := range o.Numbers {
			if !validPhone(n.Number) {
				l.errorf(l.hotPath, o.Line, "organisation %q: %q is not a phone number", o.ID, n.Number)
			}
		}
		for _, a := range o.Aliases.All() {
			if _, err := match.NormalizePhrase(a); err != nil {
				l.errorf(l.hotPath, o.Line, "organisation %q alias: %v", o.ID, err)
			}
		}
	}

	// Scripts.
	if l.contentErrs > 0 {
		return
	}
	for i, s := range c.Scripts {
		l.checkScript(i, s)
	}
	l.compile(termIdx)
}

func appendUnique(xs []int, x int) []int {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

func validPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '+' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 3
}

func (l *loader) checkL10n(p string, line int, what string, t bot.L10n) {
	if strings.TrimSpace(t.ZH) == "" {
		l.errorf(p, line, "%s: missing Chinese (zh) text", what)
	}
	if strings.TrimSpace(t.EN) == "" {
		l.errorf(p, line, "%s: missing English (en) text", what)
	}
}

func (l *loader) checkScript(i int, s *Script) {
	c, p := l.c, s.Path
	if !scriptIDPattern.MatchString(s.ID) {
		l.errorf(p, s.Line, "script id %q: use lower case letters, digits and -", s.ID)
	}
	if _, dup := c.script[s.ID]; dup {
		l.errorf(p, s.Line, "duplicate script id %q", s.ID)
	} else {
		c.script[s.ID] = i
	}
	if !s.Category.Valid() || s.Category == bot.CategoryNone {
		l.errorf(p, s.Line, "unknown category %q (see CONTRACTS.md)", s.Category)
	}
	for _, r := range s.Regions {
		if c.Region(r) == nil {
			l.errorf(p, s.Line, "unknown region %q", r)
		}
	}
	l.checkL10n(p, s.Line, "title", s.Title)
	l.checkL10n(p, s.Line, "summary", s.Summary)
	s.Weight = make([]float64, len(c.Signals))
	s.Anchor = make([]bool, len(c.Signals))
	for _, ss := range s.Signals {
		j := c.Signal(ss.ID)
		switch {
		case j < 0:
			l.errorf(p, ss.Line, "unknown signal %q", ss.ID)
			continue
		case s.Weight[j] != 0:
			l.errorf(p, ss.Line, "signal %q listed twice", ss.ID)
		case ss.Weight <= 0 || ss.Weight > 1:
			l.errorf(p, ss.Line, "signal %q: weight %v must be in (0, 1]", ss.ID, ss.Weight)
		case c.Signals[j].Kind == Benign:
			l.errorf(p, ss.Line, "signal %q is benign; scripts weigh only scam signals", ss.ID)
		}
		s.Weight[j] = ss.Weight
	}
	for _, a := range s.Anchors {
		j := c.Signal(a)
		switch {
		case j < 0:
			l.errorf(p, s.Line, "unknown anchor signal %q", a)
		case s.Weight[j] == 0:
			l.errorf(p, s.Line, "anchor %q must also be listed under signals", a)
		case !s.Category.IsStep() && c.Signals[j].Kind != Pretext:
			l.errorf(p, s.Line, "anchor %q is a %s signal; a %s script is anchored on its pretext (who they claimed to be, the hook)", a, c.Signals[j].Kind, s.Category)
		default:
			s.Anchor[j] = true
		}
	}
	for _, ph := range s.Phrases {
		if c.Signal(ph.Signal) < 0 {
			l.errorf(p, ph.Line, "phrases for unknown signal %q", ph.Signal)
		}
		if len(ph.ZH)+len(ph.EN)+len(ph.Near) == 0 {
			l.errorf(p, ph.Line, "phrases for %q: none given", ph.Signal)
		}
	}
	if len(s.Stages) < 2 {
		l.errorf(p, s.Line, "a script needs at least two stages")
	}
	stageIDs := map[string]bool{}
	for _, st := range s.Stages {
		if stageIDs[st.ID] {
			l.errorf(p, st.Line, "duplicate stage id %q", st.ID)
		}
		stageIDs[st.ID] = true
		for _, what := range []struct {
			name string
			t    bot.L10n
		}{{"title", st.Title}, {"says", st.Says}, {"asks", st.Asks}, {"advice", st.Advice}} {
			l.checkL10n(p, st.Line, "stage "+st.ID+" "+what.name, what.t)
		}
		for _, id := range st.Signals {
			j := c.Signal(id)
			if j < 0 {
				l.errorf(p, st.Line, "stage %q: unknown signal %q", st.ID, id)
				continue
			}
			st.SignalIdx = append(st.SignalIdx, j)
		}
	}
	for _, o := range s.Organisations {
		if c.Organisation(o) == nil {
			l.errorf(p, s.Line, "unknown organisation %q (see %s)", o, HotlinesFile)
		}
	}
	for _, h := range s.Hotlines {
		if c.Number(h) == nil {
			l.errorf(p, s.Line, "unknown hotline %q (see %s)", h, HotlinesFile)
		}
	}
	perLang := map[bot.Lang]int{}
	for _, sm := range s.Samples {
		l.checkSample(p, sm)
		perLang[sm.Lang]++
		if sm.Category != "" && !sm.Category.Valid() {
			l.errorf(p, sm.Line, "unknown category %q", sm.Category)
		}
	}
	for _, lang := range bot.Langs {
		if perLang[lang] == 0 {
			l.errorf(p, s.Line, "no %s sample: every script needs samples in every language", lang)
		}
	}
	for _, sm := range s.Negatives {
		l.checkSample(p, sm)
		if sm.Category != "" {
			l.errorf(p, sm.Line, "a negative sample has no category")
		}
	}
}

func (l *loader) checkSample(p string, sm Sample) {
	if _, ok := bot.ParseLang(string(sm.Lang)); !ok || len(sm.Lang) != 2 {
		l.errorf(p, sm.Line, "sample language %q (want zh or en)", sm.Lang)
	}
	if strings.TrimSpace(sm.Text) == "" {
		l.errorf(p, sm.Line, "empty sample text")
	}
}
