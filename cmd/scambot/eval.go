package main

import (
	"fmt"
	"os"

	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/eval"
)

func cmdEval(e *env, args []string) int {
	fs := newFlags("eval", e.stderr)
	quiet := fs.Bool("quiet", false, "print only the metrics, not every miss")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "usage: scambot eval [--quiet] FILE.jsonl")
		return exitUsage
	}
	_, cat, code := e.setup("")
	if code != exitOK {
		return code
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot eval: %v\n", err)
		return exitUsage
	}
	defer f.Close()
	cases, err := eval.Read(f)
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot eval: %s: bad lines:\n%v\n", fs.Arg(0), err)
		if len(cases) == 0 {
			return exitUsage
		}
	}
	rep := eval.Run(engine.New(cat), cases)
	rep.Write(e.stdout, !*quiet)
	if fails := rep.Failures(); len(fails) > 0 {
		fmt.Fprintln(e.stdout, "\nbelow target:")
		for _, f := range fails {
			fmt.Fprintln(e.stdout, "  "+f)
		}
		return exitFinding
	}
	return exitOK
}
