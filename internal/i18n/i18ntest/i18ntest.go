// Package i18ntest checks that a package's pages are translated: every text
// its templates and Go code give to the translator has an entry in each
// language's catalog.
package i18ntest

import (
	"encoding/json"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/web"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/kongsi/kongsi/internal/i18n"
)

// Check fails the test for each text that templates (the files matching
// patterns in fsys) or the Go files of dir translate, and a language's
// catalog in locales/ of fsys lacks. Texts are those given as literals to
// the template function t ({{t "Records"}}, {{t "%d records" .N}}) and to
// a method T in Go (l.T("Records")). extra are texts translated at run time
// (kinds' titles, statuses' labels) that the catalogs must hold too.
func Check(t *testing.T, fsys fs.FS, patterns []string, dir string, extra ...string) {
	t.Helper()
	texts := map[string]string{} // text → where it is
	for _, p := range patterns {
		files, err := fs.Glob(fsys, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range TemplateTexts(t, f, string(b)) {
				texts[s] = f
			}
		}
	}
	if dir != "" {
		for _, s := range GoTexts(t, dir) {
			if _, ok := texts[s.Text]; !ok {
				texts[s.Text] = s.Where
			}
		}
	}
	for _, s := range extra {
		if _, ok := texts[s]; !ok {
			texts[s] = "run-time texts"
		}
	}
	c := i18n.NewCatalog()
	if err := c.Add(fsys, "locales"); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(texts))
	for s := range texts {
		keys = append(keys, s)
	}
	sort.Strings(keys)
	missing := 0
	for _, l := range i18n.Langs[1:] {
		for _, s := range keys {
			if !c.Has(l.Code, s) {
				missing++
				if missing <= 40 {
					t.Errorf("locales/%s.json lacks %q (%s)", l.Code, s, texts[s])
				}
			}
		}
	}
	if missing > 40 {
		t.Errorf("… and %d more missing translations", missing-40)
	}
}

// TemplateTexts lists the literal texts a template translates with t.
func TemplateTexts(t *testing.T, name, src string) []string {
	t.Helper()
	// The functions the templates use are not known here: parse without
	// checking them.
	tr := parse.New(name)
	tr.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := tr.Parse(src, "{{", "}}", trees); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []string
	var walk func(n parse.Node)
	walkArgs := func(args []parse.Node) {
		if len(args) >= 2 {
			if id, ok := args[0].(*parse.IdentifierNode); ok && id.Ident == "t" {
				if s, ok := args[1].(*parse.StringNode); ok {
					out = append(out, s.Text)
				}
			}
		}
		for _, a := range args {
			walk(a)
		}
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			walkArgs(n.Args)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	for _, tr := range trees {
		walk(tr.Root)
	}
	return out
}

// GoText is a text that Go code translates, and where.
type GoText struct {
	Text, Where string
}

// GoTexts lists the string literals given first to a method or function
// named T in the Go files of dir (tests excluded).
func GoTexts(t *testing.T, dir string) []GoText {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []GoText
	for _, p := range pkgs {
		for name, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				var fn string
				switch x := call.Fun.(type) {
				case *ast.SelectorExpr:
					fn = x.Sel.Name
				case *ast.Ident:
					fn = x.Name
				}
				if fn != "T" {
					return true
				}
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						out = append(out, GoText{s, path.Base(name) + ":" + strconv.Itoa(fset.Position(lit.Pos()).Line)})
					}
				}
				return true
			})
		}
	}
	return out
}

// KindTexts lists the texts pages show for kinds of record, which their
// module's catalogs must translate: each kind's title, and the label of
// each member of its body, at any depth (the schema's title, or the member's
// name as the pages humanize it).
func KindTexts(t *testing.T, kinds []*ledger.Kind) []string {
	t.Helper()
	var out []string
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		if props, ok := s["properties"].(map[string]any); ok {
			for name, p := range props {
				ps, _ := p.(map[string]any)
				if title, ok := ps["title"].(string); ok && title != "" {
					out = append(out, title)
				} else {
					out = append(out, web.Humanize(name))
				}
				walk(ps)
			}
		}
		for _, k := range []string{"items", "additionalProperties"} {
			if sub, ok := s[k].(map[string]any); ok {
				walk(sub)
			}
		}
		for _, k := range []string{"allOf", "anyOf", "oneOf", "prefixItems"} {
			if subs, ok := s[k].([]any); ok {
				for _, sub := range subs {
					if m, ok := sub.(map[string]any); ok {
						walk(m)
					}
				}
			}
		}
		for _, k := range []string{"$defs", "definitions"} {
			if defs, ok := s[k].(map[string]any); ok {
				for _, d := range defs {
					if m, ok := d.(map[string]any); ok {
						walk(m)
					}
				}
			}
		}
	}
	for _, k := range kinds {
		out = append(out, k.Title)
		var s map[string]any
		if err := json.Unmarshal(k.Schema, &s); err != nil {
			t.Fatalf("kind %s: %v", k.Name, err)
		}
		walk(s)
	}
	return out
}

// HelpTexts lists the help texts the desk shows on the forms of kinds of
// record: every description in their schemas. A module whose catalogs
// translate them checks them with Check too.
func HelpTexts(t *testing.T, kinds []*ledger.Kind) []string {
	t.Helper()
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if d, ok := v["description"].(string); ok && d != "" {
				out = append(out, d)
			}
			for _, sub := range v {
				walk(sub)
			}
		case []any:
			for _, sub := range v {
				walk(sub)
			}
		}
	}
	for _, k := range kinds {
		var s any
		if err := json.Unmarshal(k.Schema, &s); err != nil {
			t.Fatalf("kind %s: %v", k.Name, err)
		}
		walk(s)
	}
	return out
}
