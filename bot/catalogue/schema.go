package catalogue

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"

	"github.com/scambot/scambot/bot"
)

// SchemaID is the $id of the script schema shipped as scripts/script.schema.json.
const SchemaID = "https://github.com/scambot/scambot/scripts/script.schema.json"

// ScriptSchema returns a JSON Schema (draft 2020-12) for a scam script
// file, derived from the very types the loader decodes into, with the
// catalogue's signal, organisation, hotline and region ids as enums, so
// an editor can validate a script as a moderator types. It is written to
// scripts/script.schema.json by `scambot scripts schema`.
func ScriptSchema(c *Catalogue) ([]byte, error) {
	g := schemaGen{enums: map[string][]string{}}
	for _, s := range c.Signals {
		g.enums["signal"] = append(g.enums["signal"], string(s.ID))
		if s.Kind != Benign {
			g.enums["scam_signal"] = append(g.enums["scam_signal"], string(s.ID))
		}
	}
	for _, o := range c.Organisations {
		g.enums["organisations"] = append(g.enums["organisations"], o.ID)
	}
	for _, r := range c.Regions {
		g.enums["regions"] = append(g.enums["regions"], r.Code)
		for _, n := range r.Numbers {
			g.enums["hotlines"] = append(g.enums["hotlines"], n.ID)
		}
	}
	for _, k := range bot.Categories {
		g.enums["category"] = append(g.enums["category"], string(k))
	}
	for k := range g.enums {
		sort.Strings(g.enums[k])
	}
	root := g.object(reflect.TypeOf(Script{}), "")
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "scambot scam script"
	root["description"] = "One scam script of the scambot catalogue. See scripts/README.md."
	return json.MarshalIndent(root, "", "  ")
}

type schemaGen struct {
	enums map[string][]string
}

var (
	l10nType     = reflect.TypeOf(bot.L10n{})
	signalIDType = reflect.TypeOf(bot.SignalID(""))
	categoryType = reflect.TypeOf(bot.Category(""))
	langType     = reflect.TypeOf(bot.Lang(""))
	levelType    = reflect.TypeOf(bot.Level(0))
)

func (g *schemaGen) object(t reflect.Type, _ string) map[string]any {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		props[name] = g.of(f.Type, name)
		if f.Tag.Get("cat") == "required" {
			required = append(required, name)
		}
	}
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func (g *schemaGen) of(t reflect.Type, field string) map[string]any {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case l10nType:
		return map[string]any{
			"type": "object", "additionalProperties": false, "required": []string{"zh", "en"},
			"properties": map[string]any{
				"zh": map[string]any{"type": "string", "minLength": 1},
				"en": map[string]any{"type": "string", "minLength": 1},
			},
		}
	case signalIDType:
		// A script weighs and is anchored on scam signals only; phrases and
		// stages may name any signal.
		if field == "id" || field == "anchors" {
			return enum(g.enums["scam_signal"])
		}
		return enum(g.enums["signal"])
	case categoryType:
		return enum(g.enums["category"])
	case langType:
		return enum([]string{"zh", "en"})
	case levelType:
		return enum([]string{"low", "medium", "high", "critical"})
	}
	switch t.Kind() {
	case reflect.String:
		if e, ok := g.enums[field]; ok {
			return enum(e)
		}
		// YAML reads 3000 or 10w as a number or a string; the loader takes
		// either as text.
		return map[string]any{"type": []string{"string", "number"}, "minLength": 1}
	case reflect.Float64:
		if field == "weight" {
			return map[string]any{"type": "number", "exclusiveMinimum": 0, "maximum": 1}
		}
		return map[string]any{"type": "number"}
	case reflect.Int:
		if field == "within" {
			return map[string]any{"type": "integer", "minimum": 1, "maximum": maxWithin}
		}
		return map[string]any{"type": "integer"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.of(t.Elem(), field)}
	case reflect.Struct:
		return g.object(t, field)
	}
	return map[string]any{}
}

func enum(values []string) map[string]any {
	return map[string]any{"type": "string", "enum": values}
}
