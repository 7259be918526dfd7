package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/scambot/scambot/bot/sqlite"
)

func TestReportsExport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "scambot.db")
	db, err := sqlite.Open(ctx, dbPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := db.AddReport(ctx, sqlite.Report{UserHash: "u1", Lang: "zh", Text: "自称快递客服说赔我钱，让我在借呗借钱刷流水"})
	b, _ := db.AddReport(ctx, sqlite.Report{UserHash: "u2", Lang: "en", Text: "The courier said my parcel was lost, \"pay double\": he: wants [number]"})
	c, _ := db.AddReport(ctx, sqlite.Report{UserHash: "u3", Lang: "en", Text: "rejected one"})
	for _, id := range []int64{a, b} {
		if err := db.ReviewReport(ctx, id, sqlite.ReportApproved, "courier-compensation-credit-loop", "mod"); err != nil {
			t.Fatal(err)
		}
	}
	db.ReviewReport(ctx, c, sqlite.ReportRejected, "", "mod")
	db.Close()

	out := filepath.Join(dir, "out")
	env := map[string]string{"SCAMBOT_DB": dbPath}
	code, stdout, stderr := runCmd(t, env, "", "reports", "export", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "courier-compensation-credit-loop.samples.yaml"))
	if err != nil {
		t.Fatalf("%v (stdout %s)", err, stdout)
	}
	var doc struct {
		Samples []struct{ Lang, Text string }
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("export is not YAML: %v\n%s", err, data)
	}
	if len(doc.Samples) != 2 || doc.Samples[1].Text != "The courier said my parcel was lost, \"pay double\": he: wants [number]" {
		t.Fatalf("samples = %+v", doc.Samples)
	}
	if strings.Contains(string(data), "rejected one") {
		t.Error("a rejected report was exported")
	}
	// Exported reports are not exported twice.
	if code, stdout, _ := runCmd(t, env, "", "reports", "export", "--out", out); code != exitOK || !strings.Contains(stdout, "no approved reports") {
		t.Errorf("second export: exit %d, %q", code, stdout)
	}
	if code, _, _ := runCmd(t, map[string]string{"SCAMBOT_DB": filepath.Join(dir, "missing.db")}, "", "reports", "export"); code != exitUsage {
		t.Error("export from a missing database did not fail")
	}
}
