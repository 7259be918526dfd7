package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxBody bounds a request body; the real server accepts uploads up to 50 MB.
const maxBody = 50 << 20

// params are a request's parameters as the real server sees them: every
// value a string, objects as JSON text.
type params map[string]string

func (p params) str(name string) string { return p[name] }

// integer parses like the real server's get_integer_arg: absent or
// malformed values give def, and the result is clamped to [lo, hi].
func (p params) integer(name string, def, lo, hi int) int {
	s := strings.TrimSpace(p[name])
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return min(max(n, lo), hi)
}

// int64Lenient parses like td::to_integer: garbage gives 0.
func (p params) int64Lenient(name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(p[name]), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// boolean parses like the real server's to_bool: "true", "yes" or "1",
// in any case.
func (p params) boolean(name string) bool {
	switch strings.ToLower(strings.TrimSpace(p[name])) {
	case "true", "yes", "1":
		return true
	}
	return false
}

// json decodes a JSON-valued parameter. ok is false when the parameter is
// absent or empty; err is set when it is present but not JSON.
func (p params) json(name string, v any) (ok bool, err error) {
	s := p[name]
	if s == "" {
		return false, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return true, err
	}
	return true, nil
}

// decodeRequest reads the parameters of r the way the real server does:
// URL query first, then the body (form-urlencoded, multipart/form-data or
// application/json) overriding it. It returns the names of uploaded files.
func decodeRequest(r *http.Request) (params, []string, *apiError) {
	p := params{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			p[k] = v[0]
		}
	}
	if r.Body == nil {
		return p, nil, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return nil, nil, badRequest(fmt.Sprintf("can't parse multipart/form-data: %v", err))
		}
		for k, v := range r.MultipartForm.Value {
			if len(v) > 0 {
				p[k] = v[0]
			}
		}
		var files []string
		for k := range r.MultipartForm.File {
			files = append(files, k)
		}
		sort.Strings(files)
		return p, files, nil
	case "application/json":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return nil, nil, badRequest("can't read request body")
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return p, nil, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, nil, badRequest("can't parse JSON object")
		}
		for k, raw := range obj {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				p[k] = s
				continue
			}
			p[k] = string(bytes.TrimSpace(raw))
		}
		return p, nil, nil
	default:
		// The client library sends application/x-www-form-urlencoded; the
		// real server also parses a body without a Content-Type that way.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return nil, nil, badRequest("can't read request body")
		}
		if len(body) == 0 {
			return p, nil, nil
		}
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, badRequest("can't parse request body")
		}
		for k, v := range vals {
			if len(v) > 0 {
				p[k] = v[0]
			}
		}
		return p, nil, nil
	}
}

// checkUTF8 rejects parameters that are not valid UTF-8, as the real server
// does before any method runs.
func (p params) checkUTF8() *apiError {
	for k, v := range p {
		if !utf8.ValidString(v) || !utf8.ValidString(k) {
			return badRequest("strings must be encoded in UTF-8")
		}
	}
	return nil
}

// jsonValue decodes JSON text into a generic value with json.Number numbers.
func jsonValue(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

// objString reads an optional string field the way TDLib's JSON reader does:
// strings and numbers are accepted, anything else is an error.
func objString(obj map[string]any, name string) (string, bool, error) {
	v, ok := obj[name]
	if !ok {
		return "", false, nil
	}
	switch v := v.(type) {
	case string:
		return v, true, nil
	case json.Number:
		return v.String(), true, nil
	}
	return "", true, fmt.Errorf("Field \"%s\" must be of type String", name)
}

// objRequiredString is objString for a required field.
func objRequiredString(obj map[string]any, name string) (string, error) {
	s, ok, err := objString(obj, name)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("Can't find field \"%s\"", name)
	}
	return s, nil
}

// objBool reads an optional Boolean field.
func objBool(obj map[string]any, name string) (bool, error) {
	v, ok := obj[name]
	if !ok {
		return false, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, fmt.Errorf("Field \"%s\" must be of type Boolean", name)
	}
	return b, nil
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
