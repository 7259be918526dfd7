package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/terminal"
)

func cmdChat(e *env, args []string) int {
	fs := newFlags("chat", e.stderr)
	lang := fs.String("lang", "", "language: zh or en (default: detected from what you write)")
	region := fs.String("region", "", "region for hotlines, e.g. CN, HK, TW, SG (default SCAMBOT_REGION or CN)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	cfg, cat, code := e.setup("")
	if code != exitOK {
		return code
	}
	if *region == "" {
		*region = cfg.Region
	}
	l, r, err := langRegion(cat, *lang, *region)
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot chat: %v\n", err)
		return exitUsage
	}
	b := conversation.New(engine.New(cat))
	err = terminal.Run(e.ctx, b, e.stdin, e.stdout, terminal.Options{Lang: l, Region: r})
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(e.stderr, "scambot chat: %v\n", err)
		return exitUsage
	}
	return exitOK
}
