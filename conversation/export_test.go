package conversation

import (
	"go/ast"
	"go/parser"
	"go/token"
)

// MissingTranslations lists, for every msg constant declared in i18n.go,
// the languages whose catalogue lacks it.
func MissingTranslations() ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "i18n.go", nil, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || spec.Type == nil {
			return true
		}
		// Other typed declarations (var b strings.Builder) are not messages.
		if id, isIdent := ast.Unparen(spec.Type).(*ast.Ident); !isIdent || id.Name != "msg" {
			return true
		}
		for _, name := range spec.Names {
			for lang, msgs := range catalog {
				if _, ok := msgs[msg(constValue(spec, name))]; !ok {
					out = append(out, lang+":"+name.Name)
				}
			}
		}
		return true
	})
	return out, nil
}

func constValue(spec *ast.ValueSpec, name *ast.Ident) string {
	for i, n := range spec.Names {
		if n == name {
			lit := spec.Values[i].(*ast.BasicLit).Value
			return lit[1 : len(lit)-1]
		}
	}
	return ""
}
