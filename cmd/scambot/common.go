package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
)

// setup loads the config and the catalogue, printing every problem. It
// returns a non-zero exit status when it cannot go on.
func (e *env) setup(dir string) (Config, *catalogue.Catalogue, int) {
	cfg, err := LoadConfig(e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot: configuration: %v\n", err)
		return cfg, nil, exitUsage
	}
	cat, err := cfg.Catalogue(dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot: the catalogue has problems; nothing was started:\n%v\n", err)
		return cfg, nil, exitUsage
	}
	return cfg, cat, exitOK
}

// newFlags returns a flag set that reports errors to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// langRegion validates --lang and --region.
func langRegion(cat *catalogue.Catalogue, lang, region string) (bot.Lang, string, error) {
	var l bot.Lang
	if lang != "" {
		var ok bool
		if l, ok = bot.ParseLang(lang); !ok {
			return "", "", fmt.Errorf("unknown language %q (want zh or en)", lang)
		}
	}
	region = strings.ToUpper(region)
	if cat.Region(region) == nil {
		var codes []string
		for _, r := range cat.Regions {
			codes = append(codes, r.Code)
		}
		return "", "", fmt.Errorf("unknown region %q (known: %s)", region, strings.Join(codes, ", "))
	}
	return l, region, nil
}
