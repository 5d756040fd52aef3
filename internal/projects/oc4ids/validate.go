package oc4ids

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// DefaultSchemaDir is where the official schema is looked for by default:
// the shared standards next to the repository, relative to the working
// directory.
const DefaultSchemaDir = "../shared/standards/oc4ids/schema/project-level"

// PackageSchemaFile is the file of the package schema in a schema
// directory; the project schema it refers to must be beside it.
const PackageSchemaFile = "project-package-schema.json"

// ErrNoSchema is wrapped by LoadValidator's error when the schema is not
// where it was looked for.
var ErrNoSchema = errors.New("the OC4IDS schema is missing")

// Validator checks packages against the official OC4IDS schema.
type Validator struct {
	schema *jsonschema.Schema
	Dir    string
}

// LoadValidator compiles the package schema in dir, with every other schema
// of the directory available to its references by their ids (draft-04
// "id"). Formats (uri, date-time) are asserted, as the standard's own tests
// do.
func LoadValidator(dir string) (*Validator, error) {
	main := filepath.Join(dir, PackageSchemaFile)
	if _, err := os.Stat(main); err != nil {
		return nil, fmt.Errorf("%w: there is no %s in %s (give the directory of the official schema, schema/project-level in the OC4IDS repository, with -schema DIR)", ErrNoSchema, PackageSchemaFile, dir)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	mainID := ""
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("couldn't read %s: %w", f, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("couldn't parse the schema %s: %w", f, err)
		}
		id := ""
		if m, ok := doc.(map[string]any); ok {
			for _, k := range []string{"id", "$id"} {
				if s, ok := m[k].(string); ok && s != "" {
					id = s
				}
			}
		}
		if id == "" {
			abs, _ := filepath.Abs(f)
			id = "file://" + filepath.ToSlash(abs)
		}
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("couldn't load the schema %s: %w", f, err)
		}
		if filepath.Base(f) == PackageSchemaFile {
			mainID = id
		}
	}
	s, err := c.Compile(mainID)
	if err != nil {
		return nil, fmt.Errorf("couldn't compile the OC4IDS schema in %s: %w", dir, err)
	}
	return &Validator{schema: s, Dir: dir}, nil
}

// Problem is one way a package breaks the schema.
type Problem struct {
	Path    string `json:"path"`    // a JSON pointer into the package: /projects/0/status
	Rule    string `json:"rule"`    // the schema keyword: enum, type, required, format…
	Message string `json:"message"` // for people
}

func (p Problem) String() string {
	path := p.Path
	if path == "" {
		path = "/"
	}
	return fmt.Sprintf("%s: %s (rule %s)", path, p.Message, p.Rule)
}

// InvalidError lists a package's problems.
type InvalidError struct {
	Problems []Problem
	// More counts the problems left out of Problems.
	More int
}

// MaxProblems bounds the problems an InvalidError lists.
const MaxProblems = 100

func (e *InvalidError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the package fails the OC4IDS schema in %d place", len(e.Problems)+e.More)
	if len(e.Problems)+e.More != 1 {
		b.WriteString("s")
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  and %d more", e.More)
	}
	return b.String()
}

var printer = message.NewPrinter(language.English)

// Validate checks a package's JSON against the schema. It returns a
// *InvalidError listing the problems, or an error wrapping ErrSyntax for
// JSON that is not well-formed.
func (v *Validator) Validate(data []byte) error {
	if !json.Valid(data) {
		_, err := Parse(data)
		if err == nil {
			err = fmt.Errorf("%w: the package is not well-formed JSON", ErrSyntax)
		}
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	err = v.schema.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	seen := map[Problem]bool{}
	var all []Problem
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		add := func(p Problem) {
			if !seen[p] {
				seen[p] = true
				all = append(all, p)
			}
		}
		path := pointer(e.InstanceLocation)
		if r, ok := e.ErrorKind.(*kind.Required); ok {
			for _, m := range r.Missing {
				add(Problem{Path: path + "/" + escape(m), Rule: "required", Message: fmt.Sprintf("the field %q is required", m)})
			}
			return
		}
		p := Problem{Path: path, Message: e.ErrorKind.LocalizedString(printer)}
		if en, ok := e.ErrorKind.(*kind.Enum); ok && len(en.Want) > 12 {
			// Codelists such as currencies are long: name the value.
			p.Message = fmt.Sprintf("%s is not one of the %d values of its codelist", truncateValue(en.Got), len(en.Want))
		}
		if kw := e.ErrorKind.KeywordPath(); len(kw) > 0 {
			p.Rule = kw[len(kw)-1]
		}
		add(p)
	}
	walk(ve)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Path < all[j].Path })
	ie := &InvalidError{Problems: all}
	if len(all) > MaxProblems {
		ie.Problems, ie.More = all[:MaxProblems], len(all)-MaxProblems
	}
	return ie
}

func pointer(loc []string) string {
	var b strings.Builder
	for _, t := range loc {
		b.WriteByte('/')
		b.WriteString(escape(t))
	}
	return b.String()
}

func escape(t string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(t) }

// truncateValue writes a JSON value for a message, at most 60 characters.
func truncateValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}
