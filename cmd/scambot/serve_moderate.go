package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/live"
	"github.com/scambot/scambot/bot/sqlite"
	"github.com/scambot/scambot/bot/telegram"
)

// How often serve looks at SCAMBOT_CONTENT_DIR, and how long the files
// must be unchanged before it reloads them (an editor saving several files,
// a git pull).
const (
	defaultWatchInterval = 2 * time.Second
	defaultWatchQuiet    = time.Second
)

// recordTimeout bounds the database writes that record catalogues.
const recordTimeout = 10 * time.Second

// liveCatalogue returns the catalogue the bot answers with, as a holder
// moderators can reload from SCAMBOT_CONTENT_DIR (the embedded catalogue
// cannot be reloaded), and the moderation options for the Telegram adapter.
// Every catalogue that goes live is recorded with who caused it: the
// moderator's hash, "watch", or "start" for the one serve starts with
// (recorded when it differs from the last one recorded).
func liveCatalogue(ctx context.Context, cfg Config, cat *catalogue.Catalogue, db *sqlite.DB, log *slog.Logger) (*live.Holder, telegram.Moderation) {
	h := live.New(live.Build(cat, time.Now()), live.Source{Dir: cfg.ContentDir}, time.Now)
	rl := &reloader{h: h}
	h.OnLive(func(old, v *live.Version, r live.Result) {
		actor, source := "watch", "watch"
		if a := rl.actor.Load(); a != nil {
			actor, source = *a, "reload"
		}
		record(db, log, sqlite.CatalogueVersion{Hash: r.Hash, ActorHash: actor, Source: source, Scripts: r.Scripts, Changed: r.Changed})
		log.Info("catalogue live", "hash", short(r.Hash), "source", source, "scripts", r.Scripts, "samples", r.Samples,
			"changed", r.Changed, "took_s", r.Took.Round(time.Millisecond).Seconds())
	})
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if last, err := db.CatalogueVersions(rctx, 1); err != nil {
		log.Error("cannot read the catalogue history", "err", err)
	} else if len(last) == 0 || last[0].Hash != cat.Hash {
		record(db, log, sqlite.CatalogueVersion{Hash: cat.Hash, ActorHash: "start", Source: "start", Scripts: len(cat.Scripts)})
	}
	mod := telegram.Moderation{Store: modStore{db}, Owner: cfg.Owner, Moderators: cfg.Moderators}
	if cfg.ContentDir != "" {
		mod.Reload = rl.reload
	}
	return h, mod
}

func record(db *sqlite.DB, log *slog.Logger, v sqlite.CatalogueVersion) {
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	if err := db.RecordCatalogue(ctx, v); err != nil {
		log.Error("catalogue went live but was not recorded", "hash", short(v.Hash), "source", v.Source, "err", err)
	}
}

func short(h string) string { return h[:min(len(h), 12)] }

// reloader runs a moderator's /reload and lets OnLive know whom it is
// for. The directory watch reloads through the holder directly; were it to
// take the holder's lock between a moderator's claim and the moderator's
// own reload, its catalogue (read from the same directory a moment
// earlier) is recorded as the moderator's, and the moderator is told the
// files are unchanged.
type reloader struct {
	h     *live.Holder
	actor atomic.Pointer[string]
}

func (rl *reloader) reload(actorHash string) telegram.ReloadResult {
	rl.actor.Store(&actorHash)
	r := rl.h.Reload()
	rl.actor.Store(nil)
	return telegram.ReloadResult{
		Live: r.Live, Unchanged: r.Unchanged, Hash: r.Hash, Scripts: r.Scripts, Samples: r.Samples,
		Misses: r.Misses, Errors: r.Errors, Changed: r.Changed, Took: r.Took,
	}
}

// maxLoggedProblems is how many catalogue problems a refused watch reload
// logs (the path:line of each; scripts lint lists them all).
const maxLoggedProblems = 20

// watchCatalogue reloads the content directory when its files change,
// with the same checks as /reload, until ctx is done. A catalogue that
// goes live is recorded by OnLive; a refused one is logged and audited.
func watchCatalogue(ctx context.Context, h *live.Holder, db *sqlite.DB, log *slog.Logger, tune serveTuning) error {
	interval, quiet := tune.watchInterval, tune.watchQuiet
	if interval == 0 {
		interval = defaultWatchInterval
	}
	if quiet <= 0 {
		quiet = defaultWatchQuiet
	}
	return h.Watch(ctx, interval, quiet, log, func(r live.Result) {
		if r.Live || r.Unchanged {
			return
		}
		problems := append(append([]string(nil), r.Errors...), r.Misses...)
		problems = problems[:min(len(problems), maxLoggedProblems)]
		log.Warn("catalogue change refused; the live catalogue stays", "errors", len(r.Errors), "misses", len(r.Misses), "problems", problems)
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		if err := db.Audit(actx, "watch", "reload", r.Summary()); err != nil {
			log.Error("cannot audit a refused reload", "err", err)
		}
	})
}
