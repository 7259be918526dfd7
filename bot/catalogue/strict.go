package catalogue

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// An Error is one problem in a catalogue file. It prints as path:line: message.
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg) }

// Errors is every problem found in a catalogue, in file order. Load returns
// it (as an error) so that lint and reload can show them all at once.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// strictDecoder decodes a yaml.Node tree into Go values the way the
// catalogue wants: unknown and duplicate keys are errors, fields tagged
// `cat:"required"` must be present, and a struct field `Line int` with tag
// `yaml:"-"` receives the line of the mapping it was decoded from. Unlike
// yaml.v3's own KnownFields, it keeps going after an error, so every problem
// in a file is reported at once, each with its line.
type strictDecoder struct {
	path string
	errs *Errors
}

var textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()

func (d *strictDecoder) errorf(line int, format string, args ...any) {
	*d.errs = append(*d.errs, &Error{Path: d.path, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (d *strictDecoder) decode(n *yaml.Node, v reflect.Value) {
	for n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		// Aliases could expand a small file exponentially ("billion
		// laughs"); catalogue files have no use for them.
		d.errorf(n.Line, "YAML aliases (*name) are not allowed in catalogue files")
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		v.Set(reflect.Zero(v.Type()))
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem())
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshaler) {
		if n.Kind != yaml.ScalarNode {
			d.errorf(n.Line, "expected a single value, found %s", kindName(n))
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.errorf(n.Line, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.errorf(n.Line, "expected a list, found %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.errorf(n.Line, "expected a mapping, found %s", kindName(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := reflect.New(v.Type().Key()).Elem()
			d.decode(k, key)
			if m.MapIndex(key).IsValid() {
				d.errorf(k.Line, "duplicate key %q", k.Value)
				continue
			}
			e := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, e)
			m.SetMapIndex(key, e)
		}
		v.Set(m)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.errorf(n.Line, "expected text, found %s", kindName(n))
			return
		}
		v.SetString(n.Value)
	default:
		if n.Kind != yaml.ScalarNode {
			d.errorf(n.Line, "expected a single value, found %s", kindName(n))
			return
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			msg := err.Error()
			if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
				msg = te.Errors[0]
				if _, after, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "line ") {
					msg = after
				}
			}
			d.errorf(n.Line, "%s", msg)
		}
	}
}

func (d *strictDecoder) decodeStruct(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n.Line, "expected a mapping, found %s", kindName(n))
		return
	}
	t := v.Type()
	fields := map[string]int{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.Name == "Line" && name == "-" {
			v.Field(i).SetInt(int64(n.Line))
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		fields[name] = i
		names = append(names, name)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		fi, ok := fields[k.Value]
		if !ok {
			d.errorf(k.Line, "unknown field %q (known: %s)", k.Value, strings.Join(names, ", "))
			continue
		}
		if seen[k.Value] {
			d.errorf(k.Line, "duplicate field %q", k.Value)
			continue
		}
		seen[k.Value] = true
		d.decode(val, v.Field(fi))
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Tag.Get("cat") != "required" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !seen[name] {
			d.errorf(n.Line, "missing required field %q", name)
		}
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// decodeFile parses data as one YAML document into v, appending every
// problem to errs. A syntax error stops the file (and decodeFile reports
// false); others do not.
func decodeFile(path string, data []byte, v any, errs *Errors) bool {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line := 1
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "yaml: ")
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			if num, after, ok := strings.Cut(rest, ": "); ok {
				if _, err := fmt.Sscanf(num, "%d", &line); err == nil {
					msg = after
				}
			}
		}
		*errs = append(*errs, &Error{Path: path, Line: line, Msg: "YAML syntax: " + msg})
		return false
	}
	if root.Kind == 0 {
		*errs = append(*errs, &Error{Path: path, Line: 1, Msg: "empty file"})
		return false
	}
	d := &strictDecoder{path: path, errs: errs}
	d.decode(&root, reflect.ValueOf(v).Elem())
	return true
}
