package store

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven"
)

// SchemaReady is the answer of an engine's Ready to the schema version it
// read (or the error reading it): nil when the database answered at version
// want, the number of migrations embedded; EUNAVAILABLE otherwise.
func SchemaReady(op string, version, want int, err error) error {
	if err != nil {
		return &haven.Error{Code: haven.EUNAVAILABLE, Op: op, Message: "the database does not answer", Err: err}
	}
	if version != want {
		return haven.Errorf(haven.EUNAVAILABLE, op, "the database schema is at version %d, this build needs %d: run haven migrate", version, want)
	}
	return nil
}

// Migration is one numbered schema change of an engine, embedded in the
// binary. Both engines have the same list of names (a test checks it); only
// the SQL differs.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// LoadMigrations reads the files migrations/NNNN_name.sql of fsys, in
// order. Versions must run 1, 2, 3 ... without gaps.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %q: name must start with a number and an underscore", base)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(base, ".sql"), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %q: versions must run 1, 2, 3 ... without gaps", m.Name)
		}
	}
	return out, nil
}

// MustLoadMigrations is LoadMigrations for an embedded file system, where a
// bad name is a build defect.
func MustLoadMigrations(fsys fs.FS) []Migration {
	ms, err := LoadMigrations(fsys)
	if err != nil {
		panic(err)
	}
	return ms
}

// TimeLayout is how both engines store an instant: fixed-width UTC text
// with nanoseconds, so that text order is time order and an instant reads
// back exactly as written (PostgreSQL's timestamptz keeps microseconds).
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// FormatTime formats t in TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime parses an instant in TimeLayout. Every row read parses
// several, so the layout's fixed width is read directly; anything that is
// not a well-formed instant of it is left to time.Parse, for its error.
func ParseTime(s string) (time.Time, error) {
	if t, ok := parseFixedTime(s); ok {
		return t, nil
	}
	return time.Parse(TimeLayout, s)
}

// parseFixedTime reads s in TimeLayout: ok is false for anything time.Parse
// would not read as the same instant.
func parseFixedTime(s string) (time.Time, bool) {
	if len(s) != len(TimeLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[29] != 'Z' {
		return time.Time{}, false
	}
	ok := true
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				ok = false
				return 0
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec, nsec := num(11, 13), num(14, 16), num(17, 19), num(20, 29)
	if !ok || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // the 31st of a month of 30 days, the 29th of February of a common year
		return time.Time{}, false
	}
	return t, true
}
