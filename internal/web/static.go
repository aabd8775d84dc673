package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
)

//go:embed static
var staticFS embed.FS

// staticFiles are the stylesheet and the script, each with a version (a
// hash of its content) that its URL carries, so that a browser may keep a
// file for good and still gets a new one when it changes.
type staticFiles struct {
	files   map[string][]byte
	version map[string]string
}

var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
}

func loadStatic() (*staticFiles, error) {
	st := &staticFiles{files: map[string][]byte{}, version: map[string]string{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if _, ok := contentTypes[path.Ext(e.Name())]; !ok {
			return nil, fmt.Errorf("web: static file %s has no known content type", e.Name())
		}
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		st.files[e.Name()] = b
		st.version[e.Name()] = hex.EncodeToString(sum[:6])
	}
	return st, nil
}

// url is the template function static: the versioned URL of a file.
func (st *staticFiles) url(name string) (string, error) {
	v, ok := st.version[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return "/static/" + name + "?v=" + v, nil
}

// handleStatic serves the stylesheet and the script.
func (s *server) handleStatic() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		b, ok := s.static.files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", contentTypes[path.Ext(name)])
		if r.URL.Query().Get("v") == s.static.version[name] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Write(b)
	})
}
