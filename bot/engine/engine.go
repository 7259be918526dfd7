// Package engine assesses a situation: checklist answers plus free text in,
// a scored, explained bot.Assessment out. Assess is a deterministic, pure
// function of (catalogue, input): no clock, no I/O, no randomness.
//
// The score is a noisy-OR: each scam script weighs the signals it uses, and
// a script's fit is 1 - Π(1 - weight) over the signals present. The risk is
// the best fit, or the signals' own risks combined when that is higher, less
// the share taken off by benign signs when no strong red flag is present.
// The category follows CONTRACTS.md: the pretext's (who the caller claimed
// to be) when the story tells it, else the step's.
package engine

import (
	"math"
	"slices"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/match"
)

// Level thresholds on the 0-100 score.
const (
	MediumAt   = 35
	HighAt     = 60
	CriticalAt = 85
	// LossAt is the score, without the loss signals themselves, above which
	// money already moved makes the situation critical.
	LossAt = 50
	// anchoredMin is the fit a pretext script needs before its category
	// takes precedence over a step's.
	anchoredMin = 0.25
	maxScripts  = 5
	maxReasons  = 8
)

// An Engine assesses situations against one catalogue. Build it once per
// catalogue with New; it is immutable and safe for concurrent use. Each
// goroutine needs its own Scratch.
type Engine struct {
	cat *catalogue.Catalogue
	// Texts prepared at build time so that Assess does not allocate.
	regions map[string]*regionTexts
	orgs    []orgTexts // by organisation index
	orgTerm []int      // organisation index by term index, -1 if none
	// claim maps a pretext signal to the organisation kinds it claims.
	claim map[int][]string
	sig   struct {
		codes, screen, borrow, loss, access []int
	}
}

type regionTexts struct {
	code string
	// antifraud and police hotlines, and advice naming their numbers, per language.
	antifraud, police [2][]bot.Hotline
	adviceAntifraud   [2]string
	advicePolice      [2]string
	// home marks the scripts told in this region (or in every region):
	// among scripts that fit alike, those come first, so a Hong Kong user
	// gets the Hong Kong telling, with its numbers, not Singapore's.
	home []bool
}

type orgTexts struct {
	kind     string
	region   string
	hotlines [2][]bot.Hotline
	advice   [2]string
	name     [2]string
}

// Input is what the engine reads.
type Input struct {
	// Answers maps a question id to an answer id ("unsure" allowed).
	Answers map[string]string
	// Text is the user's own words, if any.
	Text string
	// Known are signals read from earlier text in the same conversation.
	Known []bot.SignalHit
	// Extra are signals from another reader (the optional model). They can
	// only add to what the text shows, never remove.
	Extra []bot.SignalHit
	Lang  bot.Lang
	// Region is a region code of the hotline directory; "" means CN.
	Region string
	// Org is the organisation the caller claimed to be, if known from
	// earlier text; the text's own mention wins.
	Org string
}

func li(l bot.Lang) int {
	if l == bot.EN {
		return 1
	}
	return 0
}

// New prepares an engine for a catalogue.
func New(cat *catalogue.Catalogue) *Engine {
	e := &Engine{cat: cat, regions: map[string]*regionTexts{}, claim: map[int][]string{}}
	msg := cat.Messages
	for _, r := range cat.Regions {
		rt := &regionTexts{code: r.Code}
		for _, lang := range bot.Langs {
			k := li(lang)
			for _, n := range r.Numbers {
				h := bot.Hotline{ID: n.ID, Name: n.Name.Get(lang), Number: n.Number, Purpose: n.Purpose.Get(lang)}
				if n.Number == "" {
					// An app or a website: say where, not what to dial.
					h.Where = n.URL
					if h.Where == "" {
						h.Where = n.Purpose.Get(lang)
					}
				}
				switch {
				case n.Sender:
				case n.Kind == "antifraud":
					rt.antifraud[k] = append(rt.antifraud[k], h)
				case n.Kind == "police":
					rt.police[k] = append(rt.police[k], h)
				case n.Kind == "report" && len(rt.antifraud[k]) == 0:
					rt.antifraud[k] = append(rt.antifraud[k], h)
				}
			}
			if hs := rt.antifraud[k]; len(hs) > 0 {
				rt.adviceAntifraud[k] = msg.Get(lang, "advice_antifraud", "name", hs[0].Name, "number", numberOrWhere(hs[0]))
			}
			if hs := rt.police[k]; len(hs) > 0 {
				rt.advicePolice[k] = msg.Get(lang, "advice_call_police_now", "number", hs[0].Number)
			}
		}
		rt.home = make([]bool, len(cat.Scripts))
		for si, sc := range cat.Scripts {
			rt.home[si] = len(sc.Regions) == 0 || slices.Contains(sc.Regions, r.Code)
		}
		e.regions[r.Code] = rt
	}
	e.orgs = make([]orgTexts, len(cat.Organisations))
	for i, o := range cat.Organisations {
		ot := orgTexts{kind: o.Kind, region: o.Region}
		for _, lang := range bot.Langs {
			k := li(lang)
			ot.name[k] = o.Name.Get(lang)
			for _, n := range o.Numbers {
				ot.hotlines[k] = append(ot.hotlines[k], bot.Hotline{ID: o.ID, Name: o.Name.Get(lang) + " · " + n.Label.Get(lang), Number: n.Number})
			}
			switch {
			case len(o.Numbers) > 0:
				ot.advice[k] = msg.Get(lang, "advice_verify_org", "org", o.Name.Get(lang), "number", o.Numbers[0].Number)
			case o.AppOrSite.ZH != "" || o.AppOrSite.EN != "":
				ot.advice[k] = msg.Get(lang, "advice_verify_app", "org", o.Name.Get(lang), "where", o.AppOrSite.Get(lang))
				ot.hotlines[k] = append(ot.hotlines[k], bot.Hotline{ID: o.ID, Name: o.Name.Get(lang), Where: o.AppOrSite.Get(lang)})
			default:
				where := msg.Get(lang, "hotline_where", "org", o.Name.Get(lang))
				ot.advice[k] = msg.Get(lang, "advice_verify_app", "org", o.Name.Get(lang), "where", where)
				ot.hotlines[k] = append(ot.hotlines[k], bot.Hotline{ID: o.ID, Name: o.Name.Get(lang), Where: where})
			}
		}
		e.orgs[i] = ot
	}
	e.orgTerm = make([]int, len(cat.TermID))
	for t, id := range cat.TermID {
		e.orgTerm[t] = -1
		if len(id) > 4 && id[:4] == "org:" {
			for i, o := range cat.Organisations {
				if o.ID == id[4:] {
					e.orgTerm[t] = i
				}
			}
		}
	}
	kinds := map[bot.SignalID][]string{
		"claims_courier":          {"courier"},
		"claims_shop_service":     {"ecommerce"},
		"claims_finance_platform": {"payment", "loan"},
		"claims_bank":             {"bank"},
		"loan_offer":              {"loan"},
	}
	for id, ks := range kinds {
		if i := cat.Signal(id); i >= 0 {
			e.claim[i] = ks
		}
	}
	pick := func(ids ...bot.SignalID) []int {
		var out []int
		for _, id := range ids {
			if i := cat.Signal(id); i >= 0 {
				out = append(out, i)
			}
		}
		return out
	}
	e.sig.codes = pick("asks_code", "asks_card_details", "asks_card_codes", "codes_shared")
	e.sig.screen = pick("screen_share", "asks_install_app", "device_control", "access_given")
	e.sig.borrow = pick("asks_to_borrow", "borrowed_already", "credit_score_low", "running_water")
	e.sig.access = pick("access_given", "device_control")
	return e
}

func numberOrWhere(h bot.Hotline) string {
	if h.Number != "" {
		return h.Number
	}
	return h.Where
}

// Catalogue returns the catalogue the engine was built for.
func (e *Engine) Catalogue() *catalogue.Catalogue { return e.cat }

// Scratch holds one assessment's working memory and its result. Reusing a
// Scratch makes Assess allocation-free once its buffers have grown. The zero
// value is ready for use; it is not safe for concurrent use.
type Scratch struct {
	m        match.Scratch
	present  []bool
	decided  []bool
	source   []bot.Source
	evidence []string
	order    []int // signal indexes in the order found
	fit      []float64
	pretext  []float64 // fit on pretext signals alone, by script
	tiers    []int8
	rank     []int
	stage    bot.Stage
	res      bot.Assessment
}

func (sc *Scratch) reset(n, scripts int) {
	grow := func(b []bool) []bool {
		if cap(b) < n {
			return make([]bool, n)
		}
		b = b[:n]
		clear(b)
		return b
	}
	sc.present, sc.decided = grow(sc.present), grow(sc.decided)
	if cap(sc.source) < n {
		sc.source = make([]bot.Source, n)
		sc.evidence = make([]string, n)
	}
	sc.source, sc.evidence = sc.source[:n], sc.evidence[:n]
	sc.order = sc.order[:0]
	if cap(sc.fit) < scripts {
		sc.fit = make([]float64, scripts)
		sc.pretext = make([]float64, scripts)
		sc.tiers = make([]int8, scripts)
	}
	sc.fit, sc.pretext, sc.tiers = sc.fit[:scripts], sc.pretext[:scripts], sc.tiers[:scripts]
	sc.rank = sc.rank[:0]
	r := &sc.res
	entities, amounts := r.Entities[:0], r.Amounts[:0]
	if r.Scripts == nil {
		// Empty, not nil: JSON shows [] rather than null (CONTRACTS.md).
		r.Scripts, r.Signals, r.Reasons = make([]bot.ScriptScore, 0, maxScripts), make([]bot.SignalHit, 0, 16), make([]bot.Reason, 0, maxReasons+2)
		r.Advice, r.Hotlines = make([]string, 0, 16), make([]bot.Hotline, 0, 8)
	}
	*r = bot.Assessment{
		Scripts: r.Scripts[:0], Signals: r.Signals[:0], Reasons: r.Reasons[:0],
		Advice: r.Advice[:0], Hotlines: r.Hotlines[:0], Entities: entities, Amounts: amounts,
	}
}

func (sc *Scratch) add(i int, src bot.Source, evidence string) {
	if sc.present[i] {
		return
	}
	sc.present[i] = true
	sc.source[i] = src
	sc.evidence[i] = evidence
	sc.order = append(sc.order, i)
}

// Assess scores the input. The result is owned by sc and valid until its
// next use; call Clone to keep it.
func (e *Engine) Assess(sc *Scratch, in Input) *bot.Assessment {
	if len(in.Extra) == 0 {
		return e.assess(sc, in)
	}
	// The model can raise the result, never lower it: whatever it claims
	// (a benign sign, a signal that moves the ranking), the text's own
	// reading is the floor.
	extra := in.Extra
	in.Extra = nil
	a := e.assess(sc, in)
	level, score := a.Level, a.Score
	in.Extra = extra
	if a = e.assess(sc, in); a.Level > level || a.Level == level && a.Score >= score {
		return a
	}
	in.Extra = nil
	return e.assess(sc, in)
}

func (e *Engine) assess(sc *Scratch, in Input) *bot.Assessment {
	cat := e.cat
	n := len(cat.Signals)
	sc.reset(n, len(cat.Scripts))
	lang := in.Lang
	if lang == "" {
		lang = bot.ZH
	}
	k := li(lang)
	region := in.Region
	if e.regions[region] == nil {
		region = "CN"
	}

	// 1. Answers decide the signals their question governs.
	if len(in.Answers) > 0 {
		for _, q := range cat.Questions {
			aid, ok := in.Answers[q.ID]
			if !ok {
				continue
			}
			a := q.Answer(aid)
			if a == nil {
				continue
			}
			if aid != catalogue.Unsure {
				for _, g := range q.Governs {
					sc.decided[g] = true
				}
			}
			for _, s := range a.Signals {
				sc.add(s, bot.FromAnswer, a.Label.Get(lang))
			}
		}
	}
	// 2. Earlier text, then this text, then another reader's signals.
	for _, h := range in.Known {
		if i := cat.Signal(h.ID); i >= 0 && !sc.decided[i] {
			sc.add(i, h.Source, h.Evidence)
		}
	}
	org := -1
	if in.Text != "" {
		defer e.extract(sc, in.Text)
		for _, f := range cat.Lexicon.Find(&sc.m, in.Text) {
			i := int(f.Signal)
			// Reported speech does not describe the user's situation, but
			// a benign sign ("so I hung up") is theirs wherever it stands.
			hearsay := f.Hearsay && cat.Signals[i].Kind != catalogue.Benign
			if f.Negated || hearsay || sc.decided[i] {
				continue
			}
			sc.add(i, bot.FromText, in.Text[f.Start:f.End])
		}
		org = e.claimedOrg(sc)
	}
	if org < 0 && in.Org != "" {
		for i, o := range cat.Organisations {
			if o.ID == in.Org {
				org = i
			}
		}
	}
	// Benign signs explain away the look-alikes they name ("in the team
	// meeting" explains "share your screen"), when both come from text.
	for _, i := range sc.order {
		for _, j := range cat.Signals[i].NeutralIdx {
			if sc.present[j] && sc.source[j] == bot.FromText {
				sc.present[j] = false
			}
		}
	}
	if len(sc.order) > 0 {
		kept := sc.order[:0]
		for _, i := range sc.order {
			if sc.present[i] {
				kept = append(kept, i)
			}
		}
		sc.order = kept
	}
	// The model only adds, after benign signs have had their say, and
	// only signs of a scam: it cannot vouch for anything.
	for _, h := range in.Extra {
		if i := cat.Signal(h.ID); i >= 0 && !sc.decided[i] && cat.Signals[i].Kind != catalogue.Benign {
			sc.add(i, bot.FromModel, h.Evidence)
		}
	}

	// 3. Fit of every script; the generic risk; benign signs.
	strong, lossPresent, ended, settled := false, false, false, false
	generic, benign := 1.0, 1.0
	genericNoLoss := 1.0
	for _, i := range sc.order {
		s := cat.Signals[i]
		switch s.Kind {
		case catalogue.Benign:
			benign *= 1 + s.Risk
			ended = ended || s.Ends
			settled = settled || s.Settles
			continue
		case catalogue.Loss:
			// Money moved matters only in a scam's context: it weighs in
			// scripts that show other signals, never on its own.
			lossPresent = true
			continue
		default:
			genericNoLoss *= 1 - s.Risk
		}
		generic *= 1 - s.Risk
		strong = strong || s.Strong
	}
	best, bestNoLoss := 1-generic, 1-genericNoLoss
	for si, s := range cat.Scripts {
		miss, missNoLoss, missPretext := 1.0, 1.0, 1.0
		for _, i := range sc.order {
			w := s.Weight[i]
			if w == 0 {
				continue
			}
			miss *= 1 - w
			switch cat.Signals[i].Kind {
			case catalogue.Loss:
			case catalogue.Pretext:
				missPretext *= 1 - w
				fallthrough
			default:
				missNoLoss *= 1 - w
			}
		}
		sc.pretext[si] = 1 - missPretext
		if 1-missNoLoss < lossContext {
			// "I paid" alone, or with a mere cue ("my son"), is no scam:
			// money moved weighs only when the rest fits.
			miss = missNoLoss
		}
		sc.fit[si] = 1 - miss
		best = math.Max(best, 1-miss)
		bestNoLoss = math.Max(bestNoLoss, 1-missNoLoss)
		if sc.fit[si] > 0 {
			sc.rank = append(sc.rank, si)
		}
	}
	if !strong {
		best *= benign
		bestNoLoss *= benign
	}
	res := &sc.res
	res.Lang, res.Region = lang, region
	res.Score = int(math.Round(best * 100))
	noLoss := int(math.Round(bestNoLoss * 100))
	res.Loss = lossPresent && noLoss >= MediumAt
	switch {
	case settled && !lossPresent && res.Score >= MediumAt:
		// The user checked with the real organisation and nothing moved.
		res.Score = MediumAt - 1
	case ended && !lossPresent && res.Score >= HighAt:
		// The user already hung up or refused, and nothing moved: they
		// are safe now. Say it was a scam, without the alarm.
		res.Score = HighAt - 1
	}
	switch {
	case res.Score >= CriticalAt, res.Loss && noLoss >= LossAt:
		res.Level = bot.Critical
	case res.Score >= HighAt:
		res.Level = bot.High
	case res.Score >= MediumAt:
		res.Level = bot.Medium
	default:
		res.Level = bot.Low
	}

	for _, i := range sc.order {
		if id := cat.Signals[i].ID; cat.Signals[i].Kind == catalogue.Pretext && len(id) > 7 && id[:7] == "claims_" {
			res.Claimed = id
			break
		}
	}

	// 4. Rank scripts: an anchored pretext first, then an anchored step,
	// then the rest; by fit within each tier.
	e.sortScripts(sc, e.regions[region].home)
	res.Category = bot.CategoryNone
	var top *catalogue.Script
	if len(sc.rank) > 0 && res.Level >= bot.Medium {
		top = cat.Scripts[sc.rank[0]]
		res.Category = top.Category
	}
	for j, si := range sc.rank {
		if j == maxScripts {
			break
		}
		s := cat.Scripts[si]
		res.Scripts = append(res.Scripts, bot.ScriptScore{ID: s.ID, Category: s.Category, Score: int(math.Round(sc.fit[si] * 100))})
	}
	for _, i := range sc.order {
		res.Signals = append(res.Signals, bot.SignalHit{ID: cat.Signals[i].ID, Source: sc.source[i], Evidence: sc.evidence[i]})
	}

	// 5. Stage and reasons from the top script.
	if top != nil {
		e.stage(sc, top, lang)
		e.reasons(sc, top, lang)
	} else {
		e.reasons(sc, nil, lang)
	}

	// 6. Advice and hotlines.
	e.advise(sc, top, org, lang, k, region)
	return res
}

// claimedOrg picks the organisation the caller claimed to be: among those
// named in the text, the first whose kind matches a claim signal, else the
// first named.
func (e *Engine) claimedOrg(sc *Scratch) int {
	first := -1
	for _, o := range sc.m.Terms() {
		if int(o.Term) >= len(e.orgTerm) {
			continue
		}
		oi := e.orgTerm[o.Term]
		if oi < 0 {
			continue
		}
		if first < 0 {
			first = oi
		}
		for sig, kinds := range e.claim {
			if !sc.present[sig] {
				continue
			}
			for _, kd := range kinds {
				if e.orgs[oi].kind == kd {
					return oi
				}
			}
		}
	}
	return first
}

func (e *Engine) tier(sc *Scratch, si int) int {
	s := e.cat.Scripts[si]
	anchored := false
	for _, i := range sc.order {
		if s.Anchor[i] {
			anchored = true
			break
		}
	}
	switch {
	case anchored && !s.Category.IsStep() && sc.fit[si] >= anchoredMin:
		return 2
	case anchored:
		return 1
	}
	return 0
}

// lossContext is how well the rest of a story must fit a script before
// money already moved weighs in it.
const lossContext = 0.05

// homeMargin is how much better a script from another region must fit to
// stay above the same category's telling in the user's region.
const homeMargin = 0.05

// sortScripts orders sc.rank by tier, then fit, then catalogue order. An
// insertion sort: the list is short and sort.Slice would allocate.
func (e *Engine) sortScripts(sc *Scratch, home []bool) {
	for _, si := range sc.rank {
		sc.tiers[si] = int8(e.tier(sc, si))
	}
	less := func(a, b int) bool {
		ta, tb := sc.tiers[a], sc.tiers[b]
		if ta != tb {
			return ta > tb
		}
		// Among scripts whose pretext is told, the one the pretext fits
		// best: who the caller claimed to be decides the category.
		if ta == 2 {
			// Balance how well the pretext fits with how well the whole
			// story fits.
			ka, kb := sc.pretext[a]+sc.fit[a], sc.pretext[b]+sc.fit[b]
			if ka != kb {
				return ka > kb
			}
		}
		if sc.fit[a] != sc.fit[b] {
			return sc.fit[a] > sc.fit[b]
		}
		return a < b
	}
	r := sc.rank
	for i := 1; i < len(r); i++ {
		for j := i; j > 0 && less(r[j], r[j-1]); j-- {
			r[j], r[j-1] = r[j-1], r[j]
		}
	}
	// The same scam told in the user's own region, fitting almost as
	// well, goes first: a Hong Kong user gets the Hong Kong telling, with
	// its numbers, not Singapore's. The category does not change.
	if len(r) > 1 && !home[r[0]] {
		top := e.cat.Scripts[r[0]]
		for i := 1; i < len(r); i++ {
			si := r[i]
			if home[si] && e.cat.Scripts[si].Category == top.Category && sc.fit[r[0]]-sc.fit[si] < homeMargin {
				copy(r[1:i+1], r[:i])
				r[0] = si
				break
			}
		}
	}
}

// stage finds the furthest stage of the script the user has reached.
func (e *Engine) stage(sc *Scratch, s *catalogue.Script, lang bot.Lang) {
	at := -1
	for si, st := range s.Stages {
		for _, i := range st.SignalIdx {
			if sc.present[i] {
				at = si
				break
			}
		}
	}
	if at < 0 {
		return
	}
	st := s.Stages[at]
	sc.stage = bot.Stage{Script: s.ID, Index: at, Count: len(s.Stages), Title: st.Title.Get(lang)}
	if at+1 < len(s.Stages) {
		sc.stage.Next = s.Stages[at+1].Asks.Get(lang)
	}
	sc.res.Stage = &sc.stage
}

// reasons explains the score: the top script's signals by weight, then
// strong signals it does not weigh, then benign signs.
func (e *Engine) reasons(sc *Scratch, s *catalogue.Script, lang bot.Lang) {
	cat, res := e.cat, &sc.res
	id := ""
	if s != nil {
		id = s.ID
		// Selection by descending weight without sorting.
		used := 0
		for used < maxReasons {
			bi, bw := -1, 0.0
			for _, i := range sc.order {
				if w := s.Weight[i]; w > bw && !reasonHas(res.Reasons, cat.Signals[i].ID) {
					bi, bw = i, w
				}
			}
			if bi < 0 {
				break
			}
			res.Reasons = append(res.Reasons, bot.Reason{Script: id, Signal: cat.Signals[bi].ID,
				Text: cat.Signals[bi].Explain.Get(lang), Evidence: sc.evidence[bi]})
			used++
		}
	}
	for _, i := range sc.order {
		sg := cat.Signals[i]
		if len(res.Reasons) >= maxReasons+2 {
			break
		}
		if (sg.Strong || sg.Kind == catalogue.Benign || s == nil) && !reasonHas(res.Reasons, sg.ID) {
			res.Reasons = append(res.Reasons, bot.Reason{Script: id, Signal: sg.ID, Text: sg.Explain.Get(lang), Evidence: sc.evidence[i]})
		}
	}
}

func reasonHas(rs []bot.Reason, id bot.SignalID) bool {
	for _, r := range rs {
		if r.Signal == id {
			return true
		}
	}
	return false
}

func (e *Engine) anyPresent(sc *Scratch, idx []int) bool {
	for _, i := range idx {
		if sc.present[i] {
			return true
		}
	}
	return false
}

// advise writes what to do now, the most urgent first, and whom to call.
func (e *Engine) advise(sc *Scratch, top *catalogue.Script, org int, lang bot.Lang, k int, region string) {
	msg, res := e.cat.Messages, &sc.res
	rt := e.regions[region]
	add := func(s string) {
		if s != "" {
			res.Advice = append(res.Advice, s)
		}
	}
	if res.Loss {
		add(rt.advicePolice[k])
		add(msg.Get(lang, "advice_freeze"))
		if e.anyPresent(sc, e.sig.access) {
			add(msg.Get(lang, "advice_stop_sharing"))
		}
		if e.anyPresent(sc, e.sig.borrow) {
			add(msg.Get(lang, "advice_tell_lenders"))
		}
		add(msg.Get(lang, "advice_evidence"))
	}
	if res.Level >= bot.High {
		if !res.Loss {
			add(msg.Get(lang, "advice_hang_up"))
			add(msg.Get(lang, "advice_no_transfer"))
		}
		if e.anyPresent(sc, e.sig.codes) {
			add(msg.Get(lang, "advice_no_codes"))
		}
		if !res.Loss && e.anyPresent(sc, e.sig.screen) {
			add(msg.Get(lang, "advice_stop_sharing"))
		}
	}
	switch {
	case res.Loss:
		// Money or codes already moved: the steps above are the script now.
		// The stage's own advice and checking with the company would only
		// repeat them or come too late; what is left is the next trap and
		// where to get help.
		add(msg.Get(lang, "advice_recovery_scam"))
		add(rt.adviceAntifraud[k])
	case res.Level >= bot.Medium:
		if res.Stage != nil && top != nil {
			add(top.Stages[res.Stage.Index].Advice.Get(lang))
		}
		if org >= 0 {
			add(e.orgs[org].advice[k])
		} else {
			add(msg.Get(lang, "advice_verify_generic"))
		}
		add(msg.Get(lang, "advice_caller_id"))
		add(rt.adviceAntifraud[k])
		if res.Level == bot.Medium {
			add(msg.Get(lang, "advice_ask_family"))
		}
	default:
		add(msg.Get(lang, "advice_low"))
	}

	// Hotlines: police first when money moved, else the anti-fraud line;
	// then the official channel of the organisation the caller claimed.
	if res.Loss {
		res.Hotlines = append(res.Hotlines, rt.police[k]...)
		res.Hotlines = append(res.Hotlines, rt.antifraud[k]...)
	} else {
		res.Hotlines = append(res.Hotlines, rt.antifraud[k]...)
		if res.Level >= bot.High {
			res.Hotlines = append(res.Hotlines, rt.police[k]...)
		}
	}
	if org >= 0 {
		res.Organisation = e.cat.Organisations[org].ID
		if res.Level >= bot.Medium {
			res.Hotlines = append(res.Hotlines, e.orgs[org].hotlines[k]...)
		}
	}
}

// Clone returns a deep copy of an assessment, independent of any Scratch.
func Clone(a *bot.Assessment) bot.Assessment {
	c := *a
	c.Scripts = append([]bot.ScriptScore{}, a.Scripts...)
	c.Signals = append([]bot.SignalHit{}, a.Signals...)
	c.Reasons = append([]bot.Reason{}, a.Reasons...)
	c.Advice = append([]string{}, a.Advice...)
	c.Hotlines = append([]bot.Hotline{}, a.Hotlines...)
	if a.Stage != nil {
		st := *a.Stage
		c.Stage = &st
	}
	return c
}

// Fits returns every script's fit (0 to 1) from the last Assess, by script
// index. It is owned by sc.
func (sc *Scratch) Fits() []float64 { return sc.fit }

// Present reports whether a signal (by index) was present in the last Assess.
func (sc *Scratch) Present(i int) bool { return i < len(sc.present) && sc.present[i] }

// SourceOf returns where a present signal came from in the last Assess.
func (sc *Scratch) SourceOf(i int) bot.Source { return sc.source[i] }

// extract lists the entities and amounts named in the text (from the last
// Find on sc), each entity once.
func (e *Engine) extract(sc *Scratch, text string) {
	res := &sc.res
	for _, o := range sc.m.Terms() {
		kind := e.cat.TermEntity[o.Term]
		if kind == "" {
			continue
		}
		id := ""
		if oi := e.orgTerm[o.Term]; oi >= 0 {
			id = e.cat.Organisations[oi].ID
		}
		if kind == "org" && id == "" {
			continue // a generic word ("快递", "the shop"), not a company
		}
		word := text[o.Start:o.End]
		dup := false
		for _, have := range res.Entities {
			if have.Kind == kind && (id != "" && have.ID == id || have.Text == word) {
				dup = true
				break
			}
		}
		if !dup && len(res.Entities) < 16 {
			res.Entities = append(res.Entities, bot.Entity{Kind: kind, ID: id, Text: word})
		}
	}
	for _, a := range sc.m.Amounts() {
		if len(res.Amounts) < 16 {
			res.Amounts = append(res.Amounts, text[a.Start:a.End])
		}
	}
}
