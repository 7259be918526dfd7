package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
)

// Moderators. A user is a moderator if they are the owner
// (Moderation.Owner), are listed in Moderation.Moderators (the
// configuration), or were added by the owner with "/mod add <user id>".
// Moderator commands work in private chats only and are handled here, not
// by the conversation core, so they never touch the moderator's own
// checklist: their updates commit no state, only replies.
//
//	/reload   reload the catalogue from its directory (Moderation.Reload)
//	/stats    checks per day over 7 and 30 days, by level, category,
//	          script and signal, and the reports pending; aggregated only
//	/history  the latest moderator actions and catalogue versions
//	/reports  review field reports one at a time, with inline buttons
//	/mod      add, remove or list moderators (the owner only)
//
// For anyone else these commands, and the review buttons' callback data,
// go to the conversation core like any other, so they get exactly the
// answer an unknown command or a stale button gets: nothing shows that they
// exist. Review buttons carry "mod:" callback data, which the core's choice
// ids never start with, and a tag that only this bot can compute (see
// modTag), so forged or stale data changes nothing and gets a calm answer.

// A ModStore keeps what moderators read and change. cmd/scambot backs it
// with bot/sqlite. Actors appear as hashes (Options.HashID), never as ids.
type ModStore interface {
	// IsModerator reports whether a user was added as a moderator in the
	// bot.
	IsModerator(ctx context.Context, userID int64) (bool, error)
	// AddModerator and RemoveModerator change the moderators added in the
	// bot, audited. RemoveModerator returns ErrNotFound for a user who was
	// not added.
	AddModerator(ctx context.Context, userID int64, byHash string) error
	RemoveModerator(ctx context.Context, userID int64, byHash string) error
	// Moderators lists the users added in the bot.
	Moderators(ctx context.Context) ([]int64, error)
	// Audit records a moderator action.
	Audit(ctx context.Context, actorHash, action, detail string) error
	// History returns the latest audit entries, newest first.
	History(ctx context.Context, limit int) ([]AuditEntry, error)
	// CatalogueVersions returns the latest catalogues that went live,
	// newest first.
	CatalogueVersions(ctx context.Context, limit int) ([]CatalogueVersion, error)
	// Stats counts the assessments made since a time.
	Stats(ctx context.Context, since time.Time) (Stats, error)
	// PendingReports counts the reports waiting for review.
	PendingReports(ctx context.Context) (int, error)
	// NextReport returns the pending report after afterID (wrapping to the
	// oldest); ErrNotFound if none is pending.
	NextReport(ctx context.Context, afterID int64) (FieldReport, error)
	// Report returns a report; ErrNotFound if there is none.
	Report(ctx context.Context, id int64) (FieldReport, error)
	// ReviewReport records a decision on a pending report, audited;
	// ErrNotFound if it does not exist or is no longer pending.
	ReviewReport(ctx context.Context, id int64, status, script, reviewerHash string) error
}

// Report statuses, as ModStore stores them.
const (
	ReportPending    = "pending"
	ReportApproved   = "approved"
	ReportRejected   = "rejected"
	ReportNewPattern = "new_pattern"
)

// Moderation configures the moderator commands. The zero value turns them
// off: they then answer like any unknown command.
type Moderation struct {
	// Store keeps moderators, the audit, statistics and reports; nil turns
	// moderation off.
	Store ModStore
	// Owner may add and remove moderators; 0 means no owner.
	Owner int64
	// Moderators are moderators by configuration (SCAMBOT_MODERATORS).
	Moderators []int64
	// Reload reloads the catalogue on behalf of the moderator whose hash is
	// given and reports the outcome; the new catalogue, if any, answers the
	// updates that follow. Nil means the catalogue is built in and cannot be
	// reloaded. It is called while the update is handled, so it delays the
	// updates after it by as long as it takes (about 0.1 s for the shipped
	// catalogue).
	Reload func(actorHash string) ReloadResult
}

// A ReloadResult is the outcome of a reload (bot/live's Result).
type ReloadResult struct {
	// Live: the new catalogue went live. Unchanged: the files are those of
	// the live catalogue. Neither: it was refused (Errors or Misses).
	Live, Unchanged bool
	Hash            string
	Scripts         int
	// Samples is how many samples were run, Misses those scored wrongly.
	Samples int
	Misses  []string
	// Errors are the catalogue's problems as path:line: message.
	Errors []string
	// Changed lists scripts added (+id), removed (-id) or edited (~id).
	Changed []string
	Took    time.Duration
}

// An AuditEntry is one recorded moderator action.
type AuditEntry struct {
	At                    time.Time
	Actor, Action, Detail string
}

// A CatalogueVersion is a catalogue that went live.
type CatalogueVersion struct {
	Hash string
	At   time.Time
	// Actor is a moderator's hash, or "watch" or "start"; Source says how
	// it came ("reload", "watch", "start").
	Actor, Source string
	Scripts       int
	Changed       []string
}

// Stats count assessments since a time (bot/sqlite's Stats).
type Stats struct {
	Events, Users int
	// Days has one entry per UTC day with assessments, oldest first.
	Days []StatDay
	// Most frequent first.
	Levels, Categories, Scripts, Signals []StatCount
}

// A StatDay counts one UTC day's assessments.
type StatDay struct {
	Day           string // YYYY-MM-DD
	Events, Users int
}

// A StatCount is how many assessments had a value.
type StatCount struct {
	Name string
	N    int
}

// A FieldReport is a scam a user reported, its text already masked.
type FieldReport struct {
	ID                                    int64
	Lang, Region, Level, Category, Script string
	Signals                               []string
	Text, Evidence, Status                string
	Created                               time.Time
}

// Moderator commands (without "/"); "mod" is the owner's.
var modCommands = map[string]bool{"reload": true, "stats": true, "history": true, "reports": true, "mod": true}

// kindModerator labels moderator replies in metrics.
const kindModerator = "moderator"

// role is what a user may do.
type role int

const (
	roleNone role = iota
	roleModerator
	roleOwner
)

// role returns whether a user is the owner, a moderator or neither.
func (b *Bot) role(ctx context.Context, userID int64) (role, error) {
	m := b.opts.Moderation
	switch {
	case m.Store == nil || userID <= 0:
		return roleNone, nil
	case userID == m.Owner:
		return roleOwner, nil
	case slices.Contains(m.Moderators, userID):
		return roleModerator, nil
	}
	ok, err := m.Store.IsModerator(ctx, userID)
	if err != nil {
		return roleNone, fmt.Errorf("check moderator: %w", err)
	}
	if ok {
		return roleModerator, nil
	}
	return roleNone, nil
}

// A modReq is one moderator update being handled.
type modReq struct {
	b     *Bot
	ctx   context.Context
	in    *incoming
	c     *Commit
	now   time.Time
	role  role
	lang  bot.Lang
	cat   *catalogue.Catalogue
	actor string // the moderator's hash
}

func (r *modReq) msg(key string, args ...string) string {
	return r.cat.Messages.Get(r.lang, key, args...)
}

// say queues a reply to the moderator: split to Telegram's limit, the
// keyboard on the last part; edit replaces the message with that id
// instead (when the text fits in one message).
func (r *modReq) say(text string, kb [][]button, edit int64) {
	parts := Split(text, MaxText)
	for i, part := range parts {
		p := payload{Text: part, Kind: kindModerator}
		if i == len(parts)-1 {
			p.KB = kb
			if len(parts) == 1 {
				p.Edit = edit
			}
		}
		r.c.Out = append(r.c.Out, OutMsg{ChatID: r.in.chatID, Priority: PriorityNormal, Payload: p.encode()})
	}
}

// moderate handles a moderator command or review button. It reports false,
// having done nothing, for anything else and for anyone who is not a
// moderator (the owner's /mod: anyone but the owner), so that the caller
// steps the conversation as for any user.
func (b *Bot) moderate(ctx context.Context, in *incoming, c *Commit, now time.Time) (bool, error) {
	ev := in.event
	isCmd := ev.Kind == bot.EventCommand && modCommands[ev.Command]
	isButton := ev.Kind == bot.EventChoice && strings.HasPrefix(ev.Choice, modPrefix)
	if b.opts.Moderation.Store == nil || in.chatType != "private" || !isCmd && !isButton {
		return false, nil
	}
	rl, err := b.role(ctx, in.userID)
	if err != nil {
		return false, err
	}
	if rl == roleNone || isCmd && ev.Command == "mod" && rl != roleOwner {
		return false, nil
	}
	r := &modReq{b: b, ctx: ctx, in: in, c: c, now: now, role: rl, cat: b.core.Bot().Engine().Catalogue(), actor: b.hash(in.userID)}
	if r.lang, err = b.modLang(ctx, in); err != nil {
		return false, err
	}
	b.modMenu(in.userID, rl, r.lang, r.cat)
	if isButton {
		return true, r.button(ev.Choice)
	}
	switch ev.Command {
	case "reload":
		err = r.reload()
	case "stats":
		err = r.stats()
	case "history":
		err = r.history()
	case "reports":
		err = r.showNext(0, 0)
	case "mod":
		err = r.mods(ev.Args)
	}
	return true, err
}

// moderatorHelp adds the moderator commands to a moderator's /help, after
// the core's own help, and sets their command menu.
func (b *Bot) moderatorHelp(ctx context.Context, in *incoming, c *Commit) error {
	if in.event.Kind != bot.EventCommand || in.event.Command != "help" || len(c.Out) == 0 || b.opts.Moderation.Store == nil {
		return nil
	}
	rl, err := b.role(ctx, in.userID)
	if err != nil || rl == roleNone {
		return err
	}
	lang, err := b.modLang(ctx, in)
	if err != nil {
		return err
	}
	cat := b.core.Bot().Engine().Catalogue()
	text := cat.Messages.Get(lang, "mod_help")
	if rl == roleOwner {
		text += "\n" + cat.Messages.Get(lang, "mod_help_owner")
	}
	p := payload{Text: text, Kind: kindModerator}
	c.Out = append(c.Out, OutMsg{ChatID: in.chatID, Priority: PriorityNormal, Payload: p.encode()})
	b.modMenu(in.userID, rl, lang, cat)
	return nil
}

// modLang is the language to answer a moderator in: the one they chose,
// else their client's, else Chinese.
func (b *Bot) modLang(ctx context.Context, in *incoming) (bot.Lang, error) {
	p, err := b.store.Prefs(ctx, in.userID)
	if err != nil {
		return "", err
	}
	if l, ok := bot.ParseLang(p.Lang); ok {
		return l, nil
	}
	return orZH(in.lang), nil
}

// modMenus remembers the moderators whose command menu was set since the
// process started.
type modMenus struct {
	mu  sync.Mutex
	set map[int64]bool
}

// modMenu gives a moderator's private chat a command menu with the
// moderator commands (setMyCommands, scope chat), once per process.
func (b *Bot) modMenu(userID int64, rl role, lang bot.Lang, cat *catalogue.Catalogue) {
	b.menus.mu.Lock()
	done := b.menus.set[userID]
	if b.menus.set == nil {
		b.menus.set = map[int64]bool{}
	}
	b.menus.set[userID] = true
	b.menus.mu.Unlock()
	if done {
		return
	}
	cmds := menu(cat, lang)
	for _, c := range modMenuCommands {
		if c.name == "mod" && rl != roleOwner {
			continue
		}
		cmds = append(cmds, tgbotapi.BotCommand{Command: c.name, Description: cat.Messages.Get(lang, c.key)})
	}
	scope := tgbotapi.NewBotCommandScopeChat(userID)
	b.sched.call(laneSystem, "setMyCommands", tgbotapi.SetMyCommandsConfig{Commands: cmds, Scope: &scope}, time.Time{})
}

// dropModMenu restores the default menu in a former moderator's chat.
func (b *Bot) dropModMenu(userID int64) {
	b.menus.mu.Lock()
	delete(b.menus.set, userID)
	b.menus.mu.Unlock()
	scope := tgbotapi.NewBotCommandScopeChat(userID)
	b.sched.call(laneSystem, "deleteMyCommands", tgbotapi.DeleteMyCommandsConfig{Scope: &scope}, time.Time{})
}

// reload reloads the catalogue and reports the outcome. A catalogue that
// went live is recorded and audited by whoever Reload calls back (bot/live's
// OnLive); a refused or unchanged one is audited here.
func (r *modReq) reload() error {
	rl := r.b.opts.Moderation.Reload
	if rl == nil {
		r.say(r.msg("mod_reload_no_dir"), nil, 0)
		return nil
	}
	res := rl(r.actor)
	short := shortHash(res.Hash)
	var detail string
	switch {
	case res.Live:
		changed := r.msg("mod_none")
		if len(res.Changed) > 0 {
			changed = strings.Join(res.Changed, ", ")
		}
		r.say(r.msg("mod_reload_live", "hash", short, "scripts", strconv.Itoa(res.Scripts),
			"samples", strconv.Itoa(res.Samples), "took", res.Took.Round(time.Millisecond).String(), "changed", changed), nil, 0)
		r.b.log.Info("catalogue reloaded by a moderator", "moderator", r.actor, "hash", short, "scripts", res.Scripts, "took_s", seconds(res.Took))
		return nil
	case res.Unchanged:
		r.say(r.msg("mod_reload_unchanged", "hash", short), nil, 0)
		detail = "unchanged " + short
	case len(res.Errors) > 0:
		r.say(r.msg("mod_reload_errors", "n", strconv.Itoa(len(res.Errors)))+"\n\n"+r.list(res.Errors), nil, 0)
		detail = fmt.Sprintf("refused: %d problem(s); first: %s", len(res.Errors), res.Errors[0])
	default:
		r.say(r.msg("mod_reload_misses", "n", strconv.Itoa(len(res.Misses)), "samples", strconv.Itoa(res.Samples))+"\n\n"+r.list(res.Misses), nil, 0)
		detail = fmt.Sprintf("refused: %d of %d samples mis-scored", len(res.Misses), res.Samples)
	}
	r.b.log.Info("catalogue reload by a moderator", "moderator", r.actor, "unchanged", res.Unchanged, "errors", len(res.Errors), "misses", len(res.Misses))
	return r.b.opts.Moderation.Store.Audit(r.ctx, r.actor, "reload", detail)
}

// maxListed is how many catalogue problems or failing samples one reload
// reply lists; the rest are counted (scripts lint lists them all).
const maxListed = 40

// list renders problems one per paragraph, at most maxListed.
func (r *modReq) list(items []string) string {
	n := min(len(items), maxListed)
	text := strings.Join(items[:n], "\n\n")
	if len(items) > n {
		text += "\n\n" + r.msg("mod_more", "n", strconv.Itoa(len(items)-n))
	}
	return text
}

// stats replies with the statistics: checks per UTC day over the last 7
// days, the 7- and 30-day totals and daily averages, the 30 days by level,
// category, script and signal, and the reports pending.
func (r *modReq) stats() error {
	st := r.b.opts.Moderation.Store
	today := time.Date(r.now.UTC().Year(), r.now.UTC().Month(), r.now.UTC().Day(), 0, 0, 0, 0, time.UTC)
	week, err := st.Stats(r.ctx, today.AddDate(0, 0, -6))
	if err != nil {
		return err
	}
	month, err := st.Stats(r.ctx, today.AddDate(0, 0, -29))
	if err != nil {
		return err
	}
	pending, err := st.PendingReports(r.ctx)
	if err != nil {
		return err
	}
	r.say(renderStats(r.cat.Messages, r.lang, today, week, month, pending), nil, 0)
	return nil
}

// statsListed is how many values each breakdown of /stats shows.
const statsListed = 8

func renderStats(msgs catalogue.Messages, lang bot.Lang, today time.Time, week, month Stats, pending int) string {
	get := func(key string, args ...string) string { return msgs.Get(lang, key, args...) }
	var b strings.Builder
	b.WriteString(get("mod_stats_header"))
	period := func(days int, s Stats) {
		avg := strconv.FormatFloat(float64(s.Events)/float64(days), 'f', 1, 64)
		b.WriteString("\n\n" + get("mod_stats_period", "days", strconv.Itoa(days), "checks", strconv.Itoa(s.Events),
			"people", strconv.Itoa(s.Users), "avg", avg))
	}
	period(7, week)
	byDay := map[string]int{}
	for _, d := range week.Days {
		byDay[d.Day] = d.Events
	}
	for i := 6; i >= 0; i-- {
		day := today.AddDate(0, 0, -i).Format(time.DateOnly)
		fmt.Fprintf(&b, "\n  %s  %d", day[5:], byDay[day])
	}
	period(30, month)
	if month.Events == 0 {
		b.WriteString("\n" + get("mod_stats_empty"))
	} else {
		none := get("mod_none")
		for _, g := range []struct {
			key    string
			counts []StatCount
		}{
			{"mod_stats_levels", month.Levels},
			{"mod_stats_categories", month.Categories},
			{"mod_stats_scripts", month.Scripts},
			{"mod_stats_signals", month.Signals},
		} {
			b.WriteString("\n" + get(g.key, "list", countList(g.counts, statsListed, none)))
		}
	}
	b.WriteString("\n\n" + get("mod_stats_pending", "n", strconv.Itoa(pending)))
	return b.String()
}

// countList renders counts as "name n · name n", the first max of them,
// "" named none.
func countList(counts []StatCount, max int, none string) string {
	if len(counts) == 0 {
		return none
	}
	var parts []string
	for i, c := range counts {
		if i == max {
			parts = append(parts, "…")
			break
		}
		name := c.Name
		if name == "" {
			name = none
		}
		parts = append(parts, name+" "+strconv.Itoa(c.N))
	}
	return strings.Join(parts, " · ")
}

// history replies with the latest moderator actions and catalogue versions.
func (r *modReq) history() error {
	st := r.b.opts.Moderation.Store
	acts, err := st.History(r.ctx, 12)
	if err != nil {
		return err
	}
	vers, err := st.CatalogueVersions(r.ctx, 6)
	if err != nil {
		return err
	}
	r.say(renderHistory(r.cat.Messages, r.lang, acts, vers), nil, 0)
	return nil
}

func renderHistory(msgs catalogue.Messages, lang bot.Lang, acts []AuditEntry, vers []CatalogueVersion) string {
	if len(acts) == 0 && len(vers) == 0 {
		return msgs.Get(lang, "mod_history_empty")
	}
	when := func(t time.Time) string { return t.UTC().Format("01-02 15:04") }
	var b strings.Builder
	if len(vers) > 0 {
		b.WriteString(msgs.Get(lang, "mod_history_versions"))
		for _, v := range vers {
			changed := msgs.Get(lang, "mod_none")
			if len(v.Changed) > 0 {
				changed = strings.Join(v.Changed[:min(len(v.Changed), 6)], ", ")
				if len(v.Changed) > 6 {
					changed += ", …"
				}
			}
			fmt.Fprintf(&b, "\n%s · %s · %s (%s) · %d · %s", when(v.At), shortHash(v.Hash), shortActor(v.Actor), v.Source, v.Scripts, changed)
		}
	}
	if len(acts) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(msgs.Get(lang, "mod_history_actions"))
		for _, a := range acts {
			fmt.Fprintf(&b, "\n%s · %s · %s · %s", when(a.At), shortActor(a.Actor), a.Action, shorten(a.Detail, 160))
		}
	}
	return b.String()
}

// shortHash is the first 12 characters of a content hash.
func shortHash(h string) string { return h[:min(len(h), 12)] }

// shortActor is the first 8 characters of an actor's hash ("watch" and
// "start" stay as they are).
func shortActor(a string) string {
	if a == "" {
		return "-"
	}
	return a[:min(len(a), 8)]
}

// mods runs the owner's /mod add|remove|list.
func (r *modReq) mods(args string) error {
	st := r.b.opts.Moderation.Store
	verb, arg, _ := strings.Cut(strings.TrimSpace(args), " ")
	arg = strings.TrimSpace(arg)
	switch strings.ToLower(verb) {
	case "list":
		return r.listMods()
	case "add", "remove":
	default:
		r.say(r.msg("mod_usage"), nil, 0)
		return nil
	}
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		r.say(r.msg("mod_bad_id", "id", shorten(arg, 32)), nil, 0)
		return nil
	}
	sid := strconv.FormatInt(id, 10)
	m := r.b.opts.Moderation
	if strings.EqualFold(verb, "add") {
		if err := st.AddModerator(r.ctx, id, r.actor); err != nil {
			return err
		}
		r.b.log.Info("moderator added", "by", r.actor, "moderator", r.b.hash(id))
		r.say(r.msg("mod_added", "id", sid), nil, 0)
		return nil
	}
	if id == m.Owner || slices.Contains(m.Moderators, id) {
		r.say(r.msg("mod_configured", "id", sid), nil, 0)
		return nil
	}
	err = st.RemoveModerator(r.ctx, id, r.actor)
	if errors.Is(err, ErrNotFound) {
		r.say(r.msg("mod_not_added", "id", sid), nil, 0)
		return nil
	}
	if err != nil {
		return err
	}
	r.b.log.Info("moderator removed", "by", r.actor, "moderator", r.b.hash(id))
	r.b.dropModMenu(id)
	r.say(r.msg("mod_removed", "id", sid), nil, 0)
	return nil
}

func (r *modReq) listMods() error {
	added, err := r.b.opts.Moderation.Store.Moderators(r.ctx)
	if err != nil {
		return err
	}
	m := r.b.opts.Moderation
	none := r.msg("mod_none")
	ids := func(xs []int64) string {
		if len(xs) == 0 {
			return none
		}
		var s []string
		for _, x := range xs {
			s = append(s, fmt.Sprintf("%d (%s)", x, shortActor(r.b.hash(x))))
		}
		return strings.Join(s, ", ")
	}
	owner := none
	if m.Owner > 0 {
		owner = ids([]int64{m.Owner})
	}
	r.say(r.msg("mod_list", "owner", owner, "configured", ids(m.Moderators), "added", ids(added)), nil, 0)
	return nil
}

// Review buttons. Callback data is "mod:<verb>:<report id>:<arg>:<tag>",
// at most 64 bytes:
//
//	ok  <script>  approve, filed under the script (modScriptRef)
//	no  -         reject
//	nw  -         mark as a new pattern
//	sk  -         skip to the next report
//	pg  c<n>|a<n> show page n of the scripts of the report's category (c)
//	              or of all scripts (a)
//	bk  -         back to the decision buttons
//
// The tag binds the rest to this bot (modTag); data with a wrong tag, an
// unknown verb, a report no longer pending or a script no longer in the
// catalogue changes nothing and gets mod_stale.
const modPrefix = "mod:"

// scriptsPerPage is how many scripts one page of the script keyboard lists,
// one a row, under Telegram's limits (100 buttons, ~10 kB of markup).
const scriptsPerPage = 8

type modAction struct {
	verb   string
	report int64
	arg    string
}

// modTag authenticates callback data: the bot's salted hash (HashID; the
// database's HMAC in serve, so buttons outlive a restart) of a digest of
// the data. Only this bot can compute it; a client that edits the data of
// a button, or makes some up, gets a tag that does not match.
func (b *Bot) modTag(body string) string {
	sum := sha256.Sum256([]byte(body))
	h := b.hash(int64(binary.BigEndian.Uint64(sum[:8])))
	return h[:min(len(h), 8)]
}

func (b *Bot) modData(a modAction) string {
	body := a.verb + ":" + strconv.FormatInt(a.report, 10) + ":" + a.arg
	return modPrefix + body + ":" + b.modTag(body)
}

// parseModData checks and splits review callback data.
func (b *Bot) parseModData(data string) (modAction, bool) {
	rest, ok := strings.CutPrefix(data, modPrefix)
	if !ok || len(data) > MaxCallbackData {
		return modAction{}, false
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return modAction{}, false
	}
	body, tag := rest[:i], rest[i+1:]
	if subtle.ConstantTimeCompare([]byte(tag), []byte(b.modTag(body))) != 1 {
		return modAction{}, false
	}
	parts := strings.Split(body, ":")
	if len(parts) != 3 {
		return modAction{}, false
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != parts[1] {
		return modAction{}, false
	}
	a := modAction{verb: parts[0], report: id, arg: parts[2]}
	switch a.verb {
	case "ok", "pg":
		if a.arg == "" {
			return modAction{}, false
		}
	case "no", "nw", "sk", "bk":
	default:
		return modAction{}, false
	}
	return a, true
}

// modScriptRef names a script in callback data: 8 hex digits of its id's
// SHA-256, which fits however long the id is and still names the same
// script after a reload (a removed script no longer matches).
func modScriptRef(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:4])
}

// scriptByRef finds the script a reference names, nil if none (or, against
// all odds, two).
func scriptByRef(cat *catalogue.Catalogue, ref string) *catalogue.Script {
	var found *catalogue.Script
	for _, s := range cat.Scripts {
		if modScriptRef(s.ID) == ref {
			if found != nil {
				return nil
			}
			found = s
		}
	}
	return found
}

// button handles a review button.
func (r *modReq) button(data string) error {
	a, ok := r.b.parseModData(data)
	if !ok {
		r.b.log.Warn("review button with bad data", "moderator", r.actor)
		r.say(r.msg("mod_stale"), nil, 0)
		return nil
	}
	st := r.b.opts.Moderation.Store
	msgID := int64(r.in.msgID)
	switch a.verb {
	case "sk":
		return r.showNext(a.report, 0)
	case "pg", "bk":
		rep, err := st.Report(r.ctx, a.report)
		if errors.Is(err, ErrNotFound) || err == nil && rep.Status != ReportPending {
			r.say(r.msg("mod_stale"), nil, 0)
			return nil
		}
		if err != nil {
			return err
		}
		waiting, err := st.PendingReports(r.ctx)
		if err != nil {
			return err
		}
		text := r.reportText(rep, waiting)
		if a.verb == "bk" {
			r.say(text, r.decisionKeyboard(rep), msgID)
			return nil
		}
		kb, ok := r.scriptKeyboard(rep, a.arg)
		if !ok {
			r.say(r.msg("mod_stale"), nil, 0)
			return nil
		}
		r.say(text+"\n\n"+r.msg("mod_pick_script"), kb, msgID)
		return nil
	}
	status, script, done := ReportRejected, "", "mod_done_rejected"
	switch a.verb {
	case "ok":
		s := scriptByRef(r.cat, a.arg)
		if s == nil {
			r.say(r.msg("mod_stale"), nil, 0)
			return nil
		}
		status, script, done = ReportApproved, s.ID, "mod_done_approved"
	case "nw":
		status, done = ReportNewPattern, "mod_done_new_pattern"
	}
	rep, err := st.Report(r.ctx, a.report)
	if errors.Is(err, ErrNotFound) {
		r.say(r.msg("mod_stale"), nil, 0)
		return nil
	}
	if err != nil {
		return err
	}
	err = st.ReviewReport(r.ctx, a.report, status, script, r.actor)
	if errors.Is(err, ErrNotFound) {
		// Reviewed already (by another moderator, or this button twice).
		r.say(r.msg("mod_stale"), nil, 0)
		return nil
	}
	if err != nil {
		return err
	}
	r.b.log.Info("report reviewed", "moderator", r.actor, "report", a.report, "status", status, "script", script)
	waiting, err := st.PendingReports(r.ctx)
	if err != nil {
		return err
	}
	// The reviewed report keeps its text, says what was decided and loses
	// its buttons; the next one follows as a new message.
	r.say(r.reportText(rep, waiting)+"\n\n"+r.msg(done, "script", script), nil, msgID)
	return r.showNext(a.report, waiting)
}

// showNext shows the pending report after afterID with its decision
// buttons, or says none is waiting. waiting is the count to show (0: ask).
func (r *modReq) showNext(afterID int64, waiting int) error {
	st := r.b.opts.Moderation.Store
	rep, err := st.NextReport(r.ctx, afterID)
	if errors.Is(err, ErrNotFound) {
		r.say(r.msg("mod_reports_none"), nil, 0)
		return nil
	}
	if err != nil {
		return err
	}
	if waiting == 0 {
		if waiting, err = st.PendingReports(r.ctx); err != nil {
			return err
		}
	}
	r.say(r.reportText(rep, waiting), r.decisionKeyboard(rep), 0)
	return nil
}

// maxReportText is how many characters of a report's text the review
// message shows, so the message stays under Telegram's 4096 with its
// header and can be edited in one piece.
const maxReportText = 3000

// reportText renders a report for review: what the engine said, the masked
// text, the evidence. Plain text, like every message.
func (r *modReq) reportText(rep FieldReport, waiting int) string {
	none := r.msg("mod_none")
	or := func(s string) string {
		if s == "" {
			return none
		}
		return s
	}
	signals := none
	if len(rep.Signals) > 0 {
		signals = strings.Join(rep.Signals, ", ")
	}
	date := none
	if !rep.Created.IsZero() {
		date = rep.Created.UTC().Format(time.DateOnly)
	}
	// The user's text goes last: Get replaces placeholders in order, so a
	// "{script}" inside it stays as written.
	text := r.msg("mod_report", "id", strconv.FormatInt(rep.ID, 10), "waiting", strconv.Itoa(waiting),
		"lang", or(rep.Lang), "region", or(rep.Region), "date", date, "level", or(rep.Level),
		"category", or(rep.Category), "script", or(rep.Script), "signals", signals,
		"text", shorten(strings.TrimSpace(rep.Text), maxReportText))
	if ev := strings.TrimSpace(rep.Evidence); ev != "" {
		text += "\n\n" + r.msg("mod_report_evidence", "evidence", shorten(ev, 300))
	}
	return text
}

// decisionKeyboard is approve (to the engine's script, if the catalogue
// still has it), another script, reject, new pattern, skip.
func (r *modReq) decisionKeyboard(rep FieldReport) [][]button {
	b := r.b
	var rows [][]button
	if s := r.cat.Script(rep.Script); s != nil {
		rows = append(rows, []button{{Text: shorten(r.msg("btn_mod_approve", "script", s.ID), maxButtonText),
			Data: b.modData(modAction{"ok", rep.ID, modScriptRef(s.ID)})}})
	}
	first := "a0"
	if len(r.categoryScripts(rep.Category)) > 0 {
		first = "c0"
	}
	rows = append(rows,
		[]button{{Text: r.msg("btn_mod_other"), Data: b.modData(modAction{"pg", rep.ID, first})}},
		[]button{
			{Text: r.msg("btn_mod_reject"), Data: b.modData(modAction{"no", rep.ID, "-"})},
			{Text: r.msg("btn_mod_new_pattern"), Data: b.modData(modAction{"nw", rep.ID, "-"})},
		},
		[]button{{Text: r.msg("btn_mod_skip"), Data: b.modData(modAction{"sk", rep.ID, "-"})}},
	)
	return rows
}

// categoryScripts are the ids of the catalogue's scripts in a category,
// sorted.
func (r *modReq) categoryScripts(category string) []string {
	if category == "" {
		return nil
	}
	var ids []string
	for _, s := range r.cat.Scripts {
		if string(s.Category) == category {
			ids = append(ids, s.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// scriptKeyboard is one page of scripts to file a report under: those of
// its category ("c<n>") or all ("a<n>"), with buttons to page, to switch
// between the two lists and to go back. It reports false for a page that
// does not exist.
func (r *modReq) scriptKeyboard(rep FieldReport, arg string) ([][]button, bool) {
	if len(arg) < 2 || arg[0] != 'c' && arg[0] != 'a' {
		return nil, false
	}
	page, err := strconv.Atoi(arg[1:])
	if err != nil || page < 0 || strconv.Itoa(page) != arg[1:] {
		return nil, false
	}
	mine := r.categoryScripts(rep.Category)
	ids := mine
	if arg[0] == 'a' {
		ids = nil
		for _, s := range r.cat.Scripts {
			ids = append(ids, s.ID)
		}
		sort.Strings(ids)
	}
	pages := (len(ids) + scriptsPerPage - 1) / scriptsPerPage
	if page >= max(pages, 1) {
		return nil, false
	}
	b := r.b
	var rows [][]button
	for _, id := range ids[page*scriptsPerPage : min(len(ids), (page+1)*scriptsPerPage)] {
		rows = append(rows, []button{{Text: shorten(id, maxButtonText), Data: b.modData(modAction{"ok", rep.ID, modScriptRef(id)})}})
	}
	var nav []button
	if page > 0 {
		nav = append(nav, button{Text: r.msg("btn_mod_prev"), Data: b.modData(modAction{"pg", rep.ID, arg[:1] + strconv.Itoa(page-1)})})
	}
	if page+1 < pages {
		nav = append(nav, button{Text: r.msg("btn_mod_next"), Data: b.modData(modAction{"pg", rep.ID, arg[:1] + strconv.Itoa(page+1)})})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	var last []button
	switch {
	case arg[0] == 'c':
		last = append(last, button{Text: r.msg("btn_mod_all"), Data: b.modData(modAction{"pg", rep.ID, "a0"})})
	case len(mine) > 0:
		last = append(last, button{Text: r.msg("btn_mod_category"), Data: b.modData(modAction{"pg", rep.ID, "c0"})})
	}
	last = append(last, button{Text: r.msg("btn_mod_back"), Data: b.modData(modAction{"bk", rep.ID, "-"})})
	return append(rows, last), true
}
