package referral

import (
	"bytes"
	"encoding"
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
)

// The CSV format: one row per member of a family, with a header row
// naming the columns (any order). The column KeyColumn holds a key of the
// file's own that groups a family's rows; the referral's own columns are
// read from its first row, and a later row leaves them empty or repeats
// them. Lists are separated by ";" (countries and languages also by ","
// or spaces). Yes/no cells take yes, no, true, false, y, n, 1 or 0. A
// threat event can only be given in JSON.

// KeyColumn is the CSV column that groups a family's rows.
const KeyColumn = "referral"

// Column is one column of the CSV format.
type Column struct {
	// Name heads the column: the field's JSON name, without "profile.".
	Name string
	// Field is the field as the app names it: "profile.work_areas",
	// "sex" (of a member).
	Field string
	// Member is true for a member's column.
	Member bool
	cell   cellKind
}

type cellKind int

const (
	cellText  cellKind = iota
	cellList           // separated by ";"
	cellUpper          // a country code
	cellCodes          // country codes, separated by ";", "," or spaces
	cellLangs          // language codes, as cellCodes, in lower case
	cellYesNo          // required
	cellNoByDefault
)

// Columns are the CSV format's columns but KeyColumn, the referral's then a
// member's: every field of Referral and Member but the threat events.
var Columns = []Column{
	{Name: "unhcr_number", Field: "unhcr_number"},
	{Name: "nomination_id", Field: "nomination_id"},
	{Name: "submission_priority", Field: "submission_priority"},
	{Name: "processing_priority", Field: "processing_priority"},
	{Name: "primary_category", Field: "primary_category"},
	{Name: "secondary_category", Field: "secondary_category"},
	{Name: "category_justification", Field: "category_justification"},
	{Name: "grounds", Field: "grounds", cell: cellList},
	{Name: "social_groups", Field: "social_groups", cell: cellList},
	{Name: "nationality_countries", Field: "nationality_countries", cell: cellCodes},
	{Name: "asylum_country", Field: "asylum_country", cell: cellUpper},
	{Name: "persecution_account", Field: "persecution_account"},
	{Name: "work_areas", Field: "profile.work_areas", cell: cellList},
	{Name: "organisations", Field: "profile.organisations", cell: cellList},
	{Name: "declared_size", Field: "declared_size"},
	{Name: "relationship", Field: "relationship", Member: true},
	{Name: "accompanying", Field: "accompanying", Member: true, cell: cellYesNo},
	{Name: "family_name", Field: "family_name", Member: true},
	{Name: "given_names", Field: "given_names", Member: true},
	{Name: "date_of_birth", Field: "date_of_birth", Member: true},
	{Name: "sex", Field: "sex", Member: true},
	{Name: "nationalities", Field: "nationalities", Member: true, cell: cellCodes},
	{Name: "languages", Field: "languages", Member: true, cell: cellLangs},
	{Name: "contact", Field: "contact", Member: true},
	{Name: "whereabouts", Field: "whereabouts", Member: true},
	{Name: "confidential_notes", Field: "confidential_notes", Member: true},
	// The dependent adult child exception: blank is no.
	{Name: "adult_dependent", Field: "adult_dependent", Member: true, cell: cellNoByDefault},
}

// fieldByPath is the field of v (a struct) at a path of JSON names.
func fieldByPath(v reflect.Value, path string) reflect.Value {
	for name := range strings.SplitSeq(path, ".") {
		v = v.FieldByIndex(jsonFields(v.Type())[name].Index)
	}
	return v
}

func column(name string) (Column, bool) {
	i := slices.IndexFunc(Columns, func(c Column) bool { return c.Name == name })
	if i < 0 {
		return Column{}, false
	}
	return Columns[i], true
}

// split is a cell's list.
func split(s string, c cellKind) []string {
	sep := func(r rune) bool { return r == ';' }
	if c == cellCodes || c == cellLangs {
		sep = func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }
	}
	var out []string
	for _, e := range strings.FieldsFunc(s, sep) {
		if e = strings.TrimSpace(e); e == "" {
			continue
		}
		switch c {
		case cellCodes:
			e = strings.ToUpper(e)
		case cellLangs:
			e = strings.ToLower(e)
		}
		out = append(out, e)
	}
	return out
}

// set sets dst, a field of Referral or Member, from a cell, and returns
// the problem of a cell that does not fit, with its message.
func set(dst reflect.Value, s string, c cellKind) (Kind, string) {
	switch c {
	case cellYesNo, cellNoByDefault:
		switch strings.ToLower(s) {
		case "yes", "true", "y", "1":
			dst.SetBool(true)
		case "no", "false", "n", "0":
		case "":
			if c == cellYesNo {
				return WantYesNo, "write yes or no"
			}
		default:
			return WantYesNo, "write yes or no"
		}
		return "", ""
	case cellUpper:
		s = strings.ToUpper(s)
	}
	if s == "" {
		return "", ""
	}
	unmarshal := func(v reflect.Value, s string) (Kind, string) {
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			if v.Type() == dateType {
				return BadDate, haven.ErrorMessageOf(err)
			}
			return BadValue, haven.ErrorMessageOf(err)
		}
		return "", ""
	}
	switch t := dst.Type(); {
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		return unmarshal(dst, s)
	case t.Kind() == reflect.String:
		dst.SetString(s)
	case t.Kind() == reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return WantNumber, "expected a whole number"
		}
		dst.SetInt(int64(n))
	case t.Kind() == reflect.Slice:
		list := split(s, c)
		out := reflect.MakeSlice(t, len(list), len(list))
		for i, e := range list {
			if reflect.PointerTo(t.Elem()).Implements(textUnmarshaler) {
				if k, msg := unmarshal(out.Index(i), e); k != "" {
					return k, msg
				}
			} else {
				out.Index(i).SetString(e)
			}
		}
		dst.Set(out)
	}
	return "", ""
}

// DecodeCSV reads a CSV file of referrals (see Columns).
func DecodeCSV(data []byte) *Decoded {
	d := &Decoded{}
	fileProblem := func(line int, k Kind, msg string, args ...int) {
		d.Problems = append(d.Problems, Problem{Referral: -1, Line: line, Kind: k, Message: msg, Args: args})
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		fileProblem(1, Empty, "the file has no header row")
		return d
	} else if err != nil {
		line := 1
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.Line
		}
		fileProblem(line, Syntax, "the file is not valid CSV")
		return d
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		_, known := column(h)
		switch _, dup := col[h]; {
		case dup:
			fileProblem(1, ColumnTwice, "a column is named twice", i+1)
		case h != KeyColumn && !known:
			fileProblem(1, UnknownColumn, "a column is not part of the format", i+1)
		default:
			col[h] = i
		}
	}
	if _, ok := col[KeyColumn]; !ok {
		fileProblem(1, NoKeyColumn, "the file has no column "+KeyColumn)
	}
	if len(d.Problems) > 0 {
		return d
	}
	type family struct {
		first map[string]string
		rows  [][]string
		ref   Ref
	}
	var order []string
	families := map[string]*family{}
	cellOf := func(rec []string, name string) string {
		if i, ok := col[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			d.Refs = nil
			fileProblem(line, Syntax, "the file is not valid CSV")
			return d
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			fileProblem(line, CellCount, "a row has a number of cells other than the header's", len(rec), len(header))
			continue
		}
		if !slices.ContainsFunc(rec, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue // a blank line
		}
		key := cellOf(rec, KeyColumn)
		if key == "" {
			d.Problems = append(d.Problems, Problem{Referral: -1, Line: line, Field: KeyColumn, Kind: KeyRequired, Message: "give the referral's key"})
			continue
		}
		fam, ok := families[key]
		if !ok {
			fam = &family{first: map[string]string{}, ref: Ref{Name: key, Line: line}}
			for _, c := range Columns {
				if !c.Member {
					fam.first[c.Name] = cellOf(rec, c.Name)
				}
			}
			families[key] = fam
			order = append(order, key)
		} else {
			for _, c := range Columns {
				if v := cellOf(rec, c.Name); !c.Member && v != "" && v != fam.first[c.Name] {
					d.Problems = append(d.Problems, Problem{Referral: -1, Line: line, Field: c.Field, Kind: Differs,
						Message: "this differs from the referral's first row", Args: []int{fam.ref.Line}})
				}
			}
		}
		fam.rows = append(fam.rows, rec)
		fam.ref.Members = append(fam.ref.Members, line)
	}
	if len(order) == 0 && len(d.Problems) == 0 {
		fileProblem(2, NoRows, "the file holds no referral")
	}
	list := make([]Referral, len(order))
	for i, key := range order {
		fam := families[key]
		r := &list[i]
		rv := reflect.ValueOf(r).Elem()
		for _, c := range Columns {
			if c.Member {
				continue
			}
			if k, msg := set(fieldByPath(rv, c.Field), fam.first[c.Name], c.cell); k != "" {
				d.Problems = append(d.Problems, Problem{Referral: i, Line: fam.ref.Line, Field: c.Field, Kind: k, Message: msg})
			}
		}
		if fam.first["declared_size"] == "" {
			r.DeclaredSize = len(fam.rows)
		}
		r.Members = make([]Member, len(fam.rows))
		for k, rec := range fam.rows {
			mv := reflect.ValueOf(&r.Members[k]).Elem()
			for _, c := range Columns {
				if !c.Member {
					continue
				}
				if kind, msg := set(fieldByPath(mv, c.Field), cellOf(rec, c.Name), c.cell); kind != "" {
					d.Problems = append(d.Problems, Problem{Referral: i, Line: fam.ref.Members[k],
						Field: "members[" + strconv.Itoa(k) + "]." + c.Field, Kind: kind, Message: msg})
				}
			}
		}
		d.Refs = append(d.Refs, fam.ref)
	}
	d.Read = Cases(list)
	if len(d.Problems) == 0 {
		d.Cases = d.Read
	}
	return d
}
