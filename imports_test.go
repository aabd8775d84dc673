package haven_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/havenhrd/haven"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
	GoFiles    []string
	Dir        string
}

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json", "./...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

func internal(name string) string { return module + "/internal/" + name }

// TestImportRules enforces the layering of STYLE.md with go list -deps.
func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	deps := func(p string) []string {
		got, ok := pkgs[p]
		if !ok {
			t.Fatalf("package %s not found", p)
		}
		return got.Deps
	}
	has := func(p, dep string) bool {
		for _, d := range deps(p) {
			if d == dep || strings.HasPrefix(d, dep+"/") {
				return true
			}
		}
		return false
	}
	// The domain imports the standard library only.
	for _, d := range deps(module) {
		if !pkgs[d].Standard {
			t.Errorf("the root package depends on %s: it may import the standard library only", d)
		}
	}
	pure := []string{"workflow", "policy", "vault"}
	for _, p := range pure {
		for _, bad := range []string{"database/sql", "net/http", internal("store"), internal("sqlstore"), internal("sqlite"), internal("postgres"), internal("app"), internal("server"), "github.com/jackc/pgx", "modernc.org/sqlite"} {
			if has(internal(p), bad) {
				t.Errorf("pure package %s depends on %s", p, bad)
			}
		}
		for _, q := range pure {
			if p != q && has(internal(p), internal(q)) {
				t.Errorf("pure package %s depends on pure package %s", p, q)
			}
		}
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		for _, bad := range []string{"sqlite", "postgres", "workflow", "policy", "vault", "app", "server"} {
			if bad != engine && has(internal(engine), internal(bad)) {
				t.Errorf("store %s depends on %s", engine, bad)
			}
		}
	}
	for _, bad := range []string{"sqlstore", "sqlite", "postgres", "app", "workflow", "policy", "vault"} {
		if has(internal("store"), internal(bad)) {
			t.Errorf("the store contract depends on %s", bad)
		}
	}
	// The shared SQL knows no engine's driver and no rule: the engines
	// construct it with their dialect.
	for _, bad := range []string{internal("sqlite"), internal("postgres"), internal("workflow"), internal("policy"), internal("vault"),
		internal("audit"), internal("auth"), internal("app"), internal("server"), internal("web"), internal("api"),
		"github.com/jackc/pgx", "modernc.org/sqlite"} {
		if has(internal("sqlstore"), bad) {
			t.Errorf("the shared SQL of sqlstore depends on %s", bad)
		}
	}
	for _, h := range []string{"server", "api", "web"} {
		if _, ok := pkgs[internal(h)]; !ok {
			continue // not built yet
		}
		for _, bad := range []string{internal("store"), internal("sqlstore"), internal("sqlite"), internal("postgres"), internal("app"), "database/sql"} {
			if has(internal(h), bad) {
				t.Errorf("the handlers of %s depend on %s: handlers talk to the domain's interfaces, never to the app's insides or a store", h, bad)
			}
		}
	}
	// Only cmd/ reads flags and the environment.
	for path, p := range pkgs {
		if !strings.HasPrefix(path, module) || strings.HasPrefix(path, module+"/cmd/") || path == internal("testdb") {
			continue
		}
		for _, imp := range p.Imports {
			if imp == "flag" {
				t.Errorf("%s imports flag: only cmd/ reads flags", path)
			}
		}
		for _, f := range p.GoFiles {
			fh, err := os.Open(filepath.Join(p.Dir, f))
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(fh)
			for sc.Scan() {
				if l := sc.Text(); strings.Contains(l, "os.Getenv") || strings.Contains(l, "os.LookupEnv") || strings.Contains(l, "os.Environ") {
					t.Errorf("%s/%s reads the environment: only cmd/ may", path, f)
				}
			}
			fh.Close()
		}
	}
}
