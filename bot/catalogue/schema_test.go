package catalogue_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/scambot/scambot/bot/catalogue"
)

var update = flag.Bool("update", false, "rewrite scripts/script.schema.json")

const schemaPath = "../../scripts/script.schema.json"

// TestSchemaIsCurrent: the shipped schema is the one the loader's types and
// the shipped vocabulary give (go test ./bot/catalogue -update to refresh).
func TestSchemaIsCurrent(t *testing.T) {
	c, err := catalogue.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	got, err := catalogue.ScriptSchema(c)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(schemaPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/catalogue -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("scripts/script.schema.json is stale: run go test ./bot/catalogue -update (or scambot scripts schema)")
	}
}

// TestSchemaAgreesWithLoader: every shipped script validates against the
// schema, and files the loader refuses for their shape are refused by the
// schema too.
func TestSchemaAgreesWithLoader(t *testing.T) {
	var schema map[string]any
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	_, scripts := catalogue.Embedded()
	names, _ := fs.Glob(scripts.FS, "*.yaml")
	for _, name := range names {
		raw, _ := fs.ReadFile(scripts.FS, name)
		if errs := validate(schema, yamlToJSON(t, raw), ""); len(errs) > 0 {
			t.Errorf("%s does not validate: %v", name, errs)
		}
	}
	c, s := embedded(t)
	for _, tc := range []struct{ name, edit, with string }{
		{"unknown field", "title:", "colour: red\ntitle:"},
		{"missing title", "title: {zh: 标题, en: Title}\n", ""},
		{"unknown signal", "{id: asks_transfer, weight: 0.5}", "{id: asks_transferr, weight: 0.5}"},
		{"weight over 1", "weight: 0.5}", "weight: 1.5}"},
		{"unknown category", "category: fake_ecommerce_refund", "category: lottery"},
		{"missing English", "summary: {zh: 摘要, en: Summary}", "summary: {zh: 摘要}"},
		{"wrong language", "{lang: en, text:", "{lang: fr, text:"},
	} {
		bad := strings.Replace(minimalScript, tc.edit, tc.with, 1)
		if bad == minimalScript {
			t.Fatalf("%s: edit did not apply", tc.name)
		}
		schemaErrs := validate(schema, yamlToJSON(t, []byte(bad)), "")
		s2 := fstest.MapFS{}
		for k, v := range s {
			s2[k] = v
		}
		s2["test-script.yaml"] = &fstest.MapFile{Data: []byte(bad)}
		_, loadErr := load(c, s2)
		if len(schemaErrs) == 0 || loadErr == nil {
			t.Errorf("%s: schema errors %v, loader error %v: both must refuse", tc.name, schemaErrs, loadErr)
		}
	}
	if errs := validate(schema, yamlToJSON(t, []byte(minimalScript)), ""); len(errs) > 0 {
		t.Errorf("the minimal script does not validate: %v", errs)
	}
}

func yamlToJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return normalizeYAML(v)
}

func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeYAML(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalizeYAML(e)
		}
		return x
	case int:
		return float64(x)
	}
	return v
}

// validate checks v against the subset of JSON Schema that ScriptSchema
// emits: type, properties, required, additionalProperties, items, enum,
// minLength, minimum, maximum, exclusiveMinimum.
func validate(s map[string]any, v any, path string) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, x := range e {
			found = found || x == v
		}
		if !found {
			fail("%v not in enum", v)
		}
	}
	typ := s["type"]
	if alts, ok := typ.([]any); ok {
		typ = alts[0]
		if _, isNum := v.(float64); isNum {
			for _, a := range alts {
				if a == "number" {
					typ = "number"
				}
			}
		}
	}
	switch typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			fail("not an object")
			return errs
		}
		props, _ := s["properties"].(map[string]any)
		for k, e := range m {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if s["additionalProperties"] == false {
					fail("unknown property %q", k)
				}
				continue
			}
			errs = append(errs, validate(ps, e, path+"/"+k)...)
		}
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := m[r.(string)]; !ok {
					fail("missing %q", r)
				}
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			fail("not an array")
			return errs
		}
		for i, e := range a {
			errs = append(errs, validate(s["items"].(map[string]any), e, fmt.Sprintf("%s/%d", path, i))...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			fail("not a string")
		} else if n, ok := s["minLength"].(float64); ok && float64(len(str)) < n {
			fail("too short")
		}
	case "number", "integer":
		n, ok := v.(float64)
		if !ok {
			fail("not a number")
			return errs
		}
		if m, ok := s["maximum"].(float64); ok && n > m {
			fail("%v > maximum %v", n, m)
		}
		if m, ok := s["minimum"].(float64); ok && n < m {
			fail("%v < minimum %v", n, m)
		}
		if m, ok := s["exclusiveMinimum"].(float64); ok && n <= m {
			fail("%v <= exclusive minimum %v", n, m)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("not a boolean")
		}
	}
	return errs
}
