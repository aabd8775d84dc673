package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// scanner is a row to scan: one Row, or Rows at its current row.
type scanner interface{ Scan(dest ...any) error }

// decoder collects the first error met while converting scanned columns.
type decoder struct{ err error }

func (d *decoder) time(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	v, err := store.ParseTime(s)
	if err != nil && d.err == nil {
		d.err = err
	}
	return v
}

func (d *decoder) nullTime(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	return d.time(s.String)
}

// date returns the calendar date v holds; NULL is the zero date.
func (d *decoder) date(v dateCol) haven.Date {
	if v.err != nil && d.err == nil {
		d.err = v.err
	}
	return v.date
}

func (d *decoder) json(b []byte, v any) {
	if err := json.Unmarshal(b, v); err != nil && d.err == nil {
		d.err = err
	}
}

// strings decodes a JSON array of strings (the code lists: nationalities,
// languages, countries). The arrays the store writes (jsonText of codes)
// are read without the JSON decoder; anything else, escapes included, is
// left to it.
func (d *decoder) strings(b []byte, v *[]string) {
	if out, ok := codeArray(b); ok {
		*v = out
		return
	}
	d.json(b, v)
}

// codeArray reads b as a JSON array of strings with no escape, no control
// character and no space but after a comma; ok is false for anything else.
func codeArray(b []byte) (out []string, ok bool) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	body := b[1 : len(b)-1]
	out = []string{}
	for len(body) > 0 {
		if body[0] != '"' {
			return nil, false
		}
		i := 1
		for i < len(body) && body[i] != '"' {
			if c := body[i]; c == '\\' || c < 0x20 {
				return nil, false
			}
			i++
		}
		if i == len(body) {
			return nil, false
		}
		out = append(out, string(body[1:i]))
		body = body[i+1:]
		if len(body) == 0 {
			break
		}
		if body[0] != ',' {
			return nil, false
		}
		body = body[1:]
		if len(body) > 0 && body[0] == ' ' {
			body = body[1:]
		}
		if len(body) == 0 {
			return nil, false
		}
	}
	return out, true
}

func (d *decoder) done(op string) error {
	if d.err != nil {
		return haven.Internal(op, d.err)
	}
	return nil
}

// dateCol scans a calendar date column: text (YYYY-MM-DD) on SQLite, a date
// (time.Time) on PostgreSQL; NULL and the empty text are the zero date. A
// value that is no calendar date (PostgreSQL's infinity) is kept as an error
// for the decoder, so that the row fails rather than the date going zero.
type dateCol struct {
	date haven.Date
	err  error
}

// Scan implements sql.Scanner, which both drivers honour.
func (c *dateCol) Scan(src any) error {
	*c = dateCol{}
	switch v := src.(type) {
	case nil:
	case time.Time:
		c.date = haven.DateOf(v)
	case string:
		c.date, c.err = parseDate(v)
	case []byte:
		c.date, c.err = parseDate(string(v))
	default:
		c.err = fmt.Errorf("a date column holds a %T", src)
	}
	return nil
}

func parseDate(s string) (haven.Date, error) {
	if s == "" {
		return haven.Date{}, nil
	}
	if d, ok := fixedDate(s); ok {
		return d, nil
	}
	return haven.ParseDate(s)
}

// fixedDate reads a stored date (YYYY-MM-DD) without time.Parse, which a
// list pays for several times a row; ok is false for anything that is not
// a valid calendar date so written, which haven.ParseDate then answers.
func fixedDate(s string) (haven.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return haven.Date{}, false
	}
	n := 0
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		if c := s[i]; c < '0' || c > '9' {
			return haven.Date{}, false
		}
	}
	num := func(from, to int) int {
		n = 0
		for i := from; i < to; i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return haven.Date{}, false
	}
	if t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC); t.Day() != day {
		return haven.Date{}, false
	}
	return haven.Date{Year: year, Month: time.Month(month), Day: day}, true
}

// jsonText encodes v for a JSON column (text on SQLite, jsonb on
// PostgreSQL: pgx sends a string as JSON text).
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only slices and maps of strings and ints are passed
	}
	return string(b)
}

func strs(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func nullStr(id haven.ID) sql.NullString {
	return sql.NullString{String: string(id), Valid: id != ""}
}

func nullTimeArg(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: fmtTime(t), Valid: true}
}

func fmtTime(t time.Time) string { return store.FormatTime(t) }

func idStrings(ids []haven.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// nullDate is the argument of a nullable date column: NULL for the zero
// date on both engines, so that an unset deadline sorts and indexes apart.
func (t *Tx) nullDate(d haven.Date) any {
	if d.IsZero() {
		return nil
	}
	return t.d.date(d)
}
