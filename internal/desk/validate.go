package desk

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// validate checks a body against its kind's compiled schema and returns every
// failure, each at the field it concerns, with its rule and the parameters
// its message needs.
func validate(sch *jsonschema.Schema, body any) []Problem {
	err := sch.Validate(body)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Problem{{Rule: "schema", Detail: err.Error()}}
	}
	var out []Problem
	leaves(ve, func(e *jsonschema.ValidationError) {
		out = append(out, problemsOf(e)...)
	})
	// One message per field and rule is enough.
	slices.SortStableFunc(out, func(a, b Problem) int { return strings.Compare(a.Pointer, b.Pointer) })
	return slices.CompactFunc(out, func(a, b Problem) bool { return a.Pointer == b.Pointer && a.Rule == b.Rule })
}

// leaves calls f on each failure that has no deeper cause.
func leaves(e *jsonschema.ValidationError, f func(*jsonschema.ValidationError)) {
	if len(e.Causes) == 0 {
		f(e)
		return
	}
	for _, c := range e.Causes {
		leaves(c, f)
	}
}

var printer = message.NewPrinter(language.English)

func pointer(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(tok))
	}
	return b.String()
}

func rat(r *big.Rat) string {
	if r == nil {
		return ""
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// problemsOf turns a failure into problems: the rule is the keyword that
// failed; Want and Got hold what its message says.
func problemsOf(e *jsonschema.ValidationError) []Problem {
	p := Problem{Pointer: pointer(e.InstanceLocation)}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		var out []Problem
		for _, m := range k.Missing {
			out = append(out, Problem{Pointer: p.Pointer + pointer([]string{m}), Rule: "required"})
		}
		return out
	case *kind.Type:
		p.Rule, p.Want, p.Got = "type", strings.Join(k.Want, " or "), k.Got
	case *kind.MinLength:
		p.Rule, p.Want, p.Got = "minLength", strconv.Itoa(k.Want), strconv.Itoa(k.Got)
	case *kind.MaxLength:
		p.Rule, p.Want, p.Got = "maxLength", strconv.Itoa(k.Want), strconv.Itoa(k.Got)
	case *kind.Pattern:
		p.Rule, p.Want, p.Got = "pattern", k.Want, k.Got
	case *kind.Format:
		p.Rule, p.Want, p.Got = "format", k.Want, fmt.Sprint(k.Got)
	case *kind.Minimum:
		p.Rule, p.Want, p.Got = "minimum", rat(k.Want), rat(k.Got)
	case *kind.Maximum:
		p.Rule, p.Want, p.Got = "maximum", rat(k.Want), rat(k.Got)
	case *kind.ExclusiveMinimum:
		p.Rule, p.Want, p.Got = "exclusiveMinimum", rat(k.Want), rat(k.Got)
	case *kind.ExclusiveMaximum:
		p.Rule, p.Want, p.Got = "exclusiveMaximum", rat(k.Want), rat(k.Got)
	case *kind.MinItems:
		p.Rule, p.Want, p.Got = "minItems", strconv.Itoa(k.Want), strconv.Itoa(k.Got)
	case *kind.MaxItems:
		p.Rule, p.Want, p.Got = "maxItems", strconv.Itoa(k.Want), strconv.Itoa(k.Got)
	case *kind.UniqueItems:
		p.Rule, p.Want, p.Got = "uniqueItems", strconv.Itoa(k.Duplicates[0]+1), strconv.Itoa(k.Duplicates[1]+1)
	case *kind.Enum:
		var opts []string
		for _, w := range k.Want {
			opts = append(opts, enumString(w))
		}
		p.Rule, p.Want, p.Got = "enum", strings.Join(opts, ", "), fmt.Sprint(k.Got)
	case *kind.AdditionalProperties:
		var out []Problem
		for _, m := range k.Properties {
			out = append(out, Problem{Pointer: p.Pointer + pointer([]string{m}), Rule: "additionalProperties"})
		}
		return out
	default:
		kw := e.ErrorKind.KeywordPath()
		p.Rule = "schema"
		if len(kw) > 0 {
			p.Rule = kw[len(kw)-1]
		}
		p.Detail = e.ErrorKind.LocalizedString(printer)
	}
	return []Problem{p}
}
