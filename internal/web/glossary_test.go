package web_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/havenhrd/haven/internal/web"
)

// glossaryEntry is one row of docs/GLOSSARY.md.
type glossaryEntry struct {
	concept              string
	en, fr               []string
	notEN, notFR, except []string
}

// readGlossary parses the table of docs/GLOSSARY.md.
func readGlossary(t *testing.T) []glossaryEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "GLOSSARY.md"))
	if err != nil {
		t.Fatal(err)
	}
	list := func(cell string) []string {
		var out []string
		for _, s := range strings.Split(cell, ";") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	var entries []glossaryEntry
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Concept") || strings.HasPrefix(line, "| ---") {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "|"), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != 6 {
			t.Fatalf("a row of the glossary has %d cells, want 6: %q", len(cells), line)
		}
		entries = append(entries, glossaryEntry{concept: cells[0], en: list(cells[1]), fr: list(cells[2]),
			notEN: list(cells[3]), notFR: list(cells[4]), except: list(cells[5])})
	}
	if len(entries) < 10 {
		t.Fatalf("the glossary has %d entries", len(entries))
	}
	return entries
}

// variantsIn returns the forbidden variants that message uses, outside
// the longer terms the entry excepts.
func variantsIn(message string, forbidden, except []string) []string {
	m := strings.ToLower(message)
	for _, e := range except {
		m = strings.ReplaceAll(m, strings.ToLower(e), " ")
	}
	var found []string
	for _, v := range forbidden {
		if strings.Contains(m, strings.ToLower(v)) {
			found = append(found, v)
		}
	}
	return found
}

// TestGlossary: no message of either catalogue uses a variant that
// docs/GLOSSARY.md forbids, so that one concept has one name per language;
// and each entry's own term is used somewhere, so that the glossary names
// the words the pages actually use.
func TestGlossary(t *testing.T) {
	for _, e := range readGlossary(t) {
		for _, c := range []struct {
			lang      string
			messages  map[string]string
			terms     []string
			forbidden []string
		}{{"en", web.MessagesEN, e.en, e.notEN}, {"fr", web.MessagesFR, e.fr, e.notFR}} {
			keys := make([]string, 0, len(c.messages))
			for k := range c.messages {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			used := false
			for _, k := range keys {
				msg := c.messages[k]
				if v := variantsIn(msg, c.forbidden, e.except); len(v) > 0 {
					t.Errorf("%s %s uses %q for %q (the glossary's term is %q): %q", c.lang, k, v, e.concept, c.terms, msg)
				}
				for _, term := range c.terms {
					used = used || strings.Contains(strings.ToLower(msg), strings.ToLower(term))
				}
			}
			if !used {
				t.Errorf("no %s message uses %q, the glossary's term for %q", c.lang, c.terms, e.concept)
			}
		}
	}
}
