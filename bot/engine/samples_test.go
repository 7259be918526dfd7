package engine_test

import (
	"strings"
	"testing"

	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/engine"
)

func loadEngine(t testing.TB) *engine.Engine {
	t.Helper()
	cat, err := catalogue.LoadEmbedded()
	if err != nil {
		t.Fatalf("load embedded catalogue:\n%v", err)
	}
	return engine.New(cat)
}

// TestCatalogueSamples runs every shipped sample through the engine, as
// `scambot scripts test` does.
func TestCatalogueSamples(t *testing.T) {
	e := loadEngine(t)
	misses, n := e.CheckSamples()
	for _, m := range misses {
		var why []string
		for _, r := range m.Got.Signals {
			why = append(why, string(r.ID)+"="+r.Evidence)
		}
		t.Errorf("%s\n    %q\n    signals: %s", m, m.Text, strings.Join(why, ", "))
	}
	t.Logf("%d positive and %d negative samples, %d missed", n.Positive, n.Negative, len(misses))
}
