package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/engine"
)

func cmdScripts(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, "usage: scambot scripts lint|test|schema [DIR] | scambot scripts new ID --category C [--dir DIR]\n")
		return exitUsage
	}
	switch args[0] {
	case "lint":
		return scriptsLint(e, args[1:])
	case "test":
		return scriptsTest(e, args[1:])
	case "new":
		return scriptsNew(e, args[1:])
	case "schema":
		return scriptsSchema(e, args[1:])
	}
	fmt.Fprintf(e.stderr, "scambot scripts: unknown subcommand %q (want lint, test, new or schema)\n", args[0])
	return exitUsage
}

// loadForCheck loads the catalogue of DIR (or SCAMBOT_CONTENT_DIR, or the
// embedded one) and prints every problem. ok is false when it failed.
func loadForCheck(e *env, name string, args []string) (*catalogue.Catalogue, int, bool) {
	fs := newFlags("scripts "+name, e.stderr)
	if err := fs.Parse(args); err != nil {
		return nil, exitUsage, false
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(e.stderr, "usage: scambot scripts %s [DIR]\n", name)
		return nil, exitUsage, false
	}
	cfg, err := LoadConfig(e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot: configuration: %v\n", err)
		return nil, exitUsage, false
	}
	cat, err := cfg.Catalogue(fs.Arg(0))
	if err != nil {
		var errs catalogue.Errors
		if errors.As(err, &errs) {
			for _, x := range errs {
				fmt.Fprintln(e.stdout, x)
			}
			fmt.Fprintf(e.stdout, "%d problem(s)\n", len(errs))
			return nil, exitFinding, false
		}
		fmt.Fprintf(e.stderr, "scambot scripts %s: %v\n", name, err)
		return nil, exitUsage, false
	}
	return cat, exitOK, true
}

func scriptsLint(e *env, args []string) int {
	cat, code, ok := loadForCheck(e, "lint", args)
	if !ok {
		return code
	}
	fmt.Fprintf(e.stdout, "ok: %d scripts, %d signals, %d questions, %d phrases, %d automaton states; catalogue %s\n",
		len(cat.Scripts), len(cat.Signals), len(cat.Questions), cat.Lexicon.Patterns(), cat.Lexicon.States(), cat.Hash[:12])
	return exitOK
}

func scriptsTest(e *env, args []string) int {
	cat, code, ok := loadForCheck(e, "test", args)
	if !ok {
		return code
	}
	misses, n := engine.New(cat).CheckSamples()
	for _, m := range misses {
		fmt.Fprintf(e.stdout, "%s\n    %s\n", m, oneLine(m.Text))
	}
	fmt.Fprintf(e.stdout, "%d samples (%d positive, %d negative), %d mis-scored\n", n.Positive+n.Negative, n.Positive, n.Negative, len(misses))
	if len(misses) > 0 {
		return exitFinding
	}
	return exitOK
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:119]) + "…"
	}
	return s
}

func scriptsNew(e *env, args []string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(e.stderr, "usage: scambot scripts new ID --category C [--dir DIR]")
		return exitUsage
	}
	id := args[0]
	fs := newFlags("scripts new", e.stderr)
	category := fs.String("category", "", "category of CONTRACTS.md")
	dir := fs.String("dir", "scripts", "directory to write to")
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	c := bot.Category(*category)
	if !c.Valid() || c == bot.CategoryNone {
		var names []string
		for _, k := range bot.Categories {
			names = append(names, string(k))
		}
		fmt.Fprintf(e.stderr, "scambot scripts new: --category must be one of: %s\n", strings.Join(names, ", "))
		return exitUsage
	}
	if !catalogue.ValidScriptID(id) {
		fmt.Fprintf(e.stderr, "scambot scripts new: id %q: use lower case letters, digits and -\n", id)
		return exitUsage
	}
	path := filepath.Join(*dir, id+".yaml")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot scripts new: %v\n", err)
		return exitUsage
	}
	_, err = f.WriteString(catalogue.Template(id, c))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot scripts new: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "wrote %s: fill it in, then run `scambot scripts lint` and `scambot scripts test`\n", path)
	return exitOK
}

// scriptsSchema prints the JSON Schema of a script file for the catalogue
// (write it to scripts/script.schema.json so editors validate as you type).
func scriptsSchema(e *env, args []string) int {
	cat, code, ok := loadForCheck(e, "schema", args)
	if !ok {
		return code
	}
	data, err := catalogue.ScriptSchema(cat)
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot scripts schema: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "%s\n", data)
	return exitOK
}
