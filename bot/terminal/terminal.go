// Package terminal is the adapter behind `scambot chat`: the whole
// conversation on standard input and output, with numbered choices. It
// needs no network, token, database or configuration.
package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
)

// Options configure a terminal session. The zero value is usable.
type Options struct {
	// Lang is the language to start in; "" detects it from the first text.
	Lang bot.Lang
	// Region is a region code of the hotline directory; "" means CN.
	Region string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Run talks with the user until end of input or until ctx is done. It
// returns nil at end of input.
func Run(ctx context.Context, b *conversation.Bot, in io.Reader, out io.Writer, opts Options) error {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	st := conversation.State{V: conversation.Version, Lang: opts.Lang, LangSet: opts.Lang != "", Region: opts.Region}
	w := bufio.NewWriter(out)
	var choices []bot.Choice
	deliver := func(o conversation.Outcome) error {
		st = o.State
		if len(o.Replies) > 0 {
			choices = nil
		}
		for _, r := range o.Replies {
			fmt.Fprintln(w)
			fmt.Fprintln(w, r.Text)
			for _, c := range r.Choices {
				choices = append(choices, c)
				fmt.Fprintf(w, "  %d) %s\n", len(choices), c.Label)
			}
		}
		if o.Forget {
			st = conversation.State{V: conversation.Version, Lang: opts.Lang, LangSet: opts.Lang != "", Region: opts.Region}
		}
		fmt.Fprint(w, "\n> ")
		return w.Flush()
	}
	if err := deliver(b.Step(st, bot.Event{Kind: bot.EventCommand, Command: "start", Time: now(), Lang: opts.Lang})); err != nil {
		return err
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(w)
			w.Flush()
			return ctx.Err()
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(w)
				w.Flush()
				select {
				case err := <-errc:
					return err
				default:
					return nil
				}
			}
			ev, quit := parse(line, choices, now())
			if quit {
				fmt.Fprintln(w)
				return w.Flush()
			}
			if ev == nil {
				fmt.Fprint(w, "> ")
				w.Flush()
				continue
			}
			if err := deliver(b.Step(st, *ev)); err != nil {
				return err
			}
		}
	}
}

// parse turns a line into an event: a number or a choice's label picks the
// choice, "/cmd args" is a command, anything else is free text. Empty lines
// give no event.
func parse(line string, choices []bot.Choice, now time.Time) (*bot.Event, bool) {
	line = strings.TrimSpace(line)
	switch strings.ToLower(line) {
	case "":
		return nil, false
	case "q", "quit", "exit", "/quit", "/exit":
		return nil, true
	}
	if n, err := strconv.Atoi(line); err == nil {
		if n >= 1 && n <= len(choices) {
			return &bot.Event{Kind: bot.EventChoice, Choice: choices[n-1].ID, Time: now}, false
		}
		// A number that is no choice is read as text ("10000").
	}
	// Typing a choice's label picks it too ("no", "没有").
	for _, c := range choices {
		if strings.EqualFold(strings.TrimSpace(c.Label), line) {
			return &bot.Event{Kind: bot.EventChoice, Choice: c.ID, Time: now}, false
		}
	}
	if strings.HasPrefix(line, "/") {
		cmd, args, _ := strings.Cut(line[1:], " ")
		return &bot.Event{Kind: bot.EventCommand, Command: cmd, Args: args, Time: now}, false
	}
	return &bot.Event{Kind: bot.EventText, Text: bot.Text(line), Time: now}, false
}
