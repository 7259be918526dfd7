package catalogue

import (
	"testing"
)

// FuzzDecodeScript feeds arbitrary bytes to the strict decoder as a script
// file: it must never panic, and every problem must carry a line.
func FuzzDecodeScript(f *testing.F) {
	f.Add([]byte("id: x\ncategory: other_scam\nsignals:\n  - {id: a, weight: 0.5}\n"))
	f.Add([]byte("id: [\n"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte("signals: {a: b}\nstages: 3\nsamples: [{lang: zz, level: extreme}]\n"))
	f.Add([]byte("stages:\n  - id: a\n    title: {zh: 一, en: One, fr: Un}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var errs Errors
		var s Script
		decodeFile("x.yaml", data, &s, &errs)
		for _, e := range errs {
			if e.Line < 1 || e.Path != "x.yaml" {
				t.Fatalf("error without file and line: %q", e)
			}
		}
	})
}
