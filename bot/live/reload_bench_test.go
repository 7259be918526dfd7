package live_test

import (
	"testing"

	"github.com/scambot/scambot/bot/live"
)

// BenchmarkReload measures what /reload and the directory watch cost with
// the shipped catalogue (the repository's content/ and scripts/): load and
// validate the directory, build the engine, run every sample, swap. Each
// iteration starts from an empty holder, so nothing is skipped as unchanged.
func BenchmarkReload(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		h := live.New(nil, live.Source{Dir: "../.."}, nil)
		if r := h.Reload(); !r.Live {
			b.Fatalf("reload: %s %v %v", r.Summary(), r.Errors, r.Misses)
		}
	}
}
