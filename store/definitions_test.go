package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// Each message and limit that several faces use is written once, in the
// code of the whole module (tests aside): a second copy would drift.
func TestMessagesAndLimitsAreDefinedOnce(t *testing.T) {
	// In any case: "No mail server…" on a screen is the same message.
	texts := map[string]int{"no mail server": 0, "only a ready key can be assigned": 0, "mib: split it": 0}
	importCap := 0 // consts and vars of N << 20 (MiB) named for imports
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.BasicLit:
				for text := range texts {
					if x.Kind == token.STRING && strings.Contains(strings.ToLower(x.Value), text) {
						texts[text]++
					}
				}
			case *ast.ValueSpec: // a const or var of an import's size
				for i, name := range x.Names {
					if i < len(x.Values) && strings.Contains(strings.ToLower(name.Name), "import") && isMiB(x.Values[i]) {
						importCap++
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for text, n := range texts {
		if n != 1 {
			t.Errorf("%q is written %d times, want once", text, n)
		}
	}
	if importCap != 1 {
		t.Errorf("the import cap (N << 20) is written %d times, want once (store.MaxImportBytes)", importCap)
	}
}

func isMiB(e ast.Expr) bool {
	b, ok := e.(*ast.BinaryExpr)
	if !ok {
		return false
	}
	l, lok := b.X.(*ast.BasicLit)
	r, rok := b.Y.(*ast.BasicLit)
	return lok && rok && b.Op == token.SHL && l.Kind == token.INT && r.Value == "20"
}
