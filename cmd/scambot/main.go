// Command scambot helps people recognise a scam before they move money.
//
//	scambot chat      the conversation in a terminal
//	scambot serve     the Telegram bot
//	scambot assess    assess a narrative
//	scambot scripts   lint, test or create scam scripts
//	scambot eval      measure detection quality on a labelled file
//	scambot version   version and catalogue hash
//
// See README.md and CONTRACTS.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses of CONTRACTS.md.
const (
	exitOK      = 0
	exitFinding = 1 // a lint error, a failed sample
	exitUsage   = 2 // bad usage or bad input
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// env is the process environment, passed in so tests can replace it.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// errUsage marks a usage error: the message is printed with the usage.
var errUsage = errors.New("usage")

const usage = `scambot helps people recognise a scam before they move money.

Usage:
  scambot chat [--lang zh|en] [--region R]     talk it through in the terminal
  scambot serve                                run the Telegram bot (needs TELEGRAM_BOT_TOKEN)
  scambot assess [--lang L] [--region R] [--json] [TEXT...]
  scambot assess --batch                       JSON Lines in, JSON Lines out
  scambot scripts lint [DIR]                   validate the catalogue
  scambot scripts test [DIR]                   run every sample through the engine
  scambot scripts new ID --category C          write a commented template
  scambot eval FILE.jsonl                      recall, false positives, category accuracy
  scambot reports export [--out DIR]           approved field reports as samples YAML
  scambot version

Environment: SCAMBOT_CONTENT_DIR, SCAMBOT_REGION, SCAMBOT_DB, TELEGRAM_BOT_TOKEN and more (README.md).
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmds := map[string]func(*env, []string) int{
		"chat":    cmdChat,
		"assess":  cmdAssess,
		"scripts": cmdScripts,
		"eval":    cmdEval,
		"serve":   cmdServe,
		"reports": cmdReports,
		"version": cmdVersion,
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	f, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "scambot: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	return f(e, args[1:])
}
