package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/scambot/scambot/bot/sqlite"
)

func cmdReports(e *env, args []string) int {
	if len(args) == 0 || args[0] != "export" {
		fmt.Fprintln(e.stderr, "usage: scambot reports export [--out DIR]")
		return exitUsage
	}
	fs := newFlags("reports export", e.stderr)
	out := fs.String("out", "reports-export", "directory to write one samples file per script to")
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	cfg, err := LoadConfig(e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot: configuration: %v\n", err)
		return exitUsage
	}
	if _, err := os.Stat(cfg.DB); err != nil {
		fmt.Fprintf(e.stderr, "scambot reports export: database %s: %v (set SCAMBOT_DB)\n", cfg.DB, err)
		return exitUsage
	}
	db, err := sqlite.Open(e.ctx, cfg.DB, sqlite.Options{})
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot reports export: %v\n", err)
		return exitUsage
	}
	defer db.Close()
	reports, err := db.ApprovedReports(e.ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot reports export: %v\n", err)
		return exitUsage
	}
	if len(reports) == 0 {
		fmt.Fprintln(e.stdout, "no approved reports to export")
		return exitOK
	}
	byScript := map[string][]sqlite.Report{}
	for _, r := range reports {
		byScript[r.ReviewScript] = append(byScript[r.ReviewScript], r)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(e.stderr, "scambot reports export: %v\n", err)
		return exitUsage
	}
	var scripts []string
	for s := range byScript {
		scripts = append(scripts, s)
	}
	sort.Strings(scripts)
	var exported []int64
	for _, script := range scripts {
		data, err := samplesYAML(script, byScript[script], time.Now())
		if err != nil {
			fmt.Fprintf(e.stderr, "scambot reports export: %s: %v\n", script, err)
			return exitUsage
		}
		path := filepath.Join(*out, script+".samples.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			fmt.Fprintf(e.stderr, "scambot reports export: %v\n", err)
			return exitUsage
		}
		for _, r := range byScript[script] {
			exported = append(exported, r.ID)
		}
		fmt.Fprintf(e.stdout, "wrote %s (%d samples)\n", path, len(byScript[script]))
	}
	if err := db.MarkExported(e.ctx, exported); err != nil {
		fmt.Fprintf(e.stderr, "scambot reports export: %v\n", err)
		return exitUsage
	}
	return exitOK
}

type exportSample struct {
	Lang string `yaml:"lang"`
	Text string `yaml:"text"`
}

// samplesYAML renders approved reports as a samples list to paste into the
// script's samples (then `scambot scripts test` checks them).
func samplesYAML(script string, rs []sqlite.Report, now time.Time) ([]byte, error) {
	var doc struct {
		Samples []exportSample `yaml:"samples"`
	}
	for _, r := range rs {
		doc.Samples = append(doc.Samples, exportSample{Lang: r.Lang, Text: r.Text})
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Approved field reports for %s, exported %s.\n", script, now.UTC().Format("2006-01-02"))
	fmt.Fprintf(&buf, "# The text was masked when it was reported. Copy the samples into\n# scripts/%s.yaml, then run: scambot scripts lint && scambot scripts test\n", script)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}
