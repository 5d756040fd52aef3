package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Kind describes one kind of record: the shape of its body, the subjects it
// may be about, and the policy that decides whether an author may say it.
type Kind struct {
	Name  string // as in the envelope: "declaration", "key.rotate"
	Title string // for people: "Declaration"
	// Doc says in a sentence or two what the record states and who may
	// author it.
	Doc string
	// Schema is the JSON Schema (draft 2020-12) of the body. Forms and the
	// API's documentation are generated from it.
	Schema []byte
	// Subject matches the subjects records of this kind may be about.
	Subject *regexp.Regexp
	// SubjectHelp describes the subject's form for error messages:
	// "declarations/<state>/<topic>".
	SubjectHelp string
	// Roles are the roles of which an authority authoring this kind
	// usually holds one ("declarations", "governance"); empty when no role
	// is needed. It is a hint for tools that offer a party the kinds it may
	// author (the desk), and is never enforced: Check decides.
	Roles []string
	// Check decides whether the record may be appended, given the register's
	// state in c, and returns the subject's new state, kept in its Head.Data
	// for the records that follow. It MUST be a function of c alone, so that
	// replaying the log gives the same answers; it MUST NOT change anything
	// when it returns an error.
	Check func(c *Context) (any, error)
	// ExtraKeys returns keys named in the record itself whose signatures it
	// must carry besides registered keys: a new key proving that its holder
	// has it. Optional.
	ExtraKeys func(r *record.Record) ([]*signednote.Key, error)
	// Summary returns a one-line description of a record of this kind, in
	// a language: in English for the log's listings, the API, feeds and
	// search, and in the reader's language on pages. The words it adds to
	// what the record says go through l.T, so that the package's catalogs
	// translate them. Optional; the subject is used without it.
	Summary func(l *i18n.Locale, body json.RawMessage) string

	schema *jsonschema.Schema
	order  []string
	// bodyType is the type Check decoded the body into last (through
	// Context.Decode), so that CheckForm, which runs ahead of the rules and
	// in parallel, can decode the next record's body for it.
	bodyType atomic.Pointer[reflect.Type]
}

// FieldOrder lists the body's top-level fields in the order the schema
// gives them, which is the order people should read them in.
func (k *Kind) FieldOrder() []string { return k.order }

// propertyOrder reads the keys of a schema's top-level "properties", in
// order (a Go map would lose it).
func propertyOrder(schema []byte) []string {
	d := json.NewDecoder(bytes.NewReader(schema))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for d.More() {
		key, err := d.Token()
		if err != nil {
			return nil
		}
		if key != "properties" {
			var skip json.RawMessage
			if d.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		if t, err := d.Token(); err != nil || t != json.Delim('{') {
			return nil
		}
		var out []string
		for d.More() {
			name, err := d.Token()
			if err != nil {
				return out
			}
			var skip json.RawMessage
			if d.Decode(&skip) != nil {
				return out
			}
			if s, ok := name.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Kinds is the set of kinds a register knows. It is built once, at start-up,
// and read concurrently afterwards.
type Kinds struct {
	byName map[string]*Kind
	names  []string
}

// NewKinds compiles the schemas of the given kinds, together with the core
// kinds of this package (charter, parties and keys).
func NewKinds(kinds ...*Kind) (*Kinds, error) {
	ks := &Kinds{byName: map[string]*Kind{}}
	for _, k := range append(coreKinds(), kinds...) {
		if _, dup := ks.byName[k.Name]; dup {
			return nil, fmt.Errorf("kind %q is defined twice", k.Name)
		}
		if k.Check == nil || k.Subject == nil {
			return nil, fmt.Errorf("kind %q needs a Check and a Subject", k.Name)
		}
		var err error
		if k.schema, err = CompileSchema(k.Name, k.Schema); err != nil {
			return nil, err
		}
		k.order = propertyOrder(k.Schema)
		ks.byName[k.Name] = k
		ks.names = append(ks.names, k.Name)
	}
	slices.Sort(ks.names)
	return ks, nil
}

// CompileSchema compiles the JSON Schema of a kind's body as the register
// does: draft 2020-12, with formats asserted. Tools that check bodies before
// they are signed (the desk) use it, so that they accept what the register
// accepts.
func CompileSchema(kind string, schema []byte) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, fmt.Errorf("couldn't parse the schema of kind %q: %w", kind, err)
	}
	url := "https://kongsi.invalid/schemas/" + kind + ".json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("couldn't load the schema of kind %q: %w", kind, err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("couldn't compile the schema of kind %q: %w", kind, err)
	}
	return sch, nil
}

// Get returns the kind with the given name.
func (ks *Kinds) Get(name string) (*Kind, bool) {
	k, ok := ks.byName[name]
	return k, ok
}

// Names lists the kinds' names in order.
func (ks *Kinds) Names() []string { return ks.names }

// Summary describes a record in one line, in English, as its kind says.
func (ks *Kinds) Summary(kindName, subject string, body json.RawMessage) string {
	return ks.SummaryIn(English, kindName, subject, body)
}

// SummaryIn describes a record in one line, in a language, as its kind
// says.
func (ks *Kinds) SummaryIn(l *i18n.Locale, kindName, subject string, body json.RawMessage) string {
	if k, ok := ks.byName[kindName]; ok && k.Summary != nil {
		if s := k.Summary(l, body); s != "" {
			return s
		}
	}
	return subject
}

// English is the locale in which summaries are stored and served by the
// API: English, with no catalog.
var English = i18n.NewCatalog().Locale(i18n.English)

var printer = message.NewPrinter(language.English)

// Validate checks a body against the kind's schema and explains the first
// failure: which field, which rule.
func (k *Kind) Validate(body any) error {
	err := k.schema.Validate(body)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return problem.Invalid("body", "schema", "%v", err)
	}
	leaf := ve
	for len(leaf.Causes) > 0 {
		leaf = leaf.Causes[0]
	}
	field := "body"
	for _, tok := range leaf.InstanceLocation {
		if _, err := strconv.Atoi(tok); err == nil {
			field += "[" + tok + "]"
		} else {
			field += "." + tok
		}
	}
	rule := "schema"
	if kw := leaf.ErrorKind.KeywordPath(); len(kw) > 0 {
		rule += "." + kw[len(kw)-1]
	}
	detail := leaf.ErrorKind.LocalizedString(printer)
	if r, ok := leaf.ErrorKind.(*kind.Required); ok && len(r.Missing) > 0 {
		field += "." + r.Missing[0]
		detail = fmt.Sprintf("the field %q is required", r.Missing[0])
	}
	if a, ok := leaf.ErrorKind.(*kind.AdditionalProperties); ok && len(a.Properties) > 0 {
		field += "." + a.Properties[0]
		detail = fmt.Sprintf("there is no field %q in a %s", a.Properties[0], k.Title)
	}
	return problem.Invalid(field, rule, "%s", detail)
}

// DecodeBody unmarshals a record's body into v, a struct matching the kind's
// schema (which has already been checked).
func DecodeBody(r *record.Record, v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return problem.Invalid("body", "decode", "%v", err)
	}
	return nil
}

// SchemaJSON returns the kind's schema as a JSON value, for documentation.
func (k *Kind) SchemaJSON() json.RawMessage { return json.RawMessage(k.Schema) }

// subjectSegment returns the n-th /-separated segment of a subject.
func subjectSegment(subject string, n int) string {
	parts := strings.Split(subject, "/")
	if n < len(parts) {
		return parts[n]
	}
	return ""
}

// SubjectSegment returns the n-th /-separated segment of a subject, or "".
func SubjectSegment(subject string, n int) string { return subjectSegment(subject, n) }
