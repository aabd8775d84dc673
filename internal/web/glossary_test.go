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

// glossaryTables returns the body rows of each table of docs/GLOSSARY.md,
// in order, each row split into its trimmed cells: a table is a run of
// lines that begin with "| ", its first line the header and its second the
// separator.
func glossaryTables(t *testing.T) [][][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "GLOSSARY.md"))
	if err != nil {
		t.Fatal(err)
	}
	var tables [][][]string
	line := 0 // the line's place in its table, 0 outside a table
	for _, text := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(text, "| ") {
			line = 0
			continue
		}
		if line++; line == 1 {
			tables = append(tables, nil)
		}
		if line <= 2 {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(text), "|"), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		tables[len(tables)-1] = append(tables[len(tables)-1], cells)
	}
	return tables
}

// glossaryList splits a cell into its ;-separated entries.
func glossaryList(cell string) []string {
	var out []string
	for _, s := range strings.Split(cell, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// readGlossary parses the first table of docs/GLOSSARY.md, one concept a row.
func readGlossary(t *testing.T) []glossaryEntry {
	t.Helper()
	tables := glossaryTables(t)
	if len(tables) == 0 {
		t.Fatal("the glossary has no table")
	}
	var entries []glossaryEntry
	for _, cells := range tables[0] {
		if len(cells) != 6 {
			t.Fatalf("a row of the glossary has %d cells, want 6: %q", len(cells), cells)
		}
		entries = append(entries, glossaryEntry{concept: cells[0], en: glossaryList(cells[1]), fr: glossaryList(cells[2]),
			notEN: glossaryList(cells[3]), notFR: glossaryList(cells[4]), except: glossaryList(cells[5])})
	}
	if len(entries) < 10 {
		t.Fatalf("the glossary has %d entries", len(entries))
	}
	return entries
}

// glossaryPair is one row of the glossary's table of terms matched
// message by message: where the English text contains stem, the French
// text of the same message uses one of fr and none of notFR.
type glossaryPair struct {
	stem      string
	fr, notFR []string
}

// readGlossaryPairs parses the second table of docs/GLOSSARY.md.
func readGlossaryPairs(t *testing.T) []glossaryPair {
	t.Helper()
	tables := glossaryTables(t)
	if len(tables) < 2 {
		t.Fatal("the glossary has no table of terms matched message by message")
	}
	var pairs []glossaryPair
	for _, cells := range tables[1] {
		if len(cells) != 3 {
			t.Fatalf("a row of the glossary's second table has %d cells, want 3: %q", len(cells), cells)
		}
		p := glossaryPair{stem: strings.ToLower(cells[0]), fr: glossaryList(strings.ToLower(cells[1])), notFR: glossaryList(strings.ToLower(cells[2]))}
		if p.stem == "" || len(p.fr) == 0 || len(p.notFR) == 0 {
			t.Fatalf("a row of the glossary's second table is incomplete: %q", cells)
		}
		pairs = append(pairs, p)
	}
	if len(pairs) < 2 {
		t.Fatalf("the glossary's second table has %d rows", len(pairs))
	}
	return pairs
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

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestGlossaryByMessage: where a message's English names a concept of the
// glossary's second table, its French names the same concept with the
// table's term and never with a word that belongs to another concept, so
// that « admissibilité » (eligibility) cannot come back for admissibility to
// Canada (« interdiction de territoire »).
func TestGlossaryByMessage(t *testing.T) {
	pairs := readGlossaryPairs(t)
	keys := make([]string, 0, len(web.MessagesEN))
	for k := range web.MessagesEN {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	checked := make(map[string]int)
	for _, k := range keys {
		en, fr := strings.ToLower(web.MessagesEN[k]), strings.ToLower(web.MessagesFR[k])
		for i, p := range pairs {
			if !strings.Contains(en, p.stem) {
				continue
			}
			checked[p.stem]++
			if !containsAny(fr, p.fr) {
				t.Errorf("%s: the English says %q, the French does not use %q: %q", k, p.stem, p.fr, web.MessagesFR[k])
			}
			// The terms of the other concepts this English names are
			// masked, so that their words do not count as variants.
			masked := fr
			for j, o := range pairs {
				if j != i && strings.Contains(en, o.stem) {
					for _, term := range o.fr {
						masked = strings.ReplaceAll(masked, term, " ")
					}
				}
			}
			for _, v := range p.notFR {
				if strings.Contains(masked, v) {
					t.Errorf("%s: the English says %q, the French uses %q, which names another concept: %q", k, p.stem, v, web.MessagesFR[k])
				}
			}
		}
	}
	for _, p := range pairs {
		if checked[p.stem] == 0 {
			t.Errorf("no English message contains %q", p.stem)
		}
	}
}

// TestGlossaryDistinct: two concepts never share a term, in either
// language, in either table of the glossary; and no term of the second
// table is one of its own forbidden variants.
func TestGlossaryDistinct(t *testing.T) {
	overlap := func(a, b []string) (string, string, bool) {
		for _, x := range a {
			for _, y := range b {
				x, y := strings.ToLower(x), strings.ToLower(y)
				if strings.Contains(x, y) || strings.Contains(y, x) {
					return x, y, true
				}
			}
		}
		return "", "", false
	}
	entries := readGlossary(t)
	for i, a := range entries {
		for _, b := range entries[i+1:] {
			if x, y, ok := overlap(a.en, b.en); ok {
				t.Errorf("%q and %q share an English term: %q, %q", a.concept, b.concept, x, y)
			}
			if x, y, ok := overlap(a.fr, b.fr); ok {
				t.Errorf("%q and %q share a French term: %q, %q", a.concept, b.concept, x, y)
			}
		}
	}
	pairs := readGlossaryPairs(t)
	for i, a := range pairs {
		if x, y, ok := overlap(a.fr, a.notFR); ok {
			t.Errorf("%q: the French term %q is its own forbidden variant %q", a.stem, x, y)
		}
		for _, b := range pairs[i+1:] {
			if x, y, ok := overlap(a.fr, b.fr); ok {
				t.Errorf("%q and %q share a French term: %q, %q", a.stem, b.stem, x, y)
			}
		}
	}
}
