// Package live holds the catalogue the bot is answering with and replaces
// it safely while the bot runs: a new catalogue directory is loaded,
// validated and tested against every sample before it goes live, and the
// swap is atomic, so an assessment never mixes two versions and a broken
// edit never reaches users. It can also watch the directory and reload on
// change, debounced.
package live

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/engine"
)

// A Version is one live catalogue with everything built from it. It is
// immutable; callers take one with Current and use it for a whole request,
// so a reload mid-request changes nothing for that request.
type Version struct {
	Catalogue *catalogue.Catalogue
	Engine    *engine.Engine
	Bot       *conversation.Bot
	Loaded    time.Time
}

// Build prepares a version from a loaded catalogue.
func Build(cat *catalogue.Catalogue, now time.Time) *Version {
	eng := engine.New(cat)
	return &Version{Catalogue: cat, Engine: eng, Bot: conversation.New(eng), Loaded: now}
}

// Source loads a catalogue: from a directory on disk (content/ and
// scripts/) or the embedded copy.
type Source struct {
	// Dir is the directory; "" means the catalogue compiled into the binary,
	// which cannot change while running.
	Dir string
}

func (s Source) load() (*catalogue.Catalogue, error) {
	if s.Dir == "" {
		return catalogue.LoadEmbedded()
	}
	return catalogue.Load(catalogue.OnDisk(s.Dir))
}

// A Holder holds the live version. The zero value is not usable; use New.
// It is safe for concurrent use.
type Holder struct {
	cur    atomic.Pointer[Version]
	src    Source
	now    func() time.Time
	mu     sync.Mutex // serialises reloads
	onLive []func(old, new *Version, r Result)
}

// New returns a holder answering with v, reloading from src.
func New(v *Version, src Source, now func() time.Time) *Holder {
	if now == nil {
		now = time.Now
	}
	h := &Holder{src: src, now: now}
	h.cur.Store(v)
	return h
}

// Current returns the live version.
func (h *Holder) Current() *Version { return h.cur.Load() }

// Bot returns the live conversation bot (for adapters that only need it).
func (h *Holder) Bot() *conversation.Bot { return h.cur.Load().Bot }

// OnLive registers a function called, under the reload lock, after a new
// version went live (to record it, rebuild a model reader, tell moderators).
func (h *Holder) OnLive(f func(old, new *Version, r Result)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onLive = append(h.onLive, f)
}

// Result is the outcome of a reload.
type Result struct {
	// Live: the new catalogue went live. Unchanged: it was identical to
	// the live one, so nothing happened.
	Live, Unchanged bool
	Hash            string
	Scripts         int
	// Errors are the catalogue's problems as path:line: message.
	Errors []string
	// Misses are the samples the new catalogue scores wrongly.
	Misses []string
	// Samples is how many samples were run.
	Samples int
	// Changed lists scripts added (+id), removed (-id) or edited (~id).
	Changed []string
	// Took is how long loading and testing took.
	Took time.Duration
}

// Summary is one line for logs and moderators.
func (r Result) Summary() string {
	switch {
	case r.Unchanged:
		return fmt.Sprintf("catalogue unchanged (%s)", short(r.Hash))
	case r.Live:
		return fmt.Sprintf("catalogue %s live: %d scripts, %d samples pass, changed: %s (%s)",
			short(r.Hash), r.Scripts, r.Samples, orNone(r.Changed), r.Took.Round(time.Millisecond))
	case len(r.Errors) > 0:
		return fmt.Sprintf("catalogue refused: %d problem(s); the live catalogue stays", len(r.Errors))
	default:
		return fmt.Sprintf("catalogue refused: %d of %d samples mis-scored; the live catalogue stays", len(r.Misses), r.Samples)
	}
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// Reload loads the source, validates it and runs every sample; only if both
// pass does the new version replace the live one, atomically. On any
// problem the live version stays and Result lists the problems.
func (h *Holder) Reload() Result {
	h.mu.Lock()
	defer h.mu.Unlock()
	start := h.now()
	old := h.cur.Load()
	cat, err := h.src.load()
	var r Result
	if err != nil {
		if errs, ok := err.(catalogue.Errors); ok {
			for _, e := range errs {
				r.Errors = append(r.Errors, e.Error())
			}
		} else {
			r.Errors = []string{err.Error()}
		}
		r.Took = h.now().Sub(start)
		return r
	}
	r.Hash, r.Scripts = cat.Hash, len(cat.Scripts)
	if old != nil && old.Catalogue.Hash == cat.Hash {
		r.Unchanged = true
		return r
	}
	v := Build(cat, start)
	misses, n := v.Engine.CheckSamples()
	r.Samples = n.Positive + n.Negative
	for _, m := range misses {
		r.Misses = append(r.Misses, m.String())
	}
	r.Took = h.now().Sub(start)
	if len(misses) > 0 {
		return r
	}
	if old != nil {
		r.Changed = changed(old.Catalogue, cat)
	}
	h.cur.Store(v)
	r.Live = true
	for _, f := range h.onLive {
		f(old, v, r)
	}
	return r
}

// changed compares two catalogues script by script.
func changed(a, b *catalogue.Catalogue) []string {
	fp := func(c *catalogue.Catalogue) map[string]string {
		m := map[string]string{}
		for _, s := range c.Scripts {
			m[s.ID] = fingerprint(s)
		}
		return m
	}
	fa, fb := fp(a), fp(b)
	var out []string
	for id, f := range fb {
		switch g, ok := fa[id]; {
		case !ok:
			out = append(out, "+"+id)
		case g != f:
			out = append(out, "~"+id)
		}
	}
	for id := range fa {
		if _, ok := fb[id]; !ok {
			out = append(out, "-"+id)
		}
	}
	sort.Strings(out)
	if a.Hash != b.Hash && len(out) == 0 {
		out = []string{"~content"}
	}
	return out
}

func fingerprint(s *catalogue.Script) string {
	h := sha256.New()
	fmt.Fprintf(h, "%+v|%+v|%+v|%+v|%+v|%+v", s.Signals, s.Anchors, s.Phrases, s.Samples, s.Negatives, s.Category)
	for _, st := range s.Stages {
		fmt.Fprintf(h, "|%+v", *st)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Watch polls the source directory every interval and reloads when its
// files change, once they have been quiet for quiet (an editor saving
// several files, a git pull). It returns when ctx is done. With no
// directory (the embedded catalogue) it only waits for ctx.
func (h *Holder) Watch(ctx context.Context, interval, quiet time.Duration, log *slog.Logger, report func(Result)) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if h.src.Dir == "" {
		<-ctx.Done()
		return nil
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	last, _ := dirStamp(h.src.Dir)
	var pending string
	var since time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		stamp, err := dirStamp(h.src.Dir)
		if err != nil {
			log.Warn("catalogue directory unreadable", "err", err)
			continue
		}
		switch {
		case stamp != last && stamp != pending:
			pending, since = stamp, h.now() // a change: wait for quiet
		case pending != "" && stamp == pending && h.now().Sub(since) >= quiet:
			r := h.Reload()
			last, pending = stamp, ""
			log.Info("catalogue reload from watch", "live", r.Live, "unchanged", r.Unchanged, "errors", len(r.Errors), "misses", len(r.Misses))
			if report != nil {
				report(r)
			}
		}
	}
}

// dirStamp is a fingerprint of every YAML file's path, size and
// modification time under the directory.
func dirStamp(dir string) (string, error) {
	h := sha256.New()
	fsys := osDirFS(dir)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s|%d|%d\n", p, fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}
