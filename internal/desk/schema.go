package desk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Schema is the part of a JSON Schema that forms are made from, with the
// properties of objects in the order the schema gives them (the order people
// should fill them in).
type Schema struct {
	Type        string // "object", "array", "string", "integer", "number", "boolean"; "" when not one type
	Title       string
	Description string
	Enum        []any // json.Number for numbers
	Format      string
	Pattern     string
	MinLength   *int
	MaxLength   *int
	Minimum     *json.Number
	Maximum     *json.Number
	ExclMinimum *json.Number
	ExclMaximum *json.Number
	MinItems    *int
	MaxItems    *int
	UniqueItems bool
	Required    []string
	Properties  []Property
	Items       *Schema
	// Composite is set when the schema uses keywords forms cannot follow
	// (oneOf, anyOf, allOf, $ref, if…): such a value is edited as JSON.
	Composite bool
}

// Property is a member of an object schema.
type Property struct {
	Name   string
	Schema *Schema
}

// IsRequired reports whether the object schema requires the property.
func (s *Schema) IsRequired(name string) bool {
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	return false
}

// maxSchemaDepth bounds the nesting of schemas: the register's own are a few
// levels deep.
const maxSchemaDepth = 32

// ParseSchema reads a JSON Schema.
func ParseSchema(b []byte) (*Schema, error) {
	return parseSchema(b, 0)
}

func parseSchema(b []byte, depth int) (*Schema, error) {
	if depth > maxSchemaDepth {
		return nil, errors.New("the schema is nested too deeply")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		if bytes.Equal(bytes.TrimSpace(b), []byte("true")) {
			return &Schema{Composite: true}, nil
		}
		return nil, fmt.Errorf("a schema must be a JSON object: %w", err)
	}
	s := &Schema{}
	str := func(key string, dst *string) error {
		if v, ok := raw[key]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
		}
		return nil
	}
	num := func(key string) (*json.Number, error) {
		v, ok := raw[key]
		if !ok {
			return nil, nil
		}
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		var n json.Number
		if err := d.Decode(&n); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		return &n, nil
	}
	integer := func(key string) (*int, error) {
		v, ok := raw[key]
		if !ok {
			return nil, nil
		}
		var n int
		if err := json.Unmarshal(v, &n); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		return &n, nil
	}
	if v, ok := raw["type"]; ok {
		if err := json.Unmarshal(v, &s.Type); err != nil {
			// A list of types: left to the JSON editor.
			s.Type, s.Composite = "", true
		}
	}
	for _, k := range []struct {
		key string
		dst *string
	}{{"title", &s.Title}, {"description", &s.Description}, {"format", &s.Format}, {"pattern", &s.Pattern}} {
		if err := str(k.key, k.dst); err != nil {
			return nil, err
		}
	}
	var err error
	for _, k := range []struct {
		key string
		dst **int
	}{{"minLength", &s.MinLength}, {"maxLength", &s.MaxLength}, {"minItems", &s.MinItems}, {"maxItems", &s.MaxItems}} {
		if *k.dst, err = integer(k.key); err != nil {
			return nil, err
		}
	}
	for _, k := range []struct {
		key string
		dst **json.Number
	}{{"minimum", &s.Minimum}, {"maximum", &s.Maximum}, {"exclusiveMinimum", &s.ExclMinimum}, {"exclusiveMaximum", &s.ExclMaximum}} {
		if *k.dst, err = num(k.key); err != nil {
			return nil, err
		}
	}
	if v, ok := raw["uniqueItems"]; ok {
		if err := json.Unmarshal(v, &s.UniqueItems); err != nil {
			return nil, fmt.Errorf("uniqueItems: %w", err)
		}
	}
	if v, ok := raw["required"]; ok {
		if err := json.Unmarshal(v, &s.Required); err != nil {
			return nil, fmt.Errorf("required: %w", err)
		}
	}
	if v, ok := raw["enum"]; ok {
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		if err := d.Decode(&s.Enum); err != nil {
			return nil, fmt.Errorf("enum: %w", err)
		}
		for _, e := range s.Enum {
			switch e.(type) {
			case string, json.Number, bool:
			default:
				// Objects, arrays or null among the options: the JSON
				// editor takes them.
				s.Enum, s.Composite = nil, true
			}
		}
		if len(s.Enum) == 0 {
			s.Composite = true
		}
	}
	if v, ok := raw["properties"]; ok {
		if s.Properties, err = parseProperties(v, depth); err != nil {
			return nil, err
		}
	}
	if v, ok := raw["items"]; ok {
		if s.Items, err = parseSchema(v, depth+1); err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
	}
	for _, k := range []string{"oneOf", "anyOf", "allOf", "not", "$ref", "$dynamicRef", "if", "const", "patternProperties", "prefixItems", "dependentSchemas"} {
		if _, ok := raw[k]; ok {
			s.Composite = true
		}
	}
	return s, nil
}

// parseProperties reads "properties" keeping the order of its members, which
// a Go map would lose.
func parseProperties(b []byte, depth int) ([]Property, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("properties must be an object")
	}
	var out []Property
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("properties: %w", err)
		}
		name, _ := t.(string)
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return nil, fmt.Errorf("properties: %w", err)
		}
		sub, err := parseSchema(raw, depth+1)
		if err != nil {
			return nil, fmt.Errorf("properties.%s: %w", name, err)
		}
		out = append(out, Property{Name: name, Schema: sub})
	}
	return out, nil
}

// Widgets: how a value is edited.
const (
	wText       = "text"       // a line of text
	wTextarea   = "textarea"   // a longer text
	wDate       = "date"       // a date
	wURL        = "url"        // a web address
	wInteger    = "integer"    // a whole number
	wNumber     = "number"     // a number
	wSelect     = "select"     // one of a list of options
	wCheckbox   = "checkbox"   // an optional yes
	wYesNo      = "yesno"      // a required yes or no
	wObject     = "object"     // a group of fields
	wRows       = "rows"       // a list of values or groups, row by row
	wCheckboxes = "checkboxes" // several of a list of options
	wJSON       = "json"       // JSON text, for what a form cannot show
)

// longText is the length from which strings get a text area.
const longText = 300

// widget chooses how to edit a value of schema s; required says whether its
// parent requires it.
func widget(s *Schema, required bool) string {
	if s.Composite {
		return wJSON
	}
	if len(s.Enum) > 0 {
		return wSelect
	}
	switch s.Type {
	case "string":
		switch s.Format {
		case "date":
			return wDate
		case "uri", "url", "iri":
			return wURL
		}
		if s.MaxLength != nil && *s.MaxLength > longText {
			return wTextarea
		}
		return wText
	case "integer":
		return wInteger
	case "number":
		return wNumber
	case "boolean":
		if required {
			return wYesNo
		}
		return wCheckbox
	case "object":
		if len(s.Properties) == 0 {
			return wJSON
		}
		return wObject
	case "array":
		if s.Items == nil || s.Items.Composite {
			return wJSON
		}
		if len(s.Items.Enum) > 0 && s.UniqueItems {
			return wCheckboxes
		}
		switch widget(s.Items, true) {
		case wJSON, wRows, wCheckboxes:
			// Arrays of arrays: JSON is clearer than rows of rows.
			return wJSON
		}
		return wRows
	}
	return wJSON
}

// enumString is how an option is written in a form.
func enumString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(v)
}
