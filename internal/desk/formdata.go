package desk

import (
	"bytes"
	"encoding/json"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kongsi/kongsi/internal/canonjson"
)

// A body is edited as HTML form fields named after where their value goes:
// "b" is the body, "b/sources/0/title" the title of its first source. Names
// are JSON Pointers (RFC 6901, with "~0" and "~1" escapes) behind the "b"
// prefix, so a field's name is also where schema errors point. Each row of an
// array has a marker field, "b/sources/0/~", so that a blank row survives a
// round trip through the browser; "~" alone is never an escaped name.

// bodyName is the name of the body's root.
const bodyName = "b"

// rowMarker ends the name of a row's marker field.
const rowMarker = "~"

// Limits on what a posted form may hold, so that a hostile form costs
// little to read.
const (
	maxRows     = 200   // rows of one array
	maxRowIndex = 99999 // the highest row number in a field's name
)

// childName is the name of an object's member.
func childName(parent, key string) string {
	return parent + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}

// rowName is the name of an array's row.
func rowName(parent string, i int) string { return parent + "/" + strconv.Itoa(i) }

// pointerOf is the JSON Pointer into the body that a field's name stands for.
func pointerOf(name string) string { return strings.TrimPrefix(name, bodyName) }

// Problem is a value of a form that could not be read, or that breaks a rule
// of the kind's schema or of the register.
type Problem struct {
	Pointer string // JSON Pointer into the body: "/sources/0/title"; "" for the body
	Rule    string // "decode.number", "required", "maxLength", …
	// Params of the rule, for its message: the limit, the format, the
	// options, the text the register gave.
	Want   string
	Got    string
	Detail string
}

// decoder reads a body from form values.
type decoder struct {
	form     url.Values
	problems []Problem
}

// DecodeForm reads the body a form's values describe, following the schema:
// fields left blank are absent, and so are groups and rows whose fields are
// all blank. A value that cannot be read as its type (a number that is not
// one, JSON that does not parse, an option that is not offered) is kept as
// the text given, and reported. It returns an empty object for an empty
// form. Values whose names the schema does not know are ignored.
// A group that the schema requires is there, empty, when its fields are
// all blank.
func DecodeForm(s *Schema, form url.Values) (map[string]any, []Problem) {
	d := &decoder{form: form}
	v, ok := d.decode(s, bodyName, true)
	m, isObj := v.(map[string]any)
	if !ok || !isObj {
		if ok {
			// A body edited as JSON that is not an object: the schema
			// check reports it.
			return map[string]any{}, append(d.problems, Problem{Pointer: "", Rule: "type", Want: "object"})
		}
		return map[string]any{}, d.problems
	}
	return m, d.problems
}

func (d *decoder) problem(name, rule, got, detail string) {
	d.problems = append(d.problems, Problem{Pointer: pointerOf(name), Rule: rule, Got: got, Detail: detail})
}

// decode reads the value named name; ok is false when it is absent.
func (d *decoder) decode(s *Schema, name string, required bool) (any, bool) {
	switch widget(s, required) {
	case wObject:
		m := map[string]any{}
		for _, p := range s.Properties {
			if v, ok := d.decode(p.Schema, childName(name, p.Name), s.IsRequired(p.Name)); ok {
				m[p.Name] = v
			}
		}
		if len(m) == 0 && name != bodyName {
			return nil, false
		}
		fillRequired(s, m)
		return m, true
	case wRows:
		var out []any
		for _, i := range d.rows(name) {
			if v, ok := d.decode(s.Items, rowName(name, i), true); ok {
				out = append(out, v)
			}
		}
		return out, len(out) > 0
	case wCheckboxes:
		var out []any
		for _, raw := range d.form[name] {
			if raw == "" {
				continue
			}
			if v, ok := enumValue(s.Items.Enum, raw); ok {
				out = append(out, v)
			} else {
				d.problem(name, "decode.enum", raw, "")
				out = append(out, raw)
			}
			if len(out) >= maxRows {
				break
			}
		}
		return out, len(out) > 0
	}
	raw, ok := d.scalar(s, name, required)
	if !ok {
		return nil, false
	}
	switch w := widget(s, required); w {
	case wSelect:
		if v, ok := enumValue(s.Enum, raw); ok {
			return v, true
		}
		d.problem(name, "decode.enum", raw, "")
		return raw, true
	case wInteger:
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return json.Number(strconv.FormatInt(n, 10)), true
		}
		d.problem(name, "decode.integer", raw, "")
		return raw, true
	case wNumber:
		if n, ok := parseNumber(raw); ok {
			return n, true
		}
		d.problem(name, "decode.number", raw, "")
		return raw, true
	case wCheckbox, wYesNo:
		switch raw {
		case "true":
			return true, true
		case "false":
			if w == wYesNo {
				return false, true
			}
			return nil, false
		}
		d.problem(name, "decode.boolean", raw, "")
		return raw, true
	case wJSON:
		v, err := canonjson.Decode([]byte(raw))
		if err == nil {
			err = checkDepth(v, canonjson.MaxDepth)
		}
		if err != nil {
			d.problem(name, "decode.json", raw, err.Error())
			return raw, true
		}
		return v, true
	}
	return raw, true
}

// fillRequired puts into an object that is there the groups it requires
// whose fields were all left blank: a group such as an activity's size,
// whose members are all optional, is then there and empty, as "nothing
// stated" is written.
func fillRequired(s *Schema, m map[string]any) {
	for _, p := range s.Properties {
		if _, ok := m[p.Name]; !ok && s.IsRequired(p.Name) && widget(p.Schema, true) == wObject {
			sub := map[string]any{}
			fillRequired(p.Schema, sub)
			m[p.Name] = sub
		}
	}
}

// scalar reads the text of a field, tidied: surrounding blanks removed, line
// ends as "\n". ok is false for a blank field.
func (d *decoder) scalar(s *Schema, name string, required bool) (string, bool) {
	raw := d.form.Get(name)
	if w := widget(s, required); w == wTextarea || w == wJSON {
		raw = strings.ReplaceAll(raw, "\r\n", "\n")
	}
	raw = strings.TrimSpace(raw)
	return raw, raw != ""
}

// rows lists the row numbers of the array named name that the form holds,
// in order.
func (d *decoder) rows(name string) []int {
	rows := rowsOf(d.form, name)
	if len(rows) > maxRows {
		d.problem(name, "decode.rows", strconv.Itoa(len(rows)), "")
		rows = rows[:maxRows]
	}
	return rows
}

// rowsOf lists the row numbers of the array named name among the form's
// field names, in order.
func rowsOf(form url.Values, name string) []int {
	prefix := name + "/"
	seen := map[int]bool{}
	var rows []int
	for k := range form {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		seg, _, _ := strings.Cut(rest, "/")
		i, ok := rowNumber(seg)
		if ok && !seen[i] {
			seen[i] = true
			rows = append(rows, i)
		}
	}
	slices.Sort(rows)
	return rows
}

// rowNumber reads a row number written as Itoa writes it.
func rowNumber(seg string) (int, bool) {
	if seg == "" || len(seg) > 5 || (len(seg) > 1 && seg[0] == '0') {
		return 0, false
	}
	i, err := strconv.Atoi(seg)
	if err != nil || i < 0 || i > maxRowIndex {
		return 0, false
	}
	return i, true
}

// enumValue finds the option written raw.
func enumValue(enum []any, raw string) (any, bool) {
	for _, e := range enum {
		if enumString(e) == raw {
			return e, true
		}
	}
	return nil, false
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// parseNumber reads a JSON number that a double can hold.
func parseNumber(raw string) (json.Number, bool) {
	if len(raw) > 64 || !jsonNumber.MatchString(raw) {
		return "", false
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return json.Number(raw), true
}

// checkDepth refuses JSON nested deeper than the canonical encoder takes.
func checkDepth(v any, left int) error {
	if left < 0 {
		return errTooDeep
	}
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			if err := checkDepth(e, left-1); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := checkDepth(e, left-1); err != nil {
				return err
			}
		}
	}
	return nil
}

type depthError struct{}

func (depthError) Error() string { return "the JSON is nested too deeply" }

var errTooDeep error = depthError{}

// EncodeForm writes a body as the form's values, so that DecodeForm reads it
// back: how a draft starts from a subject's current version.
func EncodeForm(s *Schema, body map[string]any) url.Values {
	form := url.Values{}
	encode(form, s, bodyName, body, true)
	return form
}

func encode(form url.Values, s *Schema, name string, v any, required bool) {
	if v == nil {
		return
	}
	switch widget(s, required) {
	case wObject:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, p := range s.Properties {
			if e, ok := m[p.Name]; ok {
				encode(form, p.Schema, childName(name, p.Name), e, s.IsRequired(p.Name))
			}
		}
		return
	case wRows:
		a, ok := v.([]any)
		if !ok {
			return
		}
		for i, e := range a {
			row := rowName(name, i)
			form.Set(row+"/"+rowMarker, "")
			encode(form, s.Items, row, e, true)
		}
		return
	case wCheckboxes:
		a, ok := v.([]any)
		if !ok {
			return
		}
		for _, e := range a {
			form.Add(name, enumString(e))
		}
		return
	case wJSON:
		b, err := json.MarshalIndent(v, "", "  ")
		if err == nil {
			form.Set(name, string(b))
		}
		return
	case wCheckbox:
		if v == true {
			form.Set(name, "true")
		}
		return
	}
	switch v := v.(type) {
	case string:
		form.Set(name, v)
	case json.Number:
		form.Set(name, v.String())
	case float64:
		form.Set(name, strconv.FormatFloat(v, 'f', -1, 64))
	case bool:
		form.Set(name, strconv.FormatBool(v))
	default:
		b, err := json.Marshal(v)
		if err == nil {
			form.Set(name, string(b))
		}
	}
}

// addRow adds a blank row to the array named name.
func addRow(form url.Values, name string) {
	next := 0
	if rows := rowsOf(form, name); len(rows) > 0 {
		next = rows[len(rows)-1] + 1
	}
	if next > maxRowIndex || len(rowsOf(form, name)) >= maxRows {
		return
	}
	form.Set(rowName(name, next)+"/"+rowMarker, "")
}

// removeRow removes row i of the array named name, with everything in it.
func removeRow(form url.Values, name string, i int) {
	prefix := rowName(name, i)
	for k := range form {
		if k == prefix || strings.HasPrefix(k, prefix+"/") {
			delete(form, k)
		}
	}
}

// cloneForm copies form values.
func cloneForm(form url.Values) url.Values {
	out := make(url.Values, len(form))
	for k, v := range form {
		out[k] = slices.Clone(v)
	}
	return out
}

// formJSON and parseFormJSON keep a form's values in the desk's database.
func formJSON(form url.Values) string {
	b, _ := json.Marshal(form)
	return string(b)
}

func parseFormJSON(s string) (url.Values, error) {
	form := url.Values{}
	if err := json.NewDecoder(bytes.NewReader([]byte(s))).Decode(&form); err != nil {
		return nil, err
	}
	return form, nil
}
