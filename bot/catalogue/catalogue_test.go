package catalogue_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
)

// embedded copies the shipped catalogue into two MapFS to edit in tests.
func embedded(t testing.TB) (content, scripts fstest.MapFS) {
	t.Helper()
	c, s := catalogue.Embedded()
	return copyFS(t, c.FS), copyFS(t, s.FS)
}

func copyFS(t testing.TB, src fs.FS) fstest.MapFS {
	m := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := fs.ReadFile(src, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func load(content, scripts fstest.MapFS) (*catalogue.Catalogue, error) {
	return catalogue.Load(catalogue.Dir{FS: content, Path: "content"}, catalogue.Dir{FS: scripts, Path: "scripts"})
}

const minimalScript = `id: test-script
category: fake_ecommerce_refund
title: {zh: 标题, en: Title}
summary: {zh: 摘要, en: Summary}
anchors: [claims_shop_service]
signals:
  - {id: claims_shop_service, weight: 0.2}
  - {id: asks_transfer, weight: 0.5}
stages:
  - {id: a, title: {zh: 一, en: One}, says: {zh: 说, en: Says}, asks: {zh: 问, en: asks}, advice: {zh: 做, en: Do}, signals: [claims_shop_service]}
  - {id: b, title: {zh: 二, en: Two}, says: {zh: 说, en: Says}, asks: {zh: 问, en: asks}, advice: {zh: 做, en: Do}, signals: [asks_transfer]}
samples:
  - {lang: zh, text: 商家客服让我转账}
  - {lang: en, text: The shop customer service asked me to transfer money}
`

func TestLoadEmbedded(t *testing.T) {
	c, err := catalogue.LoadEmbedded()
	if err != nil {
		t.Fatalf("the shipped catalogue does not load:\n%v", err)
	}
	if len(c.Hash) != 64 {
		t.Errorf("hash %q is not a hex SHA-256", c.Hash)
	}
	for _, q := range c.Questions {
		if last := q.Answers[len(q.Answers)-1]; last.ID != catalogue.Unsure || last.Label.ZH == "" || last.Label.EN == "" {
			t.Errorf("question %s does not end with a labelled %q answer", q.ID, catalogue.Unsure)
		}
	}
}

// TestShippedCatalogueContent checks what the product promises: every
// category covered, enough samples in each language, enough hard negatives,
// and no number shown to users without a source.
func TestShippedCatalogueContent(t *testing.T) {
	c, err := catalogue.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[bot.Category]int{}
	negatives := 0
	for _, s := range c.Scripts {
		covered[s.Category]++
		per := map[bot.Lang]int{}
		for _, sm := range s.Samples {
			per[sm.Lang]++
		}
		for _, l := range bot.Langs {
			if per[l] < 5 {
				t.Errorf("%s: %d %s samples, want at least 5", s.ID, per[l], l)
			}
		}
		negatives += len(s.Negatives)
	}
	if len(c.Scripts) < 24 {
		t.Errorf("%d scripts, want at least 24", len(c.Scripts))
	}
	for _, k := range bot.Categories {
		if covered[k] == 0 {
			t.Errorf("no script for category %s", k)
		}
	}
	if negatives < 80 {
		t.Errorf("%d negative samples, want at least 80", negatives)
	}
	for _, r := range c.Regions {
		for _, n := range r.Numbers {
			if n.Number != "" && len(n.Sources) == 0 {
				t.Errorf("number %s has no source", n.ID)
			}
		}
	}
}

func TestErrorsCarryFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(c, s fstest.MapFS)
		want   []string
		reject []string
	}{
		{
			name: "unknown field, unknown signal, duplicate id, bad weight, all at once",
			edit: func(c, s fstest.MapFS) {
				bad := strings.Replace(minimalScript, "title:", "colour: red\ntitle:", 1)
				bad = strings.Replace(bad, "{id: asks_transfer, weight: 0.5}", "{id: asks_transferr, weight: 1.5}", 1)
				s["test-script.yaml"] = &fstest.MapFile{Data: []byte(bad)}
				s["dup.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(minimalScript, "id: test-script", "id: dup", 1))}
				s["dup2.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(minimalScript, "id: test-script", "id: dup", 1))}
			},
			want: []string{
				`scripts/test-script.yaml:3: unknown field "colour"`,
				`scripts/test-script.yaml:9: unknown signal "asks_transferr"`,
				`scripts/dup2.yaml:1: script id "dup" must match its file name "dup2"`,
			},
		},
		{
			name: "missing required fields and a wrong type",
			edit: func(c, s fstest.MapFS) {
				bad := strings.Replace(minimalScript, "title: {zh: 标题, en: Title}\n", "", 1)
				bad = strings.Replace(bad, "weight: 0.2", "weight: high", 1)
				s["test-script.yaml"] = &fstest.MapFile{Data: []byte(bad)}
			},
			want: []string{
				`scripts/test-script.yaml:1: missing required field "title"`,
				`scripts/test-script.yaml:6: cannot unmarshal !!str ` + "`high`" + ` into float64`,
			},
		},
		{
			name: "unknown category, hotline and organisation; missing English",
			edit: func(c, s fstest.MapFS) {
				bad := strings.Replace(minimalScript, "category: fake_ecommerce_refund", "category: lottery", 1)
				bad = strings.Replace(bad, "summary: {zh: 摘要, en: Summary}", "summary: {zh: 摘要}", 1)
				bad += "hotlines: [cn-antifraud-96111]\norganisations: [no-such-org]\n"
				s["test-script.yaml"] = &fstest.MapFile{Data: []byte(bad)}
			},
			want: []string{
				`scripts/test-script.yaml:1: unknown category "lottery"`,
				`scripts/test-script.yaml:1: summary: missing English (en) text`,
				`scripts/test-script.yaml:1: unknown hotline "cn-antifraud-96111"`,
				`scripts/test-script.yaml:1: unknown organisation "no-such-org"`,
			},
		},
		{
			name: "YAML syntax error",
			edit: func(c, s fstest.MapFS) {
				s["test-script.yaml"] = &fstest.MapFile{Data: []byte("id: x\ntitle: [unclosed\n")}
			},
			want:   []string{`scripts/test-script.yaml:1: YAML syntax: did not find expected ',' or ']'`},
			reject: []string{`script id ""`, `missing Chinese`},
		},
		{
			name: "a number without a source",
			edit: func(c, s fstest.MapFS) {
				h := string(c["hotlines.yaml"].Data)
				i := strings.Index(h, "        sources:\n          - \"https://bwc.cug.edu.cn")
				j := strings.Index(h[i:], "        checked:")
				c["hotlines.yaml"] = &fstest.MapFile{Data: []byte(h[:i] + "        sources: []\n" + h[i+j:])}
			},
			want: []string{`content/hotlines.yaml:`, `number "cn-antifraud-96110" has no source`},
		},
		{
			name: "a message missing in one language",
			edit: func(c, s fstest.MapFS) {
				m := string(c["messages/en.yaml"].Data)
				m = strings.Replace(m, "\nadvice_hang_up:", "\nadvice_hang_upp:", 1)
				c["messages/en.yaml"] = &fstest.MapFile{Data: []byte(m)}
			},
			want: []string{
				`content/messages/en.yaml:1: message "advice_hang_up" is missing or empty`,
				`content/messages/en.yaml:1: message "advice_hang_upp" is not used by the code`,
			},
		},
		{
			name: "a checklist answer that does not exist and a phrase with punctuation",
			edit: func(c, s fstest.MapFS) {
				sig := string(c["signals.yaml"].Data)
				sig = strings.Replace(sig, "checklist: [who=courier]", "checklist: [who=postman]", 1)
				sig = strings.Replace(sig, "[快递客服, ", "[\"快递，客服\", ", 1)
				c["signals.yaml"] = &fstest.MapFile{Data: []byte(sig)}
			},
			want: []string{
				`checklist answer "who=postman" does not exist`,
				`contains punctuation`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, s := embedded(t)
			s["test-script.yaml"] = &fstest.MapFile{Data: []byte(minimalScript)}
			tc.edit(c, s)
			_, err := load(c, s)
			var errs catalogue.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Load error = %v, want catalogue.Errors", err)
			}
			for _, e := range errs {
				if e.Line < 1 || e.Path == "" {
					t.Errorf("error without file and line: %q", e)
				}
			}
			got := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("errors lack %q:\n%s", w, got)
				}
			}
			for _, r := range tc.reject {
				if strings.Contains(got, r) {
					t.Errorf("errors include noise %q:\n%s", r, got)
				}
			}
		})
	}
}

func TestMinimalScriptLoads(t *testing.T) {
	c, s := embedded(t)
	s["test-script.yaml"] = &fstest.MapFile{Data: []byte(minimalScript)}
	cat, err := load(c, s)
	if err != nil {
		t.Fatal(err)
	}
	if cat.Script("test-script") == nil {
		t.Fatal("test-script not loaded")
	}
}

// FuzzLoadScript feeds arbitrary bytes as a script file: Load must never
// panic, and every error must name the file and a line.
func FuzzLoadScript(f *testing.F) {
	f.Add([]byte(minimalScript))
	f.Add([]byte("id: [\n"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte("signals: {a: b}\nstages: 3\n"))
	f.Add([]byte(strings.Replace(minimalScript, "0.5", "NaN", 1)))
	c, s := embedded(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		scripts := fstest.MapFS{"test-script.yaml": &fstest.MapFile{Data: data}}
		for k, v := range s {
			if k == "courier-compensation-credit-loop.yaml" {
				scripts[k] = v
			}
		}
		_, err := load(c, scripts)
		if err == nil {
			return
		}
		var errs catalogue.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("error %v is not catalogue.Errors", err)
		}
		for _, e := range errs {
			if e.Line < 1 || e.Path == "" {
				t.Fatalf("error without file and line: %q", e)
			}
		}
	})
}

func TestAliasesAreRefused(t *testing.T) {
	c, s := embedded(t)
	bomb := strings.Replace(minimalScript, "anchors: [claims_shop_service]", "regions: &a [CN, CN, CN, CN, CN, CN, CN, CN]\nanchors: [*a, *a, *a, *a, *a, *a, *a, *a]", 1)
	s["test-script.yaml"] = &fstest.MapFile{Data: []byte(bomb)}
	_, err := load(c, s)
	if err == nil || !strings.Contains(err.Error(), "aliases") {
		t.Fatalf("an alias bomb was not refused: %v", err)
	}
}
