package desk

import (
	"html/template"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/web"
)

// funcs are the template functions of pages in a language. Besides the
// helpers, t translates one of the desk's texts (and formats its arguments,
// if any); label translates a text from a kind of record (a title, a
// field's label, an option, a help text); humanize turns a field's name
// into words, translated; when writes a moment as the language does.
func (d *Desk) funcs(l *locale) template.FuncMap {
	return template.FuncMap{
		"t":     l.T,
		"label": l.Label,
		"optionLabel": func(o Option) string {
			// The pages translate an option by its value ("observer");
			// the form reads it as a label ("Observer").
			if l.Lang != i18n.English && !l.kindCat.Has(l.Lang.Code, o.Label) && l.kindCat.Has(l.Lang.Code, o.Value) {
				return l.kinds.T(o.Value)
			}
			return l.Label(o.Label)
		},
		"humanize": func(s string) string { return l.Label(web.Humanize(s)) },
		"when": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return l.own.DateTime(t)
		},
		"types": l.typeNames,
		"atoi": func(s string) int {
			n, _ := strconv.Atoi(s)
			return n
		},
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"short":   func(s string) string { return s[:min(len(s), 12)] },
		"entries": entries,
		"kindOf":  web.KindOf,
		"option":  optionLabel,
		"deref": func(p *uint64) uint64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"add":     func(a, b int) int { return a + b },
		"rowItem": func(f *Field, label string, n int) rowItem { return rowItem{F: f, Label: label, N: n} },
		"dictVS":  func(v any, s *Schema) valueArg { return valueArg{V: v, S: s} },
		"itemsOf": func(s *Schema) *Schema {
			if s == nil {
				return nil
			}
			return s.Items
		},
		"enumOf": func(s *Schema) bool { return s != nil && len(s.Enum) > 0 },
		"schemaOf": func(k *Kind) *Schema {
			if k == nil {
				return nil
			}
			return k.Form
		},
		"hasPrefix": strings.HasPrefix,
		"contains":  slices.Contains[[]string],
		"describedBy": func(f *Field) string {
			var ids []string
			if f.Help != "" {
				ids = append(ids, f.ID+"-help")
			}
			if len(f.Problems) > 0 {
				ids = append(ids, f.ID+"-err")
			}
			return strings.Join(ids, " ")
		},
	}
}

// rowItem is a control with its label: a list's label and the row's
// number, for a row of a list.
type rowItem struct {
	F     *Field
	Label string
	N     int
}

// valueArg is a value and its schema, for the template that shows bodies.
type valueArg struct {
	V any
	S *Schema
}

// entry is a member of a body, for reading.
type entry struct {
	Label  string
	Value  any
	Schema *Schema
}

// entries lists an object's members in the schema's order, labelled as the
// form labels them; members the schema does not name come last.
func entries(s *Schema, v any) []entry {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var out []entry
	seen := map[string]bool{}
	if s != nil {
		for _, p := range s.Properties {
			if e, ok := m[p.Name]; ok {
				label := p.Schema.Title
				if label == "" {
					label = web.Humanize(p.Name)
				}
				out = append(out, entry{label, e, p.Schema})
				seen[p.Name] = true
			}
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, entry{web.Humanize(k), m[k], nil})
	}
	return out
}
