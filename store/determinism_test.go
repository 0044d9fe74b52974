package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// modulePath is keydesk's module; its packages are followed by the walk.
const modulePath = "github.com/keydesk/keydesk"

// walkedPackage is one of keydesk's packages as the walk sees it: its
// functions and methods by name.
type walkedPackage struct {
	path   string
	byName map[string][]*ast.FuncDecl
}

// writePathFuncs are the functions a command's application can reach:
// apply, every arguments' apply, and what they call, by name (a method or
// function of that name anywhere in the package counts, which errs towards
// checking too much), in store and in every keydesk package store's
// write path calls into (the record format, the model, the secrets...):
// a clock read moved into a subpackage is found as well.
func writePathFuncs(t *testing.T) (map[*ast.FuncDecl]*ast.File, map[*ast.FuncDecl]string, *token.FileSet) {
	t.Helper()
	fset := token.NewFileSet()
	fileOf := map[*ast.FuncDecl]*ast.File{}
	pkgOf := map[*ast.FuncDecl]*walkedPackage{}
	packages := map[string]*walkedPackage{}
	load := func(path string) *walkedPackage {
		if p, ok := packages[path]; ok {
			return p
		}
		p := &walkedPackage{path: path, byName: map[string][]*ast.FuncDecl{}}
		packages[path] = p
		dir := "." // the test runs in store
		if path != modulePath+"/store" {
			dir = filepath.Join("..", strings.TrimPrefix(path, modulePath+"/"))
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("package %s: no files in %s (%v)", path, dir, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && fn.Body != nil {
					p.byName[fn.Name.Name] = append(p.byName[fn.Name.Name], fn)
					fileOf[fn], pkgOf[fn] = f, p
				}
			}
		}
		return p
	}
	store := load(modulePath + "/store")
	reached := map[*ast.FuncDecl]*ast.File{}
	via := map[*ast.FuncDecl]string{}
	queue := append([]*ast.FuncDecl(nil), store.byName["apply"]...)
	queue = append(queue, store.byName["Upgrade"]...) // a cluster's schema upgrade entry (clusterschema.go)
	if len(queue) < 10 {
		t.Fatalf("found %d apply functions: the walk is looking in the wrong place", len(queue))
	}
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		if _, seen := reached[fn]; seen {
			continue
		}
		f, p := fileOf[fn], pkgOf[fn]
		reached[fn] = f
		// The keydesk packages this file imports, by the name it uses.
		ours := map[string]string{}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(path, modulePath+"/") {
				continue
			}
			name := path[strings.LastIndex(path, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			ours[name] = path
		}
		follow := func(callees []*ast.FuncDecl) {
			for _, callee := range callees {
				if _, ok := via[callee]; !ok {
					via[callee] = fn.Name.Name
				}
			}
			queue = append(queue, callees...)
		}
		notCalls := map[*ast.Ident]bool{} // field names, and keys of composite literals
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.SelectorExpr:
				notCalls[x.Sel] = true
			case *ast.KeyValueExpr:
				if id, ok := x.Key.(*ast.Ident); ok {
					notCalls[id] = true
				}
			}
			if id, ok := n.(*ast.Ident); ok && notCalls[id] {
				return true
			}
			// A function of one of our packages: followed there.
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
					if pkg, ok := sel.X.(*ast.Ident); ok && ours[pkg.Name] != "" {
						follow(load(ours[pkg.Name]).byName[sel.Sel.Name])
						return true
					}
				}
			}
			name := calledName(n, f)
			if p != store && onField(n) {
				// x.f.M() outside store: a method of a field's value,
				// which there is a library's (an AEAD's Seal, a hash's
				// Write), not the package's own of that name.
				return true
			}
			follow(p.byName[name])
			// A method of a type of one of our packages (record.Key's
			// Encode, say), called on a value of it.
			if _, isCall := n.(*ast.CallExpr); isCall && name != "" {
				for _, path := range ours {
					follow(methods(load(path).byName[name]))
				}
			}
			return true
		})
	}
	if len(packages) < 3 {
		t.Errorf("the walk reached %d packages: it misses the calls into store's subpackages and the model", len(packages))
	}
	return reached, via, fset
}

// onField reports whether n calls a method of a field's value (x.f.M()).
func onField(n ast.Node) bool {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	_, ok = sel.X.(*ast.SelectorExpr)
	return ok
}

// methods are the methods among fns.
func methods(fns []*ast.FuncDecl) []*ast.FuncDecl {
	var out []*ast.FuncDecl
	for _, fn := range fns {
		if fn.Recv != nil {
			out = append(out, fn)
		}
	}
	return out
}

// calledName is the name of a store function n calls or passes on: a
// call's function (not a package's, nor the secrets box's, which are
// checked as they are), or a bare identifier (a function passed as a
// value). A field is not followed.
func calledName(n ast.Node, f *ast.File) string {
	switch x := n.(type) {
	case *ast.CallExpr:
		sel, ok := x.Fun.(*ast.SelectorExpr)
		if !ok {
			return ""
		}
		if pkg, ok := sel.X.(*ast.Ident); ok && importedAs(f, pkg.Name) {
			return ""
		}
		if inner, ok := sel.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "box" {
			return ""
		}
		return sel.Sel.Name
	case *ast.Ident:
		return x.Name
	}
	return ""
}

func importedAs(f *ast.File, name string) bool {
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if (imp.Name != nil && imp.Name.Name == name) || (imp.Name == nil && path[strings.LastIndex(path, "/")+1:] == name) ||
			(imp.Name == nil && path == "math/rand/v2" && name == "rand") {
			return true
		}
	}
	return false
}

// nondeterministic says why a call or use in a write path would make two
// applications of one command differ, or "" when it would not.
func nondeterministic(n ast.Node, imports map[string]string) string {
	sel, ok := n.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	if pkg, ok := sel.X.(*ast.Ident); ok {
		switch path := imports[pkg.Name]; path {
		case "time":
			if sel.Sel.Name == "Now" || sel.Sel.Name == "Since" || sel.Sel.Name == "Until" || sel.Sel.Name == "After" || sel.Sel.Name == "Tick" {
				return "reads the clock (time." + sel.Sel.Name + "): use env.Now"
			}
		case "os":
			return "reaches outside the database (os." + sel.Sel.Name + ")"
		case "crypto/rand":
			return "draws randomness (crypto/rand." + sel.Sel.Name + "): use env.Random"
		case "math/rand", "math/rand/v2":
			switch sel.Sel.Name {
			case "New", "NewPCG", "NewChaCha8", "NewSource", "Rand", "PCG", "ChaCha8":
				return "" // a source seeded by the caller is deterministic
			}
			return "draws from the global random source (" + path + "." + sel.Sel.Name + "): use env.Random"
		}
		if pkg.Name == "s" && (sel.Sel.Name == "now" || sel.Sel.Name == "random") {
			return "reads the store's " + sel.Sel.Name + " (s." + sel.Sel.Name + "): use env"
		}
		if pkg.Name == "s" && sel.Sel.Name == "bootstrap" {
			return "asks authorized_keys (s.bootstrap): the command says it (Actor.Bootstrap, fixed by newCommand)"
		}
	}
	if inner, ok := sel.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "box" && sel.Sel.Name == "Seal" {
		return "seals with a nonce from crypto/rand (box.Seal): use box.SealFrom(env.Random, ...)"
	}
	return ""
}

// No write path reads the clock, randomness or a file directly: what a
// command's application depends on is in the command (its time, its seed)
// or in the database. A new s.now() or os.Stat in a write fails here.
func TestWritePathsReadOnlyTheCommand(t *testing.T) {
	reached, via, fset := writePathFuncs(t)
	var problems []string
	for fn, f := range reached {
		imports := map[string]string{}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			name := path[strings.LastIndex(path, "/")+1:]
			if path == "math/rand/v2" {
				name = "rand"
			}
			if imp.Name != nil {
				name = imp.Name.Name
			}
			imports[name] = path
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if why := nondeterministic(n, imports); why != "" {
				problems = append(problems, fset.Position(n.Pos()).String()+" in "+fn.Name.Name+" (called by "+via[fn]+"): "+why)
			}
			return true
		})
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	if len(reached) < 50 {
		t.Errorf("only %d functions reached from apply: the walk misses calls", len(reached))
	}
}

// The check finds what it is for.
func TestNondeterministicFindsTheClockAndRandomness(t *testing.T) {
	imports := map[string]string{"time": "time", "os": "os", "rand": "crypto/rand", "mrand": "math/rand/v2"}
	for src, want := range map[string]bool{
		"time.Now()": true, "os.Stat(p)": true, "rand.Read(b)": true, "mrand.IntN(3)": true, "s.now()": true,
		"s.box.Seal(p, c)": true, "mrand.NewChaCha8(seed)": false, "time.Duration(3)": false, "env.Now": false,
	} {
		expr, err := parser.ParseExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		ast.Inspect(expr, func(n ast.Node) bool {
			found = found || nondeterministic(n, imports) != ""
			return true
		})
		if found != want {
			t.Errorf("%s: flagged %v, want %v", src, found, want)
		}
	}
}
