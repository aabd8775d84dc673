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

// TestImportRules enforces the layering of the house style guide
// (../shared/docs/STYLE.md, "A layout that shows the architecture") and of
// README.md ("How it is built") with go list -deps.
//
// The pure packages are workflow, policy, vault, audit, auth, referral and
// placement. One
// exception, narrowed to what is true: auth's passkey ceremonies use
// github.com/go-webauthn/webauthn, whose packages import net/http (helpers
// that take an *http.Request, and the metadata service's client) and
// github.com/google/uuid, which imports database/sql/driver. auth itself
// calls none of that: it passes the browser's JSON as an io.Reader. So for
// auth the rule is checked on the import graph with go-webauthn's
// packages cut out: no other path may reach net/http or database/sql.
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
	// reaches reports whether p reaches dep (or a package under it) on the
	// import graph without passing through a package under one of cut.
	reaches := func(p, dep string, cut ...string) bool {
		seen := map[string]bool{}
		var walk func(string) bool
		walk = func(q string) bool {
			if seen[q] {
				return false
			}
			seen[q] = true
			if q == dep || strings.HasPrefix(q, dep+"/") {
				return true
			}
			for _, c := range cut {
				if strings.HasPrefix(q, c) {
					return false
				}
			}
			for _, imp := range pkgs[q].Imports {
				if walk(imp) {
					return true
				}
			}
			return false
		}
		return walk(p)
	}
	// webauthnOnly are the packages that reach net/http and database/sql
	// from auth, and only from auth (see above).
	webauthnOnly := []string{"github.com/go-webauthn/", "github.com/google/uuid"}
	pure := []string{"workflow", "policy", "vault", "audit", "auth", "referral", "placement"}
	for _, p := range pure {
		for _, bad := range []string{"database/sql", "net/http", internal("store"), internal("sqlstore"), internal("sqlite"), internal("postgres"), internal("app"), internal("server"), internal("web"), internal("api"), "github.com/jackc/pgx", "modernc.org/sqlite"} {
			switch {
			case p == "auth" && (bad == "database/sql" || bad == "net/http"):
				if reaches(internal(p), bad, webauthnOnly...) {
					t.Errorf("pure package auth reaches %s other than through go-webauthn", bad)
				}
			case has(internal(p), bad):
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
		for _, bad := range []string{"sqlite", "postgres", "workflow", "policy", "vault", "audit", "auth", "app", "server"} {
			if bad != engine && has(internal(engine), internal(bad)) {
				t.Errorf("store %s depends on %s", engine, bad)
			}
		}
	}
	for _, bad := range []string{"sqlstore", "sqlite", "postgres", "app", "workflow", "policy", "vault", "audit", "auth"} {
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
