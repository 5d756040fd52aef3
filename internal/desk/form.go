package desk

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/web"
)

// Field is one control of a form, or a group of them, ready for the
// templates.
type Field struct {
	Name     string // the form field's name: "b/sources/0/title"
	ID       string // the element's id
	Label    string
	Help     string // the schema's description
	Widget   string
	Required bool
	Value    string   // what the control shows
	Values   []string // the options checked, for checkboxes
	Options  []Option
	Fields   []*Field // the members of a group
	Rows     []*Row   // the rows of a list
	CanAdd   bool     // a list may take another row
	Problems []Problem
	// Limits, as the control's attributes.
	MaxLength int
	Min, Max  string
	Step      string
	// Depth is how deeply the field is nested, for headings.
	Depth int
}

// Row is one row of a list.
type Row struct {
	N      int    // the row's position, from 1
	Marker string // the name of its marker field
	Remove string // the action that removes it
	Item   *Field
}

// Option is one choice of a select or of checkboxes.
type Option struct {
	Value    string
	Label    string
	Selected bool
}

// Checked reports whether an option of checkboxes is checked.
func (f *Field) Checked(v string) bool { return slices.Contains(f.Values, v) }

// AllProblems lists the problems of the field and of the fields in it.
func (f *Field) AllProblems() []*Field {
	var out []*Field
	f.walk(func(g *Field) {
		if len(g.Problems) > 0 {
			out = append(out, g)
		}
	})
	return out
}

func (f *Field) walk(fn func(*Field)) {
	fn(f)
	for _, c := range f.Fields {
		c.walk(fn)
	}
	for _, r := range f.Rows {
		r.Item.walk(fn)
	}
}

// fieldID makes an element id from a field's name. Names hold only what
// JSON Pointers hold; ids may not hold blanks, and are kept to characters
// CSS selectors take without escaping.
func fieldID(name string) string {
	var b strings.Builder
	b.WriteString("f-")
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		case r == '/':
			b.WriteString("--")
		default:
			fmt.Fprintf(&b, "_%x_", r)
		}
	}
	return b.String()
}

// BuildForm makes the fields of a body's form from the kind's schema and the
// form's values, with the problems found attached to the fields they
// concern (or to the nearest field that contains them).
func BuildForm(s *Schema, form url.Values, problems []Problem) *Field {
	root := build(s, form, bodyName, "", true, 0)
	byPointer := map[string]*Field{}
	root.walk(func(f *Field) { byPointer[pointerOf(f.Name)] = f })
	for _, p := range problems {
		ptr := p.Pointer
		for {
			if f, ok := byPointer[ptr]; ok {
				f.Problems = append(f.Problems, p)
				break
			}
			i := strings.LastIndexByte(ptr, '/')
			if i < 0 {
				root.Problems = append(root.Problems, p)
				break
			}
			ptr = ptr[:i]
		}
	}
	return root
}

func build(s *Schema, form url.Values, name, key string, required bool, depth int) *Field {
	f := &Field{Name: name, ID: fieldID(name), Widget: widget(s, required), Required: required, Help: s.Description, Depth: depth}
	f.Label = s.Title
	if f.Label == "" && key != "" {
		f.Label = web.Humanize(key)
	}
	if s.MaxLength != nil {
		f.MaxLength = *s.MaxLength
	}
	switch f.Widget {
	case wObject:
		for _, p := range s.Properties {
			f.Fields = append(f.Fields, build(p.Schema, form, childName(name, p.Name), p.Name, s.IsRequired(p.Name), depth+1))
		}
		return f
	case wRows:
		rows := rowsOf(form, name)
		if len(rows) == 0 {
			// A blank row to start with; left blank, it is no value.
			rows = []int{0}
		}
		for n, i := range rows {
			rn := rowName(name, i)
			item := build(s.Items, form, rn, "", true, depth+1)
			item.Label = f.Label
			f.Rows = append(f.Rows, &Row{N: n + 1, Marker: rn + "/" + rowMarker, Remove: "remove:" + rn, Item: item})
		}
		f.CanAdd = s.MaxItems == nil || len(rows) < *s.MaxItems
		return f
	case wCheckboxes:
		f.Values = form[name]
		for _, e := range s.Items.Enum {
			v := enumString(e)
			f.Options = append(f.Options, Option{Value: v, Label: optionLabel(e), Selected: slices.Contains(f.Values, v)})
		}
		return f
	case wSelect:
		f.Value = form.Get(name)
		for _, e := range s.Enum {
			v := enumString(e)
			f.Options = append(f.Options, Option{Value: v, Label: optionLabel(e), Selected: v == f.Value})
		}
		return f
	case wInteger, wNumber:
		f.Value = form.Get(name)
		f.Step = "any"
		if f.Widget == wInteger {
			f.Step = "1"
		}
		if s.Minimum != nil {
			f.Min = s.Minimum.String()
		}
		if s.Maximum != nil {
			f.Max = s.Maximum.String()
		}
		return f
	}
	f.Value = form.Get(name)
	return f
}

// optionLabel is how an option reads: "maritime-claim" → "Maritime claim".
func optionLabel(v any) string {
	s, ok := v.(string)
	if !ok {
		return enumString(v)
	}
	return web.Humanize(s)
}

// prettyBody indents a body for reading.
func prettyBody(body map[string]any) string {
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}
